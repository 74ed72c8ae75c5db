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
    const char *checks;
    const char *root;
    const char *hostname;
    const char *config;
    const char *status_file;
    const char *format;
    const char *output;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: flux-preflight [run] [--json] [--check ID,...] [--root DIR]\n"
            "                      [--hostname NAME] [--config PATH] [--journal] [--wait]\n"
            "                      [--status-file PATH]\n"
            "       flux-preflight list [--settings]\n"
            "       flux-preflight explain ID\n"
            "       flux-preflight status [--json]\n"
            "       flux-preflight fingerprint [--format=flux] [--root DIR] [--config PATH]\n"
            "       flux-preflight manifest [-o FILE] [--root DIR] [--config PATH]\n"
            "\n"
            "Checks that this node is ready to run a Flux broker. Exit status: 0 no\n"
            "blocking failure, 1 a blocking check failed, 2 usage or gate-config error.\n"
            "See flux-preflight(8).\n");
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
    fprintf(stderr, "flux-preflight: gate config error: %s\n", msg);
    char status[600];
    snprintf(status, sizeof(status), "ERROR: gate config: %.560s", msg);
    output_notify_verdict(status);
    return EXIT_USAGE;
}

/* The status file, for a run that speaks for the node. A reader must never
 * find an old verdict while this run is under way, nor none when it dies. */
static void record(const char *path, json_t *doc)
{
    char err[PATH_MAX + 256];
    if (!doc || output_statusfile_write(path, doc, err, sizeof(err)) < 0)
        fprintf(stderr, "flux-preflight: cannot record the verdict: %s\n",
                doc ? err : "out of memory");
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
    _cleanup_json_ json_t *only = NULL;
    const char *root = o->root;
    double start = fp_now();
    int faults = 0;

    if (root && (!*root || strcmp(root, "/") == 0))
        root = NULL;
    if (o->checks && !(only = parse_check_list(o->checks, err, sizeof(err)))) {
        fprintf(stderr, "flux-preflight: %s\n", err);
        return EXIT_USAGE;
    }
    /* Test-only fault injection: it can only turn results into errors. */
    if (getenv("FLUX_PREFLIGHT_TEST_FAULT") &&
        (faults = fp_fault_parse(getenv("FLUX_PREFLIGHT_TEST_FAULT"))) < 0) {
        fprintf(stderr, "flux-preflight: FLUX_PREFLIGHT_TEST_FAULT: unknown fault\n");
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
    /* flux.preflight=warn: read here, or handed over by the generator when
     * the unit's sandbox hides PID 1 (containers) */
    const char *env_mode = getenv("FLUX_PREFLIGHT_MODE");
    if (!root && ((env_mode && strcmp(env_mode, "warn") == 0) || cmdline_says_warn()))
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
        fprintf(stderr, "flux-preflight: %s\n", err);
        fp_ctx_fini(&ctx);
        fp_settings_destroy(set);
        return EXIT_BLOCKED; /* the gate could not judge: never wave the node through */
    }

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
        bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        output_terminal(stdout, &ctx, &run, color);
    }
    if (records)
        record(status_path, doc);
    output_notify_verdict(verdict ? verdict : "done");

    int rc = run.blocked ? EXIT_BLOCKED : EXIT_PASS;
    fflush(stdout);
    fp_run_fini(&run);
    fp_ctx_fini(&ctx);
    fp_settings_destroy(set);
    return rc;
}

static const char *setting_type_name(enum fp_setting_type t)
{
    switch (t) {
    case FP_SET_PATH: return "path";
    case FP_SET_FSD: return "duration";
    case FP_SET_BYTES: return "size";
    case FP_SET_PERCENT: return "percent";
    case FP_SET_INTEGER: return "integer";
    case FP_SET_BOOL: return "boolean";
    case FP_SET_MODE: return "mode";
    case FP_SET_URL: return "url";
    case FP_SET_SEVERITY_TABLE:
    case FP_SET_TIMEOUT_TABLE: return "table";
    default: return "string";
    }
}

static int cmd_list_settings(void)
{
    for (const struct fp_setting_def *d = fp_setting_defs; d->key; d++)
        printf("%-40s %-9s %s\n", d->key, setting_type_name(d->type), d->def ? d->def : "-");
    return EXIT_PASS;
}

static int cmd_list(void)
{
    int w = 0;
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        if ((int)strlen(c->id) > w)
            w = (int)strlen(c->id);
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        printf("%-*s  %-4s  %s\n", w, c->id, fp_severity_name(c->severity), c->summary);
    return EXIT_PASS;
}

