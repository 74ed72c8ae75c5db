/* The IMP (flux-security's setuid helper that runs jobs as their users) and
 * its PAM stack. FLUX-FACTS §8.2: `[exec] imp` in the system config turns on
 * multi-user job launch through ${libexecdir}/flux/flux-imp, which must be
 * setuid root (`make install` does not set the bit; the Debian rules chmod
 * 4755); with `exec.pam-support = true` in the IMP config the IMP calls
 * pam_start("flux", user), pam_setcred and pam_open_session, so
 * /etc/pam.d/flux needs auth and session lines. config.imp judges the IMP's
 * own config (/etc/flux/imp/conf.d) as the IMP reads it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "checks/confread.h"
#include "checks/distro.h"
#include "checks/fsutil.h"
#include "checks/pamstack.h"
#include "common/cleanup.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/findings.h"

#define IMP_DEFAULT "/usr/libexec/flux/flux-imp"
#define FLUX_PAM_SERVICE "flux"

static const json_t *get2(const json_t *o, const char *a, const char *b)
{
    const json_t *t = json_object_get(o, a);
    return json_is_object(t) ? json_object_get(t, b) : NULL;
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
    if (!cfg_array_of_strings(shells)) {
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
    const char *user = cfg_flux_user(ctx);

    cfg_setting_path(ctx, "imp-config", path, sizeof(path));
    fp_fact_str(r, "path", path);
    if (json_is_string(imp_bin))
        fp_fact_str(r, "imp", json_string_value(imp_bin));
    if (!c) {
        const char *none = cfg_nothing_to_read(path, &ctx->imp_err);
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
                   cfg_toml_type(imp_bin));
    else if (used && json_string_value(imp_bin)[0] != '/')
        fp_finding(&f, FP_WARN, ctx->system, "exec.imp",
                   "\"%s\" is not absolute: use /usr/libexec/flux/flux-imp",
                   json_string_value(imp_bin));
    cfg_shallow_drops(c, &f, "the IMP");

    const json_t *exec = json_object_get(c->merged, "exec");
    const json_t *users = conf_get_dotted(c->merged, "exec.allowed-users");
    if (!users)
        fp_finding(&f, bad, c, json_is_object(exec) ? "exec" : NULL,
                   "no [exec] allowed-users: the IMP lets nobody run jobs as other users, so "
                   "every multi-user job fails; add allowed-users = [\"%s\"] to [exec]",
                   user);
    else if (!cfg_array_of_strings(users))
        fp_finding(&f, bad, c, "exec.allowed-users",
                   "must be an array of user names: the IMP cannot tell who may run jobs");
    else if (!cfg_array_has_string(users, user))
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
        if (!cfg_array_of_strings(ru) || !cfg_array_has_string(ru, user))
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

/* ---- imp.setuid ---------------------------------------------------------- */

/* Does this process run with no_new_privs (systemd's NoNewPrivileges=)? */
static bool no_new_privs(void)
{
    char line[256];
    bool nnp = false;
    _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "NoNewPrivs:", 11) == 0)
            nnp = atoi(line + 11) != 0;
    return nnp;
}

