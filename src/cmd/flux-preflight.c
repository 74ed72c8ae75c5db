/* flux-preflight: argument parsing and sub-commands, nothing else. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/fingerprint.h"
#include "common/cleanup.h"
#include "common/statusfile.h"
#include "engine/context.h"
#include "engine/prereq.h"
#include "engine/registry.h"
#include "engine/runner.h"
#include "engine/settings.h"
#include "output/output.h"

enum { EXIT_PASS = 0, EXIT_BLOCKED = 1, EXIT_USAGE = 2 };

struct options {
    const char *cmd;
    bool json;
    bool journal;
    bool settings;
    bool wait;
    bool verbose;
    const char *checks;
    const char *root;
    const char *hostname;
    const char *config;
    const char *status_file;
    const char *format;
    const char *output;
};

/* One line per sub-command and per option, as systemd's tools do; the man
 * page and tests/integration/t0620-cli.t hold the same list. */
static void usage(FILE *f)
{
    fprintf(f,
            "flux-preflight [OPTIONS...] [COMMAND]\n"
            "\n"
            "Check that this node is ready to run a Flux broker, before flux.service starts.\n"
            "\n"
            "Commands:\n"
            "  run                   Run the checks and print the table (the default)\n"
            "  list                  List every check: what it proves, whether it blocks\n"
            "  list --settings       List every setting: its value and where it came from\n"
            "  explain ID            Why a check matters and how to fix what it finds\n"
            "  status                Show this boot's recorded verdict\n"
            "  fingerprint           Print this node's consistency items, one per line\n"
            "  manifest              Write this node's items as the fleet's reference\n"
            "  help                  Show this help\n"
            "\n"
            "Options:\n"
            "  -h --help             Show this help\n"
            "     --version          Print the version (flux-preflight VERSION)\n"
            "  -c --check=ID,...     Run only these checks\n"
            "  -j --json             Print the result as JSON (the status file's schema)\n"
            "  -v --verbose          Show every check and DETAILS in full on a terminal\n"
            "  -r --root=DIR         Check the offline image at DIR instead of this node\n"
            "  -H --hostname=NAME    Judge the node as NAME (its rank in [bootstrap])\n"
            "  -C --config=PATH      Read the gate's config from PATH (file or conf.d)\n"
            "  -J --journal          Also log one journal entry per check\n"
            "     --wait             Retry what may come up (munged, clock, parent) until\n"
            "                        the deadline, as under systemd\n"
            "     --status-file=PATH Record the verdict at PATH\n"
            "     --settings         With list: the settings instead of the checks\n"
            "     --format=flux      With fingerprint: also the md5 of flux config get\n"
            "  -o --output=FILE      With manifest: write to FILE instead of stdout\n"
            "\n"
            "Exit status: 0 no blocking failure, 1 a blocking check failed (or the\n"
            "gate could not judge), 2 usage or gate-config error. See flux-preflight(8).\n");
}

/* Kernel command line escape hatch: flux.preflight=warn reports but never
 * blocks (flux.preflight=off is handled by the unit's Condition). Like
 * systemd, take the command line from PID 1's arguments in a container. */
