/* Are the Flux configurations owned by root and publicly readable?
 * (checklist: "Is the Flux configuration synced? ... owned by root, and
 * publicly readable", `stat -c '%U %A'` showing root drwxr-xr-x).
 *
 * Whoever can write a config directory or file controls the broker (system),
 * job signing (security) or what the setuid IMP runs as root (imp), so every
 * conf.d and the directories above it must be root's and writable by root
 * only.  The broker runs as flux and must be able to read the system
 * config; users sign jobs with the security config.  The IMP (euid 0)
 * applies flux-security's path rules to the security and imp files
 * (FLUX-FACTS §2.6): owner 0, regular file, not a symlink, not world- or
 * group-writable, parent directory not writable by others unless sticky;
 * the messages quote its words. */
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

#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "common/conf.h"
#include "common/fileio.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/settings.h"

struct conf_space {
    const char *label;   /* "system" */
    const char *setting; /* its path setting, or NULL for the gate's own */
    bool flux_reads;     /* the broker (user flux) reads it */
    bool public;         /* the checklist wants it publicly readable */
    bool imp_rules;      /* the setuid IMP applies flux-security's path rules */
};

static const struct conf_space spaces[] = {
    { "system", "system-config", true, true, false },
    { "security", "security-config", true, true, true },
    { "imp", "imp-config", false, true, true },
    { "preflight", NULL, false, false, false },
};

struct perms_run {
    const struct fp_ctx *ctx;
    struct fp_result *r;
    const struct fsu_user *flux; /* NULL when flux does not resolve */
    int dirs, files, problems;
    char missing[2048]; /* conf dirs that do not exist, comma-separated */
    char judged[4096];  /* ancestors already judged, "\npath\n" each (shared by the spaces) */
};

/* True the first time PATH is seen: /etc and /etc/flux lead to every conf.d
 * and are judged (and reported) once. When the list is full, everything is new. */
static bool first_visit(struct perms_run *pr, const char *path)
{
    char key[PATH_MAX + 2];
    size_t used = strlen(pr->judged);

    snprintf(key, sizeof(key), "\n%s\n", path);
    if (strstr(pr->judged, key))
        return false;
    if (used + strlen(key) < sizeof(pr->judged))
        snprintf(pr->judged + used, sizeof(pr->judged) - used, "%s", key + (used ? 1 : 0));
    return true;
}

