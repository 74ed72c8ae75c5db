/* Resources: [resource], resource.config, R v1, re-rank (rlist.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/errbuf.h"
#include "common/fsd.h"
#include "common/hindex.h"
#include "common/hostlist.h"
#include "common/idset.h"
#include "common/rlist.h"

#define HOSTNAME_BUF 4096

/* A core or gpu set, shared by every node an entry gave it to. */
struct rset {
    struct idset *ids;
    int refs;
};

struct node {
    char *host; /* NULL when R has no nodelist */
    unsigned int rank;
    struct rset *cores;
    struct rset *gpus;
};

struct prop {
    char *name;
    struct idset *nodes; /* node indexes */
};

struct rlist {
    struct node *nodes;
    size_t n;
    size_t cap;
    struct hindex ix; /* host -> node (common/hindex.h) */
    struct prop *props;
    size_t nprops;
    struct idset *empty;
};

/* A hostlist or idset flux-core accepts but flux-preflight does not expand:
 * E2BIG, and err says why in the decoder's words (an id over IDSET_MAX_ID,
 * or a hostlist flux-core itself never finishes expanding). */
static int not_expanded(char *err, size_t errsz, const char *where, const char *key, const char *s,
                        const char *why)
{
    errbuf_set(err, errsz, "%s: %s='%s': %s", where, key, s, why);
    errno = E2BIG;
    return -1;
}

/* A description over RLIST_NODES_MAX: E2BIG, and err says so. */
static int over_cap(char *err, size_t errsz, const char *where, size_t n, const char *what)
{
    errbuf_set(err, errsz, "%s: %zu %s, over flux-preflight's limit of %d", where, n, what,
           RLIST_NODES_MAX);
    errno = E2BIG;
    return -1;
}

static struct rset *rset_new(struct idset *ids)
{
    struct rset *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ids = ids;
    s->refs = 1;
    return s;
}

static void rset_put(struct rset *s)
{
    if (s && --s->refs == 0) {
        idset_destroy(s->ids);
        free(s);
    }
}

/* *slot |= add, copying *slot first if anyone else holds it. */
static int rset_union(struct rset **slot, struct rset *add)
{
    struct rset *cur = *slot;

    if (!add || cur == add)
        return 0;
    if (!cur) {
        add->refs++;
        *slot = add;
        return 0;
    }
    if (cur->refs > 1) {
        struct idset *ids = idset_create();
        struct rset *n;
        if (!ids || idset_add(ids, cur->ids) < 0 || !(n = rset_new(ids))) {
            idset_destroy(ids);
            return -1;
        }
        rset_put(cur);
        *slot = cur = n;
    }
    return idset_add(cur->ids, add->ids);
}

void rlist_destroy(struct rlist *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < rl->n; i++) {
        free(rl->nodes[i].host);
        rset_put(rl->nodes[i].cores);
        rset_put(rl->nodes[i].gpus);
    }
    free(rl->nodes);
    for (size_t i = 0; i < rl->nprops; i++) {
        free(rl->props[i].name);
        idset_destroy(rl->props[i].nodes);
    }
    free(rl->props);
    hindex_free(&rl->ix);
    idset_destroy(rl->empty);
    free(rl);
}

static struct rlist *rlist_new(void)
{
    struct rlist *rl = calloc(1, sizeof(*rl));
    if (!rl || !(rl->empty = idset_create())) {
        rlist_destroy(rl);
        return NULL;
    }
    return rl;
}

/* Index node n by its host (just set). */
static int index_host(struct rlist *rl, size_t n)
{
    return hindex_add(&rl->ix, hindex_hash_str(rl->nodes[n].host), n);
}

/* Index every node again (their order changed). */
static int index_rebuild(struct rlist *rl)
{
    hindex_clear(&rl->ix);
    for (size_t i = 0; i < rl->n; i++)
        if (rl->nodes[i].host && index_host(rl, i) < 0)
            return -1;
    return 0;
}

static ssize_t add_node(struct rlist *rl, const char *host, unsigned int rank)
{
    if (rl->n == rl->cap) {
        size_t ncap = rl->cap ? rl->cap * 2 : 64;
        struct node *n = realloc(rl->nodes, ncap * sizeof(*n));
        if (!n)
            return -1;
        rl->nodes = n;
        rl->cap = ncap;
    }
    struct node *nd = &rl->nodes[rl->n];
    memset(nd, 0, sizeof(*nd));
    nd->rank = rank;
    if (host && !(nd->host = strdup(host)))
        return -1;
    size_t idx = rl->n++;
    if (host && index_host(rl, idx) < 0)
        return -1;
    return (ssize_t)idx;
}

