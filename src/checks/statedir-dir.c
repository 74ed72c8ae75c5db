/* statedir on the leader (checklist: "Does /var/lib/flux have plenty of
 * space on the leader node?" -- "it should be owned by the flux user and
 * private to that user").  Rank 0 keeps the KVS there (content.sqlite) and
 * its dumps; running out of space, or a statedir the broker refuses,
 * deletes or silently replaces, is catastrophic to Flux (FLUX-FACTS §9).
 *
 * The broker's own test (rundir_checkdir) is: stat; owner == the broker's
 * uid; a directory; owner rwx.  A missing statedir is created by the broker
 * and removed with its content at exit; a sticky one gets a throwaway
 * subdirectory.
 *
 * But under flux.service the broker never sees statedir as this gate does:
 * the gate runs before flux.service, and systemd sets statedir up for
 * flux.service first (StateDirectory=flux, StateDirectoryMode=0700,
 * User=flux, Group=flux in flux-core's unit).  So every verdict here is on
 * statedir as the broker will find it, after systemd (252,
 * setup_exec_directory(), observed in nspawn):
 *   - absent: created (missing parents 0755), owned User:Group, mode
 *     StateDirectoryMode;
 *   - a directory: chmod to StateDirectoryMode (which clears a sticky bit),
 *     and when its owner or group is not User:Group, chown -R of the whole
 *     tree (content.sqlite included); otherwise the content is left alone;
 *   - a symlink (even to a good directory), a file, a FIFO: the start fails,
 *     "Failed to set up special execution directory in /var/lib: Not a
 *     directory", status=238/STATE_DIRECTORY.
 * What systemd repairs is a warning that says so, never a block.  Without
 * an installed flux.service whose StateDirectory= is statedir, the broker's
 * own rules apply to statedir as it is. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "checks/statedir.h"
#include "common/cleanup.h"
#include "common/unitfile.h"
#include "engine/check.h"
#include "engine/context.h"

#define FLUX_UNIT "flux.service"
#define STATE_ROOT "/var/lib" /* where StateDirectory= lives (system manager) */
#define SD_FAILS "flux.service fails before the broker runs: systemd logs \"Failed to set up " \
                 "special execution directory in " STATE_ROOT ": %s\" and \"status=238/"       \
                 "STATE_DIRECTORY\", and starts it again every 30 s (Restart=always), failing " \
                 "each time"

/* --- what systemd does for flux.service ---------------------------------- */

struct sd_state {
    bool managed;               /* flux.service's StateDirectory= is statedir */
    char entry[NAME_MAX + 1];   /* that StateDirectory= word ("flux") */
    char source[PATH_MAX + 16]; /* FILE:LINE of that StateDirectory= */
    mode_t mode;                /* StateDirectoryMode= (default 0755) */
    char user[64], group[64];   /* User= (default root), Group= (default: User's) */
    uid_t uid;
    gid_t gid;
    char why[2 * PATH_MAX + 256]; /* not managed: why */
};

static bool parse_id(const char *s, unsigned *id)
{
    char *end;
    unsigned long v;

    if (!*s || strspn(s, "0123456789") != strlen(s))
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || v >= 0xffffffffUL)
        return false;
    *id = (unsigned)v;
    return true;
}

/* "/var/lib/flux/" -> "/var/lib/flux" (trailing slashes, doubled slashes) */
static void normalize(const char *in, char *out, size_t outsz)
{
    size_t n = 0;

    for (; *in && n + 1 < outsz; in++)
        if (!(*in == '/' && n > 0 && out[n - 1] == '/'))
            out[n++] = *in;
    while (n > 1 && out[n - 1] == '/')
        n--;
    out[n] = '\0';
}

/* Does a StateDirectory= value name statedir?  Words may carry a ":LINK"
 * suffix (a symlink systemd also makes) and quotes. */
static bool names_statedir(const char *value, const char *statedir, char *entry, size_t entrysz)
{
    char want[PATH_MAX], buf[PATH_MAX], path[PATH_MAX * 2];
    char *save = NULL;

    normalize(statedir, want, sizeof(want));
    snprintf(buf, sizeof(buf), "%s", value);
    for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        size_t len = strlen(w);
        if (len >= 2 && (w[0] == '"' || w[0] == '\'') && w[len - 1] == w[0]) {
            w[len - 1] = '\0';
            w++;
        }
        w[strcspn(w, ":")] = '\0';
        snprintf(path, sizeof(path), STATE_ROOT "/%s", w);
        normalize(path, path, sizeof(path));
        if (strcmp(path, want) == 0) {
            snprintf(entry, entrysz, "%s", w);
            return true;
        }
    }
    return false;
}

