/* libFuzzer: FSD parse; accepted durations are >= 0 and not NaN, and what
 * fsd_format_duration prints parses back to (nearly) the same value. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = strndup((const char *)data, size);
    char buf[64];
    double d, back;

    if (!s)
        return 0;
    errno = 0;
    if (fsd_parse_duration(s, &d) < 0) {
        assert(errno == EINVAL);
        free(s);
        return 0;
    }
    assert(!isnan(d) && d >= 0);
    assert(fsd_format_duration(buf, sizeof(buf), d) == buf);
    assert(fsd_parse_duration(buf, &back) == 0);
    if (isinf(d))
        assert(isinf(back));
    else
        assert(fabs(back - d) <= 1e-5 * d);
    free(s);
    return 0;
}
