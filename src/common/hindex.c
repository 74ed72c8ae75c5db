/* The one hash table (hindex.h). */
#include <stdlib.h>
#include <string.h>

#include "common/hindex.h"

uint64_t hindex_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL ^ seed;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static void put(uint64_t *slot, size_t cap, uint64_t v)
{
    size_t mask = cap - 1;
    size_t i = (uint32_t)(v >> 32) & mask;
    while (slot[i])
        i = (i + 1) & mask;
    slot[i] = v;
}

int hindex_reserve(struct hindex *ix, size_t n)
{
    size_t cap = ix->cap ? ix->cap : 64;
    while (cap / 2 < n) {
        if (cap > SIZE_MAX / 2 / sizeof(*ix->slot))
            return -1;
        cap *= 2;
    }
    if (cap == ix->cap)
        return 0;
    uint64_t *slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->slot[i])
            put(slot, cap, ix->slot[i]);
    free(ix->slot);
    ix->slot = slot;
    ix->cap = cap;
    return 0;
}

int hindex_add(struct hindex *ix, uint64_t hash, size_t pos)
{
    if (pos >= UINT32_MAX || (ix->n + 1 > ix->cap / 2 && hindex_reserve(ix, ix->n + 1) < 0))
        return -1;
    put(ix->slot, ix->cap, (uint64_t)hindex_tag_(hash) << 32 | (uint32_t)(pos + 1));
    ix->n++;
    return 0;
}

void hindex_clear(struct hindex *ix)
{
    if (ix->cap)
        memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
    ix->n = 0;
}

void hindex_free(struct hindex *ix)
{
    free(ix->slot);
    ix->slot = NULL;
    ix->cap = ix->n = 0;
}