static bool cmdline_says_warn(void)
{
    char buf[8192];
    size_t n;
    bool container = access("/run/systemd/container", F_OK) == 0;
    _cleanup_fclose_ FILE *f = fopen(container ? "/proc/1/cmdline" : "/proc/cmdline", "re");

    if (!f || (n = fread(buf, 1, sizeof(buf) - 1, f)) == 0)
        return false;
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    for (char *tok = strtok(buf, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
        if (strcmp(tok, "flux.preflight=warn") == 0)
            return true;
    return false;
}

/* The escape hatch that turns the gate to warn mode from outside its config,
 * or NULL: flux.preflight=warn on the kernel command line, or handed over by
 * the generator when the unit's sandbox hides PID 1 (containers). */
static const char *mode_override(void)
{
    const char *env_mode = getenv("FLUX_PREFLIGHT_MODE");
    if (env_mode && strcmp(env_mode, "warn") == 0)
        return "FLUX_PREFLIGHT_MODE=warn (from the generator)";
    if (cmdline_says_warn())
        return "kernel command line flux.preflight=warn";
    return NULL;
}

static void notify_progress(void *arg, const char *text)
{
    output_notify_status(text);
}

static json_t *parse_check_list(const char *s, char *err, size_t errsz)
{
    json_t *a = json_array();
    _cleanup_free_ char *copy = strdup(s);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (!fp_registry_find(tok)) {
            snprintf(err, errsz, "unknown check id '%s' (see flux-preflight list)", tok);
            json_decref(a);
            return NULL;
        }
        json_array_append_new(a, json_string(tok));
    }
    return a;
}

static int config_error(const char *msg)
{
    output_line(stderr, "flux-preflight: gate config error: %s", msg);
    char status[600];
    snprintf(status, sizeof(status), "ERROR: gate config: %.560s", msg);
    output_notify_verdict(status);
    return EXIT_USAGE;
}

/* The status file, for a run that speaks for the node. A reader must never
 * find an old verdict while this run is under way, nor none when it dies. */
static void record(const char *path, json_t *doc)
{
    static bool refused; /* said once: a directory that is not trusted stays so */
    char err[PATH_MAX + 256];
    int rc;

    if (refused)
        return;
    if (!doc) {
        output_line(stderr, "flux-preflight: cannot record the verdict: out of memory");
        return;
    }
    if ((rc = output_statusfile_write(path, doc, err, sizeof(err))) < 0)
        output_line(stderr, "flux-preflight: cannot record the verdict: %s", err);
    refused = rc == -EPERM;
}

/* The gate could not run (its own config is broken): the node is not judged
 * fit, so the status file says fail, with why. */
static void record_gate_error(const char *path, const char *hostname, const char *msg)
{
    char host[256], summary[700];
    fp_hostname(hostname, host, sizeof(host));
    snprintf(summary, sizeof(summary), "ERROR: gate config: %.600s", msg);
    _cleanup_json_ json_t *doc = output_json_interim(host, FP_MODE_ENFORCE, "fail", summary);
    record(path, doc);
}

static void record_running(const char *path, const char *hostname, enum fp_mode mode)
{
    char host[256], summary[128];
    fp_hostname(hostname, host, sizeof(host));
    snprintf(summary, sizeof(summary), "RUNNING: checks started (pid %ld)", (long)getpid());
    _cleanup_json_ json_t *doc = output_json_interim(host, mode, "running", summary);
    record(path, doc);
}

static int cmd_run(struct options *o)
{
    char err[1024];
    struct fp_settings *set = NULL;
    struct fp_ctx ctx;
    struct fp_run run;
    _cleanup_json_ json_t *only = NULL, *prereqs = NULL;
    const char *root = o->root;
    double start = fp_now();
    int faults = 0;

    if (root && (!*root || strcmp(root, "/") == 0))
        root = NULL;
    if (o->checks && !(only = parse_check_list(o->checks, err, sizeof(err)))) {
        output_line(stderr, "flux-preflight: %s", err);
        return EXIT_USAGE;
    }
    /* Test-only fault injection: it can only turn results into errors. */
    if (getenv("FLUX_PREFLIGHT_TEST_FAULT") &&
        (faults = fp_fault_parse(getenv("FLUX_PREFLIGHT_TEST_FAULT"))) < 0) {
        output_line(stderr, "flux-preflight: FLUX_PREFLIGHT_TEST_FAULT: unknown fault");
        return EXIT_USAGE;
    }
    /* Only a full run of the live node speaks for the node (or where asked). */
    bool records = o->status_file || (!root && !only);
    if (fp_settings_load(root, o->config, &set, err, sizeof(err)) < 0) {
        if (records)
            record_gate_error(o->status_file ? o->status_file : STATUSFILE_DEFAULT_PATH,
                              o->hostname, err);
        return config_error(err);
    }
    /* --check: what the selected checks require runs too, unseen */
    prereqs = fp_prereq_expand(only);
    if (!root && mode_override())
        set->mode = FP_MODE_WARN;
    const char *status_path = o->status_file ? o->status_file : fp_setting_str(set, "status-file");
    if (records)
        record_running(status_path, o->hostname, set->mode);

    output_notify_status("starting checks");
    fp_ctx_init(&ctx, root, o->hostname, set, start);

    /* At boot (under the service manager) munged, the clock and the parent
     * may still be coming up: wait for them. By hand, answer now. */
    struct fp_run_opts ro = {
        .only = only,
        .wait = o->wait || getenv("NOTIFY_SOCKET") != NULL,
        .progress = notify_progress,
        .faults = (unsigned)faults,
    };
    if (fp_run_checks(&ctx, &ro, &run, err, sizeof(err)) < 0) {
        output_line(stderr, "flux-preflight: %s", err);
        fp_ctx_fini(&ctx);
        fp_settings_destroy(set);
        return EXIT_BLOCKED; /* the gate could not judge: never wave the node through */
    }
    fp_prereq_apply(&ctx, &run, prereqs);

    _cleanup_free_ char *verdict = output_verdict_line(&run);
    _cleanup_json_ json_t *doc = output_json_doc(&ctx, &run);
    bool to_journal = o->journal || output_journal_is_stream(STDERR_FILENO);

    if (to_journal)
        output_journal(&ctx, &run, verdict);
    if (o->json) {
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        if (s) {
            puts(s);
            free(s);
        }
    } else if (!output_journal_is_stream(STDOUT_FILENO)) {
        struct output_terminal_opts to = {
            .width = output_terminal_width(STDOUT_FILENO),
            .verbose = o->verbose,
        };
        to.color = to.width > 0 && !getenv("NO_COLOR");
        output_terminal(stdout, &ctx, &run, &to);
    }
    if (records)
        record(status_path, doc);
    output_notify_verdict(verdict ? verdict : "done");

    int rc = run.blocked ? EXIT_BLOCKED : EXIT_PASS;
    fflush(stdout);
    fp_run_fini(&run);
    /* An abandoned check thread may still read the context, which lives in
     * this frame: exit from here, so that the frame (and what it points to,
     * reachable for LeakSanitizer) outlives every thread. */
    if (run.threads_left)
        exit(rc);
    fp_ctx_fini(&ctx);
    fp_settings_destroy(set);
    return rc;
}

/* A setting's value as the admin would write it. */
static char *value_text(json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

struct settings_rows {
    char *key[128], *value[128], *origin[128];
    size_t n;
};

static void settings_row(struct settings_rows *t, const char *key, const char *value,
                         const char *origin)
{
    if (t->n < 128) {
        t->key[t->n] = strdup(key);
        t->value[t->n] = strdup(value);
        t->origin[t->n++] = strdup(origin);
    }
}

static void settings_row_at(struct settings_rows *t, const char *key, json_t *at)
{
    _cleanup_free_ char *val = value_text(json_object_get(at, "value"));
    _cleanup_free_ char *where = NULL;
    const char *file = json_string_value(json_object_get(at, "file"));
    int line = (int)json_integer_value(json_object_get(at, "line"));

    if ((line > 0 ? asprintf(&where, "%s:%d", file, line) : asprintf(&where, "%s", file)) < 0)
        where = NULL;
    settings_row(t, key, val ? val : "?", where ? where : "?");
}

/* Every setting: its effective value and where it came from (the default, a
 * file and line, or the kernel command line), one per line; a [severity] or
 * [timeout] entry as "severity.ID". */
static int cmd_list_settings(struct options *o, const char *root)
{
    char err[1024];
    struct fp_settings *set = NULL;
    struct settings_rows t = { .n = 0 };
    int width = output_terminal_width(STDOUT_FILENO), wk = 0, wv = 0;

    if (fp_settings_load(root, o->config, &set, err, sizeof(err)) < 0)
        return config_error(err);
    settings_row(&t, "SETTING", "VALUE", "ORIGIN");
    for (const struct fp_setting_def *const *dp = fp_setting_defs(); *dp; dp++) {
        const struct fp_setting_def *d = *dp;
        json_t *at = json_object_get(set->origin, d->key);

        if (d->type == FP_SET_SEVERITY_TABLE || d->type == FP_SET_TIMEOUT_TABLE) {
            const char *k;
            json_t *v;
            size_t plen = strlen(d->key), before = t.n;
            json_object_foreach(set->origin, k, v)
                if (strncmp(k, d->key, plen) == 0 && k[plen] == '.')
                    settings_row_at(&t, k, v);
            if (t.n == before)
                settings_row(&t, d->key, "-", "default (each check's own)");
        } else if (strcmp(d->key, "mode") == 0 && !root && mode_override()) {
            settings_row(&t, d->key, "warn", mode_override());
        } else if (at) {
            settings_row_at(&t, d->key, at);
        } else {
            settings_row(&t, d->key, d->def ? d->def : "-", d->def ? "default" : "default (unset)");
        }
    }
    for (size_t i = 0; i < t.n; i++) {
        if ((int)strlen(t.key[i]) > wk)
            wk = (int)strlen(t.key[i]);
        if ((int)strlen(t.value[i]) > wv && strlen(t.value[i]) <= 40)
            wv = (int)strlen(t.value[i]);
    }
    for (size_t i = 0; i < t.n; i++) {
        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%-*s  %-*s  %s", wk, t.key[i], wv, t.value[i], t.origin[i]) >= 0)
            output_put_shortened(stdout, line, width);
        putchar('\n');
        free(t.key[i]);
        free(t.value[i]);
        free(t.origin[i]);
    }
    fp_settings_destroy(set);
    return EXIT_PASS;
}

/* Every check, with what a failure of it does under the effective config. */
static int cmd_list(struct options *o, const char *root)
{
    char err[1024];
    struct fp_settings *set = NULL;
    int w = 5, width = output_terminal_width(STDOUT_FILENO);

    if (fp_settings_load(root, o->config, &set, err, sizeof(err)) < 0)
        return config_error(err);
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        if ((int)strlen(c->id) > w)
            w = (int)strlen(c->id);
    printf("%-*s  %-11s %s\n", w, "CHECK", "IF IT FAILS", "WHAT IT PROVES");
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c)) {
        enum fp_severity sev = fp_settings_severity(set, c);
        printf("%-*s  %-11s ", w, c->id,
               sev == FP_SEV_FAIL ? "blocks" : sev == FP_SEV_WARN ? "warns" : "is not run");
        output_put_shortened(stdout, c->summary, width > 0 ? width - w - 14 : 0);
        putchar('\n');
    }
    fp_settings_destroy(set);
    return EXIT_PASS;
}

