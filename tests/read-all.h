/* read_all(): a whole stream into memory, binary-safe (NULs and invalid
 * UTF-8 kept), for the test decoders. NULL on error; *lenp the length. */
#ifndef FP_TESTS_READ_ALL_H
#define FP_TESTS_READ_ALL_H

#include <stdio.h>
#include <stdlib.h>

#include "common/cleanup.h"

static inline char *read_all(FILE *f, size_t *lenp)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, ncap);
            if (!p)
                return NULL;
            buf = p;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f))
        return NULL;
    *lenp = len;
    return TAKE_PTR(buf);
}

#endif
