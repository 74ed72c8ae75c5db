/* The one hash table (src/common/hindex.c): positions found again under
 * their key's hash, collisions of the slot bits and of whole hashes left to
 * the caller's compare, growth keeping every entry, clear. */
#include <stdio.h>
#include <string.h>

#include "common/hindex.h"
#include "tap.h"

static char names[5000][16];

static ssize_t find(const struct hindex *ix, const char *name)
{
    size_t cur = 0;
    for (ssize_t p; (p = hindex_next(ix, hindex_hash_str(name), &cur)) >= 0;)
        if (strcmp(names[p], name) == 0)
            return p;
    return -1;
}

int main(void)
{
    struct hindex ix = { 0 };
    int bad = 0;

    ok(find(&ix, "node0") == -1, "an empty index finds nothing");
    for (int i = 0; i < 5000; i++) {
        snprintf(names[i], sizeof(names[i]), "node%d", i);
        if (hindex_add(&ix, hindex_hash_str(names[i]), (size_t)i) < 0)
            bad++;
    }
    is_int(bad, 0, "5000 entries added");
    is_int(ix.n, 5000, "...counted");
    ok(ix.cap >= 10000 && (ix.cap & (ix.cap - 1)) == 0, "...load at most 1/2, a power of two (%zu)",
       ix.cap);
    bad = 0;
    for (int i = 0; i < 5000; i++)
        if (find(&ix, names[i]) != i)
            bad++;
    is_int(bad, 0, "every entry found at its position after growing");
    ok(find(&ix, "node5000") == -1 && find(&ix, "") == -1, "absent keys are not found");

    /* one hash for several positions: every one is a candidate */
    struct hindex same = { 0 };
    uint64_t h = 0x123456789abcdef0ULL;
    for (size_t i = 0; i < 3; i++)
        hindex_add(&same, h, i * 7);
    size_t cur = 0, seen = 0;
    for (ssize_t p; (p = hindex_next(&same, h, &cur)) >= 0;)
        seen |= (size_t)1 << (p / 7);
    is_int(seen, 7, "a hash stored three times yields its three positions");
    cur = 0;
    ok(hindex_next(&same, h ^ 1ULL << 40, &cur) == -1, "another hash on the same slot: none");
    hindex_free(&same);

    ok(hindex_hash("ab", 2, 0) != hindex_hash("ba", 2, 0) &&
           hindex_hash("ab", 2, 0) != hindex_hash("ab", 2, 1),
       "the hash depends on order and seed");
    size_t cap = ix.cap;
    hindex_clear(&ix);
    ok(ix.n == 0 && ix.cap == cap && find(&ix, "node1") == -1, "clear empties, keeps the room");
    hindex_free(&ix);
    return done_testing();
}