/* flux.service as installed (under --root: in the image), and what its
 * StateDirectory= does with statedir.  0, or -errno with err when the unit
 * cannot be read (then nothing can be said about what systemd will do). */
static int sd_state_load(const struct fp_ctx *ctx, struct sd_state *s, char *err, size_t errsz)
{
    struct unitfile *u = NULL;
    const char *const *vals;
    const char *v;
    size_t n;
    int rc;

    memset(s, 0, sizeof(*s));
    s->mode = 0755;
    rc = unitfile_load(ctx->root, FLUX_UNIT, &u, err, errsz);
    if (rc == -ENOENT) {
        snprintf(s->why, sizeof(s->why), "%s is not installed", FLUX_UNIT);
        return 0;
    }
    if (rc < 0)
        return rc;
    if (unitfile_masked(u)) {
        snprintf(s->why, sizeof(s->why), "%s is masked (%s)", FLUX_UNIT, unitfile_path(u));
        goto out;
    }
    n = unitfile_get_all(u, "Service", "StateDirectory", &vals);
    for (size_t i = 0; i < n && !s->managed; i++)
        s->managed = names_statedir(vals[i], statedir_of(ctx), s->entry, sizeof(s->entry));
    if (!s->managed) {
        snprintf(s->why, sizeof(s->why), "%s (%s) has no StateDirectory= for %s", FLUX_UNIT,
                 unitfile_path(u), statedir_of(ctx));
        goto out;
    }
    snprintf(s->source, sizeof(s->source), "%s",
             unitfile_source(u, "Service", "StateDirectory"));
    if ((v = unitfile_get(u, "Service", "DynamicUser")) &&
        (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))) {
        s->managed = false;
        snprintf(s->why, sizeof(s->why), "%s has DynamicUser=%s: statedir would be %s/private/%s",
                 FLUX_UNIT, v, STATE_ROOT, s->entry);
        goto out;
    }
    if ((v = unitfile_get(u, "Service", "StateDirectoryMode"))) {
        char *end;
        unsigned long m = strtoul(v, &end, 8);
        if (*end || m > 07777) {
            s->managed = false;
            snprintf(s->why, sizeof(s->why), "%s: StateDirectoryMode=%s is not a mode (%s)",
                     FLUX_UNIT, v, unitfile_source(u, "Service", "StateDirectoryMode"));
            goto out;
        }
        s->mode = (mode_t)m;
    }
    snprintf(s->user, sizeof(s->user), "%s",
             (v = unitfile_get(u, "Service", "User")) ? v : "root");
    unsigned id;
    gid_t pgid = 0;
    bool have_pgid = false;
    if (parse_id(s->user, &id)) {
        s->uid = id;
    } else if (fp_lookup_user(ctx, s->user, &s->uid, &pgid) == 0) {
        have_pgid = true;
    } else {
        s->managed = false;
        snprintf(s->why, sizeof(s->why), "%s: User=%s does not resolve (see user.flux)",
                 FLUX_UNIT, s->user);
        goto out;
    }
    if ((v = unitfile_get(u, "Service", "Group"))) {
        snprintf(s->group, sizeof(s->group), "%s", v);
        if (parse_id(v, &id)) {
            s->gid = id;
        } else if (fp_lookup_group(ctx, v, &s->gid) < 0) {
            s->managed = false;
            snprintf(s->why, sizeof(s->why), "%s: Group=%s does not resolve", FLUX_UNIT, v);
            goto out;
        }
    } else if (have_pgid) {
        s->gid = pgid;
        fp_group_name(ctx, pgid, s->group, sizeof(s->group));
    } else {
        s->managed = false;
        snprintf(s->why, sizeof(s->why), "%s: User=%s is numeric and has no Group=", FLUX_UNIT,
                 s->user);
    }
out:
    unitfile_free(u);
    return 0;
}

/* "(StateDirectory=flux, StateDirectoryMode=0700, User=flux, Group=flux in FILE:LINE)" */
static const char *sd_settings(const struct sd_state *s, char *buf, size_t bufsz)
{
    snprintf(buf, bufsz, "StateDirectory=%s, StateDirectoryMode=%04o, User=%s, Group=%s: %s",
             s->entry, (unsigned)s->mode, s->user, s->group, s->source);
    return buf;
}

/* The systemd view, loaded when a verdict depends on it; false (with an
 * error reported) when flux.service cannot be read. */
static bool sd_state_get(const struct fp_ctx *ctx, struct fp_result *r, struct sd_state *s)
{
    char err[PATH_MAX + 256] = "";
    int rc = sd_state_load(ctx, s, err, sizeof(err));

    if (rc < 0) {
        fp_error(r, "cannot read %s to see what systemd does with statedir: %s", FLUX_UNIT,
                 err[0] ? err : strerror(-rc));
        return false;
    }
    fp_fact_bool(r, "systemd_managed", s->managed);
    if (s->managed)
        fp_fact_str(r, "state_directory", s->source);
    return true;
}