static void check_imp_setuid(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *user = fp_setting_str(ctx->set, "flux-user");
    const json_t *imp;
    char path[PATH_MAX], owner[64], group[64];
    const struct stat *st;
    struct fsu_node n;
    struct fsu_user u;
    unsigned mode;
    int rc;

    if (!cfg_system_loaded(ctx, r))
        return;
    imp = get2(ctx->system->merged, "exec", "imp");
    if (!imp) {
        fp_skip(r, "[exec] imp is not set in the system config: the broker runs every job as "
                   "%s itself, without the IMP (single-user instance)", user);
        return;
    }
    if (!json_is_string(imp)) {
        fp_skip(r, "[exec] imp is not a string (see config.imp)");
        return;
    }
    /* The broker runs with cwd / (flux.service): a relative path is from there. */
    snprintf(path, sizeof(path), "%s%s", json_string_value(imp)[0] == '/' ? "" : "/",
             json_string_value(imp));
    rc = fsu_lookup(ctx, path, &n);
    fp_fact_str(r, "path", n.path);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        struct fp_distro distro;
        char how[512];
        fp_distro_detect(ctx, &distro);
        fp_fail(r, "%s does not exist: [exec] imp names it, so every job of another user fails "
                   "to start: install flux-security (%s; a package installs " IMP_DEFAULT
                   " setuid root, make install does not: chown root, then chmod 4755), or fix "
                   "[exec] imp",
                n.path, fp_flux_install_advice(&distro, "flux-security", how, sizeof(how)));
        return;
    }
    if (rc < 0) {
        fp_error(r, "%s: %s", n.path, strerror(-rc));
        return;
    }
    if (n.is_link) {
        fp_fact_str(r, "link", n.link);
        if (n.target_err) {
            fp_fail(r, "%s is a symbolic link to %s, which %s: every multi-user job fails: "
                       "install flux-security, or point [exec] imp at the real flux-imp",
                    n.path, n.link,
                    n.target_err == ENOENT ? "does not exist" : strerror(n.target_err));
            return;
        }
    }
    st = fsu_final(&n);
    if (!S_ISREG(st->st_mode)) {
        fp_fail(r, "%s is a %s, not a regular file: the broker cannot run the IMP: install "
                   "flux-security, or fix [exec] imp", n.path, fsu_type_name(st->st_mode));
        return;
    }
    mode = (unsigned)(st->st_mode & 07777);
    fp_fact_strf(r, "mode", "%04o", mode);
    fp_fact_str(r, "owner", fp_user_name(ctx, st->st_uid, owner, sizeof(owner)));
    fp_fact_str(r, "group", fp_group_name(ctx, st->st_gid, group, sizeof(group)));
    fp_fact_bool(r, "setuid", (st->st_mode & S_ISUID) != 0);

    if (st->st_uid != 0)
        fp_fail(r, "%s is owned by %s, not root: the IMP must be setuid root to start jobs as "
                   "their users, so every multi-user job fails: chown root %s; chmod 4755 %s "
                   "(chown clears the setuid bit: chmod after it)",
                n.path, owner, n.path, n.path);
    else if (!(st->st_mode & S_ISUID))
        fp_fail(r, "%s is not setuid (mode %04o): the IMP cannot switch to the job's user, so "
                   "every multi-user job fails: chown root %s; chmod 4755 %s (flux-imp(8): to "
                   "let only the flux group run it, chgrp flux %s; chmod 4750 %s)",
                n.path, mode, n.path, n.path, n.path, n.path);
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        fp_fail(r, "%s is writable by %s (mode %04o): whoever can write a setuid-root program "
                   "is root: chmod go-w %s",
                n.path, (st->st_mode & S_IWOTH) ? "other" : "group", mode, n.path);
    if (fsu_user_load(ctx, user, &u) == 0 && !fsu_user_may(&u, st, X_OK))
        fp_fail(r, "%s (owner %s, group %s, mode %04o) is not executable by %s, which the "
                   "broker runs as: chgrp %s %s; chmod 4750 %s",
                n.path, owner, group, mode, user, user, n.path, n.path);

    /* The bit does nothing on a nosuid mount (the live node only: an image
     * is mounted elsewhere when it boots). Under NoNewPrivileges= (the
     * hardened unit) systemd mounts everything nosuid in the gate's own
     * namespace: what the gate sees is not what the IMP will see. */
    bool sandboxed = no_new_privs();
    if (sandboxed)
        fp_fact_bool(r, "nosuid_judged", false);
    if (ctx->live && !sandboxed && (st->st_mode & S_ISUID)) {
        _cleanup_close_ int fd = fsu_open_path(ctx, path, true);
        struct statvfs sv;
        if (fd >= 0 && fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_NOSUID)) {
            fp_fact_bool(r, "nosuid", true);
            fp_fail(r, "%s is setuid, but its filesystem is mounted nosuid, so the bit is "
                       "ignored and the IMP runs as flux: every multi-user job fails: remount "
                       "it without nosuid (findmnt -T %s; fix /etc/fstab)",
                    n.path, n.path);
        }
    }
    if (!fp_nothing_found(r))
        return;
    if (st->st_mode & S_IXOTH)
        fp_pass(r, "%s is owned by root and setuid (mode %04o); any user may run it: "
                   "flux-imp(8) suggests chgrp flux %s; chmod 4750 %s",
                n.path, mode, n.path, n.path);
    else
        fp_pass(r, "%s is owned by root and setuid (mode %04o, group %s)", n.path, mode, group);
}

/* ---- imp.pam ------------------------------------------------------------- */

