/* The gate's own configuration. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/conf.h"
#include "common/fileio.h"
#include "common/fsd.h"
#include "engine/bounded.h"
#include "engine/context.h"
#include "engine/registry.h"
#include "engine/settings.h"

/* The gate's own keys; each check declares its own in its descriptor.
 * flux-preflight.toml(5) documents all of them (tests/integration/t0600-docs.t
 * compares the lists). */
static const struct fp_setting_def gate_defs[] = {
    { "mode", FP_SET_MODE, "enforce", "enforce: a blocking failure keeps flux from starting; warn: report only" },
    { "deadline", FP_SET_FSD, "30s", "the whole run ends by then; waitable checks retry until it" },
    { "flux-user", FP_SET_STRING, "flux", "the user the broker runs as" },
    { "statedir", FP_SET_PATH, "/var/lib/flux", "the broker's statedir (rank 0)" },
    { "system-config", FP_SET_PATH, "/etc/flux/system/conf.d", "the broker's config (--config-path)" },
    { "security-config", FP_SET_PATH, "/etc/flux/security/conf.d", "flux-security's signing config" },
    { "imp-config", FP_SET_PATH, "/etc/flux/imp/conf.d", "the IMP's config" },
    { "status-file", FP_SET_PATH, "/run/flux-preflight/status.json", "where a full run records its verdict (read by the PAM module)" },
    { NULL, 0, NULL, NULL },
};

static const struct fp_setting_def table_defs[] = {
    { "severity", FP_SET_SEVERITY_TABLE, NULL, "per check id: fail (blocks), warn (reports) or off (not run)" },
    { "timeout", FP_SET_TIMEOUT_TABLE, NULL, "per check id: time for one attempt (FSD)" },
    { NULL, 0, NULL, NULL },
};

const struct fp_setting_def *const *fp_setting_defs(void)
{
    static const struct fp_setting_def **all;
    size_t n = 0;

    if (all)
        return all;
    for (const struct fp_setting_def *d = gate_defs; d->key; d++)
        n++;
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        for (const struct fp_setting_def *d = c->settings; d && d->key; d++)
            n++;
    n += sizeof(table_defs) / sizeof(table_defs[0]);
    const struct fp_setting_def **v = calloc(n, sizeof(*v));
    if (!v)
        abort(); /* a few dozen pointers, at startup */
    n = 0;
    for (const struct fp_setting_def *d = gate_defs; d->key; d++)
        v[n++] = d;
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        for (const struct fp_setting_def *d = c->settings; d && d->key; d++)
            v[n++] = d;
    for (const struct fp_setting_def *d = table_defs; d->key; d++)
        v[n++] = d;
    all = v;
    return all;
}

const struct fp_setting_def *fp_setting_def_find(const char *key)
{
    for (const struct fp_setting_def *const *d = fp_setting_defs(); *d; d++)
        if (strcmp((*d)->key, key) == 0)
            return *d;
    return NULL;
}

int fp_parse_bytes(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    double v = strtod(s, &end);
    if (errno || end == s)
        return -1;
    while (*end == ' ')
        end++;
    double mult = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mult = 1024.0; break;
    case 'M': mult = 1024.0 * 1024; break;
    case 'G': mult = 1024.0 * 1024 * 1024; break;
    case 'T': mult = 1024.0 * 1024 * 1024 * 1024; break;
    case '\0': break;
    default: return -1;
    }
    if (*end) {
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B')
            end++;
        if (*end)
            return -1;
    }
    v *= mult;
    if (v < 0 || v > (double)ULLONG_MAX)
        return -1;
    *out = (unsigned long long)v;
    return 0;
}

/* Flatten {"munge": {"socket": x}} into "munge.socket". With keep_tables,
 * tables that are themselves settings (severity, timeout) are kept whole;
 * without, everything is: a check id written unquoted in [severity]
 * (family.name = "warn") arrives as a nested table, so both spellings work. */
static void flatten(json_t *obj, const char *prefix, json_t *out, bool keep_tables)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        _cleanup_free_ char *key = NULL;
        if (asprintf(&key, "%s%s%s", prefix, *prefix ? "." : "", k) < 0)
            continue;
        const struct fp_setting_def *d = keep_tables ? fp_setting_def_find(key) : NULL;
        if (json_is_object(v) && !(d && (d->type == FP_SET_SEVERITY_TABLE ||
                                          d->type == FP_SET_TIMEOUT_TABLE)))
            flatten(v, key, out, keep_tables);
        else
            json_object_set(out, key, v);
    }
}

