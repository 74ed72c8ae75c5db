/* The IMP (flux-security's setuid helper that runs jobs as their users) and
 * its PAM stack. FLUX-FACTS §8.2: `[exec] imp` in the system config turns on
 * multi-user job launch through ${libexecdir}/flux/flux-imp, which must be
 * setuid root (`make install` does not set the bit; the Debian rules chmod
 * 4755); with `exec.pam-support = true` in the IMP config the IMP calls
 * pam_start("flux", user), pam_setcred and pam_open_session, so
 * /etc/pam.d/flux needs auth and session lines. */
#include <ctype.h>
#include <dlfcn.h>
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

#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/msgids.h"

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
        fp_fail(r, "%s does not exist: [exec] imp names it, so every job of another user fails "
                   "to start: install flux-security (apt-get install flux-security, which "
                   "installs " IMP_DEFAULT " setuid root), or fix [exec] imp",
                n.path);
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

enum { PT_AUTH, PT_ACCOUNT, PT_PASSWORD, PT_SESSION, PT_N };
static const char *const pam_type_names[PT_N] = { "auth", "account", "password", "session" };

#define PAM_MAX_DEPTH 8          /* libpam allows substacks to nest this deep and more */
#define PAM_FILE_MAX (1 << 20)   /* a larger PAM config file is not read */

struct pam_scan {
    const struct fp_ctx *ctx;
    char moddirs[8][PATH_MAX];   /* where relative module names are looked for */
    int nmoddirs;
    json_t *missing;             /* modules not found, as written */
};

/* Note an unusable line, as written (json_sprintf needs jansson 2.11). */
static void pam_missing(struct pam_scan *s, const char *a, const char *b, const char *c)
{
    char buf[PATH_MAX + 128];

    snprintf(buf, sizeof(buf), "%s%s%s%s%s", a, b ? " " : "", b ? b : "", c ? " " : "",
             c ? c : "");
    json_t *v = json_string(buf);

    json_array_append_new(s->missing, v ? v : json_string("(a line that is not UTF-8)"));
}

static int pam_type(const char *tok)
{
    for (int i = 0; i < PT_N; i++)
        if (strcasecmp(tok, pam_type_names[i]) == 0)
            return i;
    return -1;
}

/* The module directories: where this host's libpam looks (the "security"
 * directory beside libpam.so, e.g. /lib/x86_64-linux-gnu/security), then the
 * usual RPM and plain locations, which matter for an image of another
 * layout. Under --root they are looked for inside the image. */
static void pam_module_dirs(struct pam_scan *s)
{
    static const char *const usual[] = { "/usr/lib64/security", "/lib64/security",
                                         "/usr/lib/security", "/lib/security", NULL };
    Dl_info info;

    if (dladdr((void *)pam_start, &info) && info.dli_fname && info.dli_fname[0] == '/') {
        char *slash;
        snprintf(s->moddirs[s->nmoddirs], PATH_MAX, "%s", info.dli_fname);
        if ((slash = strrchr(s->moddirs[s->nmoddirs], '/'))) {
            *slash = '\0';
            if (strlen(s->moddirs[s->nmoddirs]) + sizeof("/security") < PATH_MAX) {
                strcat(s->moddirs[s->nmoddirs], "/security");
                s->nmoddirs++;
            }
        }
    }
    for (int i = 0; usual[i] && s->nmoddirs < 8; i++)
        snprintf(s->moddirs[s->nmoddirs++], PATH_MAX, "%s", usual[i]);
}

static bool pam_module_exists(struct pam_scan *s, const char *mod)
{
    char path[PATH_MAX];
    struct fsu_node n;
    const struct stat *st;

    if (mod[0] == '/') {
        return fsu_lookup(s->ctx, mod, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode);
    }
    for (int i = 0; i < s->nmoddirs; i++) {
        if (snprintf(path, sizeof(path), "%s/%s", s->moddirs[i], mod) >= (int)sizeof(path))
            continue;
        if (fsu_lookup(s->ctx, path, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode))
            return true;
    }
    return false;
}

