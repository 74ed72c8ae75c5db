/* The one hash table of the project: an index from a key's 64-bit hash to
 * its position in the caller's own array (host names to ranks, TOML keys to
 * their nodes). Open addressing, linear probing, load at most 1/2; a slot is
 * (32 bits of the hash) << 32 | (position + 1), 0 empty, so that probing
 * compares those bits first and touches the caller's keys only for a likely
 * match. The caller owns the keys: a lookup returns candidate positions,
 * the caller compares.
 *
 *   size_t cur = 0;
 *   for (ssize_t p; (p = hindex_next(&ix, h, &cur)) >= 0;)
 *       if (strcmp(names[p], name) == 0)
 *           return p;
 */
#ifndef FP_COMMON_HINDEX_H
#define FP_COMMON_HINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct hindex {
    uint64_t *slot;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

/* FNV-1a of len bytes, seeded, with a murmur3 finalizer (every byte moves
 * every bit, so the slot bits are good). */
uint64_t hindex_hash(const void *data, size_t len, uint64_t seed);
#define hindex_hash_str(s) hindex_hash((s), strlen(s), 0)

/* Room for n entries without growing; 0, or -1 (ENOMEM). */
int hindex_reserve(struct hindex *ix, size_t n);
/* Store pos (< 2^32 - 1) under hash, growing as needed; 0, or -1 (ENOMEM). */
int hindex_add(struct hindex *ix, uint64_t hash, size_t pos);
/* Empty, keeping the capacity. */
void hindex_clear(struct hindex *ix);
void hindex_free(struct hindex *ix);

static inline uint32_t hindex_tag_(uint64_t hash)
{
    return (uint32_t)(hash >> 32);
}

/* The next position stored under hash (a candidate), or -1: start with
 * *cursor = 0. */
static inline ssize_t hindex_next(const struct hindex *ix, uint64_t hash, size_t *cursor)
{
    if (!ix->cap)
        return -1;
    uint32_t tag = hindex_tag_(hash);
    size_t mask = ix->cap - 1;
    for (size_t i = *cursor ? *cursor : (tag & mask) + 1;; i = (i & mask) + 1) {
        uint64_t v = ix->slot[i - 1];
        if (v == 0)
            return -1;
        if ((uint32_t)(v >> 32) == tag) {
            *cursor = (i & mask) + 1;
            return (ssize_t)(uint32_t)v - 1;
        }
    }
}

/* Where a lookup of hash starts (for __builtin_prefetch in batch lookups). */
static inline const void *hindex_home(const struct hindex *ix, uint64_t hash)
{
    return ix->cap ? &ix->slot[hindex_tag_(hash) & (ix->cap - 1)] : NULL;
}

#endif