/* --- statedir.present ---------------------------------------------------------- */

/* Look at statedir; report what it is as facts.  false (with a reason) when
 * later checks have nothing to judge: absent, not a directory. */
static bool statedir_dir(const struct fp_ctx *ctx, struct fp_result *r, struct fsu_node *n)
{
    int rc = fsu_lookup(ctx, statedir_of(ctx), n);

    fp_fact_str(r, "path", n->path);
    if (rc == -ENOENT) {
        fp_skip(r, "statedir %s does not exist yet (see statedir.present)", n->path);
        return false;
    }
    if (rc < 0) {
        fp_error(r, "statedir %s: %s", n->path, strerror(-rc));
        return false;
    }
    if (n->is_link || !S_ISDIR(n->st.st_mode)) {
        fp_skip(r, "statedir %s is a %s, not a directory (see statedir.present)", n->path,
                fsu_type_name(n->is_link ? S_IFLNK : n->st.st_mode));
        return false;
    }
    return true;
}

static bool flux_user(const struct fp_ctx *ctx, struct fp_result *r, struct fsu_user *u)
{
    const char *name = fp_setting_str(ctx->set, "flux-user");

    if (fsu_user_load(ctx, name, u) < 0) {
        fp_skip(r, "the flux user '%s' does not resolve (see user.flux): cannot judge access",
                name);
        return false;
    }
    return true;
}

static void fact_owner(const struct fp_ctx *ctx, struct fp_result *r, const struct stat *st)
{
    char name[64];

    fp_fact_str(r, "owner", fp_user_name(ctx, st->st_uid, name, sizeof(name)));
    fp_fact_str(r, "group", fp_group_name(ctx, st->st_gid, name, sizeof(name)));
    fp_fact_strf(r, "mode", "%04o", (unsigned)(st->st_mode & 07777));
}

static void check_statedir_present(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct sd_state sd;
    struct fsu_node n;
    char set[2 * PATH_MAX + 512];
    int rc;

    if (!leader_only(ctx, r))
        return;
    rc = fsu_lookup(ctx, statedir_of(ctx), &n);
    fp_fact_str(r, "path", n.path);
    fp_fact_bool(r, "exists", rc == 0);
    if (rc == 0 && !n.is_link && S_ISDIR(n.st.st_mode)) {
        fp_fact_str(r, "type", fsu_type_name(n.st.st_mode));
        fp_pass(r, "statedir %s is a directory", n.path);
        return;
    }
    if (rc < 0 && rc != -ENOENT && rc != -ENOTDIR) {
        fp_error(r, "statedir %s: %s", n.path, strerror(-rc));
        return;
    }
    if (!sd_state_get(ctx, r, &sd))
        return;
    if (rc == -ENOENT && sd.managed) {
        fp_pass(r, "statedir %s does not exist yet: systemd creates it when %s starts, owned "
                   "by %s:%s, mode %04o (%s)", n.path, FLUX_UNIT, sd.user, sd.group,
                (unsigned)sd.mode, sd_settings(&sd, set, sizeof(set)));
        return;
    }
    if (rc == -ENOENT) {
        fp_warn(r, "statedir %s does not exist yet, and nothing creates it before the broker "
                   "starts (%s): a broker that has to create its statedir DELETES it, with the "
                   "KVS, at exit. To create it now: install -d -m 0700 -o flux -g flux %s",
                n.path, sd.why, n.path);
        return;
    }
    if (rc == -ENOTDIR) {
        if (sd.managed)
            fp_fail(r, "statedir %s: a component of the path is not a directory: " SD_FAILS,
                    n.path, strerror(ENOTDIR));
        else
            fp_fail(r, "statedir %s: a component of the path is not a directory: the broker "
                       "fails with \"statedir error creating %s: Not a directory\"; "
                       FLUXUNIT_EXIT1, n.path, statedir_of(ctx));
        return;
    }
    fp_fact_str(r, "type", fsu_type_name(n.st.st_mode));
    if (n.is_link) {
        fp_fact_str(r, "link_target", n.link);
        if (sd.managed)
            fp_fail(r, "statedir %s is a symbolic link to %s (%s): systemd refuses a link for "
                       "StateDirectory= (%s): " SD_FAILS "; make it a real directory: rm %s; "
                       "install -d -m 0700 -o flux -g flux %s (then move the content of %s "
                       "into it)", n.path, n.link,
                    n.target_err ? strerror(n.target_err) : fsu_type_name(n.target_st.st_mode),
                    sd.source, strerror(n.target_err == ENOENT ? ENOENT : ENOTDIR), n.path,
                    n.path, n.link);
        else
            fp_fail(r, "statedir %s is a symbolic link to %s (%s): the KVS would live wherever "
                       "the link points, and a changed or dangling link silently moves or "
                       "loses it; make it a real directory: rm %s; install -d -m 0700 -o flux "
                       "-g flux %s (then move the content of %s into it)", n.path, n.link,
                    n.target_err ? strerror(n.target_err) : fsu_type_name(n.target_st.st_mode),
                    n.path, n.path, n.link);
        return;
    }
    if (sd.managed)
        fp_fail(r, "statedir %s is a %s, not a directory: " SD_FAILS "; move it aside: mv %s "
                   "%s.old (systemd then creates the directory)", n.path,
                fsu_type_name(n.st.st_mode), strerror(ENOTDIR), n.path, n.path);
    else
        fp_fail(r, "statedir %s: Not a directory (a %s): the broker fails with \"statedir %s: "
                   "Not a directory\"; " FLUXUNIT_EXIT1 "; move it aside and create the "
                   "directory: mv %s %s.old; install -d -m 0700 -o flux -g flux %s", n.path,
                fsu_type_name(n.st.st_mode), statedir_of(ctx), n.path, n.path, n.path);
}

