/* Hostlists exactly as flux-core 0.88.0's libhostlist decodes and iterates
 * them (src/common/libhostlist/hostlist.c, hostrange.c, hostname.c).
 *
 * The broker's readers (conf_bootstrap.c, librlist) call hostlist_decode()
 * and then walk the list with hostlist_first()/hostlist_next(); what they
 * see is the contract here, quirks included, because the rank of every host
 * depends on it:
 *
 * - Words are cut by next_tok(): separators "\t, ", except while a '[' is
 *   open; a ']' with no '[' makes the depth negative and separators are then
 *   part of the word ("a]b[1]" is the host "a]b1").
 * - Numbers are read with strtoul(): blanks and a sign are skipped ("[+1]" is
 *   01, width 2), text after a range's low bound is ignored when a high bound
 *   follows ("[1x-3]"), "[1-]" is 1, a number too large for unsigned long is
 *   ULONG_MAX, and the element's width is the length of its low-bound text.
 * - A range may hold at most 2^20 hosts (ERANGE), computed as hi - lo + 1 in
 *   unsigned long, so 0-ULONG_MAX (count 0) passes; at most 10240 elements
 *   per bracket (EINVAL: errno left from the last good element).
 * - A bare name is cut to 1023 bytes; one whose trailing digits overflow
 *   unsigned long is dropped without an error.
 * - With a suffix after ']', each host is a literal name printed into a
 *   buffer sized from the FIRST element's width (so later, wider elements
 *   are cut); a suffixed element ending at ULONG_MAX never finishes (its
 *   loop counter wraps): EOVERFLOW here.
 * - Iteration prints each name into a 271-byte buffer: longer numbered names
 *   are cut to 270 bytes; a literal name or prefix of 271 bytes or more ends
 *   the iteration, as does a range whose low end passed its high end (two
 *   ranges joined across ULONG_MAX), or a range index past the host count
 *   (which a count-0 range makes possible).
 *
 * Ranges are kept as flux keeps them (prefix, lo, hi, width), except that a
 * suffixed element is one compact range instead of one range per host, so
 * "x[0-1048575]-ib" costs O(1) memory; it stands for that many of flux's
 * single-host ranges wherever flux would see them (range indexes, encoding).
 * The iteration (hostlist_count(), hostlist_nth()) is worked out per range,
 * never per host. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/errbuf.h"
#include "common/hostlist.h"

#define HOSTLIST_MAX_RANGE (1UL << 20) /* hosts in one lo-hi element */
#define HOSTLIST_MAX_RANGES 10240      /* elements in one bracket group */
#define HOSTLIST_SEPARATORS "\t, "
#define HOSTLIST_WORD_MAX 1023 /* flux's cur_tok[1024]: a bare name is cut to this */
#define HOSTLIST_NAME_MAX 270  /* hostrange_host_tostring(): _POSIX_HOST_NAME_MAX + 16 bytes */

enum hostrange_kind {
    HR_SINGLE,   /* one literal name (flux: singlehost), in prefix */
    HR_NUMBERED, /* prefix + lo..hi, each number zero-padded to width */
    HR_SUFFIXED, /* prefix + lo..hi + suffix: to flux, one single-host range per number */
};

struct hostrange {
    enum hostrange_kind kind;
    char *prefix;
    char *suffix; /* HR_SUFFIXED */
    size_t prefix_len;
    size_t suffix_len;
    unsigned long lo, hi;
    int width;
    size_t name_max; /* HR_SUFFIXED: flux cuts each name to this many bytes */
    size_t fidx;     /* index of this range (its first host, if suffixed) in flux's array */
    /* iteration, worked out by iter_update() */
    size_t first; /* index of its first name in the iteration */
    size_t nexp;  /* names the iteration takes from it */
    bool ended;   /* the iteration has ended by the end of this range */
};

