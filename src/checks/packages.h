/* What the installed Flux packages are, for other check families. */
#ifndef FP_CHECKS_PACKAGES_H
#define FP_CHECKS_PACKAGES_H

#include <stddef.h>

struct fp_ctx;

/* Does the installed flux-core use flux-security?  flux-core built
 * --with-flux-security links libflux-security into its job-ingest module,
 * which reads the signing config (/etc/flux/security/conf.d) when rc1 loads
 * it, and fails without one; built without, nothing of flux-core reads it.
 * Judged from LIBDIR/flux/modules/job-ingest.so's DT_NEEDED (found where
 * packages.core looks for flux-core's files; read, never loaded).
 * 1: yes, 0: no (module: its path as shown); -ENOENT: no job-ingest.so is
 * installed; another -errno when it cannot be read (module: path and why). */
int packages_core_uses_security(const struct fp_ctx *ctx, char *module, size_t modulesz);

#endif
