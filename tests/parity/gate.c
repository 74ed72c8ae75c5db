/* The gate's side: src/common/hostlist.c and idset.c, printed as ref.c
 * prints flux-core's. */
#include <limits.h>

#include "common/hostlist.h"
#include "common/idset.h"

#include "outcome.h"
#include "parity.h"

static char *hostlist_outcome(const struct hostlist *hl)
{
    struct names nm;
    char name[512];

    names_init(&nm, hostlist_count(hl));
    for (size_t i = 0; i < nm.total; i++) {
        if (hostlist_nth(hl, i, name, sizeof(name)) < 0)
            abort();
        names_add(&nm, name);
    }
    return out_hostlist((int)hostlist_nhosts(hl), &nm, hostlist_encode(hl));
}

char *gate_hostlist(const char *in)
{
    struct hostlist *hl;
    char *s;

    errno = 0;
    if (!(hl = hostlist_decode(in, NULL, 0)))
        return out_error(errno);
    s = hostlist_outcome(hl);
    hostlist_destroy(hl);
    return s;
}

char *gate_hostlist_append(const char *a, const char *b)
{
    struct hostlist *hl;
    char *s;

    errno = 0;
    if (!(hl = hostlist_decode(a, NULL, 0)))
        return out_error(errno);
    errno = 0;
    if (hostlist_append(hl, b) < 0) {
        hostlist_destroy(hl);
        return out_error(errno);
    }
    s = hostlist_outcome(hl);
    hostlist_destroy(hl);
    return s;
}

char *gate_idset(const char *in)
{
    struct outcome o = { 0 };
    struct idset *ids;
    char *enc;

    errno = 0;
    if (!(ids = idset_decode(in, NULL, 0)))
        return out_error(errno);
    if (!(enc = idset_encode(ids)))
        abort();
    out_printf(&o, "ok count=%zu ids=%s", idset_count(ids), enc);
    free(enc);
    idset_destroy(ids);
    return o.s;
}

unsigned int gate_idset_max_id(void)
{
    return IDSET_MAX_ID;
}

/* Hosts flux-core would hold for in (0 if the gate refuses it). */
unsigned long gate_hostlist_nhosts(const char *in)
{
    struct hostlist *hl = hostlist_decode(in, NULL, 0);
    unsigned long n = hl ? hostlist_nhosts(hl) : 0;

    hostlist_destroy(hl);
    return n;
}