ssize_t rlist_find(const struct rlist *rl, const char *host)
{
    if (!rl || !host)
        return -1;
    size_t cur = 0;
    for (ssize_t n; (n = hindex_next(&rl->ix, hindex_hash_str(host), &cur)) >= 0;)
        if (strcmp(rl->nodes[n].host, host) == 0)
            return n;
    return -1;
}

/* Index of property name in rl->props, added if new; -1 on ENOMEM. */
static ssize_t get_prop(struct rlist *rl, const char *name)
{
    for (size_t i = 0; i < rl->nprops; i++)
        if (strcmp(rl->props[i].name, name) == 0)
            return (ssize_t)i;
    struct prop *n = realloc(rl->props, (rl->nprops + 1) * sizeof(*n));
    if (!n)
        return -1;
    rl->props = n;
    struct prop *p = &rl->props[rl->nprops];
    if (!(p->name = strdup(name)) || !(p->nodes = idset_create())) {
        free(p->name);
        return -1;
    }
    return (ssize_t)rl->nprops++;
}

/* Characters librlist refuses in a property name (it does not check '!'). */
static const char *bad_property_char(const char *name)
{
    return strpbrk(name, "^&'\"`|()");
}

/* The idset s of key in where ("config[0]", "R_lite[0]"); NULL with err set
 * in flux-core's words (flux-R's "config[0]: invalid idset cores='a-b'",
 * librlist's "R_lite[0]: invalid core idset '...'"), or naming
 * flux-preflight's limit (E2BIG). */
static struct rset *decode_rset(const char *where, const char *key, const char *s, char *err,
                                size_t errsz)
{
    char why[256];
    struct idset *ids = idset_decode(s, why, sizeof(why));
    struct rset *set = ids ? rset_new(ids) : NULL;

    if (set)
        return set;
    if (!ids && errno == E2BIG)
        not_expanded(err, errsz, where, key, s, why);
    else if (strncmp(where, "config", 6) == 0)
        errbuf_set(err, errsz, "%s: invalid idset %s='%s'", where, key, s);
    else
        errbuf_set(err, errsz, "%s: invalid %s idset '%s'", where, key, s);
    idset_destroy(ids);
    return NULL;
}

/* librlist puts each new host in its host map with hostlist_append(), which
 * reads the name as a hostlist again: a name holding one of ",[]\t " (as
 * "a]b[1]" or "foo[1]x[" expand to) may not decode, and one whose digits
 * overflow unsigned long adds no host, so that the first host of all gets
 * rank -1.  flux-core's error for host, or false.  (Where such a name still
 * decodes, librlist ranks it from the map: tests/parity/README.md.) */
static bool hostmap_fails(const struct rlist *rl, const char *host, char *err, size_t errsz)
{
    unsigned long added = 1;

    if (strpbrk(host, ",[]\t ")) {
        struct hostlist *hl = hostlist_decode(host, NULL, 0);
        if (!hl) {
            errbuf_set(err, errsz, "failed to append %s to host map", host);
            return true;
        }
        added = hostlist_nhosts(hl);
        hostlist_destroy(hl);
    } else if (hostlist_name_dropped(host)) {
        added = 0;
    }
    if (added == 0 && rl->n == 0) {
        errbuf_set(err, errsz, "idset_set(ranks, -1): %s", strerror(EINVAL));
        return true;
    }
    return false;
}