/* --- statedir.owner ---------------------------------------------------------- */

/* The broker's rules (rundir_checkdir) on statedir as it is (future:
 * false) or as systemd will leave it (true): owner, owner rwx, sticky. */
static void judge_broker_view(const struct fp_ctx *ctx, struct fp_result *r,
                              const struct fsu_user *u, const char *shown, uid_t uid,
                              mode_t mode, bool future, const char *fix)
{
    char owner[64];

    if (uid != u->uid)
        fp_fail(r, "statedir %s %s owned by %s, not %s: the broker runs as %s and fails with "
                   "\"statedir %s is not owned by instance owner: Operation not permitted\"; "
                   FLUXUNIT_EXIT1 ": %s", shown, future ? "will be" : "is",
                fp_user_name(ctx, uid, owner, sizeof(owner)), u->name, u->name,
                statedir_of(ctx), fix);
    if ((mode & S_IRWXU) != S_IRWXU)
        fp_fail(r, "statedir %s %s mode %04o, without owner rwx: the broker fails with "
                   "\"statedir %s does not have owner=rwx permissions\"; " FLUXUNIT_EXIT1 ": %s",
                shown, future ? "will be" : "is", (unsigned)mode, statedir_of(ctx), fix);
    if (mode & S_ISVTX)
        fp_fail(r, "statedir %s %s the sticky bit (mode %04o): the broker would work in a "
                   "throwaway flux-XXXXXX directory inside it, delete that at exit and keep "
                   "nothing (the KVS and its dumps are lost at every restart): %s", shown,
                future ? "will have" : "has", (unsigned)mode, fix);
}

/* Group or other access to the KVS: a warning (the broker does not mind). */
static void judge_privacy(struct fp_result *r, const struct fsu_user *u, const char *shown,
                          mode_t mode, const char *fix)
{
    if (mode & (S_IRWXG | S_IRWXO))
        fp_warn(r, "statedir %s is mode %04o: group/other have access to the KVS, which should "
                   "be private to %s: %s", shown, (unsigned)mode, u->name, fix);
    else if (mode != 0700)
        fp_warn(r, "statedir %s is mode %04o, expected 0700: %s", shown, (unsigned)mode, fix);
}

