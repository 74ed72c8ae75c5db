/* The Flux configs as their readers see them (checklist: "Is the Flux
 * configuration synced?", "Is the Flux resource configuration correct?",
 * "Will the network be able to wire up?").
 *
 * Three readers, three rule sets (FLUX-FACTS §2): the broker reads
 * /etc/flux/system/conf.d with tomlc99 and a recursive merge; the signing
 * library and the IMP read /etc/flux/security/conf.d and /etc/flux/imp/conf.d
 * with a shallow merge and refuse an empty directory.  Each check here judges
 * the already parsed configs (the node context) the way one reader does, and
 * says what that reader would do: the broker's own words where it has them
 * ("Config file error [bootstrap]: vm not found in hosts"), the file and line
 * of the key at fault, and the fix.
 *
 * Findings are collected first and reported worst first, so the line that
 * `systemctl status` shows leads with what blocks the broker.
 */
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

#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "checks/packages.h"
#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/conf.h"
#include "common/idset.h"
#include "common/rlist.h"
#include "common/topology.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/findings.h"

/* --- small helpers --------------------------------------------------------- */

static const char *toml_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "table";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "float";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

/* o.a.b... along a dotted path of table names (no array indexes). */
static bool array_has_string(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(a, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

static bool array_of_strings(const json_t *a)
{
    size_t i;
    json_t *v;

    if (!json_is_array(a))
        return false;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v))
            return false;
    }
    return true;
}

/* A conf.d setting's path as the admin sees it (root prefix included, like
 * every path the checks print). */
static const char *setting_path(const struct fp_ctx *ctx, const char *key, char *buf, size_t sz)
{
    const char *p = fp_setting_str(ctx->set, key);
    if (!fp_path(ctx, p, buf, sz))
        snprintf(buf, sz, "%s", p);
    return buf;
}

static const char *flux_user(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "flux-user");
}

/* --- flux-security's shallow merge ----------------------------------------- */

/* One warning per file and dropped table (conf_shallow_drops()), naming the
 * keys lost and the file whose table wins. */
static void shallow_drops(const struct conf *c, struct fp_findings *f, const char *reader)
{
    _cleanup_json_ json_t *drops = c ? conf_shallow_drops(c) : NULL;
    size_t i;
    json_t *d;

    json_array_foreach(drops, i, d) {
        const char *top = json_string_value(json_object_get(d, "top"));
        const char *winner = json_string_value(json_object_get(d, "winner"));
        int winner_line = (int)json_integer_value(json_object_get(d, "winner_line"));
        json_t *keys = json_object_get(d, "keys");
        char list[1024] = "", where[PATH_MAX + 32];
        size_t n = json_array_size(keys), k;
        json_t *key;

        json_array_foreach(keys, k, key) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "",
                     json_string_value(key));
        }
        if (winner && winner_line > 0)
            snprintf(where, sizeof(where), "%s:%d", winner, winner_line);
        else
            snprintf(where, sizeof(where), "%s", winner ? winner : "a later file");
        fp_finding_at(f, FP_WARN, json_string_value(json_object_get(d, "file")),
                      (int)json_integer_value(json_object_get(d, "line")), 0,
                      "%s %s silently dropped: %s also defines [%s], and %s merges conf.d files "
                      "shallowly (the last file's [%s] wins whole; flux config get shows a "
                      "recursive merge and hides this): move %s into %s",
                      list, n == 1 ? "is" : "are", where, top, reader, top,
                      n == 1 ? "it" : "them", winner ? winner : "that file");
    }
}

/* --- who reads what ------------------------------------------------------- */

enum reader { READER_BROKER, READER_SIGN, READER_IMP };

/* Is flux-security's signing config read on this node?  By flux-core when
 * it is built with flux-security (job-ingest, at rc1; flux submit), and by
 * the IMP when [exec] imp is set.  When flux-core's job-ingest module cannot
 * be found or read, it is assumed to (the failure is packages.core's).
 * why: one phrase saying who reads it, or why nobody does. */
static bool sign_config_read(const struct fp_ctx *ctx, char *why, size_t whysz)
{
    char module[PATH_MAX + 256];
    int rc = packages_core_uses_security(ctx, module, sizeof(module));
    const json_t *imp = ctx->system ? conf_get_dotted(ctx->system->merged, "exec.imp") : NULL;

    if (rc == 1)
        snprintf(why, whysz, "flux-core is built with flux-security (%s links "
                             "libflux-security)", module);
    else if (rc == 0 && json_is_string(imp))
        snprintf(why, whysz, "[exec] imp is set and the IMP reads it (flux-core itself, %s, "
                             "does not link libflux-security)", module);
    else if (rc == 0)
        snprintf(why, whysz, "flux-core is built without flux-security (%s does not link "
                             "libflux-security) and no [exec] imp is set", module);
    else if (rc == -ENOENT)
        snprintf(why, whysz, "flux-core's job-ingest module was not found, so flux-core is "
                             "assumed to use flux-security (see packages.core)");
    else
        snprintf(why, whysz, "flux-core is assumed to use flux-security (%s)", module);
    return rc != 0 || json_is_string(imp);
}

/* Is the IMP's config read?  Only when the broker runs the IMP: [exec] imp. */
static bool imp_config_read(const struct fp_ctx *ctx)
{
    const json_t *imp = ctx->system ? conf_get_dotted(ctx->system->merged, "exec.imp") : NULL;
    return imp != NULL;
}

/* A load failure that is "nothing to read": no *.toml, or no directory. */
static bool diag_is_nofiles(const struct conf_diag *e)
{
    return !e->file[0] && strstr(e->msg, "matched nothing");
}

static bool diag_is_missing(const struct conf_diag *e, const char *path)
{
    return strcmp(e->file, path) == 0 && e->line == 0 &&
           (strcmp(e->msg, strerror(ENOENT)) == 0 || strcmp(e->msg, strerror(ENOTDIR)) == 0);
}

/* "no *.toml file" / "the directory does not exist", or NULL when the load
 * failed on a file that exists. */
static const char *nothing_to_read(const char *path, const struct conf_diag *e)
{
    if (diag_is_nofiles(e))
        return "no *.toml file";
    if (diag_is_missing(e, path))
        return "the directory does not exist";
    return NULL;
}

/* A path as the node itself names it (the --root prefix dropped): what the
 * broker and flux-security print. */
static const char *node_path(const struct fp_ctx *ctx, const char *shown)
{
    size_t n = strlen(ctx->root);
    return n && strncmp(shown, ctx->root, n) == 0 && shown[n] == '/' ? shown + n : shown;
}

/* A system config file the broker cannot use, in its own words. */
static void broker_refuses(const struct fp_ctx *ctx, struct fp_findings *f, const char *path,
                           const struct conf_diag *e)
{
    const struct fluxtoml_error *b = &e->broker;
    const char *file = e->file[0] ? e->file : path;
    char quote[256], lead[sizeof(e->msg) + 2];

    /* our own words first, unless they are the broker's */
    snprintf(lead, sizeof(lead), "%s", e->msg);
    if (strcmp(e->msg, b->text) != 0)
        strncat(lead, ": ", sizeof(lead) - strlen(lead) - 1);
    else
        lead[0] = '\0';
    switch (b->kind) {
    case FLUXTOML_PARSE:
    case FLUXTOML_NOLINE:
    case FLUXTOML_CONVERT:
        fp_finding_at(f, FP_FAIL, file, e->line, e->col,
                      "%sthe broker fails with \"Config file error: %s\"; " FLUXUNIT_EXIT1
                      "; fix it and check with: flux config get --config-path=%s",
                      lead, fluxtoml_quote(node_path(ctx, file), b, quote, sizeof(quote)),
                      node_path(ctx, path));
        break;
    case FLUXTOML_HANG:
        fp_finding_at(f, FP_FAIL, file, e->line, e->col,
                      "%s: flux.service's start would time out (TimeoutStartSec, 90 s by "
                      "default), then systemd kills the broker and restarts it every 30 s "
                      "(Restart=always); close the array",
                      e->msg);
        break;
    default:
        fp_finding_at(f, FP_FAIL, file, e->line, e->col,
                      "%s; fix it and check with: flux config get --config-path=%s", e->msg,
                      node_path(ctx, path));
        break;
    }
}

