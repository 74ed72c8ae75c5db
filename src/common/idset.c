/* RFC 22 idsets, decoded exactly as flux-core 0.88.0's idset_decode()
 * (src/common/libidset/idset_decode.c): ascending unique ranges, hi > lo, no
 * leading zeros, optional surrounding brackets, and its quirks (below).
 * Stored as a sorted array of disjoint, non-adjacent [lo, hi] ranges, which
 * is small for the typical "0-1023" and keeps test/next logarithmic. */
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
#include "common/idset.h"

struct idrange {
    unsigned int lo, hi;
};

struct idset {
    struct idrange *r;
    size_t n, alloc;
    size_t count;
};

struct idset *idset_create(void)
{
    return calloc(1, sizeof(struct idset));
}

void idset_destroy(struct idset *ids)
{
    if (!ids)
        return;
    free(ids->r);
    free(ids);
}

static int idset_reserve(struct idset *ids, size_t extra)
{
    size_t alloc;
    struct idrange *r;

    if (ids->n + extra <= ids->alloc)
        return 0;
    alloc = ids->alloc ? ids->alloc * 2 : 4;
    if (alloc < ids->n + extra)
        alloc = ids->n + extra;
    if (alloc > SIZE_MAX / sizeof(*r))
        return -ENOMEM;
    r = realloc(ids->r, alloc * sizeof(*r));
    if (!r)
        return -ENOMEM;
    ids->r = r;
    ids->alloc = alloc;
    return 0;
}

