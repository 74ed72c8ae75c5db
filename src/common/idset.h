/* RFC 22 idsets, decoded strictly as flux-core's idset_decode does. */
#ifndef FP_COMMON_IDSET_H
#define FP_COMMON_IDSET_H

#include <stddef.h>
#include <stdbool.h>

struct idset;

#define IDSET_MAX_ID (1U << 24) /* universe cap, like flux's IDSET_DEFAULT_MAX */

/* NULL with errno EINVAL and a reason in err ("range '1' is out of order"). */
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
