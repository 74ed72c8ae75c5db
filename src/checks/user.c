/* Is the flux user set up? (checklist: "Are users set up properly? Flux
 * requires that the flux user ... have a consistent UID assignment across
 * the cluster", `id flux` identical on every node).  flux.service runs the
 * broker as User=flux, Group=flux; neither flux-core nor flux-security
 * creates that user (FLUX-FACTS §1.3): the site must. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/distro.h"
#include "checks/fsutil.h"
#include "checks/libdeps.h"
#include "checks/pamstack.h"
#include "common/cleanup.h"
#include "common/elf.h"
#include "common/unitfile.h"
#include "engine/check.h"
#include "engine/context.h"

#define USERADD_FIX "useradd --system --no-create-home --shell /usr/sbin/nologin %s " \
                    "(with the same uid on every node: add -u UID)"

static void check_user_flux(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *name = fp_setting_str(ctx->set, "flux-user");
    char where[PATH_MAX], group[64], why[PATH_MAX + 256];
    uid_t uid;
    gid_t gid, named_gid;
    int rc;

    if (ctx->live)
        snprintf(where, sizeof(where), "NSS (getent passwd %s)", name);
    else if (!fp_path(ctx, "/etc/passwd", where, sizeof(where)))
        snprintf(where, sizeof(where), "the image's /etc/passwd");
    fp_fact_str(r, "user", name);
    rc = fp_lookup_user(ctx, name, &uid, &gid);
    if (rc < 0 && rc != -ENOENT) {
        fp_user_db_why(ctx, rc, why, sizeof(why));
        fp_error(r, "cannot tell whether user %s exists: %s", name, why);
        return;
    }
    if (rc < 0) {
        fp_fail(r, "user %s does not exist in %s: flux.service runs the broker as User=%s and "
                   "fails to start (status=217/USER): " USERADD_FIX, name, where, name, name);
        return;
    }
    fp_fact_int(r, "uid", uid);
    fp_fact_int(r, "gid", gid);
    fp_fact_str(r, "group", fp_group_name(ctx, gid, group, sizeof(group)));

    if (uid == 0)
        fp_fail(r, "user %s has uid 0: the broker would run as root, and with it every job "
                   "and every module: give %s its own system uid, the same on every node "
                   "(userdel %s; " USERADD_FIX ")", name, name, name, name);
    if ((rc = fp_lookup_gid(ctx, gid, NULL, 0)) == -ENOENT)
        fp_fail(r, "the primary group of %s (gid %u) does not exist: groupadd -g %u %s",
                name, (unsigned)gid, (unsigned)gid, name);
    if ((rc = fp_lookup_group(ctx, name, &named_gid)) < 0 && rc != -ENOENT) {
        fp_user_db_why(ctx, rc, why, sizeof(why));
        fp_error(r, "cannot tell whether group %s exists: %s", name, why);
    } else if (rc < 0)
        fp_fail(r, "group %s does not exist: flux.service runs the broker with Group=%s and "
                   "fails to start (status=216/GROUP): groupadd --system %s; usermod -g %s %s",
                name, name, name, name, name);
    else
        fp_fact_int(r, "group_gid", named_gid);
    /* The same uid and gid on every node (checklist: "Are users set up
     * properly?"): a site pins them in the gate config. */
    json_t *want_uid = json_object_get(ctx->set->values, "flux-uid");
    json_t *want_gid = json_object_get(ctx->set->values, "flux-gid");
    if (want_uid && (double)uid != json_number_value(want_uid))
        fp_fail(r, "user %s has uid %u, the cluster's is %.0f (flux-uid): files written on "
                   "one node are foreign on another: usermod -u %.0f %s (then chown what %s owns)",
                name, (unsigned)uid, json_number_value(want_uid), json_number_value(want_uid),
                name, name);
    if (want_gid && (double)gid != json_number_value(want_gid))
        fp_fail(r, "user %s has gid %u, the cluster's is %.0f (flux-gid): groupmod -g %.0f %s",
                name, (unsigned)gid, json_number_value(want_gid), json_number_value(want_gid),
                name);
    if (!fp_nothing_found(r))
        return;
    if (gid == 0)
        fp_warn(r, "user %s has primary group root (gid 0): it can read every root-group file: "
                   "usermod -g %s %s", name, name, name);
    else
        fp_pass(r, "user %s: uid %u, gid %u (%s)", name, (unsigned)uid, (unsigned)gid, group);
}

