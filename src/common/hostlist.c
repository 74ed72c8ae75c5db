/* Hostlists with flux-core's libhostlist semantics (FLUX-FACTS §5.2).
 *
 * flux-core materialises hosts as an array of "hostranges" (prefix, lo, hi,
 * width) and, for "pfx[...]sfx", one single-host range per host.  We keep the
 * same ranges but store a suffixed bracket compactly as one range of kind
 * HR_SUFFIXED, so that "x[0-1048575]-ib" costs O(1) memory; every place where
 * flux would see one single-host range per host (joining, encoding) treats a
 * suffixed range as that many literal names. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/hostlist.h"

#define HOSTLIST_MAX_RANGE (1UL << 20) /* hosts in one lo-hi element */
#define HOSTLIST_MAX_RANGES 10240      /* elements in one bracket group */
#define HOSTLIST_SEPARATORS "\t, "

enum hostrange_kind {
    HR_NAME,     /* one literal name, no numeric part ("foo", "a1b") */
    HR_NUMBERED, /* prefix + lo..hi, each number zero-padded to width */
    HR_SUFFIXED, /* prefix + lo..hi + suffix; each host is a literal name to flux */
};

struct hostrange {
    enum hostrange_kind kind;
    char *prefix; /* the whole name for HR_NAME */
    char *suffix; /* HR_SUFFIXED only */
    size_t prefix_len;
    size_t suffix_len;
    unsigned long lo, hi;
    int width;
    size_t first; /* index of this range's first host in the list */
};

struct hostlist {
    struct hostrange *ranges;
    size_t nranges;
    size_t alloc;
};

static size_t hostrange_count(const struct hostrange *hr)
{
    return hr->kind == HR_NAME ? 1 : (size_t)(hr->hi - hr->lo) + 1;
}

static void hostrange_free(struct hostrange *hr)
{
    free(hr->prefix);
    free(hr->suffix);
}

static void set_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    if (!err || errsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

struct hostlist *hostlist_create(void)
{
    return calloc(1, sizeof(struct hostlist));
}

void hostlist_destroy(struct hostlist *hl)
{
    if (!hl)
        return;
    for (size_t i = 0; i < hl->nranges; i++)
        hostrange_free(&hl->ranges[i]);
    free(hl->ranges);
    free(hl);
}

static int hostlist_reserve(struct hostlist *hl, size_t extra)
{
    size_t want, alloc;
    struct hostrange *r;

    if (extra > SIZE_MAX / sizeof(*r) - hl->nranges)
        return -ENOMEM;
    want = hl->nranges + extra;
    if (want <= hl->alloc)
        return 0;
    alloc = hl->alloc ? hl->alloc : 8;
    while (alloc < want)
        alloc = alloc > SIZE_MAX / 2 / sizeof(*r) ? want : alloc * 2;
    r = realloc(hl->ranges, alloc * sizeof(*r));
    if (!r)
        return -ENOMEM;
    hl->ranges = r;
    hl->alloc = alloc;
    return 0;
}

/* Zero padding that printing num in width adds (flux's zero_padded()). */
static int zero_padded(unsigned long num, int width)
{
    int n = 1;

    while (num /= 10UL)
        n++;
    return width > n ? width - n : 0;
}

/* flux's _width_equiv(): can n (width *wn) and m (width *wm) share one width
 * without changing how either prints?  If so, adjust the one whose width
 * does not matter.  "x9" + "x10" combine (x[9-11]); "foo9" + "foo010" don't. */
static bool width_equiv(unsigned long n, int *wn, unsigned long m, int *wm)
{
    int npad, nmpad, mpad, mnpad;

    if (*wn == *wm)
        return true;
    npad = zero_padded(n, *wn);
    nmpad = zero_padded(n, *wm);
    mpad = zero_padded(m, *wm);
    mnpad = zero_padded(m, *wn);
    if (npad != nmpad && mpad != mnpad)
        return false;
    if (npad != nmpad)
        *wm = *wn;
    else
        *wn = *wm;
    return true;
}

/* Append hr (ownership moves to hl), joining it onto the tail as flux's
 * hostlist_push_range() does: same prefix, consecutive numbers, compatible
 * width.  Capacity must have been reserved, so this cannot fail. */
static void hostlist_push_reserved(struct hostlist *hl, struct hostrange *hr)
{
    struct hostrange *tail = hl->nranges ? &hl->ranges[hl->nranges - 1] : NULL;

    if (tail && tail->kind == HR_NUMBERED && hr->kind == HR_NUMBERED && hr->lo > 0
        && tail->hi == hr->lo - 1 && strcmp(tail->prefix, hr->prefix) == 0
        && width_equiv(tail->lo, &tail->width, hr->lo, &hr->width)) {
        tail->hi = hr->hi;
        hostrange_free(hr);
        return;
    }
    hr->first = tail ? tail->first + hostrange_count(tail) : 0;
    hl->ranges[hl->nranges++] = *hr;
}

static int hostlist_push(struct hostlist *hl, struct hostrange *hr)
{
    int r = hostlist_reserve(hl, 1);

    if (r < 0) {
        hostrange_free(hr);
        return r;
    }
    hostlist_push_reserved(hl, hr);
    return 0;
}

/* The unsigned decimal s[0..len), digits only (flux uses strtoul; we refuse
 * the signs and blanks strtoul would skip, which no sane hostlist contains).
 * Only len bytes are read: in "foo13" from "foo[1]3" the number is "1". */
static int parse_number(const char *s, size_t len, unsigned long *num)
{
    unsigned long v = 0;

    if (len == 0 || len > INT_MAX)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (!isdigit((unsigned char)s[i]))
            return -EINVAL;
        if (v > (ULONG_MAX - d) / 10)
            return -ERANGE;
        v = v * 10 + d;
    }
    *num = v;
    return 0;
}