struct hostlist {
    struct hostrange *ranges;
    size_t nranges;
    size_t alloc;
    unsigned long nhosts; /* flux's hostlist_count() */
    size_t iter_done;     /* ranges [0, iter_done) have first, nexp, ended */
    size_t index_stop;    /* the range where it ended for want of hosts, or SIZE_MAX */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The decimal digits at p, at most max of them: *v gets their value, and
 * the return is whether it fits unsigned long (*v is then meaningless);
 * *stop is where the digits end. */
static bool read_decimal(const char *p, size_t max, const char **stop, unsigned long *v)
{
    bool fits = true;

    for (*v = 0; max > 0 && is_digit(*p); p++, max--) {
        unsigned long d = (unsigned long)(*p - '0');
        if (*v > (ULONG_MAX - d) / 10)
            fits = false;
        else
            *v = *v * 10 + d;
    }
    *stop = p;
    return fits;
}

/* strtoul(s, &end, 10) in the C locale, as glibc does it: leading blanks,
 * an optional sign, digits; a '-' negates in unsigned arithmetic; too many
 * digits give ULONG_MAX.  *end is s when there are no digits. */
static unsigned long c_strtoul(const char *s, const char **end)
{
    const char *p = s;
    bool neg = false;
    unsigned long v;

    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!is_digit(*p)) {
        *end = s;
        return 0;
    }
    if (!read_decimal(p, SIZE_MAX, end, &v))
        return ULONG_MAX;
    return neg ? -v : v;
}

static unsigned long hostrange_count(const struct hostrange *hr)
{
    return hr->kind == HR_SINGLE ? 1 : hr->hi - hr->lo + 1;
}

/* How many of flux's ranges this one stands for. */
static size_t hostrange_nflux(const struct hostrange *hr)
{
    return hr->kind == HR_SUFFIXED ? (size_t)(hr->hi - hr->lo) + 1 : 1;
}

static void hostrange_free(struct hostrange *hr)
{
    free(hr->prefix);
    free(hr->suffix);
}

struct hostlist *hostlist_create(void)
{
    struct hostlist *hl = calloc(1, sizeof(struct hostlist));