/* ---- user.manager ---------------------------------------------------------
 *
 * flux.service (flux-core's etc/flux.service.in) runs, as root, before the
 * broker:
 *   ExecStartPre=/usr/bin/loginctl enable-linger flux
 *   ExecStartPre=bash -c 'systemctl start user@$(id -u flux).service'
 * The first needs systemd-logind, which loginctl reaches over D-Bus; the
 * second starts flux's user manager (user@.service, `systemd --user`
 * opened through PAM service systemd-user), which needs pam_systemd.so to
 * get its XDG_RUNTIME_DIR. When either fails, flux.service fails before
 * the broker runs and systemd retries it every 30 s (FLUX-FACTS §13). */

#define EXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define WORDS_MAX 16
#define XDG_TEXT "Trying to run as user instance, but $XDG_RUNTIME_DIR is not set."

/* An ExecStartPre= value: its prefixes ('-': failure ignored), its words
 * (systemd's quoting: '...', "...", backslash), and the executable found. */
struct execline {
    bool ignore;
    int nwords;
    char words[WORDS_MAX][PATH_MAX];
};

static void exec_parse(const char *v, struct execline *e)
{
    const char *p = v;

    memset(e, 0, sizeof(*e));
    for (; *p && strchr("@-:+!", *p); p++)
        if (*p == '-')
            e->ignore = true;
    while (e->nwords < WORDS_MAX) {
        size_t n = 0;
        char quote = '\0', *w = e->words[e->nwords];
        p += strspn(p, " \t");
        if (!*p)
            break;
        for (; *p && (quote || !strchr(" \t", *p)); p++) {
            if (!quote && (*p == '\'' || *p == '"')) {
                quote = *p;
                continue;
            }
            if (quote && *p == quote) {
                quote = '\0';
                continue;
            }
            if (*p == '\\' && p[1] && quote != '\'')
                p++;
            if (n + 1 < PATH_MAX)
                w[n++] = *p;
        }
        w[n] = '\0';
        e->nwords++;
    }
}

/* The executable systemd runs for word: absolute, or searched in its fixed
 * PATH (systemd 252 runs a bare name from there). */
static bool exec_find(const struct fp_ctx *ctx, const char *word, char *found, size_t foundsz)
{
    struct fsu_node n;
    const struct stat *st;
    char dirs[] = EXEC_PATH, *save = NULL;

    if (word[0] == '/') {
        snprintf(found, foundsz, "%s", word);
        return fsu_lookup(ctx, word, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode) &&
               (st->st_mode & 0111);
    }
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (snprintf(found, foundsz, "%s/%s", d, word) >= (int)foundsz)
            continue;
        if (fsu_lookup(ctx, found, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode) &&
            (st->st_mode & 0111))
            return true;
    }
    snprintf(found, foundsz, "%s", word);
    return false;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A unit the step needs: installed, not masked, its ExecStart= program there.
 * NULL when so, else why not. */
static const char *unit_usable(const struct fp_ctx *ctx, const char *name, char *buf,
                               size_t bufsz, char *exe, size_t exesz)
{
    struct unitfile *u = NULL;
    char err[256];
    int rc = unitfile_load(ctx->root, name, &u, err, sizeof(err));

    exe[0] = '\0';
    if (rc == -ENOENT) {
        snprintf(buf, bufsz, "%s is not installed", name);
        return buf;
    }
    if (rc < 0) {
        snprintf(buf, bufsz, "%s cannot be read (%s)", name, err);
        return buf;
    }
    if (unitfile_masked(u)) {
        snprintf(buf, bufsz, "%s is masked (%s)", name, unitfile_path(u));
        unitfile_free(u);
        return buf;
    }
    const char *const *vals;
    size_t n = unitfile_get_all(u, "Service", "ExecStart", &vals);
    struct execline e;
    if (n > 0) {
        exec_parse(vals[0], &e);
        if (e.nwords > 0 && !exec_find(ctx, e.words[0], exe, exesz)) {
            snprintf(buf, bufsz, "%s runs %s, which is not installed", name, e.words[0]);
            unitfile_free(u);
            return buf;
        }
    }
    unitfile_free(u);
    return NULL;
}

