/* config.security: flux-security's signing config ([sign]) as the signing
 * library reads it: a shallow merge of /etc/flux/security/conf.d, strict
 * tables, a mechanism every node shares. */
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
#include "common/cleanup.h"
#include "common/conf.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/findings.h"
#include "engine/settings.h"

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
                   cfg_toml_type(ttl), cfail);
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
                   cfg_toml_type(dt), cfail);
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
    } else if (!cfg_array_of_strings(at)) {
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
        if (deftype && sign_mechanism(deftype) && !cfg_array_has_string(at, deftype))
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
    bool read = cfg_sign_config_read(ctx, why, sizeof(why));

    cfg_setting_path(ctx, "security-config", path, sizeof(path));
    fp_fact_str(r, "path", path);
    fp_fact_bool(r, "read", read);
    if (!read) {
        fp_skip(r, "%s: nothing reads %s", why, path);
        return;
    }
    if (!c && !(none = cfg_nothing_to_read(path, &ctx->security_err))) {
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
    cfg_shallow_drops(c, &f, "flux-security");
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

/* --- the table ----------------------------------------------------------------- */

const struct fp_check fp_checks_security[] = {
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
    { 0 },
};
