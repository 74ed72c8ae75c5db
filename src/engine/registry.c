/* The registry: iteration over the families src/checks/ assembles. */
#include <string.h>

#include "engine/registry.h"

/* The families come from src/checks/registry.c (fp_families). */
static size_t nfamilies(void)
{
    static size_t n;
    if (!n)
        while (fp_families[n])
            n++;
    return n;
}

static const struct fp_check *skip_empty(size_t fam)
{
    for (; fam < nfamilies(); fam++)
        if (fp_families[fam][0].id)
            return &fp_families[fam][0];
    return NULL;
}

static size_t family_of(const struct fp_check *c)
{
    for (size_t f = 0; f < nfamilies(); f++) {
        const struct fp_check *p = fp_families[f];
        while (p->id)
            p++;
        if (c >= fp_families[f] && c < p)
            return f;
    }
    return nfamilies();
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