/* One resource.config entry (rlist_from_config's loop body). */
static int config_entry(struct rlist *rl, size_t i, json_t *entry, char *err, size_t errsz)
{
    const char *hosts = NULL, *cores = NULL, *gpus = NULL;
    json_t *props = NULL;
    json_error_t jerr;
    char why[256], where[32];
    struct rset *cset = NULL, *gset = NULL;
    struct hostlist *hl = NULL;
    size_t *plist = NULL; /* indexes into rl->props, which may move */
    size_t nplist = 0;
    int rc = -1;

    if (json_unpack_ex(entry, &jerr, JSON_STRICT, "{s:s s?s s?s s?o}", "hosts", &hosts, "cores",
                       &cores, "gpus", &gpus, "properties", &props) < 0) {
        errbuf_set(err, errsz, "config[%zu]: %s", i, jerr.text);
        return -1;
    }
    if (!(hl = hostlist_decode(hosts, why, sizeof(why)))) {
        if (errno == EOVERFLOW) {
            snprintf(where, sizeof(where), "config[%zu]", i);
            return not_expanded(err, errsz, where, "hosts", hosts, why);
        }
        errbuf_set(err, errsz, "config[%zu]: invalid hostlist '%s'", i, hosts);
        return -1;
    }
    /* librlist counts as flux-core's hostlist_count() does */
    if (hostlist_nhosts(hl) == 0) {
        errbuf_set(err, errsz, "config[%zu]: empty hostlist specified", i);
        goto out;
    }
    snprintf(where, sizeof(where), "config[%zu]", i);
    if ((cores && !(cset = decode_rset(where, "cores", cores, err, errsz)))
        || (gpus && !(gset = decode_rset(where, "gpus", gpus, err, errsz))))
        goto out;
    if (props) {
        size_t j;
        json_t *p;
        if (!json_is_array(props)) {
            errbuf_set(err, errsz, "config[%zu]: properties must be an array of strings", i);
            goto out;
        }
        if (!(plist = calloc(json_array_size(props) + 1, sizeof(*plist))))
            goto nomem;
        json_array_foreach(props, j, p) {
            const char *name = json_string_value(p);
            const char *bad;
            if (!name) {
                errbuf_set(err, errsz, "config[%zu]: properties must be an array of strings", i);
                goto out;
            }
            if ((bad = bad_property_char(name))) {
                errbuf_set(err, errsz, "config[%zu]: invalid character '%c' in property \"%s\"", i,
                       *bad, name);
                goto out;
            }
            ssize_t pi = get_prop(rl, name);
            if (pi < 0)
                goto nomem;
            plist[nplist++] = (size_t)pi;
        }
    }
    size_t count = hostlist_count(hl);
    for (size_t n = 0; n < count; n++) {
        char host[HOSTNAME_BUF];
        if (hostlist_nth(hl, n, host, sizeof(host)) < 0) {
            errbuf_set(err, errsz, "config[%zu]: invalid hostlist '%s'", i, hosts);
            goto out;
        }
        ssize_t idx = rlist_find(rl, host);
        if (idx < 0 && hostmap_fails(rl, host, err, errsz))
            goto out;
        if (idx < 0 && (idx = add_node(rl, host, (unsigned int)rl->n)) < 0)
            goto nomem;
        struct node *nd = &rl->nodes[idx];
        if (rset_union(&nd->cores, cset) < 0 || rset_union(&nd->gpus, gset) < 0)
            goto nomem;
        for (size_t k = 0; k < nplist; k++)
            if (idset_set(rl->props[plist[k]].nodes, (unsigned int)idx) < 0)
                goto nomem;
    }
    rc = 0;
    goto out;
nomem:
    errbuf_set(err, errsz, "config[%zu]: %s", i, strerror(ENOMEM));
out:
    free(plist);
    rset_put(cset);
    rset_put(gset);
    hostlist_destroy(hl);
    return rc;
}

static bool rset_empty(const struct rset *s)
{
    return !s || idset_count(s->ids) == 0;
}

struct rlist *rlist_from_config(const json_t *config, char *err, size_t errsz)
{
    struct rlist *rl;
    size_t i;
    json_t *entry;
    int e;

    if (!json_is_array(config)) {
        errbuf_set(err, errsz, "resource.config must be an array of tables");
        return NULL;
    }
    /* Count before expanding anything (an unparsable entry is left to
     * config_entry(), which reports it in flux-R's words). */
    size_t listed = 0;
    json_array_foreach(config, i, entry) {
        const char *hosts = json_string_value(json_object_get(entry, "hosts"));
        struct hostlist *hl = hosts ? hostlist_decode(hosts, NULL, 0) : NULL;
        listed += hl ? hostlist_count(hl) : 0;
        hostlist_destroy(hl);
        if (listed > RLIST_NODES_MAX) {
            over_cap(err, errsz, "resource.config", listed, "hosts (or more)");
            return NULL;
        }
    }
    if (!(rl = rlist_new())) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return NULL;
    }
    json_array_foreach(config, i, entry) {
        if (config_entry(rl, i, entry, err, errsz) < 0)
            goto fail;
    }
    if (rl->n == 0) {
        errbuf_set(err, errsz, "no hosts configured");
        goto fail;
    }
    for (i = 0; i < rl->n; i++) {
        if (rset_empty(rl->nodes[i].cores) && rset_empty(rl->nodes[i].gpus)) {
            errbuf_set(err, errsz, "resource.config: %s assigned no resources", rl->nodes[i].host);
            goto fail;
        }
    }
    return rl;