static void problem(struct perms_run *pr, enum fp_status st, const char *path, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static void problem(struct perms_run *pr, enum fp_status st, const char *path, const char *fmt,
                    ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (pr->problems++ == 0)
        fp_fact_str(pr->r, "path", path);
    fp_report(pr->r, st, "%s", msg);
}

static const char *owner_name(const struct perms_run *pr, uid_t uid, char *buf, size_t bufsz)
{
    return fp_user_name(pr->ctx, uid, buf, bufsz);
}

/* A directory leading to a conf.d: root's, not writable by others unless
 * sticky (as flux-security judges a parent), searchable by flux when flux
 * reads below it. */
static void judge_ancestor(struct perms_run *pr, const struct conf_space *sp, const char *shown,
                           const struct stat *st)
{
    mode_t mode = st->st_mode & 07777;
    char owner[64];

    if (st->st_uid != 0)
        problem(pr, FP_FAIL, shown, "%s is owned by %s: whoever owns it can replace the %s "
                "configuration below it: chown root:root %s", shown,
                owner_name(pr, st->st_uid, owner, sizeof(owner)), sp->label, shown);
    if ((mode & (S_IWGRP | S_IWOTH)) && !(mode & S_ISVTX))
        problem(pr, FP_FAIL, shown, "%s is writable by group/other (mode %04o): they can "
                "replace the %s configuration below it: chmod go-w %s", shown, (unsigned)mode,
                sp->label, shown);
    if (sp->flux_reads && pr->flux && !fsu_user_may(pr->flux, st, X_OK))
        problem(pr, FP_FAIL, shown, "%s (mode %04o) is not searchable by %s: the broker cannot "
                "read the %s configuration below it: chmod a+x %s", shown, (unsigned)mode,
                pr->flux->name, sp->label, shown);
}

static void judge_ancestors(struct perms_run *pr, const struct conf_space *sp, const char *dir)
{
    char prefix[PATH_MAX];
    size_t len = strlen(dir);

    /* "/" only on the live node: an image's top directory is not part of it */
    for (size_t i = pr->ctx->live ? 0 : 1; i < len && len < sizeof(prefix); i++) {
        struct fsu_node n;
        const struct stat *st;

        if (dir[i] != '/' || (i > 0 && dir[i - 1] == '/'))
            continue;
        memcpy(prefix, dir, i ? i : 1);
        prefix[i ? i : 1] = '\0';
        if (fsu_lookup(pr->ctx, prefix, &n) < 0 || !(st = fsu_final(&n)) || !S_ISDIR(st->st_mode))
            continue; /* the conf.d lookup reports what is missing */
        if (first_visit(pr, n.path))
            judge_ancestor(pr, sp, n.path, st);
    }
}

static void judge_dir(struct perms_run *pr, const struct conf_space *sp, const struct fsu_node *n,
                      const struct stat *st)
{
    mode_t mode = st->st_mode & 07777;
    char owner[64];

    pr->dirs++;
    if (st->st_uid != 0)
        problem(pr, FP_FAIL, n->path, "%s is owned by %s, not root: %s can change the %s "
                "configuration%s: chown root:root %s", n->path,
                owner_name(pr, st->st_uid, owner, sizeof(owner)), owner, sp->label,
                sp->imp_rules ? " (the IMP refuses the files in it)" : "", n->path);
    if (mode & (S_IWGRP | S_IWOTH))
        problem(pr, FP_FAIL, n->path, "%s is writable by group/other (mode %04o): they can add "
                "or replace %s configuration files%s: chmod 0755 %s", n->path, (unsigned)mode,
                sp->label,
                sp->imp_rules && (mode & S_IWOTH) && !(mode & S_ISVTX)
                    ? " (the IMP refuses the files in it)"
                    : "",
                n->path);
    if (sp->flux_reads && pr->flux && !fsu_user_may(pr->flux, st, R_OK | X_OK))
        problem(pr, FP_FAIL, n->path, "%s (mode %04o) is not readable by %s: the broker cannot "
                "load the %s configuration: chmod 0755 %s", n->path, (unsigned)mode,
                pr->flux->name, sp->label, n->path);
    if (mode != 0755 && !(mode & (S_IWGRP | S_IWOTH)))
        problem(pr, FP_WARN, n->path, "%s is mode %04o, expected 0755 (drwxr-xr-x): chmod 0755 %s",
                n->path, (unsigned)mode, n->path);
}

static void judge_file(struct perms_run *pr, const struct conf_space *sp, const char *shown,
                       const struct stat *st, const char *link)
{
    mode_t mode = st->st_mode & 07777;
    char owner[64];

    pr->files++;
    if (link) {
        problem(pr, FP_FAIL, shown, "%s: symbolic link (to %s)%s: replace it with the file "
                "itself: cp --remove-destination \"$(readlink -f %s)\" %s", shown, link,
                sp->imp_rules ? ": the IMP refuses it (\"symbolic link\")"
                              : ": configuration files must be plain root-owned files",
                shown, shown);
        return;
    }
    if (!S_ISREG(st->st_mode)) {
        problem(pr, FP_FAIL, shown, "%s is a %s, not a regular file: the %s configuration "
                "cannot be loaded from it (it was not opened); remove it", shown,
                fsu_type_name(st->st_mode), sp->label);
        return;
    }
    if (st->st_uid != 0)
        problem(pr, FP_FAIL, shown, "%s: %s (owner %s)%s: chown root:root %s", shown,
                sp->imp_rules ? "insecure file ownership" : "not owned by root",
                owner_name(pr, st->st_uid, owner, sizeof(owner)),
                sp->imp_rules ? ": the IMP refuses it" : ": its owner can change the broker's "
                                                         "configuration",
                shown);
    /* The IMP itself lets a file writable by its own group through; a
     * group that can write what the IMP runs as root is still a hole. */
    if (mode & S_IWOTH)
        problem(pr, FP_FAIL, shown, "%s: %s (%04o): writable by anyone%s: chmod 0644 %s", shown,
                sp->imp_rules ? "bad file permissions" : "insecure permissions", (unsigned)mode,
                sp->imp_rules ? ", the IMP refuses it" : "", shown);
    else if (mode & S_IWGRP)
        problem(pr, FP_FAIL, shown, "%s: %s (%04o): writable by group %s, whose members can "
                "change the %s configuration%s: chmod 0644 %s", shown,
                sp->imp_rules ? "bad file permissions" : "insecure permissions", (unsigned)mode,
                fp_group_name(pr->ctx, st->st_gid, owner, sizeof(owner)), sp->label,
                sp->imp_rules ? " (the IMP refuses it unless that is its own group)" : "",
                shown);
    if (sp->flux_reads && pr->flux && !fsu_user_may(pr->flux, st, R_OK))
        problem(pr, FP_FAIL, shown, "%s (mode %04o) is not readable by %s: the broker runs as "
                "%s and cannot load it: chmod 0644 %s", shown, (unsigned)mode, pr->flux->name,
                pr->flux->name, shown);
    else if (sp->public && !(mode & S_IROTH))
        problem(pr, FP_WARN, shown, "%s is mode %04o, not publicly readable%s: chmod 0644 %s",
                shown, (unsigned)mode,
                sp->setting && strcmp(sp->label, "security") == 0
                    ? " (users' flux submit reads it to sign jobs)"
                    : "",
                shown);
}

static bool is_toml(const char *name, void *arg)
{
    size_t len = strlen(name);
    (void)arg;
    return name[0] != '.' && len >= 6 && strcmp(name + len - 5, ".toml") == 0;
}

/* *.toml in the directory, as flux's glob would match them (no dotfiles),
 * in sorted order (fio_list); each looked at with O_PATH|O_NOFOLLOW on the
 * directory's descriptor. */
static void judge_files(struct perms_run *pr, const struct conf_space *sp, const char *dir,
                        const char *shown_dir)
{
    char **names = NULL;
    size_t n = 0;
    _cleanup_close_ int dfd = -1;
    int rc = fio_list(pr->ctx->root, dir, is_toml, NULL, CONF_DIR_FILES_MAX, &names, &n, &dfd,
                      NULL);

    if (rc == -E2BIG) {
        fp_error(pr->r, "cannot judge %s: more than %d *.toml files (flux-preflight's limit for "
                        "one conf.d)", shown_dir, CONF_DIR_FILES_MAX);
        return;
    }
    if (rc < 0) {
        fp_error(pr->r, "cannot list %s: %s", shown_dir, strerror(-rc));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char shown[PATH_MAX * 2], link[PATH_MAX] = "";
        struct stat st;
        _cleanup_close_ int fd = openat(dfd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);

        snprintf(shown, sizeof(shown), "%s/%s", shown_dir, names[i]);
        if (fd < 0 || fstat(fd, &st) < 0) {
            if (errno != ENOENT) /* removed meanwhile: nothing to judge */
                fp_error(pr->r, "%s: %s", shown, strerror(errno));
        } else {
            if (S_ISLNK(st.st_mode)) {
                ssize_t len = readlinkat(fd, "", link, sizeof(link) - 1);
                link[len > 0 ? len : 0] = '\0';
            }
            judge_file(pr, sp, shown, &st, S_ISLNK(st.st_mode) ? link : NULL);
        }
    }
    fio_names_free(names, n);
}

static void judge_space(struct perms_run *pr, const struct conf_space *sp, const char *path)
{
    struct fsu_node n;
    const struct stat *st;
    int rc = fsu_lookup(pr->ctx, path, &n);

    if (rc == -ENOENT) { /* config.parse reports a missing configuration */
        size_t len = strlen(pr->missing);
        snprintf(pr->missing + len, sizeof(pr->missing) - len, "%s%s", len ? "," : "", n.path);
        return;
    }
    if (rc < 0) {
        fp_error(pr->r, "%s: %s", n.path, strerror(-rc));
        return;
    }
    if (n.is_link) {
        if (sp->imp_rules)
            problem(pr, FP_FAIL, n.path, "%s: symbolic link (to %s): the IMP refuses the "
                    "files in it (their parent is not a directory): make it a real directory",
                    n.path, n.link);
        else
            problem(pr, FP_WARN, n.path, "%s is a symbolic link to %s: the %s configuration "
                    "lives wherever it points; make it a real directory", n.path, n.link,
                    sp->label);
    }
    if (!(st = fsu_final(&n))) {
        problem(pr, FP_FAIL, n.path, "%s: dangling symbolic link to %s", n.path, n.link);
        return;
    }
    if (S_ISDIR(st->st_mode)) {
        judge_ancestors(pr, sp, path);
        judge_dir(pr, sp, &n, st);
        judge_files(pr, sp, path, n.path);
        return;
    }
    /* a single-file configuration (--config-path=FILE) */
    judge_ancestors(pr, sp, path);
    judge_file(pr, sp, n.path, n.is_link ? &n.st : st, n.is_link ? n.link : NULL);
}

static void check_config_perms(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *name = fp_setting_str(ctx->set, "flux-user");
    struct fsu_user flux;
    struct perms_run pr = { .ctx = ctx, .r = r };

    if (fsu_user_load(ctx, name, &flux) == 0)
        pr.flux = &flux;
    for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
        const char *path = spaces[i].setting ? fp_setting_str(ctx->set, spaces[i].setting)
                                             : FP_DEFAULT_CONFIG;
        judge_space(&pr, &spaces[i], path);
    }
    if (pr.missing[0])
        fp_fact_str(r, "missing", pr.missing);
    fp_fact_int(r, "dirs", pr.dirs);
    fp_fact_int(r, "files", pr.files);
    fp_fact_int(r, "problems", pr.problems);
    if (!pr.flux)
        fp_warn(r, "the flux user '%s' does not resolve (see user.flux): could not tell whether "
                   "the broker can read its configuration", name);
    if (!fp_nothing_found(r))
        return;
    if (pr.dirs + pr.files == 0)
        fp_skip(r, "no configuration directory found (see config.parse)");
    else
        fp_pass(r, "%d files in %d directories: owned by root, writable by root only, system "
                   "config readable by %s", pr.files, pr.dirs, name);
}