static int pam_conv_none(int n, const struct pam_message **msg, struct pam_response **resp,
                         void *data)
{
    (void)n;
    (void)msg;
    (void)resp;
    (void)data;
    return PAM_CONV_ERR;
}

/* Can libpam start the flux service of the live node? pam_start parses the
 * stack and loads its modules (a module that cannot be loaded is only
 * logged); nothing is authenticated and no session is opened. Never under
 * --root: nothing of an image is loaded into the gate. */
static int pam_try_start(const char *user, char *err, size_t errsz)
{
    struct pam_conv conv = { pam_conv_none, NULL };
    pam_handle_t *h = NULL;
    int rc;

    if (pamstack_load_libpam(err, errsz) < 0)
        return -2;
    rc = sym_pam_start(FLUX_PAM_SERVICE, user, &conv, &h);
    if (rc != PAM_SUCCESS)
        snprintf(err, errsz, "%s", sym_pam_strerror(h, rc));
    if (h)
        sym_pam_end(h, rc);
    return rc == PAM_SUCCESS ? 0 : -1;
}

/* "'a', 'b'" of a list of strings (malloc'd; NULL when empty). */
static char *pam_join(const json_t *list)
{
    char *joined = NULL;
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v) {
        char *more = NULL;
        if (asprintf(&more, "%s%s'%s'", joined ? joined : "", joined ? ", " : "",
                     json_string_value(v)) < 0)
            break;
        free(joined);
        joined = more;
    }
    return joined;
}

static void describe_imp_pam(const struct fp_ctx *ctx, struct fp_result *r)
{
    char path[PATH_MAX];

    if (fp_path(ctx, "/etc/pam.d/" FLUX_PAM_SERVICE, path, sizeof(path))) {
        fp_fact_str(r, "path", path);
        fp_fact_str(r, "target", path);
    }
}