struct loader {
    struct conf *conf;
    char *err;
    size_t errsz;
};

static int fail_at(struct loader *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Where KEY's value was set: 0 with *file (and *line, 0 when unknown), or -1. */
static int locate(struct loader *l, const char *key, const char **file, int *line)
{
    *file = NULL;
    *line = 0;
    if (!l->conf)
        return -1;
    if (conf_locate(l->conf, key, file, line) == 0 && *file)
        return 0;
    /* a quoted id with dots ("family.name" = "warn" in [severity]) is one
     * key, which conf_locate's dotted path cannot name: ask the files' line
     * maps for severity."family.name" */
    const char *dot = strchr(key, '.');
    _cleanup_free_ char *quoted = NULL;
    if (!dot || asprintf(&quoted, "%.*s.\"%s\"", (int)(dot - key), key, dot + 1) < 0)
        return -1;
    for (size_t i = l->conf->nfiles; i > 0; i--) {
        json_t *ln = json_object_get(l->conf->files[i - 1].lines, quoted);
        if (json_is_integer(ln)) {
            *file = l->conf->files[i - 1].path;
            *line = (int)json_integer_value(ln);
            return 0;
        }
    }
    return -1;
}

static int fail_at(struct loader *l, const char *key, const char *fmt, ...)
{
    const char *file;
    int line;
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (locate(l, key, &file, &line) == 0) {
        if (line > 0)
            snprintf(l->err, l->errsz, "%s:%d: %s", file, line, msg);
        else
            snprintf(l->err, l->errsz, "%s: %s", file, msg);
    } else {
        snprintf(l->err, l->errsz, "%s%s%s", l->conf ? l->conf->path : "",
                 l->conf ? ": " : "", msg);
    }
    return -1;
}

/* Remember where KEY's value V was set, for list --settings. */
static void note_origin(struct loader *l, struct fp_settings *s, const char *key, json_t *v)
{
    const char *file;
    int line;
    if (locate(l, key, &file, &line) < 0) {
        file = l->conf ? l->conf->path : "";
        line = 0;
    }
    json_object_set_new(s->origin, key, json_pack("{s:O s:s s:i}", "value", v, "file", file,
                                                  "line", line));
}

static int too_long(struct loader *l, const char *key, const char *text)
{
    return fail_at(l, key, "%s: \"%s\" is longer than flux-preflight's limit of %gs (1d)", key,
                   text, FP_DURATION_MAX);
}

static int check_table(struct loader *l, const struct fp_setting_def *d, json_t *v,
                       struct fp_settings *s)
{
    _cleanup_json_ json_t *flat = json_object();
    const char *id;
    json_t *val;

    flatten(v, "", flat, false);
    json_object_foreach(flat, id, val) {
        _cleanup_free_ char *key = NULL;
        if (asprintf(&key, "%s.%s", d->key, id) < 0)
            return -1;
        if (!fp_registry_find(id))
            return fail_at(l, key, "[%s]: unknown check id '%s' (see flux-preflight list)",
                           d->key, id);
        if (d->type == FP_SET_SEVERITY_TABLE) {
            if (!json_is_string(val) || fp_severity_from_name(json_string_value(val)) < 0)
                return fail_at(l, key, "[severity] %s: expected \"fail\", \"warn\" or \"off\"",
                               id);
            json_object_set(s->severity, id, val);
        } else {
            double t;
            if (!json_is_string(val) || fsd_parse_duration(json_string_value(val), &t) < 0 ||
                t <= 0 || isinf(t))
                return fail_at(l, key,
                               "[timeout] %s: expected a positive duration string such as \"5s\"",
                               id);
            if (t > FP_DURATION_MAX)
                return too_long(l, key, json_string_value(val));
            json_object_set_new(s->timeout, id, json_real(t));
        }
        note_origin(l, s, key, val);
    }
    return 0;
}

static const char *type_name(enum fp_setting_type t)
{
    switch (t) {
    case FP_SET_FSD: return "a duration string such as \"30s\"";
    case FP_SET_BYTES: return "a size such as \"10G\" or an integer";
    case FP_SET_PERCENT: return "a number from 0 to 100";
    case FP_SET_INTEGER: return "a non-negative integer";
    case FP_SET_BOOL: return "true or false";
    case FP_SET_MODE: return "\"enforce\" or \"warn\"";
    case FP_SET_LEVEL: return "\"fail\" or \"warn\"";
    case FP_SET_PATH: return "an absolute path";
    case FP_SET_URL: return "a URL (https://, http://, file://)";
    case FP_SET_SEVERITY_TABLE:
    case FP_SET_TIMEOUT_TABLE: return "a table";
    default: return "a string";
    }
}

/* Validate one value; store its normalised form in s->values. */
static int check_value(struct loader *l, const struct fp_setting_def *d, json_t *v,
                       struct fp_settings *s)
{
    double num;
    unsigned long long bytes;
    const char *str = json_string_value(v);

    switch (d->type) {
    case FP_SET_SEVERITY_TABLE:
    case FP_SET_TIMEOUT_TABLE:
        if (!json_is_object(v))
            goto bad;
        return check_table(l, d, v, s);
    case FP_SET_FSD:
        if (!str || fsd_parse_duration(str, &num) < 0)
            goto bad;
        if (num > FP_DURATION_MAX) /* inf too */
            return too_long(l, d->key, str);
        json_object_set_new(s->values, d->key, json_real(num));
        return 0;
    case FP_SET_BYTES:
        if (json_is_integer(v) && json_integer_value(v) >= 0)
            bytes = json_integer_value(v);
        else if (!str || fp_parse_bytes(str, &bytes) < 0)
            goto bad;
        json_object_set_new(s->values, d->key, json_real((double)bytes));
        return 0;
    case FP_SET_PERCENT:
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
            goto bad;
        json_object_set_new(s->values, d->key, json_real(json_number_value(v)));
        return 0;
    case FP_SET_INTEGER:
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            goto bad;
        json_object_set_new(s->values, d->key, json_real((double)json_integer_value(v)));
        return 0;
    case FP_SET_BOOL:
        if (!json_is_boolean(v))
            goto bad;
        break;
    case FP_SET_MODE:
        if (!str || (strcmp(str, "enforce") != 0 && strcmp(str, "warn") != 0))
            goto bad;
        break;
    case FP_SET_LEVEL:
        if (!str || (strcmp(str, "fail") != 0 && strcmp(str, "warn") != 0))
            goto bad;
        break;
    case FP_SET_PATH:
        if (!str || str[0] != '/')
            goto bad;
        break;
    case FP_SET_URL:
        if (!str || (strncmp(str, "https://", 8) != 0 && strncmp(str, "http://", 7) != 0 &&
                     strncmp(str, "file://", 7) != 0))
            goto bad;
        break;
    case FP_SET_STRING:
        if (!str || !*str)
            goto bad;
        break;
    }
    json_object_set(s->values, d->key, v);
    return 0;
bad:
    return fail_at(l, d->key, "%s: expected %s", d->key, type_name(d->type));
}

static struct fp_settings *settings_new(void)
{
    struct fp_settings *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->values = json_object();
    s->severity = json_object();
    s->timeout = json_object();
    s->origin = json_object();
    return s;
}

static int apply_defaults(struct loader *l, struct fp_settings *s)
{
    for (const struct fp_setting_def *const *dp = fp_setting_defs(); *dp; dp++) {
        const struct fp_setting_def *d = *dp;
        if (!d->def || json_object_get(s->values, d->key))
            continue;
        _cleanup_json_ json_t *v = NULL;
        if (d->type == FP_SET_PERCENT)
            v = json_real(strtod(d->def, NULL));
        else if (d->type == FP_SET_INTEGER)
            v = json_integer(strtoll(d->def, NULL, 10));
        else
            v = json_string(d->def);
        if (check_value(l, d, v, s) < 0)
            return -1;
    }
    s->mode = strcmp(fp_setting_str(s, "mode"), "warn") == 0 ? FP_MODE_WARN : FP_MODE_ENFORCE;
    s->deadline = fp_setting_num(s, "deadline");
    return 0;
}

struct fp_settings *fp_settings_defaults(void)
{
    char err[64];
    struct loader l = { .err = err, .errsz = sizeof(err) };
    struct fp_settings *s = settings_new();
    if (!s || apply_defaults(&l, s) < 0) {
        fp_settings_destroy(s);
        return NULL;
    }
    s->source = strdup("(built-in defaults)");
    return s;
}

/* The gate's own config is read in a child, bounded by the default
 * deadline (the configured one is not known yet): under --root it is a file
 * of the image, on a filesystem that may not respond (engine/bounded.h). */
struct gate_load {
    const char *root, *path;
};

static json_t *load_gate_conf(void *arg)
{
    struct gate_load *gl = arg;
    struct conf *c = NULL;
    struct conf_diag d;

    if (conf_load(gl->root, gl->path, CONF_MERGE_FLUX, &c, &d) == 0) {
        json_t *doc = json_pack("{s:o}", "conf", conf_to_json(c));
        conf_destroy(c);
        return doc;
    }
    return json_pack("{s:o}", "diag", conf_diag_to_json(&d));
}

static int load_bounded(const char *root, const char *path, struct conf **out,
                        struct conf_diag *diag)
{
    struct fp_settings *defaults = fp_settings_defaults();
    double deadline = fp_now() + (defaults ? defaults->deadline : 30.0);
    struct gate_load gl = { .root = root, .path = path };
    char err[256];
    _cleanup_json_ json_t *doc = NULL;

    fp_settings_destroy(defaults);
    memset(diag, 0, sizeof(*diag));
    *out = NULL;
    if (!(doc = fp_bounded(deadline, load_gate_conf, &gl, err, sizeof(err)))) {
        fio_shown(root, path, diag->file, sizeof(diag->file));
        snprintf(diag->msg, sizeof(diag->msg), "not read: %s%s", err,
                 strstr(err, "deadline") ? " (a filesystem that does not respond?)" : "");
        return -1;
    }
    if (json_object_get(doc, "conf")) {
        if (conf_from_json(json_object_get(doc, "conf"), out) == 0)
            return 0;
        fio_shown(root, path, diag->file, sizeof(diag->file));
        snprintf(diag->msg, sizeof(diag->msg), "the config loader sent a malformed answer");
        return -1;
    }
    conf_diag_from_json(json_object_get(doc, "diag"), diag);
    return -1;
}

int fp_settings_load(const char *root, const char *path, struct fp_settings **out, char *err,
                     size_t errsz)
{
    char full[PATH_MAX];
    struct conf_diag diag;
    struct loader l = { .err = err, .errsz = errsz };
    bool explicit = path != NULL;

    if (!path)
        path = FP_DEFAULT_CONFIG;
    fio_shown(root, path, full, sizeof(full));
    /* absent: the built-in defaults (the loader says ENOENT for the path itself) */
    if (load_bounded(root, path, &l.conf, &diag) < 0) {
        if (!explicit && diag.err == ENOENT && strcmp(diag.file, full) == 0) {
            *out = fp_settings_defaults();
            return *out ? 0 : -1;
        }
        if (diag.line > 0)
            snprintf(err, errsz, "%s:%d:%d: %s", diag.file, diag.line, diag.col, diag.msg);
        else if (diag.file[0])
            snprintf(err, errsz, "%s: %s", diag.file, diag.msg);
        else
            snprintf(err, errsz, "%s", diag.msg);
        return -1;
    }
    struct fp_settings *s = settings_new();
    _cleanup_json_ json_t *flat = json_object();
    const char *key;
    json_t *v;
    int rc = -1;

    if (!s || !flat)
        goto out;
    flatten(l.conf->merged, "", flat, true);
    json_object_foreach(flat, key, v) {
        const struct fp_setting_def *d = fp_setting_def_find(key);
        if (!d) {
            fail_at(&l, key, "unknown key '%s' (see flux-preflight.toml(5))", key);
            goto out;
        }
        if (check_value(&l, d, v, s) < 0)
            goto out;
        if (!json_is_object(v))
            note_origin(&l, s, key, v);
    }
    if (apply_defaults(&l, s) < 0)
        goto out;
    s->source = strdup(full);
    *out = s;
    s = NULL;
    rc = 0;
out:
    fp_settings_destroy(s);
    conf_destroy(l.conf);
    return rc;
}

void fp_settings_destroy(struct fp_settings *s)
{
    if (!s)
        return;
    json_decref(s->values);
    json_decref(s->severity);
    json_decref(s->timeout);
    json_decref(s->origin);
    free(s->source);
    free(s);
}

const char *fp_setting_str(const struct fp_settings *s, const char *key)
{
    return json_string_value(json_object_get(s->values, key));
}

double fp_setting_num(const struct fp_settings *s, const char *key)
{
    return json_number_value(json_object_get(s->values, key));
}

bool fp_setting_bool(const struct fp_settings *s, const char *key)
{
    return json_is_true(json_object_get(s->values, key));
}

enum fp_severity fp_settings_severity(const struct fp_settings *s, const struct fp_check *c)
{
    int sev = fp_severity_from_name(json_string_value(json_object_get(s->severity, c->id)));
    return sev >= 0 ? (enum fp_severity)sev : c->severity;
}

double fp_settings_timeout(const struct fp_settings *s, const struct fp_check *c)
{
    json_t *t = json_object_get(s->timeout, c->id);
    if (t)
        return json_number_value(t);
    return c->timeout > 0 ? c->timeout : FP_DEFAULT_TIMEOUT;
}