static int cmd_explain(const char *id)
{
    const struct fp_check *c = id ? fp_registry_find(id) : NULL;
    if (!c) {
        output_line(stderr, "flux-preflight: unknown check id '%s' (see flux-preflight list)",
                id ? id : "");
        return EXIT_USAGE;
    }
    printf("%s: %s\n\n", c->id, c->summary);
    if (c->details)
        printf("%s\n\n", c->details);
    if (c->explain)
        printf("%s\n\n", c->explain);
    printf("Default severity: %s%s\n", fp_severity_name(c->severity),
           c->severity == FP_SEV_FAIL ? " (a failure keeps flux from starting)" : "");
    printf("Timeout: %gs%s\n", c->timeout > 0 ? c->timeout : FP_DEFAULT_TIMEOUT,
           c->flags & FP_CHECK_WAITABLE ? " per attempt; retried until the run deadline" : "");
    if (c->requires) {
        printf("Requires:");
        for (const char *const *p = c->requires; *p; p++)
            printf("%s %s", p == c->requires ? "" : ",", *p);
        printf(" (when one fails, this check has nothing to judge)\n");
    }
    printf("Journal: journalctl FLUX_PREFLIGHT_CHECK=%s, MESSAGE_ID=%s\n", c->id, c->message_id);
    return EXIT_PASS;
}