/* Index of the first range with hi >= id (ids->n if none). */
static size_t idset_lower_bound(const struct idset *ids, unsigned int id)
{
    size_t lo = 0, hi = ids->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids->r[mid].hi < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Add [lo, hi], merging every range it overlaps or touches. */
static int idset_set_range(struct idset *ids, unsigned int lo, unsigned int hi)
{
    size_t first, last;
    unsigned int newlo = lo, newhi = hi;
    size_t removed = 0;

    /* first range that overlaps or touches: its hi >= lo - 1 */
    first = idset_lower_bound(ids, lo > 0 ? lo - 1 : 0);
    last = first;
    while (last < ids->n && ids->r[last].lo <= hi + 1) { /* hi <= IDSET_MAX_ID: no overflow */
        if (ids->r[last].lo < newlo)
            newlo = ids->r[last].lo;
        if (ids->r[last].hi > newhi)
            newhi = ids->r[last].hi;
        removed += (size_t)(ids->r[last].hi - ids->r[last].lo) + 1;
        last++;
    }
    if (last == first) {
        int r = idset_reserve(ids, 1);
        if (r < 0)
            return r;
        memmove(&ids->r[first + 1], &ids->r[first], (ids->n - first) * sizeof(*ids->r));
        ids->n++;
    } else if (last - first > 1) {
        memmove(&ids->r[first + 1], &ids->r[last], (ids->n - last) * sizeof(*ids->r));
        ids->n -= last - first - 1;
    }
    ids->r[first] = (struct idrange){ newlo, newhi };
    ids->count = ids->count - removed + ((size_t)(newhi - newlo) + 1);
    return 0;
}

int idset_set(struct idset *ids, unsigned int id)
{
    int r;

    if (!ids || id > IDSET_MAX_ID) {
        errno = EINVAL;
        return -1;
    }
    r = idset_set_range(ids, id, id);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

bool idset_test(const struct idset *ids, unsigned int id)
{
    size_t i;

    if (!ids)
        return false;
    i = idset_lower_bound(ids, id);
    return i < ids->n && ids->r[i].lo <= id;
}

size_t idset_count(const struct idset *ids)
{
    return ids ? ids->count : 0;
}

unsigned int idset_first(const struct idset *ids)
{
    return ids && ids->n > 0 ? ids->r[0].lo : IDSET_INVALID_ID;
}

unsigned int idset_next(const struct idset *ids, unsigned int prev)
{
    size_t i;

    if (!ids || prev >= IDSET_INVALID_ID - 1)
        return IDSET_INVALID_ID;
    i = idset_lower_bound(ids, prev + 1);
    if (i == ids->n)
        return IDSET_INVALID_ID;
    return ids->r[i].lo > prev + 1 ? ids->r[i].lo : prev + 1;
}

int idset_add(struct idset *a, const struct idset *b)
{
    int r;

    if (!a || !b) {
        errno = EINVAL;
        return -1;
    }
    /* Reserving first means a failure can't leave a half-merged set. */
    r = idset_reserve(a, b->n);
    for (size_t i = 0; r == 0 && i < b->n; i++)
        r = idset_set_range(a, b->r[i].lo, b->r[i].hi);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

char *idset_encode(const struct idset *ids)
{
    size_t alloc, len = 0;
    char *s;

    if (!ids) {
        errno = EINVAL;
        return NULL;
    }
    /* each range is at most "4294967295-4294967295," */
    alloc = ids->n * 22 + 1;
    s = malloc(alloc);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < ids->n; i++) {
        const struct idrange *r = &ids->r[i];
        int n;

        if (r->hi > r->lo)
            n = snprintf(s + len, alloc - len, "%s%u-%u", i ? "," : "", r->lo, r->hi);
        else
            n = snprintf(s + len, alloc - len, "%s%u", i ? "," : "", r->lo);
        len += (size_t)n;
    }
    return s;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* One id as flux's strtoul_check(): a digit first (no blank, no sign), no
 * leading zero, not beyond ULONG_MAX.  0, or -1 with *why set. */
static int parse_id(const char *s, const char **end, unsigned long *id, const char **why)
{
    unsigned long v = 0;
    const char *p = s;

    if (!is_digit(*s)) {
        *why = *s ? "invalid character" : "missing id";
        return -1;
    }
    for (; is_digit(*p); p++) {
        unsigned long d = (unsigned long)(*p - '0');
        if (v > (ULONG_MAX - d) / 10) {
            *why = "number too large";
            return -1;
        }
        v = v * 10 + d;
    }
    if (*s == '0' && p - s > 1) {
        *why = "leading zero";
        return -1;
    }
    *id = v;
    *end = p;
    return 0;
}

/* "lo" or "lo-hi" with hi > lo, as flux's parse_range(), which stores each
 * bound in an unsigned int: an id of 2^32 or more wraps ("4294967296" is 0),
 * and hi > lo is checked before the wrap. */
static int parse_range(const char *s, unsigned int *lo, unsigned int *hi, const char **why)
{
    const char *end;
    unsigned long n;

    if (parse_id(s, &end, &n, why) < 0)
        return -1;
    if (*end != '\0' && *end != '-') {
        *why = "invalid character";
        return -1;
    }
    *lo = *hi = (unsigned int)n;
    if (*end == '-') {
        if (parse_id(end + 1, &end, &n, why) < 0)
            return -1;
        if (*end != '\0') {
            *why = "invalid character";
            return -1;
        }
        if (n <= *lo) {
            *why = "hi must be greater than lo";
            return -1;
        }
        *hi = (unsigned int)n;
    }
    return 0;
}

/* flux's idset universe: at most INT_MAX + 1 ids (IDSET_MAX_UNIVERSE). */
#define FLUX_IDSET_UNIVERSE (1UL << 31)

/* Decode s exactly as flux's idset_decode(): one pair of surrounding
 * brackets stripped, no other bracket; elements split at commas, empty
 * ones skipped (strtok); each must start above the previous element's hi
 * (as parsed, before flux orders a wrapped pair); an id of UINT_MAX - 1 or
 * UINT_MAX is EINVAL, one past the universe ERANGE.  What flux accepts with
 * an id over IDSET_MAX_ID is E2BIG: flux-preflight's limit. */
struct idset *idset_decode(const char *s, char *err, size_t errsz)
{
    _cleanup_free_ char *copy = NULL;
    struct idset *ids;
    char *a, *tok, *saveptr = NULL;
    unsigned int maxid = IDSET_INVALID_ID - 1; /* flux's IDSET_INVALID_ID: "none yet" */
    bool have_prev = false;
    size_t len;

    errbuf_set(err, errsz, "%s", "");
    if (!s || !(copy = strdup(s))) {
        errbuf_set(err, errsz, s ? "out of memory" : "input is NULL");
        errno = s ? ENOMEM : EINVAL;
        return NULL;
    }
    a = copy;
    len = strlen(a);
    if (len >= 2 && a[0] == '[' && a[len - 1] == ']') {
        a[len - 1] = '\0';
        a++;
    }
    if (strpbrk(a, "[]")) {
        errbuf_set(err, errsz, "mismatched or nested brackets in '%s'", s);
        errno = EINVAL;
        return NULL;
    }
    if (!(ids = idset_create())) {
        errbuf_set(err, errsz, "out of memory");
        return NULL;
    }
    while ((tok = strtok_r(a, ",", &saveptr))) {
        const char *why = NULL;
        unsigned int lo, hi;
        int r;

        a = NULL;
        if (parse_range(tok, &lo, &hi, &why) < 0) {
            errbuf_set(err, errsz, "error parsing range '%s': %s", tok, why);
            goto inval;
        }
        if (have_prev && lo <= maxid) {
            errbuf_set(err, errsz, "range '%s' is out of order", tok);
            goto inval;
        }
        if (lo >= IDSET_INVALID_ID - 1 || hi >= IDSET_INVALID_ID - 1) {
            errbuf_set(err, errsz, "error appending '%s': %s", tok, strerror(EINVAL));
            goto inval;
        }
        maxid = hi;
        have_prev = true;
        if (hi < lo) { /* a wrapped hi: flux sets the range the other way round */
            unsigned int t = lo;
            lo = hi;
            hi = t;
        }
        if ((unsigned long)hi + 1 > FLUX_IDSET_UNIVERSE) {
            errbuf_set(err, errsz, "error appending '%s': set universe size would exceed maximum", tok);
            idset_destroy(ids);
            errno = ERANGE;
            return NULL;
        }
        if ((r = idset_set_range(ids, lo, hi)) < 0) {
            errbuf_set(err, errsz, "out of memory");
            idset_destroy(ids);
            errno = -r;
            return NULL;
        }
    }
    if (ids->n > 0 && ids->r[ids->n - 1].hi > IDSET_MAX_ID) {
        errbuf_set(err, errsz, "ids up to %u: over flux-preflight's limit of %u (flux-core accepts ids below 2^31)",
                ids->r[ids->n - 1].hi, IDSET_MAX_ID);
        idset_destroy(ids);
        errno = E2BIG;
        return NULL;
    }
    return ids;
inval:
    idset_destroy(ids);
    errno = EINVAL;
    return NULL;
}
