/* config.resource: [resource] as the broker's resource module reads it
 * (checklist: "Is the Flux resource configuration correct?"): R or the
 * inventory built from [resource] config and [bootstrap], against this
 * node's hardware. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/confread.h"
#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/conf.h"
#include "common/fileio.h"
#include "common/idset.h"
#include "common/rlist.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/findings.h"
#include "engine/settings.h"

/* --- config.resource ------------------------------------------------------- */

#define R_MAX (64 * 1024 * 1024)

/* Read resource.path (inside --root; relative paths resolve against /, the
 * broker's working directory under flux.service).  NULL with err in the
 * resource module's words (json_load_file() of the configured path: "PATH:
 * TEXT on line N"), or ours where it has none (a FIFO is never opened). */
static json_t *load_R(const struct fp_ctx *ctx, const char *path, char *shown, size_t shownsz,
                      char *err, size_t errsz)
{
    char abs[PATH_MAX];
    json_error_t jerr;
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    int rc;

    snprintf(abs, sizeof(abs), "%s%s", path[0] == '/' ? "" : "/", path);
    if (!fp_path(ctx, abs, shown, shownsz))
        snprintf(shown, shownsz, "%s", abs);
    rc = fio_read(ctx->root, abs, R_MAX, 0, &f, NULL, 0);
    if (rc == -EINVAL) {
        snprintf(err, errsz, "%s is a %s, not a regular file", shown,
                 fsu_type_name(f.st.st_mode));
        return NULL;
    }
    if (rc == -EFBIG) {
        snprintf(err, errsz, "%s: file too large (%lld bytes, flux-preflight reads at most %d)",
                 shown, (long long)f.st.st_size, R_MAX);
        return NULL;
    }
    if (rc < 0) {
        snprintf(err, errsz, "%s: unable to open %s: %s on line -1", path, path, strerror(-rc));
        return NULL;
    }
    json_t *R = json_loadb(f.data, f.len, 0, &jerr);
    if (!R)
        snprintf(err, errsz, "%s: %s on line %d", path, jerr.text, jerr.line);
    return R;
}

/* Physical cores of the live node (what hwloc numbers core 0..N-1): the
 * distinct (package, core_id) pairs of the online CPUs.  -1 when sysfs
 * cannot tell. */
static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static int read_int_file(const char *path, long long *v)
{
    _cleanup_fclose_ FILE *fp = fopen(path, "re");
    return fp && fscanf(fp, "%lld", v) == 1 ? 0 : -1;
}

static int live_core_count(int *ncpus)
{
    char buf[4096] = "", err[128], path[256];
    _cleanup_fclose_ FILE *fp = fopen("/sys/devices/system/cpu/online", "re");
    struct idset *cpus;
    long long *ids = NULL;
    size_t n = 0;
    int count = 0;

    if (!fp || !fgets(buf, sizeof(buf), fp))
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    if (!(cpus = idset_decode(buf, err, sizeof(err))))
        return -1;
    *ncpus = (int)idset_count(cpus);
    if (!(ids = calloc(idset_count(cpus) + 1, sizeof(*ids)))) {
        idset_destroy(cpus);
        return -1;
    }
    for (unsigned cpu = idset_first(cpus); cpu != IDSET_INVALID_ID; cpu = idset_next(cpus, cpu)) {
        long long pkg = 0, core = cpu;
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/physical_package_id",
                 cpu);
        (void)read_int_file(path, &pkg);
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_id", cpu);
        (void)read_int_file(path, &core);
        ids[n++] = (pkg << 32) | (core & 0xffffffffLL);
    }
    qsort(ids, n, sizeof(*ids), cmp_ll);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ids[i] != ids[i - 1])
            count++;
    free(ids);
    idset_destroy(cpus);
    return count;
}

/* NVIDIA GPU device nodes (/dev/nvidia0, /dev/nvidia1, ...). */
static int live_gpu_count(void)
{
    DIR *d = opendir("/dev");
    struct dirent *de;
    int n = 0;

    if (!d)
        return -1;
    while ((de = readdir(d))) {
        const char *s = de->d_name;
        if (strncmp(s, "nvidia", 6) == 0 && s[6] && strspn(s + 6, "0123456789") == strlen(s + 6))
            n++;
    }
    closedir(d);
    return n;
}

/* Declared ids at or above count (the ones hwloc will not find). */
static char *ids_beyond(const struct idset *ids, unsigned count)
{
    struct idset *x = idset_create();
    char *s;

    if (!x)
        return NULL;
    for (unsigned i = idset_first(ids); i != IDSET_INVALID_ID; i = idset_next(ids, i))
        if (i >= count)
            idset_set(x, i);
    s = idset_count(x) ? idset_encode(x) : NULL;
    idset_destroy(x);
    return s;
}

