/* RFC 22 idsets, decoded as strictly as flux-core's idset_decode(): ascending
 * unique ranges, hi > lo, no leading zeros, optional surrounding brackets.
 * Stored as a sorted array of disjoint, non-adjacent [lo, hi] ranges, which
 * is small for the typical "0-1023" and keeps test/next logarithmic. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/idset.h"

struct idrange {
    unsigned int lo, hi;
};

struct idset {
    struct idrange *r;
    size_t n, alloc;
    size_t count;
};

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

static const char id_too_big[] = "id exceeds the maximum";

/* One id: decimal digits, no leading zero unless it is "0", at most
 * IDSET_MAX_ID.  0, or -1 with *why set. */
static int parse_id(const char *s, size_t len, unsigned int *id, const char **why)
{
    unsigned long long v = 0;

    if (len == 0) {
        *why = "missing id";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i])) {
            *why = "invalid character";
            return -1;
        }
        if (v <= IDSET_MAX_ID)
            v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (len > 1 && s[0] == '0') {
        *why = "leading zero";
        return -1;
    }
    if (v > IDSET_MAX_ID) {
        *why = id_too_big;
        return -1;
    }
    *id = (unsigned int)v;
    return 0;
}

/* "lo" or "lo-hi" with hi > lo, as flux's parse_range(). */
static int parse_range(const char *s, size_t len, unsigned int *lo, unsigned int *hi, const char **why)
{
    const char *dash = memchr(s, '-', len);

    if (!dash)
        return parse_id(s, len, lo, why) < 0 ? -1 : (*hi = *lo, 0);
    if (parse_id(s, (size_t)(dash - s), lo, why) < 0
        || parse_id(dash + 1, len - (size_t)(dash - s) - 1, hi, why) < 0)
        return -1;
    if (*hi <= *lo) {
        *why = "hi must be greater than lo";
        return -1;
    }
    return 0;
}

struct idset *idset_decode(const char *s, char *err, size_t errsz)
{
    struct idset *ids;
    const char *p, *end;
    unsigned int lo, hi, prev_hi = 0;
    bool have_prev = false;
    size_t len;

    set_err(err, errsz, "%s", "");
    if (!s) {
        set_err(err, errsz, "no idset");
        errno = EINVAL;
        return NULL;
    }
    len = strlen(s);
    /* one optional pair of surrounding brackets, as flux strips them */
    if (len > 0 && (s[0] == '[' || s[len - 1] == ']')) {
        if (len < 2 || s[0] != '[' || s[len - 1] != ']') {
            set_err(err, errsz, "mismatched brackets in '%s'", s);
            errno = EINVAL;
            return NULL;
        }
        s++;
        len -= 2;
    }
    ids = idset_create();
    if (!ids)
        return NULL;
    for (p = s; p < s + len; p = end + 1) {
        const char *why = NULL;

        end = memchr(p, ',', (size_t)(s + len - p));
        if (!end)
            end = s + len;
        if (end == p)
            continue; /* "1,,2": flux skips empty elements */
        if (parse_range(p, (size_t)(end - p), &lo, &hi, &why) < 0) {
            if (why == id_too_big)
                set_err(err, errsz, "error parsing range '%.*s': %s %u", (int)(end - p), p, why,
                        IDSET_MAX_ID);
            else
                set_err(err, errsz, "error parsing range '%.*s': %s", (int)(end - p), p, why);
            goto inval;
        }
        if (have_prev && lo <= prev_hi) {
            set_err(err, errsz, "range '%.*s' is out of order", (int)(end - p), p);
            goto inval;
        }
        int r = idset_set_range(ids, lo, hi);
        if (r < 0) {
            set_err(err, errsz, "out of memory");
            idset_destroy(ids);
            errno = -r;
            return NULL;
        }
        prev_hi = hi;
        have_prev = true;
    }
    return ids;
inval:
    idset_destroy(ids);
    errno = EINVAL;
    return NULL;
}
