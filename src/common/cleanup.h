/* Scope-bound cleanup, systemd style: `_cleanup_free_ char *s = NULL;` */
#ifndef FP_COMMON_CLEANUP_H
#define FP_COMMON_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <jansson.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
    free(*(void **)p);
}
static inline void closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
static inline void fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
/* json_decrefp() comes with jansson >= 2.9 */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Hand ownership out of a cleanup variable: `return TAKE_PTR(p);` */
#define TAKE_PTR(p)                    \
    ({                                 \
        __typeof__(p) _tp_ = (p);      \
        (p) = NULL;                    \
        _tp_;                          \
    })
#define TAKE_FD(fd)                    \
    ({                                 \
        int _tf_ = (fd);               \
        (fd) = -1;                     \
        _tf_;                          \
    })

#endif
