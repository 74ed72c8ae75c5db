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

#include "checks/confread.h"
#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "checks/packages.h"
#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/conf.h"
#include "common/fileio.h"
#include "common/idset.h"
#include "common/rlist.h"
#include "common/topology.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/findings.h"

/* --- who reads what ------------------------------------------------------- */

enum reader { READER_BROKER, READER_SIGN, READER_IMP };

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
                      lead, fluxtoml_quote(cfg_node_path(ctx, file), b, quote, sizeof(quote)),
                      cfg_node_path(ctx, path));
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
                      cfg_node_path(ctx, path));
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
    const char *none = cfg_nothing_to_read(path, e);

    /* the gate could not read it (a filesystem that did not answer): not
     * what the reader would say, and not checked */
    if (e->err == CONF_NOT_READ) {
        fp_finding_at(f, FP_ERROR, file, 0, 0, "%s: %s: not checked", file, e->msg);
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

    cfg_setting_path(ctx, setting[rd], path, sizeof(path));
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
    bool sign = cfg_sign_config_read(ctx, why, sizeof(why));

    fp_fact_str(r, "path", cfg_setting_path(ctx, "system-config", path, sizeof(path)));
    fp_fact_int(r, "files", (ctx->system ? (long long)ctx->system->nfiles : 0) +
                                (ctx->security ? (long long)ctx->security->nfiles : 0) +
                                (ctx->imp ? (long long)ctx->imp->nfiles : 0));
    parse_space(ctx, r, &f, READER_BROKER, FP_FAIL, NULL);
    parse_space(ctx, r, &f, READER_SIGN, sign ? FP_FAIL : FP_WARN, why);
    parse_space(ctx, r, &f, READER_IMP, cfg_imp_config_read(ctx) ? FP_FAIL : FP_WARN, NULL);
    parse_summary(ctx, summary, sizeof(summary));
    if (fp_findings_worst(&f) == FP_PASS)
        fp_pass(r, "%s: the config files there parse and merge as flux-core and flux-security "
                   "read them", summary);
    fp_findings_report(&f, r);
}

/* --- config.bootstrap --------------------------------------------------------- */

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
    if (!cfg_system_loaded(ctx, r))
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

    if (!cfg_system_loaded(ctx, r))
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
    { 0 },
};