static int cmd_explain(const char *id)
{
    const struct fp_check *c = id ? fp_registry_find(id) : NULL;
    if (!c) {
        fprintf(stderr, "flux-preflight: unknown check id '%s' (see flux-preflight list)\n",
                id ? id : "");
        return EXIT_USAGE;
    }
    printf("%s: %s\n\n", c->id, c->summary);
    if (c->explain)
        printf("%s\n\n", c->explain);
    printf("Default severity: %s%s\n", fp_severity_name(c->severity),
           c->severity == FP_SEV_FAIL ? " (a failure keeps flux from starting)" : "");
    printf("Timeout: %gs%s\n", c->timeout > 0 ? c->timeout : 5.0,
           c->flags & FP_CHECK_WAITABLE ? " per attempt; retried until the run deadline" : "");
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
        fprintf(stderr, "flux-preflight: no result for this boot: %s\n", why);
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
        printf("%s: %s at %s\n", json_string_value(json_object_get(sf.root, "host")),
               json_string_value(json_object_get(sf.root, "verdict")),
               json_string_value(json_object_get(sf.root, "time")));
        if (sf.summary && *sf.summary)
            printf("  %s\n", sf.summary);
        if (sf.state == STATUSFILE_RUNNING)
            printf("  the gate has not finished; if it is not running any more, it died "
                   "before writing a verdict: systemctl status flux-preflight\n");
        json_array_foreach(results, i, r) {
            const char *res = json_string_value(json_object_get(r, "result"));
            if (res && strcmp(res, "pass") != 0 && strcmp(res, "skip") != 0)
                printf("  %s %s: %s\n", json_string_value(json_object_get(r, "id")), res,
                       json_string_value(json_object_get(r, "message")));
        }
    }
    /* running is no verdict yet: not a pass */
    bool fit = sf.state == STATUSFILE_PASS || sf.state == STATUSFILE_OFF;
    statusfile_free(&sf);
    fp_settings_destroy(set);
    return fit ? EXIT_PASS : EXIT_BLOCKED;
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
        fprintf(stderr, "flux-preflight: --format=flux is the only format (fingerprint only)\n");
        return EXIT_USAGE;
    }
    if (o->output && !manifest) {
        fprintf(stderr, "flux-preflight: -o is for manifest\n");
        return EXIT_USAGE;
    }
    if (root && access(root, X_OK) < 0) {
        fprintf(stderr, "flux-preflight: --root %s: %s\n", root, strerror(errno));
        return EXIT_USAGE;
    }
    if (fp_settings_load(root, o->config, &set, err, sizeof(err)) < 0)
        return config_error(err);
    fp_ctx_init(&ctx, root, o->hostname, set, 0);
    fp_fingerprint_compute(&ctx, &fp);
    for (int i = 0; i < FP_ITEM_COUNT; i++) {
        const struct fp_item *it = &fp.items[i];
        if (it->state == FP_ITEM_UNREADABLE || it->state == FP_ITEM_INVALID) {
            fprintf(stderr, "flux-preflight: %s %s: %s\n", it->name, it->value, it->detail);
            rc = EXIT_BLOCKED;
        }
    }
    if (!manifest) {
        fp_fingerprint_print(stdout, &fp, o->format != NULL);
    } else if (rc != EXIT_PASS) {
        fprintf(stderr, "flux-preflight: no manifest written: the reference must not hold "
                        "unreadable or invalid items\n");
    } else {
        _cleanup_json_ json_t *doc = fp_manifest_doc(&ctx, &fp);
        _cleanup_free_ char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *text = NULL;
        if (!s || asprintf(&text, "%s\n", s) < 0) {
            fprintf(stderr, "flux-preflight: cannot format the manifest\n");
            rc = EXIT_BLOCKED;
        } else if (!o->output || strcmp(o->output, "-") == 0) {
            fputs(text, stdout);
        } else if (fp_write_atomic(o->output, text, strlen(text), err, sizeof(err)) < 0) {
            fprintf(stderr, "flux-preflight: %s\n", err);
            rc = EXIT_BLOCKED;
        }
    }
    if (fflush(stdout) != 0)
        rc = EXIT_BLOCKED;
    fp_ctx_fini(&ctx);
    fp_settings_destroy(set);
    return rc;
}

enum { OPT_STATUS_FILE = 256, OPT_SETTINGS, OPT_WAIT, OPT_FORMAT };

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
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Options may come before and after the sub-command. Returns -1 when done,
 * EXIT_PASS for --help, EXIT_USAGE on a bad option. */
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
        case 'h': usage(stdout); return EXIT_PASS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct options o = { .cmd = "run" };
    int rc;

    if ((rc = parse_options(argc, argv, "+jc:r:H:C:Jo:h", &o)) >= 0)
        return rc;
    if (optind < argc)
        o.cmd = argv[optind++];
    if ((rc = parse_options(argc, argv, "jc:r:H:C:Jo:h", &o)) >= 0)
        return rc;
    if (o.root && o.root[0] != '/') {
        fprintf(stderr, "flux-preflight: --root needs an absolute path\n");
        return EXIT_USAGE;
    }
    if (strcmp(o.cmd, "run") == 0 && optind == argc)
        return cmd_run(&o);
    if (strcmp(o.cmd, "list") == 0 && optind == argc)
        return o.settings ? cmd_list_settings() : cmd_list();
    if (strcmp(o.cmd, "explain") == 0 && optind + 1 == argc)
        return cmd_explain(argv[optind]);
    if (strcmp(o.cmd, "status") == 0 && optind == argc)
        return cmd_status(&o);
    if (strcmp(o.cmd, "fingerprint") == 0 && optind == argc)
        return cmd_fleet(&o, false);
    if (strcmp(o.cmd, "manifest") == 0 && optind == argc)
        return cmd_fleet(&o, true);
    usage(stderr);
    return EXIT_USAGE;
}