fail:
    e = errno; /* E2BIG: flux-preflight's limit, not flux-core's error */
    rlist_destroy(rl);
    errno = e;
    return NULL;
}

struct rank_ref {
    unsigned int rank;
    size_t entry;
};

static int cmp_rank_ref(const void *a, const void *b)
{
    const struct rank_ref *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Node index of rank (nodes are sorted by rank), or -1. */
static ssize_t node_of_rank(const struct rlist *rl, unsigned int rank)
{
    size_t lo = 0, hi = rl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rl->nodes[mid].rank == rank)
            return (ssize_t)mid;
        if (rl->nodes[mid].rank < rank)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int R_lite(struct rlist *rl, json_t *lite, char *err, size_t errsz)
{
    size_t nentries = json_array_size(lite);
    _cleanup_free_ struct rset **cores = calloc(nentries + 1, sizeof(*cores));
    _cleanup_free_ struct rset **gpus = calloc(nentries + 1, sizeof(*gpus));
    _cleanup_free_ struct rank_ref *refs = NULL;
    size_t nrefs = 0, caprefs = 0;
    size_t i;
    json_t *entry;
    int rc = -1;
    char why[256];

    if (!cores || !gpus)
        goto nomem;
    json_array_foreach(lite, i, entry) {
        const char *rank = NULL, *core = NULL, *gpu = NULL;
        json_error_t jerr;
        struct idset *ranks;

        if (json_unpack_ex(entry, &jerr, 0, "{s:s s:{s:s s?s}}", "rank", &rank, "children",
                           "core", &core, "gpu", &gpu) < 0) {
            errbuf_set(err, errsz, "R_lite[%zu]: %s", i, jerr.text);
            goto out;
        }
        char where[32];
        snprintf(where, sizeof(where), "R_lite[%zu]", i);
        if (!(cores[i] = decode_rset(where, "core", core, err, errsz))
            || (gpu && !(gpus[i] = decode_rset(where, "gpu", gpu, err, errsz))))
            goto out;
        if (!(ranks = idset_decode(rank, why, sizeof(why)))) {
            if (errno == E2BIG)
                not_expanded(err, errsz, where, "rank", rank, why);
            else
                errbuf_set(err, errsz, "%s: invalid rank idset '%s'", where, rank);
            goto out;
        }
        if (nrefs + idset_count(ranks) > RLIST_NODES_MAX) {
            over_cap(err, errsz, "R_lite", nrefs + idset_count(ranks), "ranks (or more)");
            idset_destroy(ranks);
            goto out;
        }
        for (unsigned int r = idset_first(ranks); r != IDSET_INVALID_ID;
             r = idset_next(ranks, r)) {
            if (nrefs == caprefs) {
                size_t ncap = caprefs ? caprefs * 2 : 64;
                struct rank_ref *n = realloc(refs, ncap * sizeof(*n));
                if (!n) {
                    idset_destroy(ranks);
                    goto nomem;
                }
                refs = n;
                caprefs = ncap;
            }
            refs[nrefs].rank = r;
            refs[nrefs++].entry = i;
        }
        idset_destroy(ranks);
    }
    if (nrefs > 0)
        qsort(refs, nrefs, sizeof(*refs), cmp_rank_ref);
    for (size_t k = 0; k < nrefs; k++) {
        if (k > 0 && refs[k].rank == refs[k - 1].rank) {
            errbuf_set(err, errsz, "R_lite[%zu]: rank %u appears more than once", refs[k].entry,
                   refs[k].rank);
            goto out;
        }
        ssize_t idx = add_node(rl, NULL, refs[k].rank);
        if (idx < 0)
            goto nomem;
        struct node *nd = &rl->nodes[idx];
        if (rset_union(&nd->cores, cores[refs[k].entry]) < 0 ||
            rset_union(&nd->gpus, gpus[refs[k].entry]) < 0)
            goto nomem;
    }
    rc = 0;
    goto out;
nomem:
    errbuf_set(err, errsz, "R_lite: %s", strerror(ENOMEM));
out:
    for (i = 0; i < nentries; i++) {
        if (cores)
            rset_put(cores[i]);
        if (gpus)
            rset_put(gpus[i]);
    }
    return rc;
}

static int R_nodelist(struct rlist *rl, json_t *nodelist, char *err, size_t errsz)
{
    size_t i, k = 0;
    json_t *v;
    char why[256];

    if (!json_is_array(nodelist)) {
        errbuf_set(err, errsz, "nodelist must be an array of hostlists");
        return -1;
    }
    json_array_foreach(nodelist, i, v) {
        const char *s = json_string_value(v);
        struct hostlist *hl;
        if (!s) {
            errbuf_set(err, errsz, "nodelist[%zu]: Expected string", i);
            return -1;
        }
        if (!(hl = hostlist_decode(s, why, sizeof(why)))) {
            char where[32];
            snprintf(where, sizeof(where), "nodelist[%zu]", i);
            if (errno == EOVERFLOW)
                return not_expanded(err, errsz, where, "hostlist", s, why);
            errbuf_set(err, errsz, "%s: invalid hostlist '%s'", where, s);
            return -1;
        }
        size_t count = hostlist_count(hl);
        if (k + count > RLIST_NODES_MAX) {
            hostlist_destroy(hl);
            return over_cap(err, errsz, "nodelist", k + count, "hosts (or more)");
        }
        for (size_t n = 0; n < count; n++, k++) {
            char host[HOSTNAME_BUF];
            if (hostlist_nth(hl, n, host, sizeof(host)) < 0) {
                hostlist_destroy(hl);
                errbuf_set(err, errsz, "nodelist[%zu]: invalid hostlist '%s'", i, s);
                return -1;
            }
            if (k >= rl->n)
                continue; /* counted below */
            if (rlist_find(rl, host) >= 0) {
                hostlist_destroy(hl);
                errbuf_set(err, errsz, "nodelist: host %s appears more than once", host);
                return -1;
            }
            if (!(rl->nodes[k].host = strdup(host)) || index_host(rl, k) < 0) {
                hostlist_destroy(hl);
                errbuf_set(err, errsz, "nodelist: %s", strerror(ENOMEM));
                return -1;
            }
        }
        hostlist_destroy(hl);
    }
    if (k != rl->n) {
        errbuf_set(err, errsz, "nodelist has %zu hosts but R_lite has %zu ranks", k, rl->n);
        return -1;
    }
    return 0;
}

static int R_properties(struct rlist *rl, json_t *props, char *err, size_t errsz)
{
    const char *name;
    json_t *v;
    char why[256];

    if (!json_is_object(props)) {
        errbuf_set(err, errsz, "properties must be an object");
        return -1;
    }
    json_object_foreach(props, name, v) {
        const char *bad = strpbrk(name, "!^&'\"`|()");
        struct idset *ranks;
        ssize_t pi;

        if (bad) {
            errbuf_set(err, errsz, "properties: invalid character '%c' in property \"%s\"", *bad,
                   name);
            return -1;
        }
        if (!json_is_string(v) || !(ranks = idset_decode(json_string_value(v), why, sizeof(why)))) {
            if (json_is_string(v) && errno == E2BIG)
                return not_expanded(err, errsz, "properties", name, json_string_value(v), why);
            errbuf_set(err, errsz, "properties: %s: invalid rank idset", name);
            return -1;
        }
        if ((pi = get_prop(rl, name)) < 0) {
            idset_destroy(ranks);
            errbuf_set(err, errsz, "properties: %s", strerror(ENOMEM));
            return -1;
        }
        for (unsigned int r = idset_first(ranks); r != IDSET_INVALID_ID;
             r = idset_next(ranks, r)) {
            ssize_t idx = node_of_rank(rl, r);
            if (idx < 0) {
                idset_destroy(ranks);
                errbuf_set(err, errsz, "properties: %s: rank %u is not in R_lite", name, r);
                return -1;
            }
            idset_set(rl->props[pi].nodes, (unsigned int)idx);
        }
        idset_destroy(ranks);
    }
    return 0;
}

struct rlist *rlist_from_R(const json_t *R, char *err, size_t errsz)
{
    struct rlist *rl = NULL;
    json_error_t jerr;
    json_t *lite = NULL, *nodelist = NULL, *props = NULL;
    int version = 0;
    double start = 0, expire = 0;

    if (json_unpack_ex((json_t *)R, &jerr, 0, "{s:i s:{s:o s?o s?o s?F s?F}}", "version",
                       &version, "execution", "R_lite", &lite, "nodelist", &nodelist,
                       "properties", &props, "starttime", &start, "expiration", &expire) < 0) {
        errbuf_set(err, errsz, "%s", jerr.text);
        return NULL;
    }
    if (version != 1) {
        errbuf_set(err, errsz, "invalid R version %d (only version 1 is supported)", version);
        return NULL;
    }
    if (!json_is_array(lite)) {
        errbuf_set(err, errsz, "R_lite must be an array");
        return NULL;
    }
    if (start > 0 && expire > 0 && expire <= start) {
        errbuf_set(err, errsz, "expiration (%g) must be greater than starttime (%g)", expire, start);
        return NULL;
    }
    if (!(rl = rlist_new())) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return NULL;
    }
    if (R_lite(rl, lite, err, errsz) < 0 || (nodelist && R_nodelist(rl, nodelist, err, errsz) < 0) ||
        (props && R_properties(rl, props, err, errsz) < 0)) {
        int e = errno; /* E2BIG: over RLIST_NODES_MAX */
        rlist_destroy(rl);
        errno = e;
        return NULL;
    }
    return rl;
}