static void check_statedir_owner(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct sd_state sd;
    struct fsu_node n;
    struct fsu_user u;
    char owner[64], group[64], blocker[PATH_MAX], set[2 * PATH_MAX + 512];
    char unitfix[256], fix[2 * PATH_MAX + 192];
    bool absent = false;
    mode_t mode;
    int rc;

    if (!leader_only(ctx, r) || !flux_user(ctx, r, &u))
        return;
    snprintf(unitfix, sizeof(unitfix), "set User=%s and StateDirectoryMode=0700 in a drop-in "
                                       "(systemctl edit %s)", u.name, FLUX_UNIT);
    rc = fsu_lookup(ctx, statedir_of(ctx), &n);
    fp_fact_str(r, "path", n.path);
    fp_fact_int(r, "flux_uid", u.uid);
    if (rc == -ENOENT) {
        /* nothing to look at yet; what systemd will create is */
        if (!sd_state_get(ctx, r, &sd))
            return;
        if (!sd.managed) {
            fp_skip(r, "statedir %s does not exist yet (see statedir.present)", n.path);
            return;
        }
        absent = true;
        judge_broker_view(ctx, r, &u, n.path, sd.uid, sd.mode, true, unitfix);
        if (r->status < FP_FAIL)
            judge_privacy(r, &u, n.path, sd.mode, unitfix);
    } else if (!statedir_dir(ctx, r, &n)) {
        return;
    } else {
        mode = n.st.st_mode & 07777;
        fact_owner(ctx, r, &n.st);
        fp_fact_int(r, "uid", n.st.st_uid);
        /* judged as systemd will leave it: even a statedir as the admin guide
         * wants it gets the unit's mode at every start */
        if (!sd_state_get(ctx, r, &sd)) {
            return;
        } else if (!sd.managed) {
            char chmod_fix[PATH_MAX + 16];
            snprintf(fix, sizeof(fix), "chown %s:%s %s; chmod 0700 %s", u.name, u.name, n.path,
                     n.path);
            snprintf(chmod_fix, sizeof(chmod_fix), "chmod 0700 %s", n.path);
            judge_broker_view(ctx, r, &u, n.path, n.st.st_uid, mode, false, fix);
            if (r->status < FP_FAIL)
                judge_privacy(r, &u, n.path, mode, chmod_fix);
        } else {
            judge_broker_view(ctx, r, &u, n.path, sd.uid, sd.mode, true, unitfix);
            if (r->status < FP_FAIL) {
                char change[256] = "";
                size_t len = 0;
                if (n.st.st_uid != sd.uid || n.st.st_gid != sd.gid)
                    len = (size_t)snprintf(change, sizeof(change), "owner %s:%s -> %s:%s",
                                           fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)),
                                           fp_group_name(ctx, n.st.st_gid, group, sizeof(group)),
                                           sd.user, sd.group);
                if (mode != sd.mode)
                    snprintf(change + len, sizeof(change) - len, "%smode %04o -> %04o",
                             len ? ", " : "", (unsigned)mode, (unsigned)sd.mode);
                if (change[0])
                    fp_warn(r, "statedir %s: systemd repairs this when %s starts: %s (%s)",
                            n.path, FLUX_UNIT, change, sd_settings(&sd, set, sizeof(set)));
                judge_privacy(r, &u, n.path, sd.mode, unitfix);
            }
        }
    }
    rc = fsu_user_reach(ctx, &u, statedir_of(ctx), blocker, sizeof(blocker));
    if (rc == -EACCES)
        fp_fail(r, "%s cannot reach statedir %s: no search permission on %s: the broker fails "
                   "with \"Permission denied\"; " FLUXUNIT_EXIT1 ": chmod a+x %s", u.name,
                n.path, blocker, blocker);
    else if (rc < 0 && rc != -ENOENT)
        fp_error(r, "cannot look at the directories above %s: %s", n.path, strerror(-rc));
    if (fp_nothing_found(r))
        fp_pass(r, "statedir %s %s %s, mode 0700", n.path,
                absent ? "will be created owned by" : "owned by", u.name);
}

/* dump/RESTORE and content.sqlite (FLUX-FACTS §9.2, §12.e): at start rc1
 * truncates content.sqlite whenever dump/RESTORE is a symlink, then
 * restores the dump it names.
 *
 * systemd's chown -R of statedir (its owner or group is not flux.service's
 * User:Group) hands every file in it to flux; the modes stay.  rechown
 * says whether that will happen (sd set), so a file is judged as the
 * broker will find it. */
struct rechown {
    bool will;
    const struct sd_state *sd;
};

static void check_db_file(const struct fp_ctx *ctx, struct fp_result *r, const struct fsu_user *u,
                          const struct rechown *rc_own, const char *statedir, const char *name)
{
    char path[PATH_MAX], owner[64], set[2 * PATH_MAX + 512];
    struct fsu_node n;
    struct stat after;
    int rc;

    if (snprintf(path, sizeof(path), "%s/%s", statedir, name) >= (int)sizeof(path))
        return;
    rc = fsu_lookup(ctx, path, &n);
    if (rc == -ENOENT)
        return;
    if (rc < 0) {
        fp_error(r, "%s: %s", n.path, strerror(-rc));
        return;
    }
    if (n.is_link) {
        fp_fail(r, "%s is a symbolic link to %s: the KVS database must be a file in statedir: "
                   "replace the link with the file", n.path, n.link);
        return;
    }
    if (!S_ISREG(n.st.st_mode)) {
        fp_fail(r, "%s is a %s, not a regular file: content-sqlite cannot open it",
                n.path, fsu_type_name(n.st.st_mode));
        return;
    }
    after = n.st;
    if (rc_own->will) {
        after.st_uid = rc_own->sd->uid;
        after.st_gid = rc_own->sd->gid;
    }
    if (!fsu_user_may(u, &after, R_OK | W_OK))
        fp_fail(r, "%s (owner %s, mode %04o) is not readable and writable by %s%s: the "
                   "broker's rc1 fails with \"rc1.0: content-sqlite: [Errno 13] Permission "
                   "denied\"; " FLUXUNIT_RC1_EXIT42 ": chown %s:%s %s; chmod 0600 %s", n.path,
                fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)),
                (unsigned)(n.st.st_mode & 07777), u->name,
                rc_own->will ? ", even once systemd has chowned statedir to it" : "", u->name,
                u->name, n.path, n.path);
    else if (!fsu_user_may(u, &n.st, R_OK | W_OK))
        fp_warn(r, "%s (owner %s, mode %04o) is not %s's yet: systemd repairs this when %s "
                   "starts, with the chown -R of statedir (%s)", n.path,
                fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)),
                (unsigned)(n.st.st_mode & 07777), u->name, FLUX_UNIT,
                sd_settings(rc_own->sd, set, sizeof(set)));
}