#define PRE_FAILS                                                                             \
    "flux.service's ExecStartPre= fails and systemd fails its start before the broker "      \
    "runs (Result=exit-code) and retries every 30 s (Restart=always)"

static void manager_linger(const struct fp_ctx *ctx, struct fp_result *r,
                           const struct fp_distro *dist, const char *cmd, bool ignore)
{
    const char *user = fp_setting_str(ctx->set, "flux-user");
    char why[PATH_MAX + 128], exe[PATH_MAX], how[256], linger[PATH_MAX];
    enum fp_status st = ignore ? FP_WARN : FP_FAIL;
    struct fsu_node n;

    snprintf(linger, sizeof(linger), "/var/lib/systemd/linger/%s", user);
    fp_fact_bool(r, "linger", fsu_lookup(ctx, linger, &n) == 0);
    if (unit_usable(ctx, "systemd-logind.service", why, sizeof(why), exe, sizeof(exe)))
        fp_report(r, st, "ExecStartPre=%s needs systemd-logind, but %s: loginctl fails, and "
                         "%s; %s",
                  cmd, why, PRE_FAILS,
                  fp_pkg_install_advice(dist, "systemd", NULL, how, sizeof(how)));
    else if (unit_usable(ctx, "dbus.service", why, sizeof(why), exe, sizeof(exe)))
        fp_report(r, st, "ExecStartPre=%s reaches systemd-logind over the D-Bus system bus, but "
                         "%s: loginctl fails, and %s; %s",
                  cmd, why, PRE_FAILS,
                  fp_pkg_install_advice(dist, "dbus", "dbus-broker", how, sizeof(how)));
}