static void check_imp_pam(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *user = fp_setting_str(ctx->set, "flux-user");
    _cleanup_(pamstack_fini) struct pamstack s = { 0 };
    const int *counts = s.counts;
    char file[PATH_MAX], err[256];
    const json_t *pam;
    int rc;

    if (!ctx->imp) {
        fp_skip(r, "the IMP config did not load (see config.parse and config.imp)");
        return;
    }
    pam = get2(ctx->imp->merged, "exec", "pam-support");
    if (!json_is_true(pam)) {
        fp_skip(r, "exec.pam-support is %s in the IMP config: the IMP does not use PAM",
                !pam ? "not set" : json_is_false(pam) ? "false" : "not a boolean");
        return;
    }
    if (pamstack_init(&s, ctx, NULL) < 0) {
        fp_error(r, "out of memory");
        return;
    }
    fp_path(ctx, "/etc/pam.d/" FLUX_PAM_SERVICE, file, sizeof(file));
    fp_fact_str(r, "path", file);

    rc = pamstack_scan(&s, "/etc/pam.d/" FLUX_PAM_SERVICE);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        fp_fail(r, "%s does not exist, but exec.pam-support is on: the IMP's pam_start(\"flux\") "
                   "gets the \"other\" stack (usually deny-all), so every multi-user job fails: "
                   "create it with at least an auth and a session line, e.g. "
                   "printf 'auth required pam_localuser.so\\nsession required pam_limits.so\\n' "
                   ">%s", file, file);
        return;
    }
    if (rc == -EINVAL) {
        fp_fail(r, "%s: libpam cannot read the flux service's stack: replace it with a file "
                   "that has auth and session lines", s.why);
        return;
    }
    if (rc == -E2BIG || (rc == 0 && s.limit[0])) {
        fp_fact_str(r, "limit", s.limit);
        fp_error(r, "%s not judged: %s", file, s.limit);
        return;
    }
    if (rc < 0) {
        fp_error(r, "%s: %s", file, strerror(-rc));
        return;
    }
    if (s.cycle[0]) {
        fp_fact_str(r, "include_cycle", s.cycle);
        fp_fail(r, "%s: an include cycle (%s): libpam follows includes without a limit, so "
                   "the IMP's pam_start(\"flux\") overflows its stack and crashes, and every "
                   "multi-user job fails: remove the include that leads back", file, s.cycle);
        return;
    }
    fp_fact_int(r, "auth_lines", counts[PT_AUTH]);
    fp_fact_int(r, "session_lines", counts[PT_SESSION]);
    if (json_array_size(s.outside) > 0) {
        _cleanup_free_ char *list = pam_join(s.outside);
        fp_fact_str(r, "outside", list);
        fp_fail(r, "%s names modules outside the image's module directories: %s: under --root "
                   "nothing of the image is loaded (libpam is not started), and a PAM module of "
                   "the image belongs in its module directory (%s): name it by its file name "
                   "there", file, list ? list : "?", s.moddirs[0]);
    }
    if (json_array_size(s.unreadable) > 0) {
        _cleanup_free_ char *list = pam_join(s.unreadable);
        fp_fact_str(r, "unreadable", list);
        fp_fail(r, "%s includes files that cannot be read: %s: libpam cannot read them either, "
                   "and the IMP's PAM calls fail: make each a regular file", file,
                list ? list : "?");
    }
    if (json_array_size(s.missing) > 0) {
        _cleanup_free_ char *list = pam_join(s.missing);
        fp_fact_str(r, "missing", list);
        fp_fail(r, "%s names modules or files that do not exist%s: %s: libpam cannot load "
                   "them and the IMP's PAM calls fail: install the module (apt-get install "
                   "libpam-modules) or fix the line",
                file, ctx->live ? "" : " in the image", list ? list : "?");
    }
    if (counts[PT_AUTH] == 0)
        fp_fail(r, "%s has no usable auth line: the IMP calls pam_setcred, which fails on an "
                   "empty auth stack, so every multi-user job fails: add one, e.g. "
                   "echo 'auth required pam_localuser.so' >>%s", file, file);
    if (counts[PT_SESSION] == 0)
        fp_fail(r, "%s has no usable session line: the IMP calls pam_open_session, which fails "
                   "on an empty session stack, so every multi-user job fails: add one, e.g. "
                   "echo 'session required pam_limits.so' >>%s", file, file);

    if (!ctx->live) {
        /* nothing of the image is loaded into the gate */
        fp_fact_bool(r, "pam_start", false);
        fp_fact_str(r, "pam_start_skipped", "--root: libpam is not started on an image");
        if (fp_nothing_found(r))
            fp_pass(r, "%s: %d auth and %d session line%s, every module found in the image's "
                       "module directories (judged by reading the stack; not tried: libpam is "
                       "not started under --root, so no module of the image was loaded)",
                    file, counts[PT_AUTH], counts[PT_SESSION],
                    counts[PT_SESSION] == 1 ? "" : "s");
        return;
    }
    rc = pam_try_start(user, err, sizeof(err));
    if (rc == -2)
        fp_error(r, "%s: cannot try the %s service (the PAM library package: libpam0g, or pam)",
                 err, FLUX_PAM_SERVICE);
    else if (rc < 0)
        fp_fail(r, "libpam cannot start the %s service (pam_start: %s): the IMP cannot either, "
                   "and every multi-user job fails: check %s", FLUX_PAM_SERVICE, err, file);
    if (rc != -2)
        fp_fact_bool(r, "pam_start", rc == 0);
    if (fp_nothing_found(r))
        fp_pass(r, "%s: %d auth and %d session line%s; libpam starts the %s service", file,
                counts[PT_AUTH], counts[PT_SESSION], counts[PT_SESSION] == 1 ? "" : "s",
                FLUX_PAM_SERVICE);
}

