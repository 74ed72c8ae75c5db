/* Resources: the [resource] table as flux-core's resource module checks it,
 * `resource.config` as librlist's rlist_from_config() builds it, R version 1
 * (RFC 20) as rlist_from_R() reads it, and the re-ranking against the
 * [bootstrap] host list that the resource module does at startup
 * (FLUX-FACTS §6, messages from §12.b/§12.d).
 *
 * An rlist is the per-node view: node i (rank order) has a host name, a
 * rank, a core set and a gpu set. Sets given to several hosts by one config
 * entry are shared, so 100k hosts in one entry cost one set.
 */
#ifndef FP_COMMON_RLIST_H
#define FP_COMMON_RLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct rlist;
struct idset;
struct bootstrap;

/* At most this many nodes in resource.config's hosts (counted over every
 * entry before expansion), or ranks in R's R_lite / hosts in its nodelist:
 * 2^20, as for [bootstrap] hosts. A larger description is not judged: the
 * functions below return NULL with errno E2BIG and err naming the limit. */
#define RLIST_NODES_MAX (1 << 20)

enum resource_verify_mode {
    VERIFY_STRICT,
    VERIFY_ALLOW_EXTRA,
    VERIFY_ALLOW_MISSING,
    VERIFY_IGNORE,
};

/* The [resource] table, parsed. Strings point into the config object. */
struct resource_conf {
    bool present;           /* a [resource] table exists */
    const json_t *config;   /* resource.config (an array), or NULL */
    const char *path;       /* resource.path, or NULL (ignored when config is set) */
    const char *scheduling; /* resource.scheduling, or NULL */
    const char *exclude;    /* idset of ranks or hostlist, or NULL */
    bool norestrict;
    bool noverify;
    bool rediscover;
    bool no_update_watch;
    long long journal_max;  /* 100000 when unset */
    double history;         /* seconds; 90 days when unset */
    /* verify: implicit {default=allow-extra, hostname=strict, gpu=ignore};
     * any explicit table starts from all-strict. noverify forces ignore. */
    struct {
        enum resource_verify_mode hostname, core, gpu;
    } verify;
};

/* Parse config's [resource] the way the resource module does (strict keys).
 * 0 (rc->present false when there is no table), or -1 with err set to
 * "error parsing [resource] configuration: <why>". */
int resource_conf_parse(const json_t *config, struct resource_conf *rc, char *err, size_t errsz);
const char *resource_verify_mode_name(enum resource_verify_mode m);

/* rlist_from_config(): config is the resource.config value. NULL with err
 * in flux-R's words ("config[0]: invalid idset cores='a-b'", "no hosts
 * configured", "resource.config: test0 assigned no resources"). Ranks
 * follow first appearance; sets of a host named twice are unioned. */
struct rlist *rlist_from_config(const json_t *config, char *err, size_t errsz);
/* R version 1 (an object, or JSON text with its position in errors). */
struct rlist *rlist_from_R(const json_t *R, char *err, size_t errsz);
struct rlist *rlist_from_R_text(const char *buf, size_t len, char *err, size_t errsz);
/* What `flux R parse-config` does with a parsed table: resource.config when
 * present, else R (the caller loads resource.path; pass NULL when unset),
 * else "resource.config or resource.path must be defined". */
struct rlist *rlist_from_resource_conf(const struct resource_conf *rc, const json_t *R,
                                       char *err, size_t errsz);
void rlist_destroy(struct rlist *rl);

size_t rlist_nnodes(const struct rlist *rl);
const char *rlist_host(const struct rlist *rl, size_t i);
unsigned int rlist_rank(const struct rlist *rl, size_t i);
/* Node index of host, or -1. O(1). */
ssize_t rlist_find(const struct rlist *rl, const char *host);
/* Core / gpu set of node i (never NULL for a valid i; may be empty). */
const struct idset *rlist_cores(const struct rlist *rl, size_t i);
const struct idset *rlist_gpus(const struct rlist *rl, size_t i);
/* {"name": "rank idset", ...}: a new reference (NULL on ENOMEM). */
json_t *rlist_properties(const struct rlist *rl);

/* The resource module's re-rank by the [bootstrap] host list: the host sets
 * must be equal. On success nodes are renumbered in bootstrap rank order.
 * -1 with "Number of hosts (N) is greater than node count (M)", "... less
 * than ...", or "Host X not found in resources" (N = bootstrap size,
 * M = nodes in R). */
int rlist_rerank(struct rlist *rl, const struct bootstrap *b, char *err, size_t errsz);

/* resource.exclude as ranks of rl (an idset, or a hostlist of rl's hosts).
 * NULL with err on a bad idset/hostlist, an unknown host or a rank >= size. */
struct idset *resource_exclude_ranks(const char *exclude, const struct rlist *rl, char *err,
                                     size_t errsz);

#endif