static void manager_start(const struct fp_ctx *ctx, struct fp_result *r,
                          const struct fp_distro *dist, struct libdeps *deps, const char *cmd,
                          bool ignore)
{
    char unit[64], why[PATH_MAX + 128], exe[PATH_MAX], how[256], used[PATH_MAX];
    char moddir[PATH_MAX] = "", shown[PATH_MAX];
    enum fp_status st = ignore ? FP_WARN : FP_FAIL;
    struct unitfile *u = NULL;
    char pamname[256];
    int rc;

    if (!ctx->flux_user_found) {
        fp_skip(r, "ExecStartPre=%s: the flux user does not exist (see user.flux)", cmd);
        return;
    }
    snprintf(unit, sizeof(unit), "user@%u.service", (unsigned)ctx->flux_uid);
    fp_fact_str(r, "user_unit", unit);
    if (unit_usable(ctx, unit, why, sizeof(why), exe, sizeof(exe))) {
        fp_report(r, st, "ExecStartPre=%s starts %s, but %s: %s; %s", cmd, unit, why, PRE_FAILS,
                  fp_pkg_install_advice(dist, "systemd", NULL, how, sizeof(how)));
        return;
    }
    if (unitfile_load(ctx->root, unit, &u, why, sizeof(why)) < 0)
        return;
    if (!unitfile_get(u, "Service", "PAMName")) {
        unitfile_free(u);
        return; /* no PAM session: nothing more to need */
    }
    snprintf(pamname, sizeof(pamname), "%s", unitfile_get(u, "Service", "PAMName"));
    fp_fact_str(r, "pam_service", pamname);
    /* libpam loads modules from the "security" directory beside itself */
    _cleanup_json_ json_t *missing = json_array();
    _cleanup_json_ json_t *errors = json_array();
    const char *const *vals;
    size_t nexec = unitfile_get_all(u, "Service", "ExecStart", &vals);
    struct execline e;
    if (nexec > 0) {
        exec_parse(vals[0], &e);
        if (e.nwords > 0 && exec_find(ctx, e.words[0], exe, sizeof(exe)) &&
            libdeps_check(deps, exe, missing, errors) == 0) {
            char libpam[PATH_MAX];
            struct elf_dyn dyn;
            struct stat sst;
            int fd = fsu_open_regular(ctx, exe, &sst);
            if (fd >= 0 && elf_dyn_read(fd, &dyn, why, sizeof(why)) == 0) {
                if (libdeps_find(deps, "libpam.so.0", dyn.bits, dyn.machine, libpam,
                                 sizeof(libpam)) &&
                    strrchr(libpam, '/'))
                    snprintf(moddir, sizeof(moddir), "%.*s/security",
                             (int)(strrchr(libpam, '/') - libpam), libpam);
                elf_dyn_clear(&dyn);
            }
            if (fd >= 0)
                close(fd);
        }
    }
    unitfile_free(u);

    _cleanup_(pamstack_fini) struct pamstack s = { 0 };
    if (pamstack_init(&s, ctx, moddir[0] ? moddir : NULL) < 0) {
        fp_error(r, "out of memory");
        return;
    }
    rc = pamstack_scan_service(&s, pamname, used, sizeof(used));
    fp_path(ctx, used, shown, sizeof(shown));
    if (rc < 0) {
        fp_report(r, st, "ExecStartPre=%s starts %s, which opens PAM service %s, but neither "
                         "/etc/pam.d/%s, /usr/lib/pam.d/%s nor \"other\" can be read (%s): %s",
                  cmd, unit, pamname, pamname, pamname, strerror(-rc), PRE_FAILS);
        return;
    }
    fp_fact_str(r, "pam_file", shown);
    if (moddir[0])
        fp_fact_str(r, "pam_module_dir", moddir);

    /* pam_systemd.so gives the user manager its XDG_RUNTIME_DIR */
    size_t i;
    json_t *m;
    const char *pam_systemd = NULL;
    bool listed = false, logged = false;
    json_array_foreach(s.modules, i, m) {
        const char *mod = json_string_value(json_object_get(m, "module"));
        if (strcmp(json_string_value(json_object_get(m, "type")), "session") != 0 ||
            strcmp(base_name(mod), "pam_systemd.so") != 0)
            continue;
        listed = true;
        logged = logged || !json_is_true(json_object_get(m, "dash"));
        if (json_is_true(json_object_get(m, "found")))
            pam_systemd = json_string_value(json_object_get(m, "path"));
    }
    if (!listed)
        fp_report(r, st, "ExecStartPre=%s starts %s, whose PAM stack (%s) has no session line "
                         "for pam_systemd.so: the user manager gets no XDG_RUNTIME_DIR and "
                         "stops (\"" XDG_TEXT "\"), so %s; add `session optional pam_systemd.so` "
                         "to %s",
                  cmd, unit, shown, PRE_FAILS, shown);
    else if (!pam_systemd)
        fp_report(r, st, "ExecStartPre=%s starts %s, whose PAM stack (%s) needs pam_systemd.so, "
                         "which is not installed (looked in %s): %sthe user manager gets no "
                         "XDG_RUNTIME_DIR and stops (\"" XDG_TEXT "\"), so %s; %s",
                  cmd, unit, shown, moddir[0] ? moddir : "the PAM module directories",
                  logged ? "libpam logs \"PAM unable to dlopen(pam_systemd.so)\", " : "",
                  PRE_FAILS,
                  fp_pkg_install_advice(dist, "libpam-systemd", "systemd-pam", how, sizeof(how)));
    else
        libdeps_check(deps, pam_systemd, missing, errors);

    /* the other modules of the account and session stacks, which systemd
     * runs for the user manager (a "-" line's absent module is skipped) */
    json_array_foreach(s.modules, i, m) {
        const char *type = json_string_value(json_object_get(m, "type"));
        const char *control = json_string_value(json_object_get(m, "control"));
        const char *mod = json_string_value(json_object_get(m, "module"));
        bool must = strcmp(control, "required") == 0 || strcmp(control, "requisite") == 0 ||
                    control[0] == '[';
        if (json_is_true(json_object_get(m, "found")) || json_is_true(json_object_get(m, "dash")) ||
            strcmp(base_name(mod), "pam_systemd.so") == 0 ||
            (strcmp(type, "account") != 0 && strcmp(type, "session") != 0))
            continue;
        fp_report(r, must ? st : FP_WARN,
                  "%s's PAM stack (%s, via %s) names %s %s %s, which is not installed: libpam "
                  "logs \"PAM unable to dlopen(%s)\"%s; %s",
                  unit, shown, json_string_value(json_object_get(m, "file")), type, control, mod,
                  mod, must ? ", the user manager cannot open its session and " PRE_FAILS : "",
                  fp_pkg_install_advice(dist, "libpam-modules", "pam", how, sizeof(how)));
    }
    json_array_foreach(missing, i, m) {
        const char *so = json_string_value(json_object_get(m, "soname"));
        fp_report(r, st, "%s, needed by %s, is not found: %s cannot be loaded for %s, so %s; %s",
                  so, json_string_value(json_object_get(m, "by")),
                  base_name(json_string_value(json_object_get(m, "by"))), unit, PRE_FAILS,
                  fp_soname_install_advice(dist, so, 1, how, sizeof(how)));
    }
    json_array_foreach(errors, i, m)
        fp_error(r, "cannot read %s as an ELF file (%s)",
                 json_string_value(json_object_get(m, "file")),
                 json_string_value(json_object_get(m, "error")));
}