    if (hl)
        hl->index_stop = SIZE_MAX;
    return hl;
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

/* flux's width_equiv(), side effects included: can n (width *wn) and m
 * (width *wm) share one width without changing how either prints?  If so,
 * the width that does not matter takes the other's value.  "x9" + "x10"
 * combine (x[9-10]); "foo9" + "foo010" don't. */
static bool width_equiv(unsigned long n, int *wn, unsigned long m, int *wm)
{
    int npad = zero_padded(n, *wn), nmpad = zero_padded(n, *wm);
    int mpad = zero_padded(m, *wm), mnpad = zero_padded(m, *wn);

    if (npad != nmpad && mpad != mnpad)
        return false;
    if (npad != nmpad)
        *wm = *wn;
    else
        *wn = *wm;
    return true;
}

/* The iteration must be worked out again from range k on. */
static void iter_invalidate(struct hostlist *hl, size_t k)
{
    if (hl->iter_done > k)
        hl->iter_done = k;
}

/* Append hr (ownership moves to hl) as flux's hostlist_append_range() does:
 * onto the tail when both are numbered with the same prefix, the tail ends
 * just before hr begins (in unsigned long: ULONG_MAX is just before 0) and
 * the widths agree; flux adds hr's own count to the host count either way.
 * Capacity must have been reserved, so this cannot fail. */
static void hostlist_push_reserved(struct hostlist *hl, struct hostrange *hr)
{
    struct hostrange *tail = hl->nranges ? &hl->ranges[hl->nranges - 1] : NULL;

    hl->nhosts += hostrange_count(hr);
    /* more hosts may let an iteration that ran out of them go on */
    if (hl->index_stop != SIZE_MAX) {
        iter_invalidate(hl, hl->index_stop);
        hl->index_stop = SIZE_MAX;
    }
    if (tail && tail->kind == HR_NUMBERED && hr->kind == HR_NUMBERED
        && tail->prefix_len == hr->prefix_len && memcmp(tail->prefix, hr->prefix, hr->prefix_len) == 0
        && tail->hi == hr->lo - 1 && width_equiv(tail->lo, &tail->width, hr->lo, &hr->width)) {
        tail->hi = hr->hi;
        hostrange_free(hr);
        iter_invalidate(hl, hl->nranges - 1);
        return;
    }
    hr->fidx = tail ? tail->fidx + hostrange_nflux(tail) : 0;
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

/* Digits of num in decimal. */
static size_t decimal_digits(unsigned long num)
{
    size_t n = 1;

    while (num /= 10UL)
        n++;
    return n;
}

/* Length of the name for num in a suffixed range, as flux's buffer cuts it. */
static size_t suffixed_len(const struct hostrange *hr, unsigned long num)
{
    size_t digits = decimal_digits(num), w = (size_t)hr->width > digits ? (size_t)hr->width : digits;
    size_t len = hr->prefix_len + w + hr->suffix_len;

    return len < hr->name_max ? len : hr->name_max;
}

/* How many names flux's hostlist_first()/hostlist_next() take from hr, and
 * whether the iteration ends there (*ends) for want of hosts (*by_index). */
static size_t iter_names(const struct hostlist *hl, const struct hostrange *hr, bool *ends,
                         bool *by_index)
{
    unsigned long left;

    *ends = *by_index = false;
    /* hostlist_current(): a range index past nhosts - 1 ends it */
    if (hl->nhosts == 0 || hr->fidx > hl->nhosts - 1) {
        *ends = *by_index = true;
        return 0;
    }
    left = hl->nhosts - hr->fidx; /* flux range indexes still below nhosts */
    switch (hr->kind) {
    case HR_SINGLE:
        /* hostrange_host_tostring() fails on a name its buffer can't hold */
        *ends = hr->prefix_len > HOSTLIST_NAME_MAX;
        return *ends ? 0 : 1;
    case HR_NUMBERED: {
        if (hr->prefix_len > HOSTLIST_NAME_MAX || hr->lo > hr->hi) {
            *ends = true;
            return 0;
        }
        /* hostlist_next() compares the depth with (int)hostrange_count() - 1;
         * a count of 0 (the range 0-ULONG_MAX) still gives its first host */
        int n = (int)(unsigned int)(hr->hi - hr->lo + 1);
        return n >= 1 ? (size_t)n : 1;
    }
    case HR_SUFFIXED: {
        size_t total = hostrange_nflux(hr), take = total;
        /* names reach 271 bytes once the number is wide enough */
        if (hr->name_max > HOSTLIST_NAME_MAX) {
            size_t room = HOSTLIST_NAME_MAX - (hr->prefix_len + hr->suffix_len < HOSTLIST_NAME_MAX
                                                    ? hr->prefix_len + hr->suffix_len
                                                    : HOSTLIST_NAME_MAX);
            if (suffixed_len(hr, hr->lo) > HOSTLIST_NAME_MAX) {
                take = 0;
            } else if (suffixed_len(hr, hr->hi) > HOSTLIST_NAME_MAX) {
                unsigned long bad = 1; /* the first number with room + 1 digits */
                for (size_t d = 0; d < room; d++)
                    bad *= 10;
                take = (size_t)(bad - hr->lo);
            }
        }
        if (left < take) {
            *by_index = true;
            take = left;
        }
        *ends = take < total;
        return take;
    }
    }
    return 0;
}

/* Work out first/nexp of every range not yet done. */
static void iter_update(struct hostlist *hl)
{
    size_t k = hl->iter_done;
    size_t next = k ? hl->ranges[k - 1].first + hl->ranges[k - 1].nexp : 0;
    bool ended = k ? hl->ranges[k - 1].ended : false;

    if (hl->index_stop >= k)
        hl->index_stop = SIZE_MAX;
    for (; k < hl->nranges; k++) {
        struct hostrange *hr = &hl->ranges[k];
        bool ends = false, by_index = false;

        hr->first = next;
        hr->nexp = ended ? 0 : iter_names(hl, hr, &ends, &by_index);
        next += hr->nexp;
        if (!ended && ends) {
            ended = true;
            if (by_index)
                hl->index_stop = k;
        }
        hr->ended = ended;
    }
    hl->iter_done = k;
}

bool hostlist_name_dropped(const char *host)
{
    size_t len = strlen(host), idx = len;
    const char *end;
    unsigned long num;

    while (idx > 0 && is_digit(host[idx - 1]))
        idx--;
    return !read_decimal(host + idx, len - idx, &end, &num);
}

/* A bare name, as flux's hostlist_append_host(): trailing digits make it
 * prefix + number (so "x9,x10" encode as x[9-10]); digits too many for
 * unsigned long make hostname_create() fail, and flux drops the name
 * without an error (returns 1 then). */
static int hostrange_from_name(const char *name, size_t len, struct hostrange *hr)
{
    size_t idx = len;
    const char *end;
    unsigned long num = 0;
    bool numbered;

    *hr = (struct hostrange){ .kind = HR_SINGLE };
    while (idx > 0 && is_digit(name[idx - 1]))
        idx--;
    numbered = idx < len;
    if (numbered) {
        if (!read_decimal(name + idx, len - idx, &end, &num))
            return 1;
        hr->kind = HR_NUMBERED;
        hr->lo = hr->hi = num;
        hr->width = (int)(len - idx);
        len = idx;
    }
    if (!(hr->prefix = strndup(name, len)))
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
    r = hostrange_from_name(host, strlen(host), &hr);
    if (r == 0)
        r = hostlist_push(hl, &hr);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    iter_update(hl);
    return 0;
}

/* flux's next_tok(): the next word, NUL-terminated in place, or NULL. */
static char *next_word(char **str)
{
    char *tok;
    int level = 0;

    while (**str != '\0' && strchr(HOSTLIST_SEPARATORS, **str))
        (*str)++;
    if (**str == '\0')
        return NULL;
    tok = *str;
    while (**str != '\0' && (level != 0 || !strchr(HOSTLIST_SEPARATORS, **str))) {
        if (**str == '[')
            level++;
        else if (**str == ']')
            level--;
        (*str)++;
    }
    while (**str != '\0' && strchr(HOSTLIST_SEPARATORS, **str))
        *(*str)++ = '\0';
    return tok;
}

struct element {
    unsigned long lo, hi;
    int width;
};

/* One bracket element, as flux's parse_next_range(); el is split in place. */
static int parse_element(char *el, struct element *e, const char *word, char *err, size_t errsz)
{
    char *dash = strchr(el, '-');
    const char *hitext = NULL, *end;

    if (dash) {
        *dash = '\0';
        hitext = dash + 1;
        if (*hitext == '-') {
            errbuf_set(err, errsz, "negative number in range '%s-%s' in '%s'", el, hitext, word);
            return -EINVAL;
        }
    }
    e->lo = c_strtoul(el, &end);
    if (end == el) {
        errbuf_set(err, errsz, "no number in range '%s%s%s' in '%s'", el, dash ? "-" : "",
                hitext ? hitext : "", word);
        return -EINVAL;
    }
    if (hitext && *hitext) {
        e->hi = c_strtoul(hitext, &end);
        if (end == hitext) {
            errbuf_set(err, errsz, "no number after '-' in range '%s-%s' in '%s'", el, hitext, word);
            return -EINVAL;
        }
    } else {
        e->hi = e->lo;
    }
    if (*end != '\0') {
        errbuf_set(err, errsz, "trailing '%s' in range '%s%s%s' in '%s'", end, el, dash ? "-" : "",
                hitext ? hitext : "", word);
        return -EINVAL;
    }
    if (e->lo > e->hi) {
        errbuf_set(err, errsz, "range '%s-%s' is descending in '%s'", el, hitext, word);
        return -EINVAL;
    }
    if (e->hi - e->lo + 1 > HOSTLIST_MAX_RANGE) {
        errbuf_set(err, errsz, "range '%s-%s' has more than %lu hosts in '%s'", el, hitext,
                HOSTLIST_MAX_RANGE, word);
        return -ERANGE;
    }
    e->width = (int)strlen(el);
    return 0;
}

/* "prefix[elements]suffix", as flux's hostlist_create_bracketed(): only the
 * first bracket group expands, everything after its ']' is a literal
 * suffix.  All elements are read before any host is added. */
static int decode_bracketed(struct hostlist *hl, char *word, char *open, char *err, size_t errsz)
{
    _cleanup_free_ char *orig = strdup(word); /* word is split in place; errors quote it */
    _cleanup_free_ struct element *els = NULL;
    char *close, *el, *next;
    const char *prefix = word, *suffix;
    size_t n = 0, alloc = 0, prefix_len;

    if (!orig)
        return -ENOMEM;
    *open = '\0';
    prefix_len = (size_t)(open - word);
    close = strchr(open + 1, ']');
    if (!close) {
        errbuf_set(err, errsz, "unbalanced '[' in '%s'", orig);
        return -EINVAL;
    }
    *close = '\0';
    suffix = close + 1;
    for (el = open + 1; el; el = next) {
        if (n == HOSTLIST_MAX_RANGES) {
            errbuf_set(err, errsz, "more than %d ranges in one bracket in '%.32s...'", HOSTLIST_MAX_RANGES,
                    orig);
            return -EINVAL;
        }
        if (n == alloc) {
            size_t a = alloc ? alloc * 2 : 8;
            struct element *t = realloc(els, a * sizeof(*els));
            if (!t)
                return -ENOMEM;
            els = t;
            alloc = a;
        }
        if ((next = strchr(el, ',')))
            *next++ = '\0';
        int r = parse_element(el, &els[n++], orig, err, errsz);
        if (r < 0)
            return r;
    }
    int r = hostlist_reserve(hl, n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        struct hostrange hr = {
            .kind = *suffix ? HR_SUFFIXED : HR_NUMBERED,
            .lo = els[i].lo,
            .hi = els[i].hi,
            .width = els[i].width,
            .prefix_len = prefix_len,
        };
        if (*suffix) {
            if (els[i].hi == ULONG_MAX) {
                errbuf_set(err, errsz,
                        "'%s': a range that ends at %lu followed by a suffix: flux-core's "
                        "libhostlist never finishes expanding it",
                        orig, ULONG_MAX);
                return -EOVERFLOW;
            }
            hr.suffix_len = strlen(suffix);
            hr.name_max = prefix_len + hr.suffix_len + 20 + (size_t)els[0].width - 1;
            if (!(hr.suffix = strdup(suffix)))
                return -ENOMEM;
        }
        if (!(hr.prefix = strndup(prefix, prefix_len))) {
            hostrange_free(&hr);
            return -ENOMEM;
        }
        hostlist_push_reserved(hl, &hr);
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
        int r = 0;

        if (open) {
            r = decode_bracketed(hl, word, open, err, errsz);
        } else if (strchr(word, ']')) {
            errbuf_set(err, errsz, "unbalanced ']' in '%s'", word);
            r = -EINVAL;
        } else {
            struct hostrange hr;
            size_t len = strlen(word);

            r = hostrange_from_name(word, len < HOSTLIST_WORD_MAX ? len : HOSTLIST_WORD_MAX, &hr);
            if (r == 0)
                r = hostlist_push(hl, &hr);
            else if (r > 0)
                r = 0;
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

    errbuf_set(err, errsz, "%s", "");
    if (!s) {
        errbuf_set(err, errsz, "no hostlist");
        errno = EINVAL;
        return NULL;
    }
    hl = hostlist_create();
    if (!hl) {
        errbuf_set(err, errsz, "out of memory");
        return NULL;
    }
    r = decode_into(hl, s, err, errsz);
    if (r < 0) {
        if (r == -ENOMEM)
            errbuf_set(err, errsz, "out of memory");
        hostlist_destroy(hl);
        errno = -r;
        return NULL;
    }
    iter_update(hl);
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
    /* flux's hostrange_copy() refuses a range joined across ULONG_MAX (lo >
     * hi) and hostlist_append_range() leaves a NULL in its array, which the
     * next hostlist_encode() dereferences */
    for (size_t i = 0; i < add->nranges; i++) {
        if (add->ranges[i].kind == HR_NUMBERED && add->ranges[i].lo > add->ranges[i].hi) {
            hostlist_destroy(add);
            errno = EFAULT;
            return -1;
        }
    }
    r = hostlist_reserve(hl, add->nranges);
    if (r < 0) {
        hostlist_destroy(add);
        errno = -r;
        return -1;
    }
    /* Ranges move (strings and all) into hl, joined at the seam as flux's
     * hostlist_append_list() joins them. */
    for (size_t i = 0; i < add->nranges; i++)
        hostlist_push_reserved(hl, &add->ranges[i]);
    add->nranges = 0;
    hostlist_destroy(add);
    iter_update(hl);
    return 0;
}

size_t hostlist_count(const struct hostlist *hl)
{
    const struct hostrange *tail;

    if (!hl || hl->nranges == 0)
        return 0;
    tail = &hl->ranges[hl->nranges - 1];
    return tail->first + tail->nexp;
}

unsigned long hostlist_nhosts(const struct hostlist *hl)
{
    return hl ? hl->nhosts : 0;
}

/* Write num zero-padded to width into dst (room bytes, no NUL), cut as
 * snprintf() would cut it; returns the bytes written.  A width of millions
 * of zeros costs only what fits. */
static size_t put_padded(char *dst, size_t room, int width, unsigned long num)
{
    char digits[24];
    size_t nd = (size_t)snprintf(digits, sizeof(digits), "%lu", num), pad = 0, n = 0;

    if (width > 0 && (size_t)width > nd)
        pad = (size_t)width - nd;
    for (; n < room && n < pad; n++)
        dst[n] = '0';
    for (size_t i = 0; n < room && i < nd; i++)
        dst[n++] = digits[i];
    return n;
}

static size_t put_str(char *dst, size_t room, const char *s, size_t len)
{
    size_t n = len < room ? len : room;

    memcpy(dst, s, n);
    return n;
}

/* The name of number num of hr as the iteration prints it (at most
 * HOSTLIST_NAME_MAX bytes); -ERANGE if it does not fit in bufsz. */
static int hostrange_format(const struct hostrange *hr, unsigned long num, char *buf, size_t bufsz)
{
    char name[HOSTLIST_NAME_MAX + 1];
    size_t room = HOSTLIST_NAME_MAX, len = 0;

    if (hr->kind == HR_SUFFIXED && hr->name_max < room)
        room = hr->name_max;
    len += put_str(name + len, room - len, hr->prefix, hr->prefix_len);
    if (hr->kind != HR_SINGLE)
        len += put_padded(name + len, room - len, hr->width, num);
    if (hr->kind == HR_SUFFIXED)
        len += put_str(name + len, room - len, hr->suffix, hr->suffix_len);
    if (len >= bufsz)
        return -ERANGE;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return 0;
}

/* The range holding name n of the iteration (n < hostlist_count()). */
static const struct hostrange *range_of(const struct hostlist *hl, size_t n)
{
    size_t lo = 0, hi = hl->nranges;

    /* ranges[].first is non-decreasing: the last range with first <= n and
     * a name to give */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (hl->ranges[mid].first <= n)
            lo = mid;
        else
            hi = mid;
    }
    while (hl->ranges[lo].nexp == 0 || n - hl->ranges[lo].first >= hl->ranges[lo].nexp)
        lo--;
    return &hl->ranges[lo];
}

int hostlist_nth(const struct hostlist *hl, size_t n, char *buf, size_t bufsz)
{
    const struct hostrange *hr;
    int r;

    if (!hl || !buf || n >= hostlist_count(hl)) {
        errno = ERANGE;
        return -1;
    }
    hr = range_of(hl, n);
    r = hostrange_format(hr, hr->lo + (unsigned long)(n - hr->first), buf, bufsz);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

/* Index of the first name of hr equal to host, if any. */
static bool hostrange_find(const struct hostrange *hr, const char *host, size_t hostlen, size_t *index)
{
    char name[HOSTLIST_NAME_MAX + 1];
    const char *digits, *end;
    size_t ndigits, printed, fixed;
    unsigned long num;

    if (hr->nexp == 0 || hostlen > HOSTLIST_NAME_MAX)
        return false;
    if (hr->kind == HR_SINGLE) {
        if (hostlen != hr->prefix_len || memcmp(host, hr->prefix, hostlen) != 0)
            return false;
        *index = hr->first;
        return true;
    }
    /* Names that may be cut short: compare them one by one. */
    fixed = hr->prefix_len + hr->suffix_len;
    if (fixed + (size_t)hr->width + 20 > HOSTLIST_NAME_MAX
        || (hr->kind == HR_SUFFIXED && fixed + (size_t)hr->width + 20 > hr->name_max)) {
        for (size_t d = 0; d < hr->nexp; d++) {
            if (hostrange_format(hr, hr->lo + d, name, sizeof(name)) == 0 && strcmp(name, host) == 0) {
                *index = hr->first + d;
                return true;
            }
        }
        return false;
    }
    /* Otherwise the number is the text between prefix and suffix, printed
     * in exactly max(width, its digits) characters. */
    if (hostlen <= fixed || memcmp(host, hr->prefix, hr->prefix_len) != 0
        || memcmp(host + hostlen - hr->suffix_len, hr->suffix ? hr->suffix : "", hr->suffix_len) != 0)
        return false;
    digits = host + hr->prefix_len;
    ndigits = hostlen - fixed;
    if (!read_decimal(digits, ndigits, &end, &num) || end != digits + ndigits)
        return false;
    if (num < hr->lo || num - hr->lo >= hr->nexp)
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
 * both are numbered (flux's suffixed hosts are single names) and have the
 * same prefix. */
static bool hostrange_same_group(const struct hostrange *a, const struct hostrange *b)
{
    return a->kind == HR_NUMBERED && b->kind == HR_NUMBERED && a->prefix_len == b->prefix_len
           && memcmp(a->prefix, b->prefix, a->prefix_len) == 0;
}

static void encode_numbers(struct strbuf *sb, const struct hostrange *hr)
{
    strbuf_append(sb, "%0*lu", hr->width, hr->lo);
    if (hr->lo < hr->hi)
        strbuf_append(sb, "-%0*lu", hr->width, hr->hi);
}

/* flux's hostlist_ranged_string(): runs of numbered ranges with one prefix
 * print as prefix[a-b,c,...], brackets only when the first holds more than
 * one host (count in unsigned long) or another follows; names, including
 * every host of a suffixed bracket (cut as flux cuts them), print one by
 * one. */
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
        if (hr->kind == HR_SINGLE) {
            strbuf_append(&sb, "%.*s", (int)hr->prefix_len, hr->prefix);
            i++;
        } else if (hr->kind == HR_SUFFIXED) {
            for (unsigned long num = hr->lo;; num++) {
                int n = (int)(hr->prefix_len + hr->suffix_len) + (hr->width > 20 ? hr->width : 20);
                _cleanup_free_ char *name = malloc((size_t)n + 1);
                if (!name) {
                    sb.failed = true;
                    break;
                }
                int len = snprintf(name, (size_t)n + 1, "%s%0*lu%s", hr->prefix, hr->width, num, hr->suffix);
                if ((size_t)len > hr->name_max)
                    len = (int)hr->name_max;
                strbuf_append(&sb, "%.*s", len, name);
                if (num == hr->hi || sb.failed)
                    break;
                strbuf_append(&sb, ",");
            }
            i++;
        } else {
            bool bracket = hostrange_count(hr) > 1
                           || (i + 1 < hl->nranges && hostrange_same_group(hr, &hl->ranges[i + 1]));

            strbuf_append(&sb, "%s%s", hr->prefix, bracket ? "[" : "");
            encode_numbers(&sb, hr);
            while (++i < hl->nranges && hostrange_same_group(&hl->ranges[i], hr)) {
                if (bracket)
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
