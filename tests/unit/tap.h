/* Minimal TAP producer for unit tests: ok(), is(), is_int(), done_testing(). */
#ifndef FP_TESTS_TAP_H
#define FP_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n;
static int tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) {
        tap_failed++;
        printf("#   Failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is(got, want, ...)                                                          \
    do {                                                                            \
        const char *_g = (got), *_w = (want);                                       \
        if (!tap_ok(_g && _w ? strcmp(_g, _w) == 0 : _g == _w, __FILE__, __LINE__,  \
                    __VA_ARGS__))                                                   \
            printf("#   got:  '%s'\n#   want: '%s'\n", _g ? _g : "(null)",          \
                   _w ? _w : "(null)");                                             \
    } while (0)

#define is_int(got, want, ...)                                                      \
    do {                                                                            \
        long long _g = (long long)(got), _w = (long long)(want);                    \
        if (!tap_ok(_g == _w, __FILE__, __LINE__, __VA_ARGS__))                     \
            printf("#   got:  %lld\n#   want: %lld\n", _g, _w);                     \
    } while (0)

/* A test that cannot run here, and why (TAP "ok N # SKIP why"). */
#define skip(...) (printf("ok %d # SKIP ", ++tap_n), printf(__VA_ARGS__), printf("\n"))

#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static inline int done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