static void check_user_manager(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct unitfile *u = NULL;
    struct fp_distro dist;
    char err[512], exe[PATH_MAX];
    const char *const *vals;
    size_t n;
    int rc = unitfile_load(ctx->root, "flux.service", &u, err, sizeof(err));
    bool linger = false, started = false;

    if (rc == -ENOENT) {
        fp_skip(r, "flux.service is not installed (see packages.core)");
        return;
    }
    if (rc < 0) {
        fp_error(r, "flux.service cannot be read: %s", err);
        return;
    }
    if (unitfile_masked(u)) {
        fp_skip(r, "flux.service is masked (see packages.core)");
        unitfile_free(u);
        return;
    }
    fp_fact_str(r, "unit", unitfile_path(u));
    fp_distro_detect(ctx, &dist);
    _cleanup_(libdeps_freep) struct libdeps *deps = libdeps_new(ctx);
    if (!deps) {
        fp_error(r, "out of memory");
        unitfile_free(u);
        return;
    }
    n = unitfile_get_all(u, "Service", "ExecStartPre", &vals);
    fp_fact_int(r, "exec_start_pre", (long long)n);
    for (size_t i = 0; i < n; i++) {
        struct execline e;
        exec_parse(vals[i], &e);
        if (e.nwords == 0)
            continue;
        if (!exec_find(ctx, e.words[0], exe, sizeof(exe))) {
            fp_report(r, e.ignore ? FP_WARN : FP_FAIL,
                      "ExecStartPre=%s: %s is not installed: %s", vals[i], e.words[0],
                      e.ignore ? "systemd ignores the failure (the '-' prefix)" : PRE_FAILS);
            continue;
        }
        if (strcmp(base_name(e.words[0]), "loginctl") == 0 && e.nwords > 1 &&
            strcmp(e.words[1], "enable-linger") == 0) {
            linger = true;
            manager_linger(ctx, r, &dist, vals[i], e.ignore);
        }
        if (strstr(vals[i], "systemctl") && strstr(vals[i], "start") && strstr(vals[i], "user@")) {
            started = true;
            manager_start(ctx, r, &dist, deps, vals[i], e.ignore);
        }
    }
    unitfile_free(u);
    if (fp_nothing_found(r) && n == 0)
        fp_pass(r, "flux.service has no ExecStartPre=: nothing runs before the broker");
    else if (fp_nothing_found(r))
        fp_pass(r, "flux.service's %zu ExecStartPre= command%s can run%s%s", n, n == 1 ? "" : "s",
                linger ? "; loginctl enable-linger: systemd-logind and D-Bus are installed" : "",
                started ? "; the flux user's manager: user@.service, its PAM stack with "
                          "pam_systemd.so and their libraries are there"
                        : "");
}