static void check_statedir_restore(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *statedir = statedir_of(ctx);
    char path[PATH_MAX];
    struct fsu_node sd, n;
    struct fsu_user u;
    struct sd_state unit;
    struct rechown own = { .will = false, .sd = &unit };
    bool pending = false;
    int rc;

    if (!leader_only(ctx, r))
        return;
    if (!statedir_dir(ctx, r, &sd) || !flux_user(ctx, r, &u))
        return;
    /* statedir not flux's: systemd may chown it all; see whether it will */
    if (sd.st.st_uid != u.uid || sd.st.st_gid != u.gid) {
        if (!sd_state_get(ctx, r, &unit))
            return;
        own.will = unit.managed && (sd.st.st_uid != unit.uid || sd.st.st_gid != unit.gid);
    }

    snprintf(path, sizeof(path), "%s/dump/RESTORE", statedir);
    rc = fsu_lookup(ctx, path, &n);
    fp_fact_str(r, "restore", n.path);
    if (rc < 0 && rc != -ENOENT && rc != -ENOTDIR) {
        fp_error(r, "%s: %s", n.path, strerror(-rc));
    } else if (rc == 0 && !n.is_link) {
        fp_warn(r, "%s is a %s, not a symbolic link: rc1 only restores through a symlink and "
                   "ignores it; remove it, or point it at a dump: ln -sfn DUMP.tgz %s",
                n.path, fsu_type_name(n.st.st_mode), n.path);
    } else if (rc == 0) {
        fp_fact_str(r, "restore_target", n.link);
        struct stat target = n.target_st;
        /* a dump in dump/ (a relative name) is chowned with statedir */
        if (own.will && !strchr(n.link, '/')) {
            target.st_uid = unit.uid;
            target.st_gid = unit.gid;
        }
        if (n.target_err) {
            fp_fail(r, "%s points at %s, which %s: at the next start rc1 truncates "
                       "content.sqlite (the whole KVS: job history, queues) and restores "
                       "nothing, and the broker cannot write its dump at shutdown; remove the "
                       "link (rm %s) or point it at an existing dump (ln -sfn DUMP.tgz %s)",
                    n.path, n.link,
                    n.target_err == ENOENT ? "does not exist" : strerror(n.target_err), n.path,
                    n.path);
        } else if (!S_ISREG(n.target_st.st_mode)) {
            fp_fail(r, "%s points at %s, a %s, not a dump file: rc1 truncates content.sqlite "
                       "and the restore fails; rm %s", n.path, n.link,
                    fsu_type_name(n.target_st.st_mode), n.path);
        } else if (!fsu_user_may(&u, &target, R_OK)) {
            fp_fail(r, "%s points at %s, which %s cannot read: rc1 truncates content.sqlite "
                       "and the restore fails: chown %s \"$(readlink -f %s)\"", n.path, n.link,
                    u.name, u.name, n.path);
        } else {
            pending = true;
        }
    }
    check_db_file(ctx, r, &u, &own, statedir, "content.sqlite");
    check_db_file(ctx, r, &u, &own, statedir, "content.sqlite-wal");
    check_db_file(ctx, r, &u, &own, statedir, "content.sqlite-shm");
    fp_fact_bool(r, "restore_pending", pending);
    if (!fp_nothing_found(r))
        return;
    if (pending)
        fp_pass(r, "%s points at %s (%lld bytes): the next start of the broker replaces the KVS "
                   "with that dump", n.path, n.link, (long long)n.target_st.st_size);
    else
        fp_pass(r, "no pending restore in %s/dump; the database (if any) is %s's", sd.path,
                u.name);
}