static int cmd_status(struct options *o)
{
    char err[512], why[512];
    struct fp_settings *set = NULL;
    struct statusfile sf;

    if (fp_settings_load(NULL, o->config, &set, err, sizeof(err)) < 0)
        return config_error(err);
    const char *path = o->status_file ? o->status_file : fp_setting_str(set, "status-file");
    int rc = statusfile_read(path, NULL, &sf, why, sizeof(why));
    if (rc < 0) {
        output_line(stderr, "flux-preflight: no result for this boot: %s", why);
        fp_settings_destroy(set);
        return EXIT_BLOCKED;
    }
    if (o->json) {
        char *s = json_dumps(sf.root, JSON_INDENT(2));
        if (s)
            puts(s);
        free(s);
    } else {
        json_t *results = json_object_get(sf.root, "results");
        size_t i;
        json_t *r;
        /* the file is root's, but what it says comes from the node, the image
         * and the manifest: every line is sanitised */
        output_line(stdout, "%s: %s at %s", sf.host ? sf.host : "(null)", sf.verdict,
                    sf.time ? sf.time : "(null)");
        if (sf.summary && *sf.summary)
            output_line(stdout, "  %s", sf.summary);
        if (sf.state == STATUSFILE_RUNNING)
            printf("  the gate has not finished; if it is not running any more, it died "
                   "before writing a verdict: systemctl status flux-preflight\n");
        json_array_foreach(results, i, r) {
            const char *res = json_string_value(json_object_get(r, "result"));
            const char *id = json_string_value(json_object_get(r, "id"));
            const char *msg = json_string_value(json_object_get(r, "message"));
            if (res && strcmp(res, "pass") != 0 && strcmp(res, "skip") != 0)
                output_line(stdout, "  %s %s: %s", id ? id : "(null)", res, msg ? msg : "(null)");
        }
    }
    /* running is no verdict yet: not a pass */
    bool fit = sf.state == STATUSFILE_PASS || sf.state == STATUSFILE_OFF;
    statusfile_free(&sf);
    fp_settings_destroy(set);
    return fit ? EXIT_PASS : EXIT_BLOCKED;
}

