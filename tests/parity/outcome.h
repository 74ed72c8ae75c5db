/* The outcome of one decode, as text both sides print the same way, so that
 * the reference (flux-core's libraries, ref.c) and the gate (gate.c) are
 * compared with one strcmp:
 *
 *   hostlist  "ok nhosts=N names=K a b c enc=ENCODED" or "error EINVAL"
 *   idset     "ok count=N ids=ENCODED"                or "error ERANGE"
 *
 * Names are escaped (\xHH for blanks, '\' and anything not printable ASCII)
 * so that a name holding a comma or a space is still one word.  Included by
 * ref.c and gate.c, which are compiled separately. */
#ifndef PARITY_OUTCOME_H
#define PARITY_OUTCOME_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct outcome {
    char *s;
    size_t len, alloc;
};

static inline void out_put(struct outcome *o, const char *p, size_t n)
{
    if (o->len + n + 1 > o->alloc) {
        size_t a = o->alloc ? o->alloc : 256;
        while (o->len + n + 1 > a)
            a *= 2;
        char *t = realloc(o->s, a);
        if (!t)
            abort();
        o->s = t;
        o->alloc = a;
    }
    memcpy(o->s + o->len, p, n);
    o->len += n;
    o->s[o->len] = '\0';
}

static inline void out_printf(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void out_printf(struct outcome *o, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    out_put(o, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* s escaped: printable ASCII but ' ' and '\' as is, the rest as \xHH. */
static inline void out_escaped(struct outcome *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p > ' ' && *p < 0x7f && *p != '\\')
            out_put(o, (const char *)p, 1);
        else
            out_printf(o, "\\x%02x", *p);
    }
}

/* The names of a hostlist: all of them when there are few; else the first
 * and last 1024 and an FNV-1a hash of every one (in order), which keeps a
 * 2^20-host range cheap to compare. */
#define NAMES_SHOWN 2048

struct names {
    struct outcome shown;
    size_t n, total;
    unsigned long long hash;
};

static inline void names_init(struct names *nm, size_t total)
{
    memset(nm, 0, sizeof(*nm));
    nm->total = total;
    nm->hash = 1469598103934665603ULL;
    out_put(&nm->shown, "", 0);
}

static inline void out_escaped(struct outcome *o, const char *s);

static inline void names_add(struct names *nm, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name;; p++) {
        nm->hash = (nm->hash ^ *p) * 1099511628211ULL;
        if (!*p)
            break;
    }
    if (nm->total <= NAMES_SHOWN || nm->n < NAMES_SHOWN / 2 || nm->n >= nm->total - NAMES_SHOWN / 2) {
        out_put(&nm->shown, " ", 1);
        out_escaped(&nm->shown, name);
    } else if (nm->n == NAMES_SHOWN / 2) {
        out_put(&nm->shown, " ...", 4);
    }
    nm->n++;
}

/* A long encoded form as its length and hash, a short one escaped. */
static inline void out_long(struct outcome *o, const char *s)
{
    size_t len = strlen(s);
    unsigned long long h = 1469598103934665603ULL;

    if (len <= 8192) {
        out_escaped(o, s);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    out_printf(o, "(%zu bytes, hash %016llx)", len, h);
}

/* A decoded hostlist's outcome, "ok nhosts=N names=K hash=H name... enc=E",
 * from its host count, the names walked and its encoded form (enc and the
 * names are freed; both sides print through this). */
static inline char *out_hostlist(int nhosts, struct names *nm, char *enc)
{
    struct outcome o = { 0 };

    if (!enc)
        abort();
    out_printf(&o, "ok nhosts=%d names=%zu hash=%016llx", nhosts, nm->n, nm->hash);
    out_put(&o, nm->shown.s, nm->shown.len);
    out_put(&o, " enc=", 5);
    out_long(&o, enc);
    free(enc);
    free(nm->shown.s);
    return o.s;
}

static inline const char *errno_class(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case ERANGE: return "ERANGE";
    case ENOMEM: return "ENOMEM";
    case E2BIG: return "E2BIG";
    case EOVERFLOW: return "EOVERFLOW";
    case EFAULT: return "EFAULT";
    case 0: return "errno-0";
    default: return "errno-other";
    }
}

static inline char *out_error(int e)
{
    struct outcome o = { 0 };

    out_printf(&o, "error %s", errno_class(e));
    return o.s;
}

#endif