/* --- the tables ------------------------------------------------------------ */

/* Display order: present, owner (here), space, fs (statedir.c), restore. */
const struct fp_check fp_checks_statedir[] = {
    {
        .id = "statedir.present",
        .message_id = "b259ba89a6a74ff693ed99b96d430338",
        .summary = "statedir is a real directory on the leader, or flux.service's StateDirectory= "
                   "creates it",
        .subject = "Flux statedir missing or not a directory (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:systemd.exec(5)",
        .journal =
            "The pre-flight check statedir.present looked at the Flux statedir on the\n"
            "leader: @MESSAGE@",
        .details =
            "The statedir (setting statedir, default /var/lib/flux) exists as a real\n"
            "directory, or flux.service will create it. Leader (rank 0) only; followers\n"
            "skip it. The statedir checks judge it as the broker will find it: the gate\n"
            "runs before flux.service, and systemd sets statedir up for that unit first.\n"
            "They read the installed flux.service and its drop-ins (as systemd loads them,\n"
            "under --root from the image): when its StateDirectory= names statedir, systemd\n"
            "creates it at start (owner User=:Group=, mode StateDirectoryMode=), chmods an\n"
            "existing one to that mode (which clears a sticky bit), and when its owner or\n"
            "group differs, chowns the whole tree (observed with systemd 252). Then an\n"
            "absent statedir passes (a first boot); without such a unit it warns: a broker\n"
            "that has to create its statedir deletes it, with the KVS, at exit. A file, or\n"
            "a symbolic link (even to a good directory), there fails: with StateDirectory=\n"
            "systemd fails flux.service before the broker runs (\"Failed to set up special\n"
            "execution directory in /var/lib: Not a directory\",\n"
            "\"status=238/STATE_DIRECTORY\", and again every 30 s); without, the broker stops\n"
            "(\"statedir PATH: Not a directory\") or keeps the KVS wherever the link points.\n"
            "A flux.service that cannot be read is an error (what systemd will do is\n"
            "unknown). Facts: path, exists, type, link_target, systemd_managed,\n"
            "state_directory (the unit file and line of StateDirectory=). Fix: 'install -d\n"
            "-m 0700 -o flux -g flux /var/lib/flux'.",
        .explain =
            "Rank 0 keeps the KVS content store (content.sqlite) and its dumps in\n"
            "statedir. flux-core's flux.service has StateDirectory=flux: systemd creates\n"
            "/var/lib/flux when flux.service starts (owner User=, mode\n"
            "StateDirectoryMode=), after this check, so on a first boot an absent statedir\n"
            "passes. Without such a unit (the check reads the installed flux.service and\n"
            "its drop-ins) a broker creates a missing statedir itself and deletes it, with\n"
            "the KVS, when it exits: a warning. A file, or a symbolic link even to a good\n"
            "directory, at that path makes systemd fail flux.service before the broker\n"
            "runs (\"Failed to set up special execution directory in /var/lib: Not a\n"
            "directory\", status=238/STATE_DIRECTORY), and again every 30 s; without\n"
            "StateDirectory= a file stops the broker (\"statedir PATH: Not a directory\")\n"
            "and a link puts the KVS wherever it points.\n"
            "\n"
            "Followers (rank > 0) do not use statedir; the check skips there.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -ld /var/lib/flux\n"
            "    install -d -m 0700 -o flux -g flux /var/lib/flux\n"
            "\n"
            "Move a file or link at that path aside first (and its content into the new\n"
            "directory).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_present,
        .describe = describe_statedir,
    },
    {
        .id = "statedir.owner",
        .message_id = "79bbc0ea66bc4ce985a52e082c21d197",
        .summary = "statedir owned by the flux user, owner rwx, mode 0700, no sticky bit, as the "
                   "broker will find it after systemd (leader)",
        .subject = "Flux statedir has the wrong owner or mode (@FLUX_PREFLIGHT_PATH@)",
        .journal =
            "The pre-flight check statedir.owner found a problem with the owner or mode of\n"
            "the Flux statedir: @MESSAGE@",
        .details =
            "statedir, as systemd leaves it for the broker, is owned by the flux user and\n"
            "has owner rwx (else the broker exits 1 and flux.service restarts every 30 s:\n"
            "\"is not owned by instance owner: Operation not permitted\", \"does not have\n"
            "owner=rwx permissions\"); the sticky bit fails (the broker would work in a\n"
            "throwaway subdirectory and keep nothing). What systemd repairs at start\n"
            "(owner, group, mode, the sticky bit) is a warning that says so (\"systemd\n"
            "repairs this when flux.service starts\"), never a failure; a unit whose\n"
            "StateDirectoryMode= lacks owner rwx fails. An absent statedir is judged as\n"
            "systemd will create it. flux must be able to search the directories above it;\n"
            "group or other access, or any mode other than 0700, warns. Leader only.\n"
            "Facts: owner, group, mode, uid, flux_uid, systemd_managed. Fix: 'chown\n"
            "flux:flux /var/lib/flux; chmod 0700 /var/lib/flux'.",
        .explain =
            "The broker runs as the flux user and refuses a statedir it does not own\n"
            "(\"statedir PATH is not owned by instance owner: Operation not permitted\") or\n"
            "that lacks owner rwx (\"does not have owner=rwx permissions\"): it exits 1 and\n"
            "flux.service restarts every 30 s. With the sticky bit set the broker starts,\n"
            "but works in a throwaway flux-XXXXXX directory inside statedir and deletes it\n"
            "at exit: the KVS and its dumps are lost at every restart. But with\n"
            "flux.service's StateDirectory= systemd chmods statedir to StateDirectoryMode=\n"
            "(clearing a sticky bit) and chowns it, all of it, to User=:Group= at every\n"
            "start, before the broker: what it repairs is only a warning (\"systemd\n"
            "repairs this when flux.service starts\"). Access for group or other exposes\n"
            "the KVS, which holds every user's job data (a warning). flux must also be\n"
            "able to search every directory above statedir.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    stat -c '%U %a' /var/lib/flux\n"
            "    chown flux:flux /var/lib/flux\n"
            "    chmod 0700 /var/lib/flux",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_owner,
        .requires = FP_REQUIRES("statedir.present"),
        .describe = describe_statedir,
    },
    { 0 },
};