/* The node's declared cores/gpus against what this machine has.  The
 * resource module's verify drains a node that lacks declared resources
 * (modes strict and allow-extra; gpus are ignored by default). */
static void resource_hardware(const struct fp_ctx *ctx, struct fp_result *r, struct fp_findings *f,
                              const struct resource_conf *rc, const struct rlist *rl, size_t node)
{
    const struct idset *cores = rlist_cores(rl, node);
    const struct idset *gpus = rlist_gpus(rl, node);
    const char *host = rlist_host(rl, node);
    int ncpus = 0, ncores, ngpus;

    if (!ctx->live) {
        fp_finding_at(f, FP_PASS, NULL, 0, 0,
                      "declared cores/gpus not compared with hardware: checking an image "
                      "(--root)");
        return;
    }
    ncores = live_core_count(&ncpus);
    ngpus = live_gpu_count();
    if (ncores >= 0) {
        _cleanup_free_ char *missing = ids_beyond(cores, (unsigned)ncores);
        fp_fact_int(r, "cores_present", ncores);
        fp_fact_int(r, "cpus_online", ncpus);
        bool drains = rc->verify.core == VERIFY_STRICT || rc->verify.core == VERIFY_ALLOW_EXTRA;
        if (missing)
            fp_finding(f, drains ? FP_WARN : FP_PASS, ctx->system, "resource.config",
                       "%s is declared with core %s, but this node has %d core%s (%d CPUs "
                       "online)%s",
                       host, missing, ncores, ncores == 1 ? "" : "s", ncpus,
                       drains ? ": resource verify drains it at start (verify core mode "
                             "strict/allow-extra); fix the cores of this host in "
                             "[resource] config, or bring the CPUs online"
                           : " (verify core mode tolerates it)");
        else if (rc->verify.core == VERIFY_STRICT && idset_count(cores) < (size_t)ncores)
            fp_finding(f, FP_WARN, ctx->system, "resource.verify",
                       "%s is declared with %zu cores but has %d, and verify core mode is "
                       "strict: resource verify drains it at start",
                       host, idset_count(cores), ncores);
    }
    if (ngpus >= 0) {
        _cleanup_free_ char *missing = ids_beyond(gpus, (unsigned)ngpus);
        fp_fact_int(r, "gpus_present", ngpus);
        bool drains = rc->verify.gpu == VERIFY_STRICT || rc->verify.gpu == VERIFY_ALLOW_EXTRA;
        if (missing)
            fp_finding(f, drains ? FP_WARN : FP_PASS, ctx->system, "resource.config",
                       "%s is declared with gpu %s, but this node has %d NVIDIA GPU device%s "
                       "(/dev/nvidiaN)%s",
                       host, missing, ngpus, ngpus == 1 ? "" : "s",
                       drains ? ": resource verify drains it at start; fix the gpus of this "
                             "host in [resource] config"
                           : "; verify ignores gpus by default, but jobs asking for them fail");
    }
}

/* How a fault in [resource] ends: on the leader the resource module fails
 * (rc1, exit 42, Result=success); a follower starts, and the leader, with
 * the same config, fails. */
struct resource_fate {
    enum fp_status bad;
    bool leader;
};

/* A fault the resource module reports with text (its own words). */
static void module_fails(struct fp_findings *f, const struct fp_ctx *ctx,
                         const struct resource_fate *fate, const char *key, const char *text)
{
    if (fate->leader)
        fp_finding(f, fate->bad, ctx->system, key,
                   "the resource module fails to load with \"%s\"; " FLUXUNIT_RC1_EXIT42, text);
    else
        fp_finding(f, fate->bad, ctx->system, key,
                   "\"%s\": this follower starts, but the leader, with the same config, fails to "
                   "load its resource module", text);
}

/* R as the leader's resource module builds it: resource.config, or the R
 * file at resource.path, re-ranked by the [bootstrap] hosts.  NULL when it
 * would fail (reported), or when neither is set (R is then discovered). */