const struct fp_check fp_checks_user[] = {
    {
        .id = "user.flux",
        .message_id = "732ca877c91e4265bd14a5c86cf17b35",
        .summary = "the flux user resolves, is not root, and has its group",
        .subject = "The flux user is missing or misconfigured",
        .documentation = "man:useradd(8)",
        .journal =
            "The pre-flight check user.flux looked up the user the broker runs as:\n"
            "@MESSAGE@",
        .details =
            "The flux user (setting flux-user) resolves through NSS (under --root, from the\n"
            "image's /etc/passwd), is not uid 0, its primary group exists, and a group of\n"
            "the same name exists (flux.service has User=flux and Group=flux). A primary\n"
            "group of root warns. Facts: user, uid, gid, group, group_gid. Fix: 'useradd\n"
            "--system --no-create-home --shell /usr/sbin/nologin flux', with the same uid\n"
            "on every node.",
        .explain =
            "flux.service runs the broker as User=flux and Group=flux, and neither\n"
            "flux-core nor flux-security creates them: without the user systemd cannot\n"
            "start the broker (status=217/USER), without the group neither\n"
            "(status=216/GROUP). With uid 0 the broker and every job would run as root.\n"
            "The uid must be the same on every node.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    pdsh -a id flux | dshbak -c\n"
            "    useradd --system --no-create-home --shell /usr/sbin/nologin flux\n"
            "\n"
            "(add -u UID to use the cluster's uid on every node).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .settings = FP_SETTINGS(
            { "flux-uid", FP_SET_INTEGER, NULL, "user.flux fails unless the flux user has this uid (the same on every node)" },
            { "flux-gid", FP_SET_INTEGER, NULL, "user.flux fails unless the flux user has this gid" }),
        .run = check_user_flux,
    },
    {
        .id = "user.manager",
        .message_id = "516273700cd342799dbe97ccb58a4eb5",
        .summary = "what flux.service's ExecStartPre= needs before the broker runs: "
                   "systemd-logind and D-Bus for loginctl enable-linger, and a user manager "
                   "for flux (user@.service, its PAM stack with pam_systemd.so)",
        .subject = "flux.service's ExecStartPre= would fail: logind, D-Bus or the flux user's manager",
        .documentation = "man:pam_systemd(8) man:user@.service(5)",
        .journal =
            "The pre-flight check user.manager read what flux.service runs before the\n"
            "broker: @MESSAGE@",
        .details =
            "What flux.service's ExecStartPre= needs before the broker runs, read from the\n"
            "installed unit and its drop-ins. flux-core's unit runs, as root, 'loginctl\n"
            "enable-linger flux' and 'systemctl start user@UID.service'. The first needs\n"
            "systemd-logind.service and dbus.service (installed, not masked, their programs\n"
            "there). The second needs user@.service, its ExecStart= program and its\n"
            "libraries, and its PAM service (PAMName=systemd-user): read from /etc/pam.d,\n"
            "else /usr/lib/pam.d, else \"other\", following '@include', 'include' and\n"
            "'substack', with modules looked for in the security directory beside the\n"
            "node's libpam.so.0. The session stack must have pam_systemd.so, installed:\n"
            "without it the user manager gets no XDG_RUNTIME_DIR and stops (\"Trying to run\n"
            "as user instance, but $XDG_RUNTIME_DIR is not set.\"), so flux.service fails\n"
            "before the broker runs and is retried every 30 s. Another missing required or\n"
            "requisite module of the account or session stack fails too; an optional one\n"
            "warns; a '-' line's absent module is ignored, as libpam ignores it. A command\n"
            "whose program is not installed fails (warns with a '-' prefix). Nothing is\n"
            "run or loaded. Skipped without flux.service, and its user-manager part\n"
            "without the flux user. Facts: unit, exec_start_pre, linger, user_unit,\n"
            "pam_service, pam_file, pam_module_dir. Fix: 'apt-get install libpam-systemd'\n"
            "(RHEL: 'dnf install systemd-pam'); install and unmask systemd-logind and dbus.",
        .explain =
            "flux-core's flux.service runs, as root, before the broker:\n"
            "\n"
            "    ExecStartPre=/usr/bin/loginctl enable-linger flux\n"
            "    ExecStartPre=bash -c 'systemctl start user@$(id -u flux).service'\n"
            "\n"
            "loginctl talks to systemd-logind over D-Bus. The user manager (systemd\n"
            "--user, opened through the PAM service systemd-user) needs pam_systemd.so\n"
            "for its XDG_RUNTIME_DIR: without it libpam logs \"PAM unable to\n"
            "dlopen(pam_systemd.so)\", the manager stops with \"Trying to run as user\n"
            "instance, but $XDG_RUNTIME_DIR is not set.\", and flux.service fails before\n"
            "the broker runs, retried every 30 s.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    systemctl status systemd-logind dbus\n"
            "    grep pam_systemd /etc/pam.d/systemd-user /usr/lib/pam.d/systemd-user\n"
            "    apt-get install libpam-systemd      (RHEL: dnf install systemd-pam)",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 10.0,
        .requires = FP_REQUIRES("packages.core", "user.flux"),
        .run = check_user_manager,
    },
    { 0 },
};
