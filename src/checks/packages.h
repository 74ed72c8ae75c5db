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

/* ---- what the packages.* files share (packages.c, packages-runtime.c) ---- */

#include <stdbool.h>

#include "common/cleanup.h"

#define MAX_DIRS 48
#define DIR_MAX 256 /* longest directory probed: /usr/local/lib/<triplet>/pkgconfig */

struct dirlist {
    char d[MAX_DIRS][DIR_MAX];
    int n;
};

/* Where flux is installed: /usr, /usr/local (NULL-terminated). */
extern const char *const pkg_prefixes[];

/* The entries of dir (inside the root) without dot files, sorted,
 * NULL-terminated; NULL when it cannot be read. */
char **pkg_list_dir(const struct fp_ctx *ctx, const char *dir);
/* The same, only the names that start with prefix (NULL: all): a library
 * directory holds thousands of names, the prefix keeps the copies and the
 * sort to the few that matter. */
char **pkg_list_dir_prefixed(const struct fp_ctx *ctx, const char *dir, const char *prefix);
void pkg_names_free(char **names);
static inline void names_freep(char ***p)
{
    pkg_names_free(*p);
}
#define _cleanup_names_ _cleanup_(names_freep)
/* A regular file at path (following symlinks inside the root)? The shown
 * path (root prefix included) goes to shown. */
bool pkg_probe_file(const struct fp_ctx *ctx, const char *path, bool exec, char *shown,
                    size_t shownsz);
/* LIBDIRs: PREFIX/lib64, PREFIX/lib, PREFIX/lib/<triplet> for /usr, /usr/local and /. */
void pkg_lib_dirs(const struct fp_ctx *ctx, struct dirlist *l);
/* PREFIX/{libexec,lib}/flux + sub, for every prefix. */
void pkg_libexec_dirs(struct dirlist *l, const char *sub);
/* [exec] imp in the system config (the IMP is in use), or NULL. */
const char *pkg_imp_configured(const struct fp_ctx *ctx);

#endif
