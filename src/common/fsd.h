/* RFC 23 Flux Standard Duration, parsed as flux-core's libutil/fsd.c does. */
#ifndef FP_COMMON_FSD_H
#define FP_COMMON_FSD_H

#include <stddef.h>

/* 0 and *d in seconds, or -1 with errno EINVAL. */
int fsd_parse_duration(const char *s, double *d);
/* Format as flux does ("20s", "1.5m", "inf"); returns buf or NULL. */
char *fsd_format_duration(char *buf, size_t len, double d);

#endif
