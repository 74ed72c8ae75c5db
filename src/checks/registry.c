/* The registry: every check family, in display order. A family is one file
 * in src/checks/ (its descriptors and their run functions, see README.md);
 * adding one is a line here and one in checks.am. The engine sees only this
 * list (engine/registry.h), never a check by name.
 *
 * Display order follows the admin guide's checklist: packages, statedir,
 * munge, time, users, cert, config files, configs, IMP, network, fleet. */
#include <stddef.h>

#include "engine/registry.h"

extern const struct fp_check fp_checks_packages[];
extern const struct fp_check fp_checks_packages_runtime[];
extern const struct fp_check fp_checks_packages_optional[];
extern const struct fp_check fp_checks_statedir[];
extern const struct fp_check fp_checks_statedir_fs[];
extern const struct fp_check fp_checks_statedir_restore[];
extern const struct fp_check fp_checks_munge[];
extern const struct fp_check fp_checks_time[];
extern const struct fp_check fp_checks_user[];
extern const struct fp_check fp_checks_cert[];
extern const struct fp_check fp_checks_perms[];
extern const struct fp_check fp_checks_config[];
extern const struct fp_check fp_checks_resource[];
extern const struct fp_check fp_checks_security[];
extern const struct fp_check fp_checks_imp[];
extern const struct fp_check fp_checks_net[];
extern const struct fp_check fp_checks_net_parent[];
extern const struct fp_check fp_checks_fleet[];
/* A build may add one family from outside the tree, listed last: the test
 * suite builds the walk-through's sample check this way (tests/sample/). */
#ifdef FP_EXTRA_FAMILY
extern const struct fp_check FP_EXTRA_FAMILY[];
#endif

const struct fp_check *const fp_families[] = {
    fp_checks_packages,    /* core, security, sched; optional below */
    fp_checks_packages_runtime, /* (packages-runtime.c) */
    fp_checks_packages_optional, /* (packages.c) */
    fp_checks_statedir,    /* present, owner (statedir-dir.c) */
    fp_checks_statedir_fs, /* space, fs (statedir.c) */
    fp_checks_statedir_restore, /* (statedir-dir.c) */
    fp_checks_munge,
    fp_checks_time,        /* time.sync (timesync.c) */
    fp_checks_user,
    fp_checks_cert,
    fp_checks_perms,       /* config.perms (config-perms.c) */
    fp_checks_config,      /* parse, bootstrap, tbon */
    fp_checks_resource,
    fp_checks_security,
    fp_checks_imp,         /* config.imp, imp.setuid, imp.pam */
    fp_checks_net,         /* rank, bind */
    fp_checks_net_parent,  /* (net-parent.c) */
    fp_checks_fleet,
#ifdef FP_EXTRA_FAMILY
    FP_EXTRA_FAMILY,
#endif
    NULL,
};
