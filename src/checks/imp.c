/* The IMP (flux-security's setuid helper that runs jobs as their users) and
 * its PAM stack. FLUX-FACTS §8.2: `[exec] imp` in the system config turns on
 * multi-user job launch through ${libexecdir}/flux/flux-imp, which must be
 * setuid root (`make install` does not set the bit; the Debian rules chmod
 * 4755); with `exec.pam-support = true` in the IMP config the IMP calls
 * pam_start("flux", user), pam_setcred and pam_open_session, so
 * /etc/pam.d/flux needs auth and session lines. */
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

#include "checks/distro.h"
#include "checks/fsutil.h"
#include "checks/pamstack.h"
#include "common/cleanup.h"
#include "engine/check.h"
#include "engine/context.h"

#define IMP_DEFAULT "/usr/libexec/flux/flux-imp"
#define FLUX_PAM_SERVICE "flux"

static const json_t *get2(const json_t *o, const char *a, const char *b)
{
    const json_t *t = json_object_get(o, a);
    return json_is_object(t) ? json_object_get(t, b) : NULL;
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

    if (!ctx->system) {
        fp_skip(r, "the system config did not load (see config.parse)");
        return;
    }
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

    rc = pam_start(FLUX_PAM_SERVICE, user, &conv, &h);
    if (rc != PAM_SUCCESS)
        snprintf(err, errsz, "%s", pam_strerror(h, rc));
    if (h)
        pam_end(h, rc);
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
    if (rc < 0)
        fp_fail(r, "libpam cannot start the %s service (pam_start: %s): the IMP cannot either, "
                   "and every multi-user job fails: check %s", FLUX_PAM_SERVICE, err, file);
    fp_fact_bool(r, "pam_start", rc == 0);
    if (fp_nothing_found(r))
        fp_pass(r, "%s: %d auth and %d session line%s; libpam starts the %s service", file,
                counts[PT_AUTH], counts[PT_SESSION], counts[PT_SESSION] == 1 ? "" : "s",
                FLUX_PAM_SERVICE);
}

const struct fp_check fp_checks_imp[] = {
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