const struct fp_check fp_checks_imp[] = {
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
    {
        .id = "imp.setuid",
        .message_id = "6ba14c1b08df4b8ea5b725dc80078b37",
        .summary = "when [exec] imp is set: flux-imp exists, is a regular file owned by root, "
                   "setuid, not group/other-writable, and the flux user can run it",
        .subject = "flux-imp is not setuid root (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-imp(8)",
        .journal =
            "The pre-flight check imp.setuid looked at the IMP named by [exec] imp in the\n"
            "system config: @MESSAGE@",
        .details =
            "When the system config sets [exec] imp: the file it names is a regular file (a\n"
            "symbolic link is followed; its text is reported), owned by root, setuid, not\n"
            "writable by group or other, executable by the flux user, and (live only) not\n"
            "on a filesystem mounted nosuid. Skipped, with the reason, when [exec] imp is\n"
            "not set. Facts: path, link, mode, owner, group, setuid, nosuid. Fix: 'chown\n"
            "root /usr/libexec/flux/flux-imp; chmod 4755 /usr/libexec/flux/flux-imp' (chown\n"
            "clears the setuid bit); flux-imp(8) suggests 'chgrp flux\n"
            "/usr/libexec/flux/flux-imp; chmod 4750 /usr/libexec/flux/flux-imp'.",
        .explain =
            "With [exec] imp set, the broker starts every job of another user through\n"
            "flux-imp, which must be setuid root to switch to that user. \"make install\"\n"
            "of flux-security does not set the bit (the Debian package does). If flux-imp\n"
            "is missing, owned by another user, not setuid, on a filesystem mounted\n"
            "nosuid, or not executable by the flux user, every multi-user job fails; if\n"
            "group or other can write it, anyone who can write it is root. The check is\n"
            "skipped when [exec] imp is not set.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -l /usr/libexec/flux/flux-imp\n"
            "    chown root /usr/libexec/flux/flux-imp\n"
            "    chmod 4755 /usr/libexec/flux/flux-imp\n"
            "\n"
            "chown clears the setuid bit, so chmod after it. flux-imp(8) suggests letting\n"
            "only the flux group run it: chgrp flux /usr/libexec/flux/flux-imp; chmod 4750\n"
            "/usr/libexec/flux/flux-imp. \"flux-imp whoami\" run as flux shows the ids it\n"
            "gets.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_imp_setuid,
        .requires = FP_REQUIRES("config.parse"),
    },
    {
        .id = "imp.pam",
        .message_id = "131ec03ad0bb45268d35e8a526e2a387",
        .summary = "when exec.pam-support is on: /etc/pam.d/flux has auth and session lines "
                   "whose modules exist, and libpam can start the flux service",
        .subject = "The IMP's PAM service \"flux\" is not usable (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-imp(8) man:pam.conf(5)",
        .journal =
            "The pre-flight check imp.pam looked at /etc/pam.d/flux because the IMP\n"
            "config sets exec.pam-support = true: @MESSAGE@",
        .details =
            "When the IMP config sets exec.pam-support = true: /etc/pam.d/flux exists and\n"
            "has at least one auth and one session line whose module exists (comments and\n"
            "continued lines are understood; an include or substack line counts for the\n"
            "types its file provides, and @include for all of them; files are looked up in\n"
            "the same pam.d; a '-type' line whose module is absent is ignored, as libpam\n"
            "does). Includes are followed at most 32 levels deep and over at most 256\n"
            "files, 16384 lines and 4 MiB in all (flux-preflight's limits: beyond one,\n"
            "error, naming it); an include cycle fails: libpam follows includes without a\n"
            "limit and crashes on one. On the live node libpam must then start the flux\n"
            "service: pam_start(), then pam_end(); nothing is authenticated and no session\n"
            "is opened. Under --root nothing of the image is loaded: libpam is not started\n"
            "(the message says so), the stack is judged by reading it, includes are read\n"
            "inside the image, every module must be a file in the image's module\n"
            "directories, and a module named by an absolute path outside them, or by a path\n"
            "with '..', fails. Skipped when pam-support is not true. Facts: path,\n"
            "auth_lines, session_lines, missing, outside, unreadable, include_cycle, limit,\n"
            "pam_start. Fix: 'printf 'auth required pam_localuser.so\\nsession required\n"
            "pam_limits.so\\n' >/etc/pam.d/flux'.",
        .explain =
            "With PAM support the IMP calls pam_start(\"flux\", user), then pam_setcred and\n"
            "pam_open_session for every job. /etc/pam.d/flux needs at least one auth and\n"
            "one session line (an include or substack line, or @include, counts for the\n"
            "types the included file provides), and every module it names must exist;\n"
            "otherwise every multi-user job fails; an include cycle makes libpam crash.\n"
            "On the live node the check also asks libpam to start the flux service\n"
            "(pam_start and pam_end only: nothing is authenticated and no session is\n"
            "opened). Under --root nothing of the image is loaded: libpam is not started,\n"
            "the stack is judged by reading it inside the image, and a module named by\n"
            "an absolute path outside the image's module directories, or with \"..\",\n"
            "fails.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    cat /etc/pam.d/flux\n"
            "    printf 'auth required pam_localuser.so\\nsession required pam_limits.so\\n' >/etc/pam.d/flux",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_imp_pam,
        .requires = FP_REQUIRES("config.parse", "config.imp"),
        .describe = describe_imp_pam,
    },
    { 0 },
};