/* A literal name becomes prefix + number when it ends in digits, as flux's
 * hostname_create() splits it; that is what lets "x9,x10" encode as x[9-10]. */
static int hostrange_from_name(const char *name, struct hostrange *hr)
{
    size_t len = strlen(name), idx = len;
    unsigned long num;

    *hr = (struct hostrange){ .kind = HR_NAME };
    while (idx > 0 && isdigit((unsigned char)name[idx - 1]))
        idx--;
    /* a number too large for unsigned long leaves the name literal */
    if (idx < len && parse_number(name + idx, len - idx, &num) == 0) {
        hr->kind = HR_NUMBERED;
        hr->lo = hr->hi = num;
        hr->width = (int)(len - idx);
        len = idx;
    }
    hr->prefix = strndup(name, len);
    if (!hr->prefix)
        return -ENOMEM;
    hr->prefix_len = len;
    return 0;
}

int hostlist_append_host(struct hostlist *hl, const char *host)
{
    struct hostrange hr;
    int r;

    if (!hl || !host || !*host) {
        errno = EINVAL;
        return -1;
    }
    r = hostrange_from_name(host, &hr);
    if (r == 0)
        r = hostlist_push(hl, &hr);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

/* flux's next_tok(): the next word between separators, except that a word
 * with an unclosed '[' extends past separators to the first following ']',
 * so "foo[1,3]" is one word.  Separators after the word are overwritten. */
static char *next_word(char **str)
{
    char *tok, *end, *q;

    *str += strspn(*str, HOSTLIST_SEPARATORS);
    if (**str == '\0')
        return NULL;
    tok = *str;
    end = tok + strcspn(tok, HOSTLIST_SEPARATORS);
    if (memchr(tok, '[', (size_t)(end - tok)) && !memchr(tok, ']', (size_t)(end - tok))) {
        q = strchr(end, ']');
        if (q && !memchr(end, '[', (size_t)(q - end)))
            end = q + 1 + strcspn(q + 1, HOSTLIST_SEPARATORS);
    }
    *str = end;
    while (**str != '\0' && strchr(HOSTLIST_SEPARATORS, **str))
        *(*str)++ = '\0';
    return tok;
}

/* One "lo" or "lo-hi" element of a bracket group; width is the length of the
 * text of lo, as in flux (so "[1-010]" is unpadded and "[00-2]" is 00,01,02). */
static int parse_element(const char *el, const char *word, unsigned long *lo, unsigned long *hi,
                         int *width, char *err, size_t errsz)
{
    const char *dash = strchr(el, '-');
    size_t lolen = dash ? (size_t)(dash - el) : strlen(el);
    int r;

    r = parse_number(el, lolen, lo);
    if (r == 0)
        r = dash ? parse_number(dash + 1, strlen(dash + 1), hi) : (*hi = *lo, 0);
    if (r == -ERANGE) {
        set_err(err, errsz, "number in '%s' is too large in '%s'", el, word);
        return r;
    }
    if (r < 0 && *el == '\0') {
        set_err(err, errsz, "empty range in '%s'", word);
        return r;
    }
    if (r < 0) {
        set_err(err, errsz, "invalid range '%s' in '%s'", el, word);
        return r;
    }
    if (*lo > *hi) {
        set_err(err, errsz, "range '%s' is descending in '%s'", el, word);
        return -EINVAL;
    }
    if (*hi - *lo >= HOSTLIST_MAX_RANGE) {
        set_err(err, errsz, "range '%s' has more than %lu hosts in '%s'", el, HOSTLIST_MAX_RANGE, word);
        return -ERANGE;
    }
    *width = (int)lolen;
    return 0;
}

/* "prefix[elements]suffix": only this first bracket group expands; whatever
 * follows its ']' (even "[3-4]") is a literal suffix, as in flux. */
static int decode_bracketed(struct hostlist *hl, char *word, char *open, char *err, size_t errsz)
{
    _cleanup_free_ char *prefix = NULL, *orig = NULL;
    char *close, *body, *el, *next;
    const char *suffix;
    size_t n = 0;

    if (memchr(word, ']', (size_t)(open - word))) {
        set_err(err, errsz, "unbalanced ']' in '%s'", word);
        return -EINVAL;
    }
    close = strchr(open + 1, ']');
    if (!close) {
        set_err(err, errsz, "unbalanced '[' in '%s'", word);
        return -EINVAL;
    }
    if (close == open + 1) {
        set_err(err, errsz, "empty brackets in '%s'", word);
        return -EINVAL;
    }
    prefix = strndup(word, (size_t)(open - word));
    orig = strdup(word); /* word is split in place below; errors quote it whole */
    if (!prefix || !orig)
        return -ENOMEM;
    suffix = close + 1;
    *close = '\0';
    body = open + 1;
    for (el = body; el; el = next) {
        struct hostrange hr = { .kind = *suffix ? HR_SUFFIXED : HR_NUMBERED };

        next = strchr(el, ',');
        if (next)
            *next++ = '\0';
        if (++n > HOSTLIST_MAX_RANGES) {
            set_err(err, errsz, "more than %d ranges in one bracket in '%.32s...'", HOSTLIST_MAX_RANGES, orig);
            return -ERANGE;
        }
        int r = parse_element(el, orig, &hr.lo, &hr.hi, &hr.width, err, errsz);
        if (r < 0)
            return r;
        hr.prefix = strdup(prefix);
        hr.prefix_len = strlen(prefix);
        if (hr.kind == HR_SUFFIXED) {
            hr.suffix = strdup(suffix);
            hr.suffix_len = strlen(suffix);
        }
        if (!hr.prefix || (hr.kind == HR_SUFFIXED && !hr.suffix)) {
            hostrange_free(&hr);
            return -ENOMEM;
        }
        r = hostlist_push(hl, &hr);
        if (r < 0)
            return r;
    }
    return 0;
}

static int decode_into(struct hostlist *hl, const char *s, char *err, size_t errsz)
{
    _cleanup_free_ char *copy = strdup(s);
    char *str = copy, *word;

    if (!copy)
        return -ENOMEM;
    while ((word = next_word(&str))) {
        char *open = strchr(word, '[');
        int r;

        if (open) {
            r = decode_bracketed(hl, word, open, err, errsz);
        } else if (strchr(word, ']')) {
            set_err(err, errsz, "unbalanced ']' in '%s'", word);
            r = -EINVAL;
        } else {
            struct hostrange hr;

            r = hostrange_from_name(word, &hr);
            if (r == 0)
                r = hostlist_push(hl, &hr);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

struct hostlist *hostlist_decode(const char *s, char *err, size_t errsz)
{
    struct hostlist *hl;
    int r;

    set_err(err, errsz, "%s", "");
    if (!s) {
        set_err(err, errsz, "no hostlist");
        errno = EINVAL;
        return NULL;
    }
    hl = hostlist_create();
    if (!hl) {
        set_err(err, errsz, "out of memory");
        return NULL;
    }
    r = decode_into(hl, s, err, errsz);
    if (r < 0) {
        if (r == -ENOMEM)
            set_err(err, errsz, "out of memory");
        hostlist_destroy(hl);
        errno = -r;
        return NULL;
    }
    return hl;
}

int hostlist_append(struct hostlist *hl, const char *s)
{
    struct hostlist *add;
    int r;

    if (!hl) {
        errno = EINVAL;
        return -1;
    }
    add = hostlist_decode(s, NULL, 0);
    if (!add)
        return -1;
    r = hostlist_reserve(hl, add->nranges);
    if (r < 0) {
        hostlist_destroy(add);
        errno = -r;
        return -1;
    }
    /* Ranges move (strings and all) into hl; joins happen at the seam just
     * as if the words had been decoded straight into hl. */
    for (size_t i = 0; i < add->nranges; i++)
        hostlist_push_reserved(hl, &add->ranges[i]);
    add->nranges = 0;
    hostlist_destroy(add);
    return 0;
}

size_t hostlist_count(const struct hostlist *hl)
{
    const struct hostrange *tail;

    if (!hl || hl->nranges == 0)
        return 0;
    tail = &hl->ranges[hl->nranges - 1];
    return tail->first + hostrange_count(tail);
}

static int hostrange_format(const struct hostrange *hr, unsigned long num, char *buf, size_t bufsz)
{
    int n;

    if (hr->kind == HR_NAME)
        n = snprintf(buf, bufsz, "%s", hr->prefix);
    else
        n = snprintf(buf, bufsz, "%s%0*lu%s", hr->prefix, hr->width, num, hr->suffix ? hr->suffix : "");
    if (n < 0 || (size_t)n >= bufsz)
        return -ERANGE;
    return 0;
}

int hostlist_nth(const struct hostlist *hl, size_t n, char *buf, size_t bufsz)
{
    size_t lo = 0, hi;
    const struct hostrange *hr;
    int r;

    if (!hl || !buf || n >= hostlist_count(hl)) {
        errno = ERANGE;
        return -1;
    }
    /* ranges[].first is ascending: binary search for the last range whose
     * first index is <= n. */
    hi = hl->nranges;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (hl->ranges[mid].first <= n)
            lo = mid;
        else
            hi = mid;
    }
    hr = &hl->ranges[lo];
    r = hostrange_format(hr, hr->lo + (unsigned long)(n - hr->first), buf, bufsz);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

static size_t decimal_digits(unsigned long num)
{
    size_t n = 1;

    while (num /= 10UL)
        n++;
    return n;
}

/* Is host exactly one of the names hr expands to?  Comparing against the
 * printed form makes the width rule of flux's hostrange_hn_within() fall out
 * naturally: "i00" is not "i0", and "f0010" is "f00" + "10". */
static bool hostrange_find(const struct hostrange *hr, const char *host, size_t hostlen, size_t *index)
{
    const char *digits;
    size_t ndigits, printed;
    unsigned long num;

    if (hr->kind == HR_NAME) {
        if (hostlen != hr->prefix_len || memcmp(host, hr->prefix, hostlen) != 0)
            return false;
        *index = hr->first;
        return true;
    }
    if (hostlen <= hr->prefix_len + hr->suffix_len || memcmp(host, hr->prefix, hr->prefix_len) != 0
        || memcmp(host + hostlen - hr->suffix_len, hr->suffix ? hr->suffix : "", hr->suffix_len) != 0)
        return false;
    digits = host + hr->prefix_len;
    ndigits = hostlen - hr->prefix_len - hr->suffix_len;
    if (parse_number(digits, ndigits, &num) < 0 || num < hr->lo || num > hr->hi)
        return false;
    printed = decimal_digits(num);
    if ((size_t)hr->width > printed)
        printed = (size_t)hr->width;
    if (ndigits != printed)
        return false;
    *index = hr->first + (size_t)(num - hr->lo);
    return true;
}

ssize_t hostlist_find(const struct hostlist *hl, const char *host)
{
    size_t hostlen, index;

    if (!hl || !host) {
        errno = EINVAL;
        return -1;
    }
    hostlen = strlen(host);
    for (size_t i = 0; i < hl->nranges; i++)
        if (hostrange_find(&hl->ranges[i], host, hostlen, &index))
            return (ssize_t)index;
    errno = ENOENT;
    return -1;
}

/* A growing string; a failed append latches, so callers check once at the end. */
struct strbuf {
    char *s;
    size_t len, alloc;
    bool failed;
};

static void strbuf_append(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void strbuf_append(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    if (sb->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(sb->s ? sb->s + sb->len : NULL, sb->alloc - sb->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            sb->failed = true;
            return;
        }
        if ((size_t)n < sb->alloc - sb->len) {
            sb->len += (size_t)n;
            return;
        }
        size_t alloc = sb->alloc ? sb->alloc : 64;
        while (alloc - sb->len <= (size_t)n) {
            if (alloc > SIZE_MAX / 2) {
                sb->failed = true;
                return;
            }
            alloc *= 2;
        }
        char *s = realloc(sb->s, alloc);
        if (!s) {
            sb->failed = true;
            return;
        }
        sb->s = s;
        sb->alloc = alloc;
    }
}

/* flux's hostrange_within_range(): two ranges share one bracket group when
 * both are numbered (not single literal names) and have the same prefix. */
static bool hostrange_same_group(const struct hostrange *a, const struct hostrange *b)
{
    return a->kind == HR_NUMBERED && b->kind == HR_NUMBERED && strcmp(a->prefix, b->prefix) == 0;
}

static void encode_numbers(struct strbuf *sb, const struct hostrange *hr)
{
    strbuf_append(sb, "%0*lu", hr->width, hr->lo);
    if (hr->hi > hr->lo)
        strbuf_append(sb, "-%0*lu", hr->width, hr->hi);
}

/* flux's hostlist_ranged_string(): runs of numbered ranges with one prefix
 * print as prefix[a-b,c,...]; a lone single-number range prints bare
 * ("foo1"); literal names, including every host of a suffixed bracket,
 * print one by one. */
char *hostlist_encode(const struct hostlist *hl)
{
    struct strbuf sb = { 0 };
    size_t i = 0;

    if (!hl) {
        errno = EINVAL;
        return NULL;
    }
    strbuf_append(&sb, "%s", "");
    while (i < hl->nranges && !sb.failed) {
        const struct hostrange *hr = &hl->ranges[i];

        if (i > 0)
            strbuf_append(&sb, ",");
        if (hr->kind == HR_NAME) {
            strbuf_append(&sb, "%s", hr->prefix);
            i++;
        } else if (hr->kind == HR_SUFFIXED) {
            for (unsigned long num = hr->lo;; num++) {
                strbuf_append(&sb, "%s%0*lu%s", hr->prefix, hr->width, num, hr->suffix);
                if (num == hr->hi || sb.failed)
                    break;
                strbuf_append(&sb, ",");
            }
            i++;
        } else {
            bool bracket = hr->hi > hr->lo
                           || (i + 1 < hl->nranges && hostrange_same_group(hr, &hl->ranges[i + 1]));

            strbuf_append(&sb, "%s%s", hr->prefix, bracket ? "[" : "");
            encode_numbers(&sb, hr);
            while (++i < hl->nranges && hostrange_same_group(&hl->ranges[i], hr)) {
                strbuf_append(&sb, ",");
                encode_numbers(&sb, &hl->ranges[i]);
            }
            if (bracket)
                strbuf_append(&sb, "]");
        }
    }
    if (sb.failed) {
        free(sb.s);
        errno = ENOMEM;
        return NULL;
    }
    return sb.s;
}