/* --- config.parse ----------------------------------------------------------- */

/* A config that failed to load because of a file in it (config.security and
 * config.imp report a missing directory or an empty one).  bad: fail when
 * the reader reads it on this node, warn when nothing does. */
static void parse_failed(const struct fp_ctx *ctx, struct fp_findings *f, enum reader rd,
                         const char *path, const struct conf_diag *e, enum fp_status bad,
                         const char *why)
{
    const char *file = e->file[0] ? e->file : path;
    const char *none = nothing_to_read(path, e);

    /* the gate could not read it (a filesystem that did not answer): not
     * what the reader would say, and not checked */
    if (e->err == CONF_NOT_READ) {
        finding_at(f, FP_ERROR, file, 0, 0, "%s: %s: not checked", file, e->msg);
        return;
    }
    if (rd == READER_BROKER && none) {
        fp_finding_at(f, FP_FAIL, path, 0, 0,
                      "the system config directory is missing (%s): flux.service starts the "
                      "broker with --config-path=%s and it fails with \"Config file error: "
                      "stat: %s: %s\"; " FLUXUNIT_EXIT1 "; create it: install -d -m 0755 %s, and "
                      "put this cluster's system.toml in it",
                      e->msg, path, path, e->msg, path);
    } else if (none) {
        return; /* config.security's or config.imp's */
    } else if (rd == READER_BROKER) {
        broker_refuses(ctx, f, path, e);
    } else if (rd == READER_SIGN) {
        fp_finding_at(f, bad, file, e->line, e->col,
                      "%s: flux-security's signing library refuses this config (%s)%s; fix it "
                      "and check with: flux config get --config-path=%s",
                      e->msg, why,
                      bad == FP_FAIL ? ": rc1 cannot load job-ingest and flux submit cannot sign "
                                    "jobs; " FLUXUNIT_RC1_EXIT42
                                  : ", but nothing reads it on this node now",
                      path);
    } else {
        fp_finding_at(f, bad, file, e->line, e->col,
                      "%s: the IMP refuses this config%s; fix it and check with: flux config get "
                      "--config-path=%s",
                      e->msg,
                      bad == FP_FAIL ? ", so no job can run as its user (the broker itself starts)"
                                  : ", but the broker does not run the IMP now (no [exec] imp)",
                      path);
    }
}

/* An array of tables ([[x]]) set in two files: arrays are not merged, the
 * later file's array replaces the earlier one whole (FLUX-FACTS §2.2). */
static void split_arrays(const struct conf *c, struct fp_findings *f)
{
    size_t i;
    json_t *o;

    json_array_foreach(c->overridden, i, o) {
        const char *key = json_string_value(json_object_get(o, "key"));
        const char *file = json_string_value(json_object_get(o, "file"));
        const char *rfile = json_string_value(json_object_get(o, "replaced_file"));
        int line = (int)json_integer_value(json_object_get(o, "line"));
        int rline = (int)json_integer_value(json_object_get(o, "replaced_line"));
        json_t *v = key ? conf_get_dotted(c->merged, key) : NULL;

        if (!key || json_is_true(json_object_get(o, "identical")) || !json_is_array(v) ||
            !json_is_object(json_array_get(v, 0)))
            continue;
        fp_finding_at(f, FP_WARN, file, line, 0,
                      "%s replaces the whole %s array of %s:%d: Flux does not concatenate "
                      "arrays across conf.d files, the entries of %s are ignored; keep all "
                      "entries of %s in one file",
                      key, key, rfile ? rfile : "?", rline, rfile ? rfile : "the earlier file", key);
    }
}

static void parse_space(const struct fp_ctx *ctx, struct fp_result *r, struct fp_findings *f,
                        enum reader rd, enum fp_status bad, const char *why)
{
    static const char *const setting[] = { "system-config", "security-config", "imp-config" };
    static const char *const name[] = { "system", "security", "imp" };
    const struct conf *c = rd == READER_BROKER ? ctx->system
                         : rd == READER_SIGN   ? ctx->security
                                               : ctx->imp;
    const struct conf_diag *e = rd == READER_BROKER ? &ctx->system_err
                              : rd == READER_SIGN   ? &ctx->security_err
                                                    : &ctx->imp_err;
    char path[PATH_MAX], key[64];
    size_t i;
    json_t *w;

    setting_path(ctx, setting[rd], path, sizeof(path));
    snprintf(key, sizeof(key), "%s_config", name[rd]);
    fp_fact_str(r, key, path);
    snprintf(key, sizeof(key), "%s_files", name[rd]);
    fp_fact_int(r, key, c ? (long long)c->nfiles : 0);
    if (!c) {
        parse_failed(ctx, f, rd, path, e, bad, why);
        return;
    }
    json_array_foreach(c->warnings, i, w) {
        fp_finding_at(f, FP_WARN, json_string_value(json_object_get(w, "file")),
                      (int)json_integer_value(json_object_get(w, "line")),
                      (int)json_integer_value(json_object_get(w, "col")),
                      "%s", json_string_value(json_object_get(w, "message")));
    }
    if (rd == READER_BROKER) {
        split_arrays(c, f);
        if (c->is_dir && c->nfiles == 0)
            fp_finding_at(f, FP_PASS, path, 0, 0,
                          "no *.toml file: an empty config is valid for the broker, which then "
                          "starts as a singleton (size 1) since there is no [bootstrap]");
    }
}

/* "system (2 files), security (1), imp (none: no [exec] imp)" */
static void parse_summary(const struct fp_ctx *ctx, char *buf, size_t bufsz)
{
    const struct conf *cs[] = { ctx->system, ctx->security, ctx->imp };
    static const char *const name[] = { "system", "security", "imp" };
    size_t len = 0;

    for (int i = 0; i < 3 && len < bufsz; i++) {
        if (!cs[i])
            continue;
        len += (size_t)snprintf(buf + len, bufsz - len, "%s%s (%zu file%s)", len ? ", " : "",
                                name[i], cs[i]->nfiles, cs[i]->nfiles == 1 ? "" : "s");
    }
}

static void check_config_parse(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    char path[PATH_MAX], why[2 * PATH_MAX + 512], summary[256] = "";
    bool sign = sign_config_read(ctx, why, sizeof(why));

    fp_fact_str(r, "path", setting_path(ctx, "system-config", path, sizeof(path)));
    fp_fact_int(r, "files", (ctx->system ? (long long)ctx->system->nfiles : 0) +
                                (ctx->security ? (long long)ctx->security->nfiles : 0) +
                                (ctx->imp ? (long long)ctx->imp->nfiles : 0));
    parse_space(ctx, r, &f, READER_BROKER, FP_FAIL, NULL);
    parse_space(ctx, r, &f, READER_SIGN, sign ? FP_FAIL : FP_WARN, why);
    parse_space(ctx, r, &f, READER_IMP, imp_config_read(ctx) ? FP_FAIL : FP_WARN, NULL);
    parse_summary(ctx, summary, sizeof(summary));
    if (fp_findings_worst(&f) == FP_PASS)
        fp_pass(r, "%s: the config files there parse and merge as flux-core and flux-security "
                   "read them", summary);
    fp_findings_report(&f, r);
}