/* Read a PAM config file inside the root: 0, or -errno. */
static int pam_read(const struct fp_ctx *ctx, const char *path, char **out)
{
    struct stat st;
    _cleanup_close_ int fd = fsu_open_regular(ctx, path, &st);
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    ssize_t n = 0;

    if (fd < 0)
        return fd;
    if (st.st_size > PAM_FILE_MAX)
        return -EFBIG;
    if (!(buf = malloc((size_t)st.st_size + 1)))
        return -ENOMEM;
    while (len < (size_t)st.st_size && (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
        len += (size_t)n;
    if (n < 0 && len < (size_t)st.st_size)
        return -errno;
    buf[len] = '\0';
    *out = TAKE_PTR(buf);
    return 0;
}

/* Next whitespace-separated token; a control in brackets ("[success=1
 * default=ignore]") is one token. NULL at the end of the line. */
static char *pam_token(char **p)
{
    char *s = *p, *start;

    while (*s && isspace((unsigned char)*s))
        s++;
    if (!*s)
        return NULL;
    start = s;
    if (*s == '[') {
        while (*s && *s != ']')
            s++;
        if (*s)
            s++;
    } else {
        while (*s && !isspace((unsigned char)*s))
            s++;
    }
    if (*s)
        *s++ = '\0';
    *p = s;
    return start;
}

/* An included file: relative names are in the service's pam.d directory. */
static void pam_include_path(const char *name, char *buf, size_t bufsz)
{
    if (name[0] == '/')
        snprintf(buf, bufsz, "%s", name);
    else
        snprintf(buf, bufsz, "/etc/pam.d/%s", name);
}

/* Count the usable lines of each type that `path` gives, following
 * `@include FILE` (every type) and `TYPE include|substack FILE` (that type)
 * into files in the same pam.d. counts[] adds up; `only` >= 0 keeps only
 * that type (an include of one type). Returns 0 or -errno (for `path`). */
static int pam_scan_file(struct pam_scan *s, const char *path, int only, int depth,
                         int counts[PT_N])
{
    _cleanup_free_ char *buf = NULL;
    char *line, *next;
    int rc;

    if ((rc = pam_read(s->ctx, path, &buf)) < 0)
        return rc;
    /* a backslash at the end of a line joins it with the next */
    for (char *c = buf; (c = strstr(c, "\\\n"));)
        c[0] = c[1] = ' ';
    for (line = buf; line; line = next) {
        char *tok, *type_tok, *control, *p, inc[PATH_MAX];
        bool dash;
        int type;

        if ((next = strchr(line, '\n')))
            *next++ = '\0';
        if ((p = strchr(line, '#')))
            *p = '\0';
        p = line;
        if (!(type_tok = pam_token(&p)))
            continue;
        if (strcasecmp(type_tok, "@include") == 0) {
            if (!(tok = pam_token(&p)) || depth >= PAM_MAX_DEPTH)
                continue;
            pam_include_path(tok, inc, sizeof(inc));
            if (pam_scan_file(s, inc, only, depth + 1, counts) < 0)
                pam_missing(s, "@include", tok, NULL);
            continue;
        }
        dash = type_tok[0] == '-';
        if ((type = pam_type(type_tok + (dash ? 1 : 0))) < 0)
            continue; /* libpam ignores the line too */
        if (only >= 0 && type != only)
            continue;
        if (!(control = pam_token(&p)) || !(tok = pam_token(&p)))
            continue; /* no module: libpam logs it and the stack fails */
        if (strcasecmp(control, "include") == 0 || strcasecmp(control, "substack") == 0) {
            int sub[PT_N] = { 0 };
            if (depth >= PAM_MAX_DEPTH)
                continue;
            pam_include_path(tok, inc, sizeof(inc));
            if (pam_scan_file(s, inc, type, depth + 1, sub) < 0)
                pam_missing(s, pam_type_names[type], control, tok);
            counts[type] += sub[type];
            continue;
        }
        /* A "-" line is skipped silently by libpam when its module is
         * absent; any other line with a module that cannot be loaded makes
         * libpam log an error and fail the call, whatever its control. */
        if (!pam_module_exists(s, tok)) {
            if (!dash)
                pam_missing(s, pam_type_names[type], control, tok);
            continue;
        }
        counts[type]++;
    }
    return 0;
}

static int pam_conv_none(int n, const struct pam_message **msg, struct pam_response **resp,
                         void *data)
{
    (void)n;
    (void)msg;
    (void)resp;
    (void)data;
    return PAM_CONV_ERR;
}

/* Can libpam start the flux service? pam_start parses the stack and loads
 * its modules (a module that cannot be loaded is only logged); nothing is
 * authenticated and no session is opened. */
static int pam_try_start(const struct fp_ctx *ctx, const char *confdir, const char *user,
                         char *err, size_t errsz)
{
    struct pam_conv conv = { pam_conv_none, NULL };
    pam_handle_t *h = NULL;
    int rc;

#ifdef HAVE_PAM_START_CONFDIR
    rc = pam_start_confdir(FLUX_PAM_SERVICE, user, &conv, confdir, &h);
#else
    if (!ctx->live)
        return 1; /* cannot point libpam at an image's pam.d */
    rc = pam_start(FLUX_PAM_SERVICE, user, &conv, &h);
#endif
    (void)ctx;
    if (rc != PAM_SUCCESS)
        snprintf(err, errsz, "%s", pam_strerror(h, rc));
    if (h)
        pam_end(h, rc);
    return rc == PAM_SUCCESS ? 0 : -1;
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
    struct pam_scan s = { .ctx = ctx };
    _cleanup_json_ json_t *missing = json_array();
    int counts[PT_N] = { 0 };
    char file[PATH_MAX], confdir[PATH_MAX], err[256];
    const json_t *pam;
    size_t i;
    json_t *v;
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
    s.missing = missing;
    pam_module_dirs(&s);
    fp_path(ctx, "/etc/pam.d/" FLUX_PAM_SERVICE, file, sizeof(file));
    fp_fact_str(r, "path", file);

    rc = pam_scan_file(&s, "/etc/pam.d/" FLUX_PAM_SERVICE, -1, 0, counts);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        fp_fail(r, "%s does not exist, but exec.pam-support is on: the IMP's pam_start(\"flux\") "
                   "gets the \"other\" stack (usually deny-all), so every multi-user job fails: "
                   "create it with at least an auth and a session line, e.g. "
                   "printf 'auth required pam_localuser.so\\nsession required pam_limits.so\\n' "
                   ">%s", file, file);
        return;
    }
    if (rc == -EINVAL) {
        fp_fail(r, "%s is not a regular file: libpam cannot read the flux service's stack: "
                   "replace it with a file that has auth and session lines", file);
        return;
    }
    if (rc < 0) {
        fp_error(r, "%s: %s", file, strerror(-rc));
        return;
    }
    fp_fact_int(r, "auth_lines", counts[PT_AUTH]);
    fp_fact_int(r, "session_lines", counts[PT_SESSION]);
    if (json_array_size(missing) > 0) {
        _cleanup_free_ char *list = NULL;
        json_array_foreach(missing, i, v) {
            char *more = NULL;
            if (asprintf(&more, "%s%s'%s'", list ? list : "", list ? ", " : "",
                         json_string_value(v)) < 0)
                break;
            free(list);
            list = more;
        }
        fp_fact_str(r, "missing", list);
        fp_fail(r, "%s names modules or files that do not exist%s: %s: libpam cannot load "
                   "them and the IMP's PAM calls fail: install the module (apt-get install "
                   "libpam-modules) or fix the line",
                file, ctx->live ? "" : " in the image", list);
    }
    if (counts[PT_AUTH] == 0)
        fp_fail(r, "%s has no usable auth line: the IMP calls pam_setcred, which fails on an "
                   "empty auth stack, so every multi-user job fails: add one, e.g. "
                   "echo 'auth required pam_localuser.so' >>%s", file, file);
    if (counts[PT_SESSION] == 0)
        fp_fail(r, "%s has no usable session line: the IMP calls pam_open_session, which fails "
                   "on an empty session stack, so every multi-user job fails: add one, e.g. "
                   "echo 'session required pam_limits.so' >>%s", file, file);

    if (!fp_path(ctx, "/etc/pam.d", confdir, sizeof(confdir))) {
        fp_error(r, "/etc/pam.d: path too long");
        return;
    }
    rc = pam_try_start(ctx, confdir, user, err, sizeof(err));
    if (rc < 0)
        fp_fail(r, "libpam cannot start the %s service from %s (pam_start: %s): the IMP "
                   "cannot either, and every multi-user job fails: check %s",
                FLUX_PAM_SERVICE, confdir, err, file);
    fp_fact_bool(r, "pam_start", rc == 0);
    if (fp_nothing_found(r))
        fp_pass(r, "%s: %d auth and %d session line%s; libpam starts the %s service%s", file,
                counts[PT_AUTH], counts[PT_SESSION], counts[PT_SESSION] == 1 ? "" : "s",
                FLUX_PAM_SERVICE,
                rc > 0 ? " (not tried: this libpam has no pam_start_confdir)"
                : ctx->live ? "" : " (modules load from this host)");
}

const struct fp_check fp_checks_imp[] = {
    {
        .id = "imp.setuid",
        .message_id = FP_MSGID_IMP_SETUID,
        .summary = "when [exec] imp is set: flux-imp exists, is a regular file owned by root, "
                   "setuid, not group/other-writable, and the flux user can run it",
        .explain = "With [exec] imp in the system config the broker starts every job of\n"
                   "another user through the IMP (flux-imp, from flux-security), which must\n"
                   "be setuid root to switch to the job's user. `make install` does not set\n"
                   "the bit (the Debian package does); a flux-imp owned by another user, not\n"
                   "setuid, on a nosuid mount, or not executable by flux makes every\n"
                   "multi-user job fail, and one writable by group or other hands out root.\n"
                   "Skipped when [exec] imp is not set (a single-user instance).\n"
                   "Fix: chown root /usr/libexec/flux/flux-imp; chmod 4755\n"
                   "/usr/libexec/flux/flux-imp (flux-imp(8) suggests restricting execute to\n"
                   "the flux group: chgrp flux /usr/libexec/flux/flux-imp; chmod 4750\n"
                   "/usr/libexec/flux/flux-imp); flux-imp whoami shows the ids it gets.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_imp_setuid,
        .requires = FP_REQUIRES("config.parse"),
    },
    {
        .id = "imp.pam",
        .message_id = FP_MSGID_IMP_PAM,
        .summary = "when exec.pam-support is on: /etc/pam.d/flux has auth and session lines "
                   "whose modules exist, and libpam can start the flux service",
        .explain = "With exec.pam-support = true in the IMP config, the IMP calls\n"
                   "pam_start(\"flux\", user), pam_setcred and pam_open_session for every job:\n"
                   "/etc/pam.d/flux needs at least one auth and one session line (an\n"
                   "`include`/`substack` line or `@include` counts for the types the included\n"
                   "file provides), and every module it names must exist, or every\n"
                   "multi-user job fails. The check also asks libpam to start the flux\n"
                   "service (pam_start then pam_end: nothing is authenticated, no session is\n"
                   "opened). Under --root the image's pam.d is used, but libpam loads modules\n"
                   "from this host, and its @include reads this host's /etc/pam.d.\n"
                   "Fix: printf 'auth required pam_localuser.so\\nsession required\n"
                   "pam_limits.so\\n' >/etc/pam.d/flux (or the site's stack).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_imp_pam,
        .requires = FP_REQUIRES("config.parse", "config.imp"),
        .describe = describe_imp_pam,
    },
    { 0 },
};
