/* The registry: every check family's descriptors, in display order. */
#ifndef FP_ENGINE_REGISTRY_H
#define FP_ENGINE_REGISTRY_H

#include <stddef.h>

#include "engine/check.h"

/* Iterate all checks: for (c = fp_registry_first(); c; c = fp_registry_next(c)) */
const struct fp_check *fp_registry_first(void);
const struct fp_check *fp_registry_next(const struct fp_check *c);
const struct fp_check *fp_registry_find(const char *id);
size_t fp_registry_count(void);

/* Each family file (src/checks/<family>.c) defines its table, ending with {0}. */
extern const struct fp_check fp_checks_packages[];
extern const struct fp_check fp_checks_statedir[];
extern const struct fp_check fp_checks_cert[];
extern const struct fp_check fp_checks_config[];
extern const struct fp_check fp_checks_perms[];
extern const struct fp_check fp_checks_imp[];
extern const struct fp_check fp_checks_munge[];
extern const struct fp_check fp_checks_time[];
extern const struct fp_check fp_checks_user[];
extern const struct fp_check fp_checks_net[];
extern const struct fp_check fp_checks_fleet[];

#endif
