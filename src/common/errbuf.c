/* The one error setter (errbuf.h). */
#include <stdio.h>

#include "common/errbuf.h"

void errbuf_vset(char *err, size_t errsz, const char *fmt, va_list ap)
{
    if (err && errsz > 0)
        vsnprintf(err, errsz, fmt, ap);
}

void errbuf_set(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    errbuf_vset(err, errsz, fmt, ap);
    va_end(ap);
}