const struct fp_check fp_checks_perms[] = {
    {
        .id = "config.perms",
        .message_id = "4f049d4f9ff54dc586731e5f3b186748",
        .summary = "system, security, imp and preflight conf.d: root-owned, writable by root "
                   "only, regular files, no symlinks; system config readable by flux",
        .subject = "Flux configuration files have unsafe owners or permissions",
        .documentation = "man:flux-config-security(5)",
        .journal =
            "The pre-flight check config.perms found a configuration directory or file\n"
            "(first: @FLUX_PREFLIGHT_PATH@) that is not root's alone, or that the broker\n"
            "cannot read: @MESSAGE@",
        .details =
            "The system, security and imp configuration (settings system-config,\n"
            "security-config, imp-config) and /etc/flux/preflight/conf.d: each directory,\n"
            "and every directory above it, is owned by root and not writable by group or\n"
            "other (above it: unless sticky); each directory is mode 0755 (else a warning);\n"
            "each *.toml file is a root-owned regular file, not a symbolic link, not\n"
            "writable by group or other. The system and security configuration must be\n"
            "readable by flux (fail); system, security and imp files should be publicly\n"
            "readable (warn). Security and imp files are judged by flux-security's path\n"
            "rules, with the IMP's words (\"insecure file ownership\", \"bad file permissions\n"
            "(0NNN)\", \"symbolic link\"); a symbolic link as the imp or security conf.d\n"
            "fails. A missing directory is skipped (config.parse reports it). Facts: path\n"
            "(the first problem), dirs, files, problems. Fix: 'chown -R root:root\n"
            "/etc/flux/*/conf.d; chmod 0755 /etc/flux/*/conf.d; chmod 0644\n"
            "/etc/flux/*/conf.d/*.toml'.",
        .explain =
            "Whoever can write a Flux configuration directory or file controls the\n"
            "broker (/etc/flux/system/conf.d), job signing (/etc/flux/security/conf.d) or\n"
            "what the setuid flux-imp runs as root (/etc/flux/imp/conf.d). The IMP refuses\n"
            "security and imp files that are not root-owned regular files, that are\n"
            "symbolic links, or that group/other can write (\"insecure file ownership\",\n"
            "\"bad file permissions (0NNN)\", \"symbolic link\"). The broker runs as flux and\n"
            "must be able to read the system configuration; users read the security\n"
            "configuration to sign jobs. The gate's own /etc/flux/preflight/conf.d is\n"
            "held to the same ownership rules.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    stat -c '%U %A %n' /etc/flux/*/conf.d /etc/flux/*/conf.d/*.toml\n"
            "    chown -R root:root /etc/flux/system/conf.d /etc/flux/security/conf.d /etc/flux/imp/conf.d\n"
            "    chmod 0755 /etc/flux/system/conf.d /etc/flux/security/conf.d /etc/flux/imp/conf.d\n"
            "    chmod 0644 /etc/flux/*/conf.d/*.toml\n"
            "\n"
            "Replace symbolic links with the files they point to.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_config_perms,
    },
    { 0 },
};
