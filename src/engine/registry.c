#include <string.h>

#include "engine/registry.h"

/* Display order follows the admin guide's checklist: packages, statedir,
 * munge, time, users, cert, config files, configs, IMP, network, fleet. */
static const struct fp_check *const families[] = {
    fp_checks_packages, fp_checks_statedir, fp_checks_munge, fp_checks_time,
    fp_checks_user,     fp_checks_cert,     fp_checks_perms,  fp_checks_config,
    fp_checks_imp,      fp_checks_net,      fp_checks_fleet,
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

static const struct fp_check *skip_empty(size_t fam)
{
    for (; fam < NFAMILIES; fam++)
        if (families[fam][0].id)
            return &families[fam][0];
    return NULL;
}

static size_t family_of(const struct fp_check *c)
{
    for (size_t f = 0; f < NFAMILIES; f++) {
        const struct fp_check *p = families[f];
        while (p->id)
            p++;
        if (c >= families[f] && c < p)
            return f;
    }
    return NFAMILIES;
}

const struct fp_check *fp_registry_first(void)
{
    return skip_empty(0);
}

const struct fp_check *fp_registry_next(const struct fp_check *c)
{
    if ((c + 1)->id)
        return c + 1;
    return skip_empty(family_of(c) + 1);
}

const struct fp_check *fp_registry_find(const char *id)
{
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        if (strcmp(c->id, id) == 0)
            return c;
    return NULL;
}

size_t fp_registry_count(void)
{
    size_t n = 0;
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        n++;
    return n;
}