/* --- config.bootstrap --------------------------------------------------------- */

static bool system_loaded(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (ctx->system)
        return true;
    fp_skip(r, "the system config did not load (see config.parse)");
    return false;
}

/* bootstrap_parse() places some faults at their table, as the broker's
 * jansson text does not name the key: find the key for the admin. */
static void bootstrap_refine_key(const json_t *config, const struct bootstrap_error *err,
                                 char *key, size_t keysz)
{
    static const struct {
        const char *name;
        json_type type;
    } keys[] = {
        { "curve_cert", JSON_STRING },     { "default_port", JSON_INTEGER },
        { "default_bind", JSON_STRING },   { "default_connect", JSON_STRING },
        { "enable_ipv6", JSON_TRUE },
    };
    const char *unpacked = strstr(err->text, "left unpacked: ");

    snprintf(key, keysz, "%s", err->keypath);
    if (unpacked) {
        unpacked += strlen("left unpacked: ");
        snprintf(key, keysz, "%s.%.*s", err->keypath, (int)strcspn(unpacked, ", "), unpacked);
        return;
    }
    if (strcmp(err->keypath, "bootstrap") != 0 || !strstr(err->text, "Expected "))
        return;
    const json_t *b = json_object_get(config, "bootstrap");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const json_t *v = json_object_get(b, keys[i].name);
        bool ok = !v || (keys[i].type == JSON_TRUE ? json_is_boolean(v)
                                                   : json_typeof(v) == keys[i].type);
        if (!ok) {
            snprintf(key, keysz, "bootstrap.%s", keys[i].name);
            return;
        }
    }
}

static void check_config_bootstrap(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    const struct conf *c = ctx->system;
    const json_t *table;

    fp_fact_str(r, "hostname", ctx->hostname);
    if (!system_loaded(ctx, r))
        return;
    table = json_object_get(c->merged, "bootstrap");
    if (!table) {
        fp_fact_int(r, "size", 1);
        fp_fact_int(r, "rank", 0);
        fp_pass(r, "no [bootstrap] table: the broker starts %s as a singleton (size 1, rank 0); "
                   "a multi-node system instance needs [bootstrap] hosts",
                ctx->hostname);
        return;
    }
    if (json_is_array(json_object_get(table, "hosts")))
        fp_fact_int(r, "host_entries", (long long)json_array_size(json_object_get(table, "hosts")));

    if (!ctx->boot) {
        struct bootstrap_error err;
        struct bootstrap *b = bootstrap_parse(c->merged, ctx->hostname, &err);
        char key[300];
        if (b) { /* a second parse disagrees with the context's: keep its text */
            bootstrap_destroy(b);
            snprintf(err.text, sizeof(err.text), "%s", ctx->bootstrap_err);
            snprintf(err.keypath, sizeof(err.keypath), "bootstrap");
        }
        bootstrap_refine_key(c->merged, &err, key, sizeof(key));
        if (err.over_cap) /* could not check: not something the broker would say */
            fp_finding(&f, FP_ERROR, c, key, "not checked: %s", err.text);
        else
            fp_finding(&f, FP_FAIL, c, key,
                       "the broker fails with \"Config file error [bootstrap]: %s\"; " FLUXUNIT_EXIT1,
                       err.text);
        fp_findings_report(&f, r);
        return;
    }

    int size = bootstrap_size(ctx->boot);
    const char *cert = bootstrap_curve_cert(ctx->boot);
    fp_fact_int(r, "size", size);
    if (cert)
        fp_fact_str(r, "curve_cert", cert);
    if (bootstrap_default_port(ctx->boot) >= 0)
        fp_fact_int(r, "default_port", bootstrap_default_port(ctx->boot));

    if (ctx->bootstrap_host_missing) {
        fp_finding(&f, FP_FAIL, c, "bootstrap.hosts",
                   "the broker fails with \"Config file error [bootstrap]: %s not found in "
                   "hosts\"; " FLUXUNIT_EXIT1 "; it looks up gethostname() verbatim "
                   "(case-sensitive, no domain stripping) among the %d expanded hosts (%s ... %s); "
                   "set this node's name "
                   "(hostnamectl set-hostname NAME) or add %s to bootstrap.hosts",
                   ctx->hostname, size, bootstrap_host(ctx->boot, 0),
                   bootstrap_host(ctx->boot, size - 1), ctx->hostname);
    } else {
        fp_fact_int(r, "rank", ctx->rank);
    }

    size_t i;
    json_t *w;
    json_array_foreach((json_t *)bootstrap_warnings(ctx->boot), i, w) {
        fp_finding(&f, FP_WARN, c, json_string_value(json_object_get(w, "key")), "%s",
                   json_string_value(json_object_get(w, "message")));
    }
    if (fp_findings_worst(&f) == FP_PASS)
        fp_pass(r, "%s is rank %d of %d; [bootstrap] is valid as the broker validates it",
                ctx->hostname, ctx->rank, size);
    fp_findings_report(&f, r);
}

/* --- config.tbon ------------------------------------------------------------ */

/* "bind URI is undefined for rank N" / "connect URI is undefined for rank N":
 * the key to fix is that rank's host entry. */
static void uris_finding(const struct fp_ctx *ctx, struct fp_findings *f, enum fp_status st,
                         const char *err, const char *who)
{
    const char *p = strstr(err, "for rank ");
    char key[300] = "bootstrap.hosts";

    if (p) {
        int rank = atoi(p + strlen("for rank "));
        if (!bootstrap_keypath(ctx->boot, rank, "host", key, sizeof(key)))
            snprintf(key, sizeof(key), "bootstrap.hosts");
    }
    fp_finding(f, st, ctx->system, key,
               "%s: the overlay module fails with \"%s\"; set default_bind/default_connect "
               "(or bind/connect on that host's entry) in [bootstrap]",
               who, err);
}

