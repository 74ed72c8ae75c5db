/* RFC 22 idsets, decoded as flux-core 0.88.0's idset_decode does (its
 * quirks are listed in idset.c; tests/parity/ holds it to flux-core's own
 * library). */
#ifndef FP_COMMON_IDSET_H
#define FP_COMMON_IDSET_H

#include <stddef.h>
#include <stdbool.h>

struct idset;

/* flux-preflight's limit on an id; flux-core's own is 2^31 - 1. */
#define IDSET_MAX_ID (1U << 24)

/* Decode s, accepting exactly what flux-core's idset_decode() accepts.
 * NULL with errno EINVAL or ERANGE as flux-core fails ("range '1' is out of
 * order" in err), or E2BIG for a set flux-core accepts with an id over
 * IDSET_MAX_ID (err says it is flux-preflight's limit). */
struct idset *idset_decode(const char *s, char *err, size_t errsz);
struct idset *idset_create(void);
void idset_destroy(struct idset *ids);
int idset_set(struct idset *ids, unsigned int id);
bool idset_test(const struct idset *ids, unsigned int id);
size_t idset_count(const struct idset *ids);
/* Iterate: first, then next(prev); IDSET_INVALID_ID at the end. */
#define IDSET_INVALID_ID (~0U)
unsigned int idset_first(const struct idset *ids);
unsigned int idset_next(const struct idset *ids, unsigned int prev);
/* Ranged form "0-3,7" (malloc'd); "" for the empty set. */
char *idset_encode(const struct idset *ids);
/* Union b into a. */
int idset_add(struct idset *a, const struct idset *b);

#endif