/* The lines of `flux-preflight fingerprint`: "<item> <value>" in item order;
 * --format=flux adds "<config> flux-md5:<hex>" after each config line whose
 * files `flux config get` would print. */
static void print_fingerprint(const struct fp_fingerprint *fp, bool flux_format)
{
    for (int i = 0; i < FP_ITEM_COUNT; i++) {
        const struct fp_item *it = &fp->items[i];
        printf("%s %s\n", it->name, it->value);
        if (flux_format && fp_item_is_config(i) && it->flux_md5[0])
            printf("%s flux-md5:%s\n", it->name, it->flux_md5);
    }
}

/* fingerprint: this node's items, one line each (for pdsh | dshbak -c);
 * manifest: the same as the fleet's reference document. */
static int cmd_fleet(struct options *o, bool manifest)
{
    char err[PATH_MAX + 256];
    struct fp_settings *set = NULL;
    struct fp_ctx ctx;
    struct fp_fingerprint fp;
    const char *root = o->root && *o->root && strcmp(o->root, "/") != 0 ? o->root : NULL;
    int rc = EXIT_PASS;

    if (o->format && (manifest || strcmp(o->format, "flux") != 0)) {
        output_line(stderr, "flux-preflight: --format=flux is the only format (fingerprint only)");
        return EXIT_USAGE;
    }
    if (o->output && !manifest) {
        output_line(stderr, "flux-preflight: -o is for manifest");
        return EXIT_USAGE;
    }
    if (root && access(root, X_OK) < 0) {
        output_line(stderr, "flux-preflight: --root %s: %s", root, strerror(errno));
        return EXIT_USAGE;
    }
    if (fp_settings_load(root, o->config, &set, err, sizeof(err)) < 0)
        return config_error(err);
    fp_ctx_init(&ctx, root, o->hostname, set, 0);
    /* read under the deadline, as a run reads (engine/bounded.h) */
    if (fp_fingerprint_compute_bounded(&ctx, &fp, !manifest && o->format != NULL, err,
                                       sizeof(err)) < 0) {
        output_line(stderr, "flux-preflight: %s", err);
        fp_ctx_fini(&ctx);
        fp_settings_destroy(set);
        return EXIT_BLOCKED;
    }
    for (int i = 0; i < FP_ITEM_COUNT; i++) {
        const struct fp_item *it = &fp.items[i];
        if (it->state == FP_ITEM_UNREADABLE || it->state == FP_ITEM_INVALID) {
            output_line(stderr, "flux-preflight: %s %s: %s", it->name, it->value, it->detail);
            rc = EXIT_BLOCKED;
        }
    }
    if (!manifest) {
        print_fingerprint(&fp, o->format != NULL);
    } else if (rc != EXIT_PASS) {
        output_line(stderr, "flux-preflight: no manifest written: the reference must not hold "
                        "unreadable or invalid items");
    } else {
        _cleanup_json_ json_t *doc = fp_manifest_doc(&ctx, &fp);
        _cleanup_free_ char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *text = NULL;
        if (!s || asprintf(&text, "%s\n", s) < 0) {
            output_line(stderr, "flux-preflight: cannot format the manifest");
            rc = EXIT_BLOCKED;
        } else if (!o->output || strcmp(o->output, "-") == 0) {
            fputs(text, stdout);
        } else if (fp_write_atomic(o->output, text, strlen(text), err, sizeof(err)) < 0) {
            output_line(stderr, "flux-preflight: %s", err);
            rc = EXIT_BLOCKED;
        }
    }
    if (fflush(stdout) != 0)
        rc = EXIT_BLOCKED;
    fp_ctx_fini(&ctx);
    fp_settings_destroy(set);
    return rc;
}