static void check_config_tbon(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    _cleanup_json_ json_t *errors = json_array();
    _cleanup_json_ json_t *warnings = json_array();
    const struct conf *c = ctx->system;
    bool topo_failed;
    size_t i;
    json_t *e;

    if (!system_loaded(ctx, r))
        return;
    if (!errors || !warnings || tbon_validate(c->merged, ctx->size, errors, warnings) < 0) {
        fp_error(r, "out of memory");
        return;
    }
    topo_failed = ctx->boot && !ctx->topo;
    json_array_foreach(errors, i, e) {
        const char *key = json_string_value(json_object_get(e, "key"));
        if (topo_failed && key && strcmp(key, "tbon.topo") == 0)
            continue; /* reported below, with the tree's own reason */
        const char *detail = json_string_value(json_object_get(e, "detail"));
        fp_finding(&f, FP_FAIL, c, key, "the broker fails with \"%s\"%s%s%s",
                   json_string_value(json_object_get(e, "message")), detail && *detail ? " (" : "",
                   detail ? detail : "", detail && *detail ? ")" : "");
    }
    if (topo_failed) {
        const json_t *topo = conf_get_dotted(c->merged, "tbon.topo");
        const char *scheme = json_is_string(topo) ? json_string_value(topo)
                                                  : topology_default_scheme(
                                                        bootstrap_present(ctx->boot));
        char key[300] = "bootstrap.hosts";
        int rank;
        /* "rank 5 parent 3 violates ...", "rank 0 may not have a parent ...":
         * the parent key of that rank's entry is what to fix */
        if (json_is_string(topo) && strcmp(scheme, "custom") != 0)
            snprintf(key, sizeof(key), "tbon.topo");
        else if (sscanf(ctx->topology_err, "rank %d", &rank) == 1 &&
                 !bootstrap_keypath(ctx->boot, rank, "parent", key, sizeof(key)))
            snprintf(key, sizeof(key), "bootstrap.hosts");
        fp_finding(&f, FP_FAIL, c, key,
                   "the overlay module fails with \"Error creating %s topology: %s\"", scheme,
                   ctx->topology_err);
    }
    if (ctx->topo && ctx->boot) {
        char err[256];
        int rank = ctx->bootstrap_host_missing ? -1 : ctx->rank;
        const char *scheme = topology_scheme(ctx->topo);

        fp_fact_str(r, "topo", scheme);
        if (rank >= 0 && topology_check_uris(ctx->topo, ctx->boot, rank, err, sizeof(err)) < 0)
            uris_finding(ctx, &f, FP_FAIL, err, "this node");
        else if (topology_check_uris(ctx->topo, ctx->boot, -1, err, sizeof(err)) < 0)
            uris_finding(ctx, &f, FP_WARN, err, "another node of this instance");
        if (bootstrap_has_parent_keys(ctx->boot) && strcmp(scheme, "custom") != 0)
            fp_finding(&f, FP_WARN, c, "tbon.topo",
                       "hosts entries set parent keys, but tbon.topo is \"%s\": the broker "
                       "ignores parent keys with any scheme but custom",
                       scheme);
        if (rank >= 0) {
            int parent = topology_parent(ctx->topo, rank);
            fp_fact_int(r, "depth", topology_depth(ctx->topo, rank));
            fp_fact_int(r, "children", topology_child_count(ctx->topo, rank));
            if (parent >= 0) {
                fp_fact_int(r, "parent_rank", parent);
                fp_fact_str(r, "parent", bootstrap_host(ctx->boot, parent));
            }
        }
    } else if (!ctx->boot) {
        fp_finding_at(&f, FP_PASS, NULL, 0, 0,
                      "the overlay tree is not checked: [bootstrap] is invalid (see "
                      "config.bootstrap)");
    }
    json_array_foreach(warnings, i, e) {
        fp_finding(&f, FP_WARN, c, json_string_value(json_object_get(e, "key")), "%s",
                   json_string_value(json_object_get(e, "message")));
    }
    if (fp_findings_worst(&f) >= FP_FAIL)
        fp_finding_at(&f, FP_FAIL, NULL, 0, 0, FLUXUNIT_OVERLAY_EXIT42);
    if (fp_findings_worst(&f) == FP_PASS && ctx->topo) {
        int rank = ctx->rank;
        int parent = topology_parent(ctx->topo, rank);
        if (rank > 0 && parent >= 0)
            fp_pass(r, "[tbon] valid; topology %s: rank %d's parent is rank %d (%s), depth %d",
                    topology_scheme(ctx->topo), rank, parent,
                    bootstrap_host(ctx->boot, parent), topology_depth(ctx->topo, rank));
        else
            fp_pass(r, "[tbon] valid; topology %s: rank %d is the root of %d rank%s",
                    topology_scheme(ctx->topo), rank < 0 ? 0 : rank,
                    topology_size(ctx->topo), topology_size(ctx->topo) == 1 ? "" : "s");
    } else if (fp_findings_worst(&f) == FP_PASS) {
        fp_pass(r, "[tbon] valid");
    }
    fp_findings_report(&f, r);
}

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

    if (!system_loaded(ctx, r))
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

/* --- config.security --------------------------------------------------------- */

static bool sign_mechanism(const char *s)
{
    return strcmp(s, "none") == 0 || strcmp(s, "munge") == 0 || strcmp(s, "curve") == 0;
}

/* A strict sub-table: keys outside want are refused by flux-security. */
static void strict_table(const struct conf *c, struct fp_findings *f, const char *path,
                         const char *const *want)
{
    const json_t *t = conf_get_dotted(c->merged, path);
    const char *key;
    json_t *v;

    if (!json_is_object(t))
        return;
    json_object_foreach((json_t *)t, key, v) {
        bool known = false;
        for (int i = 0; want[i]; i++)
            known = known || strcmp(key, want[i]) == 0;
        if (!known && !(json_is_object(v) && strcmp(path, "sign") == 0)) {
            char k[300];
            snprintf(k, sizeof(k), "%s.%s", path, key);
            fp_finding(f, FP_FAIL, c, k,
                       "unknown key: flux-security reads [%s] strictly and refuses the whole "
                       "config (sign: config error), so no job can be signed; remove it",
                       path);
        }
    }
}

/* [sign] as flux-security's sign.c reads it; returns default-type (or NULL). */
static const char *sign_judge(const struct conf *c, struct fp_result *r, struct fp_findings *f,
                              const json_t *sign, const char *cfail)
{
    static const char *const sign_keys[] = { "max-ttl", "default-type", "allowed-types", NULL };
    static const char *const munge_keys[] = { "socket-path", NULL };
    static const char *const curve_keys[] = { "require-ca", "cert-path", NULL };

    strict_table(c, f, "sign", sign_keys);
    strict_table(c, f, "sign.munge", munge_keys);
    strict_table(c, f, "sign.curve", curve_keys);

    char missing[128] = "";
    for (int i = 0; sign_keys[i]; i++) {
        if (!json_object_get(sign, sign_keys[i])) {
            size_t len = strlen(missing);
            snprintf(missing + len, sizeof(missing) - len, "%s%s", len ? ", " : "",
                     sign_keys[i]);
        }
    }
    if (missing[0]) {
        char key[64];
        snprintf(key, sizeof(key), "sign.%.*s", (int)strcspn(missing, ","), missing);
        fp_finding(f, FP_FAIL, c, key,
                   "[sign] lacks %s: %s; the shipped values are max-ttl = 1209600, "
                   "default-type = \"munge\", allowed-types = [\"munge\"]",
                   missing, cfail);
    }

    const json_t *ttl = json_object_get(sign, "max-ttl");
    if (ttl && !json_is_integer(ttl))
        fp_finding(f, FP_FAIL, c, "sign.max-ttl", "must be an integer (seconds), not a %s: %s",
                   toml_type(ttl), cfail);
    else if (ttl && json_integer_value(ttl) <= 0)
        fp_finding(f, FP_FAIL, c, "sign.max-ttl",
                   "%lld: flux-security refuses it (\"sign: max-ttl should be greater than "
                   "zero\"): set max-ttl = 1209600",
                   (long long)json_integer_value(ttl));
    else if (ttl)
        fp_fact_int(r, "max_ttl", json_integer_value(ttl));

    const json_t *dt = json_object_get(sign, "default-type");
    const char *deftype = json_string_value(dt);
    if (dt && !deftype)
        fp_finding(f, FP_FAIL, c, "sign.default-type", "must be a string, not a %s: %s",
                   toml_type(dt), cfail);
    else if (deftype && !sign_mechanism(deftype))
        fp_finding(f, FP_FAIL, c, "sign.default-type",
                   "flux-security refuses it (\"sign: unknown mechanism=%s\"): use \"munge\"",
                   deftype);
    if (deftype)
        fp_fact_str(r, "default_type", deftype);

    const json_t *at = json_object_get(sign, "allowed-types");
    bool uses_munge = deftype && strcmp(deftype, "munge") == 0;
    bool uses_none = deftype && strcmp(deftype, "none") == 0;
    bool uses_curve = deftype && strcmp(deftype, "curve") == 0;
    if (!at) {
        /* reported above */
    } else if (!array_of_strings(at)) {
        fp_finding(f, FP_FAIL, c, "sign.allowed-types", "must be an array of strings: %s",
                   cfail);
    } else if (json_array_size(at) == 0) {
        fp_finding(f, FP_FAIL, c, "sign.allowed-types",
                   "flux-security refuses it (\"sign: allowed-types array is empty\"): set "
                   "allowed-types = [\"munge\"]");
    } else {
        size_t i;
        json_t *v;
        char list[256] = "";
        json_array_foreach(at, i, v) {
            const char *s = json_string_value(v);
            size_t len = strlen(list);
            snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "", s);
            if (!sign_mechanism(s))
                fp_finding(f, FP_FAIL, c, "sign.allowed-types",
                           "flux-security refuses it (\"sign: unknown mechanism=%s\"): allowed "
                           "types are none, munge and curve",
                           s);
            uses_munge = uses_munge || strcmp(s, "munge") == 0;
            uses_none = uses_none || strcmp(s, "none") == 0;
            uses_curve = uses_curve || strcmp(s, "curve") == 0;
        }
        fp_fact_str(r, "allowed_types", list);
        if (deftype && sign_mechanism(deftype) && !array_has_string(at, deftype))
            fp_finding(f, FP_FAIL, c, "sign.default-type",
                       "\"%s\" is not in allowed-types: jobs are signed with %s and then "
                       "refused by job-ingest as a mechanism that is not allowed; add it to "
                       "allowed-types or change default-type",
                       deftype, deftype);
    }
    if (uses_none)
        fp_finding(f, FP_WARN, c,
                   deftype && strcmp(deftype, "none") == 0 ? "sign.default-type"
                                                        : "sign.allowed-types",
                   "signing type \"none\" is allowed: job requests are accepted unsigned, so "
                   "any user who can reach the broker can run jobs as any other user; use "
                   "default-type = \"munge\", allowed-types = [\"munge\"]");
    if (uses_curve) {
        const json_t *ca = conf_get_dotted(c->merged, "sign.curve.require-ca");
        if (!json_is_boolean(ca))
            fp_finding(f, FP_FAIL, c, "sign.curve",
                       "curve signing is allowed but [sign.curve] require-ca is %s: "
                       "flux-security requires it as a boolean when curve is used",
                       ca ? "not a boolean" : "not set");
    }
    const json_t *sock = conf_get_dotted(c->merged, "sign.munge.socket-path");
    if (sock && !json_is_string(sock))
        fp_finding(f, FP_FAIL, c, "sign.munge.socket-path", "must be a string: %s", cfail);
    fp_fact_bool(r, "munge", uses_munge);
    if (uses_munge) {
        if (json_is_string(sock))
            fp_fact_str(r, "munge_socket", json_string_value(sock));
        fp_finding_at(f, FP_PASS, NULL, 0, 0,
                      "signing uses munge: munge.daemon checks that munged answers%s%s%s",
                      json_is_string(sock) ? " (socket " : "",
                      json_is_string(sock) ? json_string_value(sock) : "",
                      json_is_string(sock) ? ")" : "");
    }
    return deftype;
}