static struct rlist *resource_build(const struct fp_ctx *ctx, struct fp_result *r,
                                    struct fp_findings *f, const struct resource_conf *rc,
                                    const struct resource_fate *fate)
{
    const struct conf *c = ctx->system;
    const char *key = rc->config ? "resource.config" : "resource.path";
    _cleanup_json_ json_t *R = NULL;
    struct rlist *rl;
    char err[PATH_MAX + 1024], text[PATH_MAX + 1200];

    if (!rc->config && rc->path) {
        char shown[PATH_MAX];
        fp_fact_str(r, "path", rc->path);
        if (rc->path[0] != '/')
            fp_finding(f, FP_WARN, c, "resource.path",
                       "\"%s\" is relative: the broker resolves it against its working "
                       "directory (/ under flux.service); use an absolute path",
                       rc->path);
        if (!(R = load_R(ctx, rc->path, shown, sizeof(shown), err, sizeof(err)))) {
            module_fails(f, ctx, fate, "resource.path", err);
            return NULL;
        }
    }
    fp_fact_str(r, "source", rc->config ? "config" : "path");
    errno = 0;
    if (!(rl = rlist_from_resource_conf(rc, R, err, sizeof(err)))) {
        if (errno == E2BIG) { /* could not check: over the limit of rlist.h */
            fp_finding(f, FP_ERROR, c, key, "not checked: %s", err);
        } else {
            snprintf(text, sizeof(text), "%s%s", rc->config ? "error parsing [resource.config] "
                                                              "array: " : "error parsing R: ", err);
            module_fails(f, ctx, fate, key, text);
        }
        return NULL;
    }
    fp_fact_int(r, "nodes", (long long)rlist_nnodes(rl));
    if (rc->exclude) {
        struct idset *ex = resource_exclude_ranks(rc->exclude, rl, err, sizeof(err));
        if (!ex)
            module_fails(f, ctx, fate, "resource.exclude", err);
        idset_destroy(ex);
    }
    if (bootstrap_present(ctx->boot)) {
        if (rlist_rerank(rl, ctx->boot, err, sizeof(err)) < 0) {
            snprintf(text, sizeof(text), "error reranking R: %s", err);
            module_fails(f, ctx, fate, key, text);
            fp_finding_at(f, FP_PASS, NULL, 0, 0,
                          "the hosts of [resource] must be exactly the [bootstrap] hosts");
            rlist_destroy(rl);
            return NULL;
        }
    } else if (ctx->boot && rlist_nnodes(rl) != 1) {
        fp_finding(f, FP_WARN, c, key,
                   "describes %zu nodes, but without [bootstrap] the broker is a singleton: "
                   "rank 0 gets the first node's resources",
                   rlist_nnodes(rl));
    } else if (!ctx->boot) {
        fp_finding_at(f, FP_PASS, NULL, 0, 0,
                      "host set not compared with [bootstrap], which is invalid (see "
                      "config.bootstrap)");
    }
    return rl;
}

static void check_config_resource(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    const struct conf *c = ctx->system;
    struct resource_conf rc;
    struct rlist *rl = NULL;
    _cleanup_free_ char *cores = NULL;
    char err[1024];
    /* Followers adopt the leader's config and do not load [resource] before
     * joining (FLUX-FACTS §12.e): there a fault is the leader's failure. */
    struct resource_fate fate = { .leader = ctx->rank <= 0 };
    fate.bad = fate.leader ? FP_FAIL : FP_WARN;

    if (!cfg_system_loaded(ctx, r))
        return;
    if (resource_conf_parse(c->merged, &rc, err, sizeof(err)) < 0) {
        const char *unpacked = strstr(err, "left unpacked: ");
        char key[256] = "resource";
        if (unpacked)
            snprintf(key, sizeof(key), "resource.%.*s",
                     (int)strcspn(unpacked + 15, ", "), unpacked + 15);
        module_fails(&f, ctx, &fate, key, err);
    } else if (!rc.present) {
        fp_pass(r, "no [resource] table: the resource module discovers this node with hwloc");
        return;
    } else if (!rc.config && !rc.path) {
        /* the module's parse_config(): R stays unset and is discovered (or
         * taken from the KVS, where the last discovery stored it) */
        fp_fact_str(r, "source", "discovery");
        fp_fact_bool(r, "noverify", rc.noverify);
        if (rc.scheduling && fate.leader)
            module_fails(&f, ctx, &fate, "resource.scheduling",
                         "resource.scheduling requires resource.path or [resource.config]");
        else
            fp_pass(r, "[resource] sets neither config nor path: the resource module discovers "
                       "the resources of every rank with hwloc at start%s",
                    rc.noverify ? " (noverify: nothing to verify them against anyway)" : "");
    } else if ((rl = resource_build(ctx, r, &f, &rc, &fate))) {
        ssize_t node = rlist_find(rl, ctx->hostname);
        fp_fact_bool(r, "noverify", rc.noverify);
        if (node < 0 && !ctx->bootstrap_host_missing) {
            bool drains = rc.verify.hostname == VERIFY_STRICT;
            fp_finding(&f, drains ? FP_WARN : FP_PASS, c, rc.config ? "resource.config" : "resource.path",
                       "%s has no resources here: %s", ctx->hostname,
                       drains ? "resource verify (hostname strict) drains it at start"
                           : "resource verify does not check hostnames here (noverify or "
                             "verify.hostname not strict): rank 0 gets the resources of rank 0 "
                             "in R");
        } else if (node >= 0) {
            _cleanup_free_ char *gpus = idset_encode(rlist_gpus(rl, (size_t)node));
            if ((cores = idset_encode(rlist_cores(rl, (size_t)node))))
                fp_fact_str(r, "cores", cores);
            if (gpus && *gpus)
                fp_fact_str(r, "gpus", gpus);
            resource_hardware(ctx, r, &f, &rc, rl, (size_t)node);
        }
    }
    if (fp_findings_worst(&f) == FP_PASS && rl)
        fp_pass(r, "[resource] valid as the resource module reads it: %zu node%s; %s has "
                   "core %s",
                rlist_nnodes(rl), rlist_nnodes(rl) == 1 ? "" : "s", ctx->hostname,
                cores ? cores : "(none)");
    fp_findings_report(&f, r);
    rlist_destroy(rl);
}