const struct fp_check fp_checks_statedir_restore[] = {
    {
        .id = "statedir.restore",
        .message_id = "897de6bbcfd7454b8736274c0c3b8aaf",
        .summary = "dump/RESTORE absent or naming an existing dump; content.sqlite read-write "
                   "for flux (leader)",
        .subject = "Flux dump/RESTORE or content.sqlite would lose the KVS (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-dump(1) man:flux-restore(1)",
        .journal =
            "The pre-flight check statedir.restore found a problem with a pending KVS\n"
            "restore or with the KVS database: @MESSAGE@",
        .details =
            "dump/RESTORE is absent (pass), or a symbolic link to an existing dump file\n"
            "that flux can read (pass: the next start restores it, replacing the KVS). A\n"
            "dangling link fails: at the next start rc1 truncates content.sqlite and\n"
            "restores nothing. content.sqlite, content.sqlite-wal and content.sqlite-shm,\n"
            "when present, must be regular files flux can read and write, else rc1 fails\n"
            "(\"rc1.0: content-sqlite: [Errno 13] Permission denied\") and the broker exits\n"
            "42, which flux.service counts as success: the node stays down unnoticed. When\n"
            "statedir's owner or group is not flux.service's, systemd's chown of the whole\n"
            "tree at start hands them to flux (a warning); their modes it keeps. Leader\n"
            "only. Facts: restore, restore_target, restore_pending. Fix: 'rm\n"
            "/var/lib/flux/dump/RESTORE' or 'ln -sfn DUMP.tgz /var/lib/flux/dump/RESTORE';\n"
            "'chown flux:flux /var/lib/flux/content.sqlite*'.",
        .explain =
            "flux.service runs the broker with content.restore=auto: at start, whenever\n"
            "statedir/dump/RESTORE is a symbolic link, rc1 truncates content.sqlite and\n"
            "restores the dump the link names. If the dump is gone (tmpfiles ages dumps\n"
            "out after 7 days) the KVS is wiped and nothing is restored; the broker then\n"
            "also fails to write its dump at shutdown. content.sqlite (and its -wal and\n"
            "-shm files) must be readable and writable by flux, or rc1 fails (\"rc1.0:\n"
            "content-sqlite: [Errno 13] Permission denied\") and the broker exits 42,\n"
            "which flux.service counts as success (Result=success, never restarted): the\n"
            "node stays down unnoticed. When statedir itself is not flux's, systemd's\n"
            "chown of the whole tree at start hands these files to flux (a warning).\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -l /var/lib/flux/dump /var/lib/flux/content.sqlite*\n"
            "    rm /var/lib/flux/dump/RESTORE        # or point it at an existing dump:\n"
            "    ln -sfn YYYYmmdd_HHMMSS.tgz /var/lib/flux/dump/RESTORE\n"
            "    chown flux:flux /var/lib/flux/content.sqlite*\n"
            "    chmod 0600 /var/lib/flux/content.sqlite*",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_restore,
        .requires = FP_REQUIRES("statedir.present"),
        .describe = describe_statedir,
    },
    { 0 },
};