static void check_config_security(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    const struct conf *c = ctx->security;
    char path[PATH_MAX];
    const char *cfail = "flux-security's signing library refuses the config (sign: config "
                        "error): flux submit and job-ingest cannot sign or verify jobs";
    const char *deftype = NULL, *none;
    char why[2 * PATH_MAX + 512];
    const json_t *sign;
    bool read = sign_config_read(ctx, why, sizeof(why));

    setting_path(ctx, "security-config", path, sizeof(path));
    fp_fact_str(r, "path", path);
    fp_fact_bool(r, "read", read);
    if (!read) {
        fp_skip(r, "%s: nothing reads %s", why, path);
        return;
    }
    if (!c && !(none = nothing_to_read(path, &ctx->security_err))) {
        fp_skip(r, "the security config did not load (see config.parse)");
        return;
    }
    if (!c) {
        fp_fail(r, "%s: %s: %s, so rc1 loads job-ingest, which fails with "
                   "\"flux_security_configure: pattern %s/*.toml matched nothing: Invalid "
                   "argument\"; " FLUXUNIT_RC1_EXIT42 "; flux submit fails the same way. "
                   "Install the shipped sign.toml ([sign] max-ttl = 1209600, default-type = "
                   "\"munge\", allowed-types = [\"munge\"]) in %s",
                path, none, why, fp_setting_str(ctx->set, "security-config"), path);
        return;
    }
    fp_fact_int(r, "files", (long long)c->nfiles);
    shallow_drops(c, &f, "flux-security");
    sign = json_object_get(c->merged, "sign");
    if (json_is_object(sign))
        deftype = sign_judge(c, r, &f, sign, cfail);
    else
        fp_finding_at(&f, FP_FAIL, path, 0, 0,
                      "no [sign] table%s: %s; add the shipped sign.toml ([sign] max-ttl = "
                      "1209600, default-type = \"munge\", allowed-types = [\"munge\"])",
                      sign ? " (sign is not a table)" : "", cfail);
    if (fp_findings_worst(&f) == FP_PASS)
        fp_pass(r, "[sign] valid: default-type %s, allowed-types %s", deftype ? deftype : "?",
                json_string_value(json_object_get(r->facts, "allowed_types")) ?: "?");
    fp_findings_report(&f, r);
}

/* --- config.imp ---------------------------------------------------------------- */

/* run.<name>.path as path_is_secure() would judge it, plus what makes it
 * unrunnable; deeper path checks (parent directories) are config.perms'. */
static void imp_run_path(const struct fp_ctx *ctx, struct fp_findings *f, enum fp_status bad,
                         const char *key, const char *path)
{
    struct fsu_node n;
    int rc;

    if (path[0] != '/') {
        fp_finding(f, bad, ctx->imp, key,
                   "\"%s\" is not absolute: the IMP requires an absolute path; use "
                   "/usr/libexec/flux/cmd/flux-run-NAME",
                   path);
        return;
    }
    rc = fsu_lookup(ctx, path, &n);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        fp_finding(f, bad, ctx->imp, key, "%s does not exist: flux-imp run fails; install it or "
                                        "fix the path", n.path);
        return;
    }
    if (rc < 0) {
        fp_finding(f, FP_ERROR, ctx->imp, key, "%s: %s", n.path, strerror(-rc));
        return;
    }
    if (n.is_link) {
        fp_finding(f, bad, ctx->imp, key,
                   "%s is a symbolic link (to %s): the IMP refuses it (path_is_secure); point "
                   "the path at the real file",
                   n.path, n.link);
        return;
    }
    if (!S_ISREG(n.st.st_mode)) {
        fp_finding(f, bad, ctx->imp, key, "%s is a %s, not a regular file: the IMP refuses it",
                   n.path, fsu_type_name(n.st.st_mode));
        return;
    }
    if (n.st.st_uid != 0)
        fp_finding(f, bad, ctx->imp, key,
                   "%s is owned by uid %u, not root: the IMP refuses it (insecure file "
                   "ownership); chown root:root %s",
                   n.path, (unsigned)n.st.st_uid, n.path);
    if (n.st.st_mode & (S_IWGRP | S_IWOTH))
        fp_finding(f, bad, ctx->imp, key,
                   "%s is mode %04o, writable by group/other: anyone who can write it runs code "
                   "as root through the IMP, and the IMP refuses it; chmod go-w %s",
                   n.path, (unsigned)(n.st.st_mode & 07777), n.path);
    if (!(n.st.st_mode & S_IXUSR))
        fp_finding(f, bad, ctx->imp, key, "%s is not executable (mode %04o): chmod 0755 %s",
                   n.path, (unsigned)(n.st.st_mode & 07777), n.path);
}