enum { OPT_STATUS_FILE = 256, OPT_SETTINGS, OPT_WAIT, OPT_FORMAT, OPT_VERSION };

static const struct option longopts[] = {
    { "json", no_argument, NULL, 'j' },
    { "check", required_argument, NULL, 'c' },
    { "root", required_argument, NULL, 'r' },
    { "hostname", required_argument, NULL, 'H' },
    { "config", required_argument, NULL, 'C' },
    { "journal", no_argument, NULL, 'J' },
    { "status-file", required_argument, NULL, OPT_STATUS_FILE },
    { "settings", no_argument, NULL, OPT_SETTINGS },
    { "wait", no_argument, NULL, OPT_WAIT },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "output", required_argument, NULL, 'o' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

/* Options may come before and after the sub-command. Returns -1 when done,
 * EXIT_PASS for --help and --version, EXIT_USAGE on a bad option. */
static int parse_options(int argc, char **argv, const char *optstring, struct options *o)
{
    int c;
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = true; break;
        case 'c': o->checks = optarg; break;
        case 'r': o->root = optarg; break;
        case 'H': o->hostname = optarg; break;
        case 'C': o->config = optarg; break;
        case 'J': o->journal = true; break;
        case OPT_STATUS_FILE: o->status_file = optarg; break;
        case OPT_SETTINGS: o->settings = true; break;
        case OPT_WAIT: o->wait = true; break;
        case OPT_FORMAT: o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'v': o->verbose = true; break;
        case 'h': usage(stdout); return EXIT_PASS;
        case OPT_VERSION: printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION); return EXIT_PASS;
        default:
            fprintf(stderr, "See 'flux-preflight --help'.\n");
            return EXIT_USAGE;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct options o = { .cmd = "run" };
    int rc;

    if ((rc = parse_options(argc, argv, "+jc:r:H:C:Jo:hv", &o)) >= 0)
        return rc;
    if (optind < argc)
        o.cmd = argv[optind++];
    if ((rc = parse_options(argc, argv, "jc:r:H:C:Jo:hv", &o)) >= 0)
        return rc;
    /* a relative --root is taken from the current directory */
    _cleanup_free_ char *abs_root = NULL;
    if (o.root && *o.root && o.root[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)) || asprintf(&abs_root, "%s/%s", cwd, o.root) < 0) {
            output_line(stderr, "flux-preflight: --root %s: cannot make it absolute: %s", o.root,
                    strerror(errno));
            return EXIT_USAGE;
        }
        o.root = abs_root;
    }
    const char *root = o.root && *o.root && strcmp(o.root, "/") != 0 ? o.root : NULL;
    if (strcmp(o.cmd, "help") == 0 && optind == argc) {
        usage(stdout);
        return EXIT_PASS;
    }
    if (strcmp(o.cmd, "run") == 0 && optind == argc)
        return cmd_run(&o);
    if (strcmp(o.cmd, "list") == 0 && optind == argc)
        return o.settings ? cmd_list_settings(&o, root) : cmd_list(&o, root);
    if (strcmp(o.cmd, "explain") == 0 && optind + 1 == argc)
        return cmd_explain(argv[optind]);
    if (strcmp(o.cmd, "status") == 0 && optind == argc)
        return cmd_status(&o);
    if (strcmp(o.cmd, "fingerprint") == 0 && optind == argc)
        return cmd_fleet(&o, false);
    if (strcmp(o.cmd, "manifest") == 0 && optind == argc)
        return cmd_fleet(&o, true);
    static const char *const commands[] = { "run", "list", "explain", "status", "fingerprint",
                                            "manifest", "help", NULL };
    bool known = false;
    for (const char *const *c = commands; *c; c++)
        known = known || strcmp(o.cmd, *c) == 0;
    if (!known)
        output_line(stderr, "flux-preflight: unknown command '%s'", o.cmd);
    else if (optind < argc)
        output_line(stderr, "flux-preflight: %s: unexpected argument '%s'", o.cmd, argv[optind]);
    else
        fprintf(stderr, "flux-preflight: explain needs a check id (see flux-preflight list)\n");
    fprintf(stderr, "See 'flux-preflight --help'.\n");
    return EXIT_USAGE;
}
