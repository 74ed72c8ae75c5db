/* fsd: RFC 23 vectors and the strtod-inherited forms flux-core accepts. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/fsd.h"
#include "tap.h"

static void check_parse(const char *s, double want)
{
    double d = -1;
    int r = fsd_parse_duration(s, &d);

    if (isinf(want))
        ok(r == 0 && isinf(d) && d > 0, "'%s' = inf", s);
    else
        ok(r == 0 && fabs(d - want) <= 1e-9 * (want > 1 ? want : 1), "'%s' = %g (got %g)", s, want, d);
}

static void check_reject(const char *s)
{
    double d = 42;

    errno = 0;
    ok(fsd_parse_duration(s, &d) < 0 && errno == EINVAL && d == 42, "'%s' is rejected with EINVAL", s);
}

static void check_format(double d, const char *want)
{
    char buf[64];

    is(fsd_format_duration(buf, sizeof(buf), d), want, "format %g", d);
}

static void test_rfc_vectors(void)
{
    check_parse("2ms", 0.002);
    check_parse("0.1s", 0.1);
    check_parse("30", 30);
    check_parse("1.2h", 4320);
    check_parse("5m", 300);
    check_parse("0s", 0);
    check_parse("5d", 432000);
    check_parse("inf", INFINITY);
    check_parse("INF", INFINITY);
    check_parse("infinity", INFINITY);
    check_parse("Infinity", INFINITY);
}

/* What plain strtod lets through in flux-core, replicated on purpose. */
static void test_strtod_quirks(void)
{
    check_parse("1e3", 1000);
    check_parse("1e3ms", 1);
    check_parse("0x10", 16);
    check_parse("0x10s", 16);
    check_parse("  5m", 300);
    check_parse("\t2", 2);
    check_parse("", 0);
    check_parse("s", 0);
    check_parse(".5", 0.5);
    check_parse("5.", 5);
    check_parse("+3s", 3);
    check_parse("1.5d", 129600);
    check_parse("0.5ms", 0.0005);
}

static void test_reject(void)
{
    check_reject("-1");
    check_reject("-1s");
    check_reject("-inf");
    check_reject("nan");
    check_reject("NaN");
    check_reject("nans");
    check_reject("infs");
    check_reject("infinityd");
    check_reject("5 s");
    check_reject("5s ");
    check_reject("5S");
    check_reject("5M");
    check_reject("5H");
    check_reject("5D");
    check_reject("5MS");
    check_reject("5sec");
    check_reject("5us");
    check_reject("5y");
    check_reject("5ss");
    check_reject("abc");
    check_reject(" ");
    check_reject("1e999");
    check_reject(NULL);

    double d;
    errno = 0;
    ok(fsd_parse_duration("5", NULL) < 0 && errno == EINVAL, "NULL result pointer is EINVAL");
    ok(fsd_parse_duration("-0", &d) == 0 && d == 0, "'-0' is zero (strtod gives -0.0, not < 0)");
}

static void test_format(void)
{
    char buf[8];

    check_format(0, "0ms");
    check_format(0.002, "2ms");
    check_format(0.05, "50ms");
    check_format(0.1, "0.1s");
    check_format(20, "20s");
    check_format(59.5, "59.5s");
    check_format(60, "1m");
    check_format(90, "1.5m");
    check_format(3600, "1h");
    check_format(4320, "1.2h");
    check_format(86400, "1d");
    check_format(432000, "5d");
    check_format(1.0 / 3, "0.333333s");
    check_format(INFINITY, "inf");

    errno = 0;
    ok(fsd_format_duration(buf, sizeof(buf), -1) == NULL && errno == EINVAL, "format -1 fails");
    ok(fsd_format_duration(buf, sizeof(buf), NAN) == NULL && errno == EINVAL, "format NaN fails");
    ok(fsd_format_duration(buf, 3, 20) == NULL && errno == EOVERFLOW, "format into a short buffer fails");
    ok(fsd_format_duration(buf, 4, 20) != NULL, "'20s' fits in 4 bytes");

    /* what we print parses back to (nearly) the same value */
    const double values[] = { 0.0005, 0.25, 7, 61, 7200, 90000, 1e9 };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char s[64];
        double d = -1;
        ok(fsd_format_duration(s, sizeof(s), values[i]) && fsd_parse_duration(s, &d) == 0
               && fabs(d - values[i]) <= 1e-5 * values[i],
           "format %g -> '%s' parses back", values[i], s);
    }
}

int main(void)
{
    test_rfc_vectors();
    test_strtod_quirks();
    test_reject();
    test_format();
    return done_testing();
}