static void imp_shells(const struct fp_ctx *ctx, struct fp_findings *f, enum fp_status bad,
                       const json_t *shells)
{
    size_t i;
    json_t *v;

    if (!shells) {
        fp_finding_at(f, FP_PASS, NULL, 0, 0,
                      "[exec] allowed-shells not set: the IMP allows only its built-in default "
                      "flux-shell path");
        return;
    }
    if (!array_of_strings(shells)) {
        fp_finding(f, bad, ctx->imp, "exec.allowed-shells",
                   "must be an array of absolute paths: the IMP cannot start job shells");
        return;
    }
    json_array_foreach(shells, i, v) {
        const char *s = json_string_value(v);
        char key[64];
        struct fsu_node n;
        snprintf(key, sizeof(key), "exec.allowed-shells[%zu]", i);
        if (s[0] != '/') {
            fp_finding(f, bad, ctx->imp, key,
                       "\"%s\" is not absolute: the IMP compares the job shell's absolute path "
                       "with these strings, so it never matches; use "
                       "/usr/libexec/flux/flux-shell",
                       s);
            continue;
        }
        int rc = fsu_lookup(ctx, s, &n);
        const struct stat *st = rc == 0 ? fsu_final(&n) : NULL;
        if (rc == -ENOENT || rc == -ENOTDIR || (rc == 0 && !st))
            fp_finding(f, bad, ctx->imp, key,
                       "%s does not exist: jobs run with this shell fail; install flux-core's "
                       "flux-shell or fix the path",
                       n.path);
        else if (rc < 0)
            fp_finding(f, FP_ERROR, ctx->imp, key, "%s: %s", n.path, strerror(-rc));
        else if (!S_ISREG(st->st_mode) || !(st->st_mode & S_IXUSR))
            fp_finding(f, bad, ctx->imp, key, "%s is not an executable file (%s, mode %04o)",
                       n.path, fsu_type_name(st->st_mode), (unsigned)(st->st_mode & 07777));
    }
}

static void check_config_imp(const struct fp_ctx *ctx, struct fp_result *r)
{
    _cleanup_findings_ struct fp_findings f = { 0 };
    const struct conf *c = ctx->imp;
    const json_t *imp_bin = ctx->system ? conf_get_dotted(ctx->system->merged, "exec.imp") : NULL;
    char path[PATH_MAX];
    /* Without [exec] imp in the system config the broker never runs the
     * IMP: its config cannot hurt this node yet, so faults only warn. */
    bool used = json_is_string(imp_bin);
    enum fp_status bad = used ? FP_FAIL : FP_WARN;
    const char *user = flux_user(ctx);

    setting_path(ctx, "imp-config", path, sizeof(path));
    fp_fact_str(r, "path", path);
    if (json_is_string(imp_bin))
        fp_fact_str(r, "imp", json_string_value(imp_bin));
    if (!c) {
        const char *none = nothing_to_read(path, &ctx->imp_err);
        if (!none)
            fp_skip(r, "the IMP config did not load (see config.parse)");
        else if (!imp_bin)
            fp_skip(r, "%s: %s, and none is needed: the system config sets no [exec] imp, so "
                       "the broker never runs the IMP (a single-user instance)", path, none);
        else
            fp_fail(r, "%s: %s: [exec] imp is set, so the broker runs every job of another "
                       "user through the IMP, which fails (\"%s/*.toml: No config file(s) "
                       "found\"): those jobs fail (the broker itself starts); create "
                       "%s/imp.toml with [exec] allowed-users = [\"%s\"] and allowed-shells = "
                       "[\"/usr/libexec/flux/flux-shell\"]",
                    path, none, fp_setting_str(ctx->set, "imp-config"), path, user);
        return;
    }
    fp_fact_int(r, "files", (long long)c->nfiles);
    if (imp_bin && !used)
        fp_finding(&f, FP_FAIL, ctx->system, "exec.imp",
                   "must be a string (the path of flux-imp), not a %s: the broker refuses it",
                   toml_type(imp_bin));
    else if (used && json_string_value(imp_bin)[0] != '/')
        fp_finding(&f, FP_WARN, ctx->system, "exec.imp",
                   "\"%s\" is not absolute: use /usr/libexec/flux/flux-imp",
                   json_string_value(imp_bin));
    shallow_drops(c, &f, "the IMP");

    const json_t *exec = json_object_get(c->merged, "exec");
    const json_t *users = conf_get_dotted(c->merged, "exec.allowed-users");
    if (!users)
        fp_finding(&f, bad, c, json_is_object(exec) ? "exec" : NULL,
                   "no [exec] allowed-users: the IMP lets nobody run jobs as other users, so "
                   "every multi-user job fails; add allowed-users = [\"%s\"] to [exec]",
                   user);
    else if (!array_of_strings(users))
        fp_finding(&f, bad, c, "exec.allowed-users",
                   "must be an array of user names: the IMP cannot tell who may run jobs");
    else if (!array_has_string(users, user))
        fp_finding(&f, bad, c, "exec.allowed-users",
                   "%s is not in allowed-users: the broker runs as %s, so the IMP refuses every "
                   "job it launches as another user; add \"%s\"",
                   user, user, user);
    imp_shells(ctx, &f, bad, conf_get_dotted(c->merged, "exec.allowed-shells"));

    const json_t *pam = conf_get_dotted(c->merged, "exec.pam-support");
    fp_fact_bool(r, "pam_support", json_is_true(pam));
    if (pam && !json_is_boolean(pam))
        fp_finding(&f, bad, c, "exec.pam-support", "must be a boolean");
    else if (json_is_true(pam))
        fp_finding_at(&f, FP_PASS, NULL, 0, 0,
                      "exec.pam-support is on: imp.pam checks /etc/pam.d/flux");
    if (json_is_true(conf_get_dotted(c->merged, "exec.allow-unprivileged-exec")))
        fp_finding(&f, FP_WARN, c, "exec.allow-unprivileged-exec",
                   "is true: meant for testing only (the IMP runs jobs without privilege "
                   "separation); remove it");
    if (json_is_true(json_object_get(c->merged, "allow-sudo")))
        fp_finding(&f, FP_WARN, c, "allow-sudo",
                   "is true: meant for testing only (lets sudo stand in for the setuid IMP); "
                   "remove it");
    const json_t *level = json_object_get(c->merged, "log-level");
    if (level && (!json_is_string(level) ||
                  (strcmp(json_string_value(level), "warning") != 0 &&
                   strcmp(json_string_value(level), "info") != 0 &&
                   strcmp(json_string_value(level), "debug") != 0)))
        fp_finding(&f, FP_WARN, c, "log-level",
                   "is not one of warning, info, debug: the IMP ignores it");

    const json_t *run = json_object_get(c->merged, "run");
    const char *name;
    json_t *entry;
    if (run && !json_is_object(run))
        fp_finding(&f, bad, c, "run", "must be a table of [run.NAME] tables");
    json_object_foreach((json_t *)(json_is_object(run) ? run : NULL), name, entry) {
        char key[300];
        snprintf(key, sizeof(key), "run.%s.path", name);
        const json_t *p = json_object_get(entry, "path");
        if (!json_is_object(entry)) {
            snprintf(key, sizeof(key), "run.%s", name);
            fp_finding(&f, bad, c, key, "must be a table");
            continue;
        }
        if (!json_is_string(p))
            fp_finding(&f, bad, c, key, "%s: flux-imp run %s fails; set path = "
                                     "\"/usr/libexec/flux/cmd/flux-run-%s\"",
                       p ? "must be a string" : "not set", name, name);
        else
            imp_run_path(ctx, &f, bad, key, json_string_value(p));
        snprintf(key, sizeof(key), "run.%s.allowed-users", name);
        const json_t *ru = json_object_get(entry, "allowed-users");
        if (!array_of_strings(ru) || !array_has_string(ru, user))
            fp_finding(&f, bad, c, key,
                       "%s is not allowed to run [run.%s]: flux-imp run %s refuses the broker; "
                       "set allowed-users = [\"%s\"]",
                       user, name, name, user);
    }
    if (fp_findings_worst(&f) == FP_PASS)
        fp_pass(r, "IMP config valid: %s may run jobs as users%s", user,
                used ? "" : " (not used yet: the system config does not set [exec] imp)");
    fp_findings_report(&f, r);
}

