/* The one error setter of the project: a message formatted into the
 * caller's buffer (char *err, size_t errsz: the convention of src/common's
 * parsers and readers). A NULL buffer or size 0 takes nothing. */
#ifndef FP_COMMON_ERRBUF_H
#define FP_COMMON_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

void errbuf_set(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void errbuf_vset(char *err, size_t errsz, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