/* --- the table ----------------------------------------------------------------- */

const struct fp_check fp_checks_resource[] = {
    {
        .id = "config.resource",
        .message_id = "3a64fe0f50174054afb2572521d1c865",
        .summary = "[resource] valid as the resource module reads it, hosts equal [bootstrap]'s, "
                   "this node's cores/gpus exist",
        .subject = "Flux [resource] is invalid, differs from [bootstrap], or exceeds this node",
        .documentation = "man:flux-config-resource(5) man:flux-R(1)",
        .journal =
            "The pre-flight check config.resource read [resource] as the leader's\n"
            "resource module does: @MESSAGE@",
        .details =
            "[resource] as the resource module reads it, in its words: strict keys (\"error\n"
            "parsing [resource] configuration: ...\"), config entries (\"error parsing\n"
            "[resource.config] array: ...\"), or the R file at path (read inside --root;\n"
            "\"PATH: unable to open PATH: ... on line -1\"), exclude, and the host set equal\n"
            "to the [bootstrap] hosts (\"error reranking R: Host vm not found in\n"
            "resources\"). Neither config nor path is the module's dynamic discovery with\n"
            "hwloc, with or without [bootstrap], with or without noverify: it passes (but\n"
            "scheduling then fails on the leader: \"resource.scheduling requires\n"
            "resource.path or [resource.config]\"). These fail on the leader (rc1 fails and\n"
            "the broker exits 42, which flux.service counts as success: it stays inactive,\n"
            "never restarted) and warn on followers, which do not load [resource] (they\n"
            "adopt the leader's config). A host without resources in R warns only when\n"
            "verify would drain it (verify.hostname strict, not noverify). On the live\n"
            "node, cores declared for this host beyond its physical cores (the distinct\n"
            "cores of the online CPUs, as hwloc numbers them) warn when resource verify\n"
            "would drain the node (verify core mode strict or allow-extra), and so do gpus\n"
            "beyond /dev/nvidiaN when verify gpu mode is strict or allow-extra; under\n"
            "--root this comparison is skipped. No [resource] passes (hwloc discovery).\n"
            "Facts: source (config, path, discovery), path, nodes, noverify, cores, gpus,\n"
            "cores_present, cpus_online, gpus_present.",
        .explain =
            "The resource module reads [resource] strictly, builds R from resource.config\n"
            "(every host needs resources, idsets ascending, no unknown keys) or loads the\n"
            "R file at resource.path, and re-ranks it by the [bootstrap] hosts, which must\n"
            "be exactly the same set (\"error reranking R: Host vm not found in\n"
            "resources\"). A failure fails rc1 and the broker exits 42, which flux.service\n"
            "counts as success (\"Deactivated successfully\", Result=success, never\n"
            "restarted): the leader stays down unnoticed. With neither resource.config\n"
            "nor resource.path the module discovers the resources with hwloc, with or\n"
            "without [bootstrap] or noverify: that passes.\n"
            "\n"
            "Followers do not load [resource] before joining (they adopt the leader's\n"
            "config), so on a follower a fault only warns: that node starts, but the\n"
            "leader, with the same config, does not.\n"
            "\n"
            "Host lists and idsets are read exactly as flux-core 0.88.0's libhostlist and\n"
            "libidset read them (\"cores = 4294967296\" is core 0 there, \"hosts = n[1-]\"\n"
            "is n1; the full list: flux-preflight(8), Limits). Ids over 16777216 are\n"
            "flux-preflight's own limit (flux-core takes them up to 2147483647): such a\n"
            "config is reported as an error (\"not checked\"), as is one of more than\n"
            "1048576 nodes.\n"
            "\n"
            "On a live node, cores and gpus declared for this host that the machine does\n"
            "not have make resource verify drain the node at start (verify core mode\n"
            "strict or allow-extra; gpus are ignored unless verify says otherwise).\n"
            "\n"
            "Check the inventory and fix [resource]:\n"
            "\n"
            "    flux R parse-config /etc/flux/system/conf.d | flux R decode --short\n"
            "    flux R parse-config /etc/flux/system/conf.d | flux R decode --nodelist",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_config_resource,
        .requires = FP_REQUIRES("config.parse"),
    },
    { 0 },
};