/* --- the table ----------------------------------------------------------------- */

const struct fp_check fp_checks_config[] = {
    {
        .id = "config.parse",
        .message_id = "7fd184b3b019452e9f392cfae77657fb",
        .summary = "the system, security and imp config files parse and merge as their Flux "
                   "readers do",
        .subject = "A Flux config file does not parse as its reader reads it",
        .documentation = "man:flux-config(5) man:flux-config-security(5)",
        .journal =
            "The pre-flight check config.parse read the three Flux configuration spaces\n"
            "the way their readers do: @MESSAGE@",
        .details =
            "The system, security and imp configurations (settings system-config,\n"
            "security-config, imp-config) parse and merge as their readers do: every *.toml\n"
            "in name order under the TOML 0.5 rules of flux-core's parser (arrays of one\n"
            "type, no local dates or times, no byte-order mark), merged recursively for the\n"
            "broker and shallowly for flux-security. A file that does not parse fails with\n"
            "file:line:col, the reason and the reader that refuses it (the broker: \"Config\n"
            "file error: FILE:LINE: ...\"). The broker then exits 1 and flux.service\n"
            "restarts every 30 s. A missing system directory fails (the broker's\n"
            "--config-path fails); an empty one passes with a note (the broker then runs as\n"
            "a singleton). A security or imp file that does not parse fails where its\n"
            "reader runs on this node (flux-core built with flux-security; the IMP with\n"
            "[exec] imp), and warns where nothing reads it. A missing or empty security or\n"
            "imp directory is not reported here but once, by config.security and\n"
            "config.imp. A datetime whose offset Flux drops, and an [[array]] of tables\n"
            "split across files (the later file replaces it whole), warn. Facts: path,\n"
            "files, system_files, security_files, imp_files, file, line.",
        .explain =
            "The broker reads /etc/flux/system/conf.d/*.toml (flux.service passes\n"
            "--config-path) with a TOML 0.5 parser: arrays must hold one type, local\n"
            "dates and times cannot be converted, and the first bad file stops the broker\n"
            "with \"Config file error: FILE:LINE: ...\" (it exits 1, and flux.service\n"
            "restarts it every 30 s). Files are merged in name order; a\n"
            "later file replaces a whole array (an [[x]] array of tables split across two\n"
            "files keeps only the later file's entries). A datetime with an offset is\n"
            "accepted but the offset is silently dropped (a warning).\n"
            "\n"
            "flux-security's signing library (flux submit, job-ingest) reads the files of\n"
            "/etc/flux/security/conf.d and the IMP those of /etc/flux/imp/conf.d with the\n"
            "same parser: an error there fails where its reader runs on this node\n"
            "(flux-core built with flux-security; [exec] imp set), else it only warns. A\n"
            "missing or empty security or imp directory is config.security's and\n"
            "config.imp's to report.\n"
            "\n"
            "Check each space, then fix the file and line named:\n"
            "\n"
            "    flux config get --config-path=system\n"
            "    flux config get --config-path=security\n"
            "    flux config get --config-path=imp",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_config_parse,
    },
    {
        .id = "config.bootstrap",
        .message_id = "2de7d01637d5440d96166ee182208159",
        .summary = "[bootstrap] is valid as the broker validates it, and names this host",
        .subject = "Flux [bootstrap] is invalid or does not name this host (@FLUX_PREFLIGHT_HOSTNAME@)",
        .documentation = "man:flux-config-bootstrap(5)",
        .journal =
            "The pre-flight check config.bootstrap validated [bootstrap] exactly as the\n"
            "broker does: @MESSAGE@",
        .details =
            "[bootstrap] exactly as the broker validates it; a fault fails with the\n"
            "broker's text after \"Config file error [bootstrap]:\", at the file, line and\n"
            "key (key fact) that cause it, including this host (--hostname or\n"
            "gethostname(2), verbatim) missing from hosts. What the broker accepts but\n"
            "then trips over warns: '%p' with no default_port, a tcp:// connect URI with no\n"
            "port (a follower hangs), a negative default_port, an IPv6 address without\n"
            "enable_ipv6, a hosts entry that names no host. No [bootstrap] passes: a\n"
            "singleton. Facts: hostname, size, rank, host_entries, curve_cert,\n"
            "default_port.",
        .explain =
            "The broker checks [bootstrap] before anything else and exits with\n"
            "\"Config file error [bootstrap]: ...\": unknown keys (in the table and in each\n"
            "hosts entry), default_port outside 0-65535 or not an integer, a host that is\n"
            "not a valid RFC 29 hostlist or RFC 1035 name, bind/connect URIs that are not\n"
            "tcp:// or ipc:// or use the 0MQ wildcard port, a parent that is the host\n"
            "itself or no host at all, no curve_cert when there is more than one host,\n"
            "and this node's name (gethostname(), compared verbatim) missing from hosts.\n"
            "\n"
            "It also accepts what then breaks the instance, reported as warnings: %p in a\n"
            "URI with no default_port (the port becomes -1), a tcp:// connect URI with no\n"
            "port (a follower hangs in overlay_connect), a negative default_port.\n"
            "\n"
            "Host lists are expanded exactly as flux-core 0.88.0's libhostlist expands\n"
            "them, which is not always as RFC 29 reads: \"n[1-]\" is n1, \"n[+1]\" and\n"
            "\"n[ 1]\" are n01, \"a]b[1]\" is the host a]b1, a name whose digits do not fit\n"
            "64 bits is dropped, and the broker's walk of the list ends at a name of 271\n"
            "bytes or more; the ranks follow (the full list: flux-preflight(8), Limits).\n"
            "A list flux-core never finishes expanding (a range ending at\n"
            "18446744073709551615 followed by a suffix: the broker would hang) and more\n"
            "than 1048576 hosts are reported as errors (\"not checked\").\n"
            "\n"
            "\n"
            "Fix the key at the file and line named (see flux-config-bootstrap(5)), or\n"
            "this node's name (hostnamectl set-hostname NAME), then check:\n"
            "\n"
            "    flux config get --config-path=system bootstrap",
        .severity = FP_SEV_FAIL,
        .run = check_config_bootstrap,
        .requires = FP_REQUIRES("config.parse"),
    },
    {
        .id = "config.tbon",
        .message_id = "282175f3259d47649ed3cea6db8e48f3",
        .summary = "[tbon] types and values valid, the overlay tree builds, tunables sane",
        .subject = "Flux [tbon] or the overlay tree is invalid",
        .documentation = "man:flux-config-tbon(5) man:flux-config-bootstrap(5)",
        .journal =
            "The pre-flight check config.tbon validated [tbon] and built the overlay tree\n"
            "as the broker's overlay module does: @MESSAGE@",
        .details =
            "[tbon] types and relations as the overlay module checks them (durations are\n"
            "FSD strings, torpid_min below torpid_max, child_rcvhwm 0 or at least 2,\n"
            "zmq_io_threads at least 1, a known topo scheme), and the tree it builds from\n"
            "[bootstrap] (rank 0 with a parent, parent cycles, a rank with children and no\n"
            "bind URI, a parent with no connect URI) fail. The broker exits 42 on these\n"
            "before it is ready, and flux.service (Type=notify) fails with Result=protocol\n"
            "and is not restarted (RestartPreventExitStatus=42): the message says so. A\n"
            "bind or connect URI missing on another node's rank, parent keys with a scheme\n"
            "other than custom, unknown keys and tunables far from their defaults warn.\n"
            "Facts: topo, parent, parent_rank, depth, children.",
        .explain =
            "The overlay module refuses durations that are not Flux Standard Duration\n"
            "strings (torpid_max = \"30s\", not 30), torpid_min not below torpid_max,\n"
            "child_rcvhwm of 1 or negative, zmq_io_threads below 1, an unknown topo\n"
            "scheme, and a tree it cannot build: rank 0 with a parent, parent cycles, a\n"
            "rank with children but no bind URI, a parent with no connect URI.\n"
            "\n"
            "The broker then exits with status 42. flux.service lists 42 in\n"
            "SuccessExitStatus= and RestartPreventExitStatus=, so systemd records the\n"
            "death as a success and never restarts it: \"systemctl status flux\" looks\n"
            "clean while the node is down. This check makes the failure visible.\n"
            "\n"
            "Unknown [tbon] keys are ignored by the broker, and tunables far from their\n"
            "defaults make the network fragile or slow to notice failures: both warn.\n"
            "\n"
            "Fix the key named (see flux-config-tbon(5)), or the parent keys of\n"
            "[bootstrap] hosts.",
        .severity = FP_SEV_FAIL,
        .run = check_config_tbon,
        .requires = FP_REQUIRES("config.parse"),
    },
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
    {
        .id = "config.security",
        .message_id = "399cc331bb5e49008e200cbbef2fa872",
        .summary = "[sign] has max-ttl, default-type and allowed-types with valid values, where "
                   "flux-core uses flux-security",
        .subject = "flux-security [sign] config is invalid or insecure (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-config-security-sign(5)",
        .journal =
            "The pre-flight check config.security read [sign] as flux-security's signing\n"
            "library does: @MESSAGE@",
        .details =
            "Where flux-security's signing configuration (security-config) is read: by\n"
            "flux-core built with flux-security (its job-ingest.so module links libflux-\n"
            "security, read from its ELF dynamic section, never loaded; when flux-core's\n"
            "module is not found it is assumed to), whose rc1 loads job-ingest, and by the\n"
            "IMP when [exec] imp is set. Otherwise it is skipped, saying why. A missing\n"
            "directory, or one without *.toml, fails with job-ingest's words\n"
            "(\"flux_security_configure: pattern /etc/flux/security/conf.d/*.toml matched\n"
            "nothing: Invalid argument\"); rc1 fails, the broker exits 42, and flux.service\n"
            "counts that as success: the node stays down unnoticed. [sign] as flux-\n"
            "security reads it: max-ttl an integer above 0, default-type and allowed-types\n"
            "(non-empty) among none, munge and curve, default-type in allowed-types, no\n"
            "unknown keys in [sign], [sign.munge], [sign.curve], require-ca set when curve\n"
            "is used. Allowing none warns (unsigned job requests). Keys that the shallow\n"
            "merge of conf.d drops (a second file with a [sign.*] table) warn, naming both\n"
            "files. Facts: path, read, files, max_ttl, default_type, allowed_types, munge,\n"
            "munge_socket.",
        .explain =
            "flux-core built with flux-security (its job-ingest module links\n"
            "libflux-security) reads this config when rc1 loads job-ingest, which fails\n"
            "without a *.toml here (\"flux_security_configure: pattern\n"
            "/etc/flux/security/conf.d/*.toml matched nothing: Invalid argument\"): the\n"
            "broker exits 42 and flux.service counts that as success, so the node stays\n"
            "down unnoticed. The IMP reads it too. Built without flux-security and with\n"
            "no [exec] imp, nothing reads it, and the check skips.\n"
            "\n"
            "Every job request is signed by flux submit and verified by job-ingest with\n"
            "this library. It requires max-ttl (an integer above 0), default-type and\n"
            "allowed-types (a non-empty array; each of none, munge, curve) and refuses\n"
            "unknown keys in [sign], [sign.munge] and [sign.curve]; then no job can be\n"
            "submitted. A default-type missing from allowed-types signs requests that\n"
            "job-ingest then refuses. Allowing \"none\" accepts unsigned requests: anyone\n"
            "who can reach the broker can run jobs as any user (a warning).\n"
            "\n"
            "flux-security merges conf.d files shallowly: [sign] in two files (for\n"
            "example [sign.munge] in a second file) keeps only the last file's [sign],\n"
            "dropping the keys of the first.\n"
            "\n"
            "The shipped /etc/flux/security/conf.d/sign.toml:\n"
            "\n"
            "    [sign]\n"
            "    max-ttl = 1209600\n"
            "    default-type = \"munge\"\n"
            "    allowed-types = [ \"munge\" ]\n"
            "\n"
            "With munge signing, munge.daemon checks that munged answers.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_config_security,
    },
    {
        .id = "config.imp",
        .message_id = "7a1331e6fe46498ba282fbbf2de67ac3",
        .summary = "with [exec] imp, the IMP config is present; flux may run jobs as users; shells "
                   "and run.* paths sound",
        .subject = "Flux IMP config is missing, refuses flux, or names unsafe paths (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-config-security-imp(5) man:flux-imp(8)",
        .journal =
            "The pre-flight check config.imp read /etc/flux/imp/conf.d as the IMP does:\n"
            "@MESSAGE@",
        .details =
            "With [exec] imp in the system config, the IMP configuration exists (else the\n"
            "IMP's \"/etc/flux/imp/conf.d/*.toml: No config file(s) found\": every job of\n"
            "another user fails); exec.allowed-users lists the flux user;\n"
            "exec.allowed-shells are absolute paths of executable files; each [run.name]\n"
            "has path, absolute, a regular file, not a symbolic link, owned by root, not\n"
            "writable by group or other, executable, and allowed-users listing flux.\n"
            "Tables that the IMP's shallow merge drops warn, naming both files; allow-sudo\n"
            "and exec.allow-unprivileged-exec warn; exec.pam-support is noted (see\n"
            "imp.pam). When the system config has no exec.imp, the IMP is not used: no IMP\n"
            "configuration is needed (skipped, saying why), and the faults of one that\n"
            "exists warn. Facts: path, files, imp, pam_support.",
        .explain =
            "A multi-user instance ([exec] imp in the system config) starts every job\n"
            "through the setuid flux-imp. The IMP needs at least one *.toml file (else\n"
            "\"/etc/flux/imp/conf.d/*.toml: No config file(s) found\" and those jobs fail);\n"
            "[exec] allowed-users must list the flux user (the broker runs as flux), and\n"
            "allowed-shells the absolute paths of existing job shells. Each [run.NAME]\n"
            "(prolog, epilog, housekeeping) needs an absolute path to a regular file\n"
            "owned by root that group and other cannot write (the IMP runs it as root\n"
            "and refuses anything else), and allowed-users listing flux. allow-sudo and\n"
            "allow-unprivileged-exec are for testing only (warnings).\n"
            "\n"
            "The IMP merges conf.d files shallowly: [run.prolog] in one file and\n"
            "[run.epilog] in another leave only the later file's [run] table, while\n"
            "\"flux config get --config-path=imp\" (a recursive merge) shows both.\n"
            "\n"
            "Without [exec] imp in the system config the IMP is not used: no IMP config\n"
            "is needed (the check skips), and faults in one that exists only warn. With exec.pam-support, imp.pam checks /etc/pam.d/flux.\n"
            "\n"
            "    [exec]\n"
            "    allowed-users = [ \"flux\" ]\n"
            "    allowed-shells = [ \"/usr/libexec/flux/flux-shell\" ]\n"
            "\n"
            "    chown root:root /usr/libexec/flux/cmd/flux-run-prolog\n"
            "    chmod 0755 /usr/libexec/flux/cmd/flux-run-prolog",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_config_imp,
    },
    { 0 },
};