struct rlist *rlist_from_R_text(const char *buf, size_t len, char *err, size_t errsz)
{
    json_error_t jerr;
    _cleanup_json_ json_t *R = json_loadb(buf, len, 0, &jerr);

    if (!R) {
        errbuf_set(err, errsz, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    return rlist_from_R(R, err, errsz);
}

struct rlist *rlist_from_resource_conf(const struct resource_conf *rc, const json_t *R,
                                       char *err, size_t errsz)
{
    if (rc && rc->config)
        return rlist_from_config(rc->config, err, errsz);
    if (rc && rc->path && R)
        return rlist_from_R(R, err, errsz);
    errbuf_set(err, errsz, "resource.config or resource.path must be defined");
    return NULL;
}

size_t rlist_nnodes(const struct rlist *rl)
{
    return rl ? rl->n : 0;
}

const char *rlist_host(const struct rlist *rl, size_t i)
{
    return rl && i < rl->n ? rl->nodes[i].host : NULL;
}

unsigned int rlist_rank(const struct rlist *rl, size_t i)
{
    return rl && i < rl->n ? rl->nodes[i].rank : IDSET_INVALID_ID;
}

const struct idset *rlist_cores(const struct rlist *rl, size_t i)
{
    if (!rl || i >= rl->n)
        return NULL;
    return rl->nodes[i].cores ? rl->nodes[i].cores->ids : rl->empty;
}

const struct idset *rlist_gpus(const struct rlist *rl, size_t i)
{
    if (!rl || i >= rl->n)
        return NULL;
    return rl->nodes[i].gpus ? rl->nodes[i].gpus->ids : rl->empty;
}

json_t *rlist_properties(const struct rlist *rl)
{
    json_t *o = json_object();

    if (!rl || !o)
        goto fail;
    for (size_t i = 0; i < rl->nprops; i++) {
        struct idset *ranks = idset_create();
        const struct idset *nodes = rl->props[i].nodes;
        char *s;
        if (!ranks)
            goto fail;
        for (unsigned int n = idset_first(nodes); n != IDSET_INVALID_ID;
             n = idset_next(nodes, n))
            idset_set(ranks, rl->nodes[n].rank);
        s = idset_encode(ranks);
        idset_destroy(ranks);
        if (!s || json_object_set_new(o, rl->props[i].name, json_string(s)) < 0) {
            free(s);
            goto fail;
        }
        free(s);
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

int rlist_rerank(struct rlist *rl, const struct bootstrap *b, char *err, size_t errsz)
{
    int n = bootstrap_size(b);
    _cleanup_free_ struct node *nodes = NULL;
    _cleanup_free_ size_t *perm = NULL; /* old index -> new index */

    if (!rl || !b) {
        errbuf_set(err, errsz, "%s", strerror(EINVAL));
        return -1;
    }
    if ((size_t)n > rl->n) {
        errbuf_set(err, errsz, "Number of hosts (%d) is greater than node count (%zu)", n, rl->n);
        return -1;
    }
    if ((size_t)n < rl->n) {
        errbuf_set(err, errsz, "Number of hosts (%d) is less than node count (%zu)", n, rl->n);
        return -1;
    }
    if (!(nodes = calloc(rl->n + 1, sizeof(*nodes))) ||
        !(perm = calloc(rl->n + 1, sizeof(*perm)))) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return -1;
    }
    for (int r = 0; r < n; r++) {
        const char *host = bootstrap_host(b, r);
        ssize_t idx = rlist_find(rl, host);
        if (idx < 0) {
            errbuf_set(err, errsz, "Host %s not found in resources", host ? host : "(null)");
            return -1;
        }
        nodes[r] = rl->nodes[idx];
        nodes[r].rank = (unsigned int)r;
        perm[idx] = (size_t)r;
    }
    /* Commit: the property node sets and the index follow the nodes. */
    for (size_t p = 0; p < rl->nprops; p++) {
        struct idset *ids = idset_create();
        const struct idset *old = rl->props[p].nodes;
        if (!ids) {
            errbuf_set(err, errsz, "%s", strerror(ENOMEM));
            return -1;
        }
        for (unsigned int i = idset_first(old); i != IDSET_INVALID_ID; i = idset_next(old, i))
            idset_set(ids, (unsigned int)perm[i]);
        idset_destroy(rl->props[p].nodes);
        rl->props[p].nodes = ids;
    }
    memcpy(rl->nodes, nodes, rl->n * sizeof(*nodes));
    if (index_rebuild(rl) < 0) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return -1;
    }
    return 0;
}

struct idset *resource_exclude_ranks(const char *exclude, const struct rlist *rl, char *err,
                                     size_t errsz)
{
    char why[256];
    struct idset *ids;

    if (!exclude) {
        errbuf_set(err, errsz, "%s", strerror(EINVAL));
        return NULL;
    }
    ids = idset_decode(exclude, why, sizeof(why));
    if (!ids && errno == E2BIG) { /* an idset to flux-core, with a rank past any instance */
        errbuf_set(err, errsz, "exclude: '%s' names ranks over %u, not in the instance (size %zu)",
               exclude, IDSET_MAX_ID, rlist_nnodes(rl));
        return NULL;
    }
    if (ids) {
        size_t n = rlist_nnodes(rl);
        for (unsigned int r = idset_first(ids); r != IDSET_INVALID_ID; r = idset_next(ids, r)) {
            if (r >= n) {
                errbuf_set(err, errsz, "exclude: rank %u is not in the instance (size %zu)", r, n);
                idset_destroy(ids);
                return NULL;
            }
        }
        return ids;
    }
    struct hostlist *hl = hostlist_decode(exclude, NULL, 0);
    if (!hl) {
        errbuf_set(err, errsz, "exclude: '%s' is neither an idset nor a hostlist", exclude);
        return NULL;
    }
    if (!(ids = idset_create())) {
        hostlist_destroy(hl);
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return NULL;
    }
    size_t count = hostlist_count(hl);
    for (size_t i = 0; i < count; i++) {
        char host[HOSTNAME_BUF];
        ssize_t idx;
        if (hostlist_nth(hl, i, host, sizeof(host)) < 0 || (idx = rlist_find(rl, host)) < 0) {
            errbuf_set(err, errsz, "exclude: host %s is not in the resource set", host);
            idset_destroy(ids);
            hostlist_destroy(hl);
            return NULL;
        }
        idset_set(ids, rlist_rank(rl, (size_t)idx));
    }
    hostlist_destroy(hl);
    return ids;
}

/* [resource] */

static const char *mode_names[] = {
    [VERIFY_STRICT] = "strict",
    [VERIFY_ALLOW_EXTRA] = "allow-extra",
    [VERIFY_ALLOW_MISSING] = "allow-missing",
    [VERIFY_IGNORE] = "ignore",
};

const char *resource_verify_mode_name(enum resource_verify_mode m)
{
    return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "unknown";
}

static int parse_mode(const char *s, enum resource_verify_mode *m)
{
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
        if (strcmp(s, mode_names[i]) == 0) {
            *m = (enum resource_verify_mode)i;
            return 0;
        }
    }
    return -1;
}

#define RESOURCE_ERR "error parsing [resource] configuration: "

static int parse_verify(const json_t *verify, struct resource_conf *rc, char *err, size_t errsz)
{
    if (!verify)
        return 0;
    if (json_is_boolean(verify)) {
        if (json_is_false(verify))
            rc->verify.hostname = rc->verify.core = rc->verify.gpu = VERIFY_IGNORE;
        return 0;
    }
    if (!json_is_object(verify)) {
        errbuf_set(err, errsz, RESOURCE_ERR "verify must be a boolean or a table");
        return -1;
    }
    const char *names[4] = { NULL };
    const char *keys[4] = { "default", "hostname", "core", "gpu" };
    json_error_t jerr;
    if (json_unpack_ex((json_t *)verify, &jerr, JSON_STRICT, "{s?s s?s s?s s?s}", keys[0],
                       &names[0], keys[1], &names[1], keys[2], &names[2], keys[3],
                       &names[3]) < 0) {
        errbuf_set(err, errsz, RESOURCE_ERR "verify: %s", jerr.text);
        return -1;
    }
    enum resource_verify_mode modes[4] = { VERIFY_STRICT, VERIFY_STRICT, VERIFY_STRICT,
                                           VERIFY_STRICT };
    for (int i = 0; i < 4; i++) {
        if (names[i] && parse_mode(names[i], &modes[i]) < 0) {
            errbuf_set(err, errsz,
                   RESOURCE_ERR "verify.%s: invalid mode '%s' (strict, allow-extra, "
                                "allow-missing or ignore)",
                   keys[i], names[i]);
            return -1;
        }
        if (i > 0 && !names[i])
            modes[i] = modes[0];
    }
    rc->verify.hostname = modes[1];
    rc->verify.core = modes[2];
    rc->verify.gpu = modes[3];
    return 0;
}

int resource_conf_parse(const json_t *config, struct resource_conf *rc, char *err, size_t errsz)
{
    const json_t *table = json_object_get(config, "resource");
    json_t *cfg = NULL, *verify = NULL;
    int norestrict = 0, noverify = 0, rediscover = 0, no_update_watch = 0;
    json_int_t journal_max = 100000;
    const char *history = NULL;
    json_error_t jerr;

    memset(rc, 0, sizeof(*rc));
    rc->journal_max = 100000;
    rc->history = 90 * 86400;
    rc->verify.hostname = VERIFY_STRICT;
    rc->verify.core = VERIFY_ALLOW_EXTRA;
    rc->verify.gpu = VERIFY_IGNORE;
    if (!table)
        return 0;
    rc->present = true;
    if (json_unpack_ex((json_t *)table, &jerr, JSON_STRICT,
                       "{s?o s?s s?s s?s s?b s?b s?o s?b s?b s?I s?s}", "config", &cfg, "path",
                       &rc->path, "scheduling", &rc->scheduling, "exclude", &rc->exclude,
                       "norestrict", &norestrict, "noverify", &noverify, "verify", &verify,
                       "rediscover", &rediscover, "no-update-watch", &no_update_watch,
                       "journal-max", &journal_max, "history", &history) < 0) {
        errbuf_set(err, errsz, RESOURCE_ERR "%s", jerr.text);
        return -1;
    }
    rc->config = cfg;
    rc->norestrict = norestrict;
    rc->noverify = noverify;
    rc->rediscover = rediscover;
    rc->no_update_watch = no_update_watch;
    rc->journal_max = journal_max;
    if (history && fsd_parse_duration(history, &rc->history) < 0) {
        errbuf_set(err, errsz, RESOURCE_ERR "history: invalid Flux Standard Duration '%s'", history);
        return -1;
    }
    if (parse_verify(verify, rc, err, errsz) < 0)
        return -1;
    if (rc->noverify)
        rc->verify.hostname = rc->verify.core = rc->verify.gpu = VERIFY_IGNORE;
    return 0;
}
