/* RFC 23 Flux Standard Duration, as flux-core's libutil/fsd.c parses it.
 *
 * The number is plain strtod(), so this accepts what flux accepts even where
 * the RFC would not: "1e3", "0x10", leading blanks, and "" (which is 0).
 * Matching the broker matters more here than matching the RFC prose. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsd.h"

static const struct {
    const char *suffix;
    double mult;
} fsd_units[] = {
    { "ms", 1e-3 }, { "s", 1. }, { "m", 60. }, { "h", 3600. }, { "d", 86400. },
};

int fsd_parse_duration(const char *s, double *d)
{
    char *end;
    double v;

    if (!s || !d) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || isnan(v) || v < 0) {
        errno = EINVAL;
        return -1;
    }
    if (*end != '\0') {
        size_t i = 0;

        while (i < sizeof(fsd_units) / sizeof(fsd_units[0]) && strcmp(end, fsd_units[i].suffix) != 0)
            i++;
        /* "infs" is not a duration; plain "inf" is */
        if (i == sizeof(fsd_units) / sizeof(fsd_units[0]) || isinf(v)) {
            errno = EINVAL;
            return -1;
        }
        v *= fsd_units[i].mult;
    }
    *d = v;
    return 0;
}

char *fsd_format_duration(char *buf, size_t len, double d)
{
    int n;

    if (!buf || len == 0 || isnan(d) || d < 0) {
        errno = EINVAL;
        return NULL;
    }
    if (isinf(d))
        n = snprintf(buf, len, "inf");
    else if (d < 0.1)
        n = snprintf(buf, len, "%.6gms", d * 1000.);
    else if (d < 60.)
        n = snprintf(buf, len, "%.6gs", d);
    else if (d < 3600.)
        n = snprintf(buf, len, "%.6gm", d / 60.);
    else if (d < 86400.)
        n = snprintf(buf, len, "%.6gh", d / 3600.);
    else
        n = snprintf(buf, len, "%.6gd", d / 86400.);
    if (n < 0 || (size_t)n >= len) {
        errno = EOVERFLOW;
        return NULL;
    }
    return buf;
}
