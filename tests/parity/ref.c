/* The reference: flux-core 0.88.0's own libhostlist and libidset, built
 * from the source tarball by build.sh.  Only ref_hostlist(),
 * ref_hostlist_append() and ref_idset() stay global in the object build.sh
 * makes, so flux's hostlist_decode() and the gate's never meet. */
#include "src/common/libhostlist/hostlist.h"
#include "src/common/libidset/idset.h"

#include "outcome.h"

static char *hostlist_outcome(struct hostlist *hl)
{
    struct names nm;
    size_t total = 0;

    for (const char *h = hostlist_first(hl); h; h = hostlist_next(hl))
        total++;
    names_init(&nm, total);
    for (const char *h = hostlist_first(hl); h; h = hostlist_next(hl))
        names_add(&nm, h);
    return out_hostlist(hostlist_count(hl), &nm, hostlist_encode(hl));
}

char *ref_hostlist(const char *in)
{
    struct hostlist *hl;
    char *s;

    errno = 0;
    if (!(hl = hostlist_decode(in)))
        return out_error(errno);
    s = hostlist_outcome(hl);
    hostlist_destroy(hl);
    return s;
}

/* hostlist_decode(a), then hostlist_append(b) onto it. */
char *ref_hostlist_append(const char *a, const char *b)
{
    struct hostlist *hl;
    char *s;

    errno = 0;
    if (!(hl = hostlist_decode(a)))
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

/* What librlist and the broker call: idset_decode() (autogrow). */
char *ref_idset(const char *in, unsigned int *maxid)
{
    struct outcome o = { 0 };
    struct idset *ids;
    char *enc;

    errno = 0;
    if (!(ids = idset_decode(in)))
        return out_error(errno);
    if (!(enc = idset_encode(ids, IDSET_FLAG_RANGE)))
        abort();
    *maxid = idset_last(ids);
    out_printf(&o, "ok count=%zu ids=%s", idset_count(ids), enc);
    free(enc);
    idset_destroy(ids);
    return o.s;
}

/* A vectors.tsv row's result columns for in: "EXPANDED<TAB>ENCODED" (the
 * names joined with commas), or "ERROR<TAB>EINVAL"; NULL when a name or the
 * encoded form holds a tab or a newline, which a TSV row cannot. */
char *ref_hostlist_row(const char *in)
{
    struct outcome o = { 0 };
    struct hostlist *hl;
    char *enc;
    int n = 0;

    errno = 0;
    if (!(hl = hostlist_decode(in))) {
        out_printf(&o, "ERROR\t%s", errno_class(errno));
        return o.s;
    }
    out_put(&o, "", 0);
    for (const char *h = hostlist_first(hl); h; h = hostlist_next(hl)) {
        if (n++)
            out_put(&o, ",", 1);
        out_put(&o, h, strlen(h));
    }
    if (!(enc = hostlist_encode(hl)))
        abort();
    out_put(&o, "\t", 1);
    out_put(&o, enc, strlen(enc));
    free(enc);
    hostlist_destroy(hl);
    if (strpbrk(o.s, "\n\r") || strchr(strchr(o.s, '\t') + 1, '\t')) {
        free(o.s);
        return NULL;
    }
    return o.s;
}

/* The same for idsets: "ENCODED<TAB>COUNT" or "ERROR<TAB>EINVAL". */
char *ref_idset_row(const char *in)
{
    struct outcome o = { 0 };
    struct idset *ids;
    char *enc;

    errno = 0;
    if (!(ids = idset_decode(in))) {
        out_printf(&o, "ERROR\t%s", errno_class(errno));
        return o.s;
    }
    if (!(enc = idset_encode(ids, IDSET_FLAG_RANGE)))
        abort();
    out_printf(&o, "%s\t%zu", enc, idset_count(ids));
    free(enc);
    idset_destroy(ids);
    return o.s;
}
