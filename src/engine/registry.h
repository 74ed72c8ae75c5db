/* The registry: every check, in display order. The engine sees checks only
 * through this interface; the list of families is assembled in src/checks/
 * (src/checks/registry.c). */
#ifndef FP_ENGINE_REGISTRY_H
#define FP_ENGINE_REGISTRY_H

#include <stddef.h>

#include "engine/check.h"

/* Iterate all checks: for (c = fp_registry_first(); c; c = fp_registry_next(c)) */
const struct fp_check *fp_registry_first(void);
const struct fp_check *fp_registry_next(const struct fp_check *c);
const struct fp_check *fp_registry_find(const char *id);
size_t fp_registry_count(void);

/* The families, in display order, NULL-terminated: each a table of
 * descriptors ending with { 0 } (src/checks/registry.c). */
extern const struct fp_check *const fp_families[];

#endif
