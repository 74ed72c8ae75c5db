/* statedir on the leader (checklist: "Does /var/lib/flux have plenty of
 * space on the leader node?" -- "it should be owned by the flux user and
 * private to that user").  Rank 0 keeps the KVS there (content.sqlite) and
 * its dumps; running out of space, or a statedir the broker refuses,
 * deletes or silently replaces, is catastrophic to Flux (FLUX-FACTS §9).
 *
 * The broker's own test (rundir_checkdir) is: stat; owner == the broker's
 * uid; a directory; owner rwx.  A missing statedir is created by the broker
 * and removed with its content at exit; a sticky one gets a throwaway
 * subdirectory.  Under flux.service, systemd creates it first
 * (StateDirectory=flux, mode 0700), but only when flux.service starts,
 * which is after this gate: absent on a first boot is expected. */
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

#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/msgids.h"

/* statedir is used by rank 0 only; followers drop the attribute. */
static bool leader_only(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (ctx->rank > 0) {
        fp_skip(r, "rank %d is a follower: statedir is used on rank 0 only", ctx->rank);
        return false;
    }
    return true;
}

static const char *statedir_of(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "statedir");
}

/* Known before running: a check abandoned on a hung filesystem still says
 * which path it was looking at. */
static void describe_statedir(const struct fp_ctx *ctx, struct fp_result *r)
{
    char path[PATH_MAX];

    if (fp_path(ctx, statedir_of(ctx), path, sizeof(path))) {
        fp_fact_str(r, "path", path);
        fp_fact_str(r, "target", path);
    }
}

/* Look at statedir; report what it is as facts.  false (with a reason) when
 * later checks have nothing to judge: absent, not a directory. */
static bool statedir_dir(const struct fp_ctx *ctx, struct fp_result *r, struct fsu_node *n)
{
    int rc = fsu_lookup(ctx, statedir_of(ctx), n);

    fp_fact_str(r, "path", n->path);
    if (rc == -ENOENT) {
        fp_skip(r, "statedir %s does not exist yet (see statedir.present): systemd creates it "
                   "for flux.service, owned by flux, mode 0700", n->path);
        return false;
    }
    if (rc < 0) {
        fp_error(r, "statedir %s: %s", n->path, strerror(-rc));
        return false;
    }
    if (n->is_link || !S_ISDIR(n->st.st_mode)) {
        fp_skip(r, "statedir %s is a %s, not a directory (see statedir.present)", n->path,
                fsu_type_name(n->st.st_mode));
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
    struct fsu_node n;
    int rc;

    if (!leader_only(ctx, r))
        return;
    rc = fsu_lookup(ctx, statedir_of(ctx), &n);
    fp_fact_str(r, "path", n.path);
    fp_fact_bool(r, "exists", rc == 0);
    if (rc == -ENOENT) {
        fp_warn(r, "statedir %s does not exist yet: systemd creates it when flux.service starts "
                   "(StateDirectory=flux, owner flux, mode 0700); a broker started any other "
                   "way would create it itself and DELETE it, with the KVS, at exit. "
                   "To create it now: install -d -m 0700 -o flux -g flux %s", n.path, n.path);
        return;
    }
    if (rc == -ENOTDIR) {
        fp_fail(r, "statedir %s: a component of the path is not a directory: the broker exits "
                   "with \"statedir error creating %s: Not a directory\"", n.path, n.path);
        return;
    }
    if (rc < 0) {
        fp_error(r, "statedir %s: %s", n.path, strerror(-rc));
        return;
    }
    fp_fact_str(r, "type", fsu_type_name(n.st.st_mode));
    if (n.is_link) {
        fp_fact_str(r, "link_target", n.link);
        fp_fail(r, "statedir %s is a symbolic link to %s (%s): the KVS would live wherever the "
                   "link points, and a changed or dangling link silently moves or loses it; "
                   "make it a real directory: rm %s; install -d -m 0700 -o flux -g flux %s "
                   "(then move the content of %s into it)", n.path, n.link,
                n.target_err ? strerror(n.target_err) : fsu_type_name(n.target_st.st_mode),
                n.path, n.path, n.link);
        return;
    }
    if (!S_ISDIR(n.st.st_mode)) {
        fp_fail(r, "statedir %s: Not a directory (a %s): the broker exits with \"statedir %s: "
                   "Not a directory\"; move it aside and create the directory: mv %s %s.old; "
                   "install -d -m 0700 -o flux -g flux %s", n.path,
                fsu_type_name(n.st.st_mode), n.path, n.path, n.path, n.path);
        return;
    }
    fp_pass(r, "statedir %s is a directory", n.path);
}

static void check_statedir_owner(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct fsu_node n;
    struct fsu_user u;
    char owner[64], blocker[PATH_MAX];
    mode_t mode;
    int rc;

    if (!leader_only(ctx, r) || !statedir_dir(ctx, r, &n) || !flux_user(ctx, r, &u))
        return;
    mode = n.st.st_mode & 07777;
    fact_owner(ctx, r, &n.st);
    fp_fact_int(r, "uid", n.st.st_uid);
    fp_fact_int(r, "flux_uid", u.uid);

    if (n.st.st_uid != u.uid)
        fp_fail(r, "statedir %s is owned by %s, not %s: the broker runs as %s and exits with "
                   "\"statedir %s is not owned by instance owner\": chown %s:%s %s", n.path,
                fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)), u.name, u.name, n.path,
                u.name, u.name, n.path);
    if ((mode & S_IRWXU) != S_IRWXU)
        fp_fail(r, "statedir %s (mode %04o) does not have owner=rwx permissions: the broker "
                   "refuses it: chmod 0700 %s", n.path, (unsigned)mode, n.path);
    if (mode & S_ISVTX)
        fp_fail(r, "statedir %s has the sticky bit (mode %04o): the broker would work in a "
                   "throwaway flux-XXXXXX directory inside it, delete that at exit and keep "
                   "nothing (the KVS and its dumps are lost at every restart): chmod 0700 %s",
                n.path, (unsigned)mode, n.path);
    rc = fsu_user_reach(ctx, &u, statedir_of(ctx), blocker, sizeof(blocker));
    if (rc == -EACCES)
        fp_fail(r, "%s cannot reach statedir %s: no search permission on %s: the broker fails "
                   "with \"Permission denied\": chmod a+x %s", u.name, n.path, blocker, blocker);
    else if (rc < 0)
        fp_error(r, "cannot look at the directories above %s: %s", n.path, strerror(-rc));
    if (r->status >= FP_FAIL)
        return;
    if (mode & (S_IRWXG | S_IRWXO))
        fp_warn(r, "statedir %s is mode %04o: group/other have access to the KVS, which should "
                   "be private to %s: chmod 0700 %s", n.path, (unsigned)mode, u.name, n.path);
    else if (mode != 0700)
        fp_warn(r, "statedir %s is mode %04o, expected 0700: chmod 0700 %s", n.path,
                (unsigned)mode, n.path);
    else
        fp_pass(r, "statedir %s owned by %s, mode 0700", n.path, u.name);
}

static void check_statedir_space(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *statedir = fp_setting_str(ctx->set, "statedir");
    char path[PATH_MAX], b1[32], b2[32];
    struct statvfs sv;

    if (!leader_only(ctx, r))
        return;
    if (!fp_path(ctx, statedir, path, sizeof(path))) {
        fp_error(r, "%s: path too long", statedir);
        return;
    }
    /* Absent on a first boot (systemd creates it for flux.service): judge the
     * filesystem it will be created on. */
    bool absent = false;
    while (statvfs(path, &sv) < 0) {
        char *slash = strrchr(path, '/');
        if (errno != ENOENT || !slash || strcmp(path, "/") == 0) {
            fp_error(r, "statvfs %s: %s", path, strerror(errno));
            return;
        }
        if (slash == path)
            slash++; /* keep "/" */
        *slash = '\0';
        absent = true;
    }
    fp_fact_str(r, "path", path);

    unsigned long long total = (unsigned long long)sv.f_blocks * sv.f_frsize;
    unsigned long long avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
    double pct = total ? 100.0 * (double)avail / (double)total : 0;
    unsigned long long min_bytes = (unsigned long long)fp_setting_num(ctx->set, "statedir-space.min-free");
    double min_pct = fp_setting_num(ctx->set, "statedir-space.min-free-percent");
    unsigned long long min_inodes =
        (unsigned long long)fp_setting_num(ctx->set, "statedir-space.min-free-inodes");
    double min_ipct = fp_setting_num(ctx->set, "statedir-space.min-free-inodes-percent");

    fp_fact_int(r, "free_bytes", (long long)avail);
    fp_fact_int(r, "total_bytes", (long long)total);
    fp_fact_real(r, "free_percent", pct);
    fp_fact_int(r, "min_free_bytes", (long long)min_bytes);
    fp_fact_int(r, "free_inodes", (long long)sv.f_favail);
    fp_fact_int(r, "total_inodes", (long long)sv.f_files);

    if (avail < min_bytes)
        fp_fail(r, "only %s free on %s, below the %s minimum: free space (flux dump, "
                   "old dumps in %s/dump) or grow the filesystem",
                fp_format_bytes(b1, sizeof(b1), avail), path,
                fp_format_bytes(b2, sizeof(b2), min_bytes), statedir);
    if (total && pct < min_pct)
        fp_fail(r, "only %.1f%% free on %s, below the %g%% minimum", pct, path, min_pct);
    /* Some filesystems (btrfs) have no fixed inode table and report 0. */
    if (sv.f_files > 0) {
        double ipct = 100.0 * (double)sv.f_favail / (double)sv.f_files;
        fp_fact_real(r, "free_inodes_percent", ipct);
        if (sv.f_favail < min_inodes)
            fp_fail(r, "only %llu free inodes on %s, below the %llu minimum",
                    (unsigned long long)sv.f_favail, path, min_inodes);
        if (ipct < min_ipct)
            fp_fail(r, "only %.1f%% free inodes on %s, below the %g%% minimum", ipct, path,
                    min_ipct);
    }
    if (fp_nothing_found(r))
        fp_pass(r, "%s free (%.0f%%) on %s%s", fp_format_bytes(b1, sizeof(b1), avail), pct, path,
                absent ? " (statedir not created yet: its parent's filesystem)" : "");
}

/* One line of /proc/self/mountinfo (proc(5)). */
struct mount_info {
    char point[PATH_MAX];
    char fstype[64];
    char source[PATH_MAX];
    bool read_only;
    dev_t dev;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
    char *out = s;

    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

static int parse_mountinfo_line(char *line, struct mount_info *m)
{
    char *save = NULL, *tok, *fields[6];
    unsigned maj, min;
    int i;

    for (i = 0; i < 6 && (tok = strtok_r(i ? NULL : line, " \n", &save)); i++)
        fields[i] = tok;
    if (i < 6 || sscanf(fields[2], "%u:%u", &maj, &min) != 2)
        return -1;
    while ((tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "-") != 0)
        ; /* optional fields */
    char *fstype = strtok_r(NULL, " \n", &save);
    char *source = strtok_r(NULL, " \n", &save);
    if (!tok || !fstype || !source)
        return -1;
    unescape_octal(fields[4]);
    unescape_octal(source);
    snprintf(m->point, sizeof(m->point), "%s", fields[4]);
    snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
    snprintf(m->source, sizeof(m->source), "%s", source);
    m->read_only = strcmp(fields[5], "ro") == 0 || strncmp(fields[5], "ro,", 3) == 0;
    m->dev = makedev(maj, min);
    return 0;
}

/* The mount that holds path (canonical, on this host): the longest mount
 * point above it, preferring mounts of the same device; among equal mount
 * points the last listed (it covers the earlier ones). */
static int find_mount(const char *path, dev_t dev, struct mount_info *best)
{
    _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
    _cleanup_free_ char *line = NULL;
    size_t cap = 0, bestlen = 0;
    bool found = false, bestdev = false;
    struct mount_info m;

    if (!f)
        return -errno;
    while (getline(&line, &cap, f) > 0) {
        if (parse_mountinfo_line(line, &m) < 0)
            continue;
        size_t len = strlen(m.point);
        bool above = strcmp(m.point, "/") == 0 ||
                     (strncmp(path, m.point, len) == 0 && (path[len] == '/' || !path[len]));
        bool same = m.dev == dev;
        if (!above)
            continue;
        if (!found || (same && !bestdev) || (same == bestdev && len >= bestlen)) {
            *best = m;
            bestlen = len;
            bestdev = same;
            found = true;
        }
    }
    return found ? 0 : -ENOENT;
}

/* TYPE, UUID and LABEL of a block device's superblock. */
static void probe_device(struct fp_result *r, const char *dev)
{
    blkid_probe pr = blkid_new_probe_from_filename(dev);
    const char *v;

    if (!pr)
        return;
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
                                              BLKID_SUBLKS_LABEL);
    if (blkid_do_safeprobe(pr) == 0) {
        if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
            fp_fact_str(r, "blkid_type", v);
        if (blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
            fp_fact_str(r, "uuid", v);
        if (blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
            fp_fact_str(r, "label", v);
    }
    blkid_free_probe(pr);
}

/* The block device behind a mount: its source when that is one, else the
 * kernel's /dev/block/MAJ:MIN (btrfs and device-mapper sources vary). */
static bool block_device(const struct mount_info *m, char *buf, size_t bufsz)
{
    struct stat st;

    if (m->source[0] == '/' && stat(m->source, &st) == 0 && S_ISBLK(st.st_mode)) {
        snprintf(buf, bufsz, "%s", m->source);
        return true;
    }
    snprintf(buf, bufsz, "/dev/block/%u:%u", major(m->dev), minor(m->dev));
    return major(m->dev) != 0 && stat(buf, &st) == 0 && S_ISBLK(st.st_mode);
}

/* statfs magic numbers, for when mountinfo cannot say (linux/magic.h) */
static const struct {
    unsigned long magic;
    const char *name;
} fs_magics[] = {
    { 0x01021994, "tmpfs" }, { 0x858458f6, "ramfs" },    { 0x6969, "nfs" },
    { 0xff534d42, "cifs" },  { 0xfe534d42, "smb3" },     { 0x00c36400, "ceph" },
    { 0x0bd00bd0, "lustre" }, { 0x47504653, "gpfs" },    { 0x65735546, "fuse" },
    { 0x01021997, "9p" },    { 0x19830326, "beegfs" },   { 0xef53, "ext4" },
    { 0x58465342, "xfs" },   { 0x9123683e, "btrfs" },
};

static const char *magic_name(unsigned long magic)
{
    for (size_t i = 0; i < sizeof(fs_magics) / sizeof(fs_magics[0]); i++)
        if (fs_magics[i].magic == magic)
            return fs_magics[i].name;
    return NULL;
}

static bool is_network_fs(const char *t)
{
    static const char *const net[] = {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "lustre", "gpfs", "ceph",
        "glusterfs", "9p", "beegfs", "afs", "orangefs", "pvfs2", "davfs", NULL,
    };
    for (int i = 0; net[i]; i++)
        if (strcmp(t, net[i]) == 0)
            return true;
    return strcmp(t, "fuse") == 0 || strncmp(t, "fuse.", 5) == 0;
}

static void check_statedir_fs(const struct fp_ctx *ctx, struct fp_result *r)
{
    char path[PATH_MAX], shown[PATH_MAX], real[PATH_MAX], proc[64], dev[PATH_MAX];
    _cleanup_close_ int fd = -1;
    struct mount_info m;
    struct statfs sfs;
    struct stat st;
    bool absent = false, have_mount;
    const char *type;
    ssize_t len;

    if (!leader_only(ctx, r))
        return;
    /* Absent on a first boot: judge the filesystem it will be created on. */
    snprintf(path, sizeof(path), "%s", statedir_of(ctx));
    while ((fd = fsu_open_path(ctx, path, true)) == -ENOENT && strcmp(path, "/") != 0) {
        char *slash = strrchr(path, '/');
        *(slash == path ? slash + 1 : slash) = '\0';
        absent = true;
    }
    if (!fp_path(ctx, path, shown, sizeof(shown)))
        snprintf(shown, sizeof(shown), "%s", path);
    fp_fact_str(r, "path", shown);
    if (fd < 0) {
        fp_error(r, "%s: %s", shown, strerror(-fd));
        return;
    }
    if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0) {
        fp_error(r, "statfs %s: %s", shown, strerror(errno));
        return;
    }
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if ((len = readlink(proc, real, sizeof(real) - 1)) < 0)
        snprintf(real, sizeof(real), "%s", shown);
    else
        real[len] = '\0';

    have_mount = find_mount(real, st.st_dev, &m) == 0;
    type = have_mount ? m.fstype : magic_name((unsigned long)sfs.f_type);
    fp_fact_str(r, "fs_type", type ? type : "unknown");
    fp_fact_strf(r, "fs_magic", "0x%lx", (unsigned long)sfs.f_type);
    if (have_mount) {
        fp_fact_str(r, "mount_point", m.point);
        fp_fact_str(r, "device", m.source);
        if (block_device(&m, dev, sizeof(dev)))
            probe_device(r, dev);
    }
    bool ro = (sfs.f_flags & ST_RDONLY) || (have_mount && m.read_only);
    fp_fact_bool(r, "read_only", ro);

    const char *where = have_mount ? m.point : shown;
    const char *what = absent ? "the filesystem statedir will be created on" : "statedir's filesystem";
    if (ro)
        fp_fail(r, "%s (%s, %s at %s) is read-only: the broker cannot write the KVS "
                   "(content.sqlite) or its dumps: remount it read-write (mount -o remount,rw "
                   "%s) and fix its entry in /etc/fstab", what, shown, type ? type : "unknown",
                where, where);
    if (type && (strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0))
        fp_warn(r, "%s (%s) is %s at %s: not kept across reboots, so the KVS (job history, "
                   "queues, dumps) is lost at every reboot; put statedir on a persistent local "
                   "filesystem", what, shown, type, where);
    else if (type && is_network_fs(type))
        fp_warn(r, "%s (%s) is %s (%s at %s): a network filesystem: sqlite locking over it is "
                   "unreliable and a server outage hangs the broker; put statedir on a local "
                   "filesystem", what, shown, type, have_mount ? m.source : "?", where);
    if (fp_nothing_found(r))
        fp_pass(r, "%s (%s) is %s%s%s, read-write%s", what, shown, type ? type : "unknown",
                have_mount ? " on " : "", have_mount ? m.source : "",
                absent ? " (statedir not created yet)" : "");
}

/* dump/RESTORE and content.sqlite (FLUX-FACTS §9.2, §12.e): at start rc1
 * truncates content.sqlite whenever dump/RESTORE is a symlink, then
 * restores the dump it names. */
static void check_db_file(const struct fp_ctx *ctx, struct fp_result *r, const struct fsu_user *u,
                          const char *statedir, const char *name)
{
    char path[PATH_MAX], owner[64];
    struct fsu_node n;
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
    if (n.st.st_uid != u->uid || (n.st.st_mode & (S_IRUSR | S_IWUSR)) != (S_IRUSR | S_IWUSR))
        fp_fail(r, "%s (owner %s, mode %04o) is not readable and writable by %s: the broker "
                   "cannot open the KVS and exits: chown %s:%s %s; chmod 0600 %s", n.path,
                fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)),
                (unsigned)(n.st.st_mode & 07777), u->name, u->name, u->name, n.path, n.path);
}

static void check_statedir_restore(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *statedir = statedir_of(ctx);
    char path[PATH_MAX];
    struct fsu_node sd, n;
    struct fsu_user u;
    bool pending = false;
    int rc;

    if (!leader_only(ctx, r))
        return;
    if (!statedir_dir(ctx, r, &sd) || !flux_user(ctx, r, &u))
        return;

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
        } else if (!fsu_user_may(&u, &n.target_st, R_OK)) {
            fp_fail(r, "%s points at %s, which %s cannot read: rc1 truncates content.sqlite "
                       "and the restore fails: chown %s \"$(readlink -f %s)\"", n.path, n.link,
                    u.name, u.name, n.path);
        } else {
            pending = true;
        }
    }
    check_db_file(ctx, r, &u, statedir, "content.sqlite");
    check_db_file(ctx, r, &u, statedir, "content.sqlite-wal");
    check_db_file(ctx, r, &u, statedir, "content.sqlite-shm");
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

const struct fp_check fp_checks_statedir[] = {
    {
        .id = "statedir.present",
        .message_id = FP_MSGID_STATEDIR_PRESENT,
        .summary = "statedir exists as a real directory on the leader (absent before the first "
                   "start: warn)",
        .explain = "Rank 0 keeps the KVS (content.sqlite) and its dumps in statedir\n"
                   "(/var/lib/flux). systemd creates it when flux.service starts\n"
                   "(StateDirectory=flux, owner flux, mode 0700), so on a first boot it may be\n"
                   "absent: a warning. A broker started without systemd creates a missing\n"
                   "statedir itself and DELETES it, with the KVS, at exit. A regular file there\n"
                   "stops the broker (\"statedir X: Not a directory\"); a symbolic link moves\n"
                   "the KVS wherever it points, and loses it when the link changes.\n"
                   "Followers (rank > 0) do not use statedir: skipped there.\n"
                   "Fix: install -d -m 0700 -o flux -g flux /var/lib/flux\n"
                   "(move a file or link at that path aside first).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_present,
        .describe = describe_statedir,
    },
    {
        .id = "statedir.owner",
        .message_id = FP_MSGID_STATEDIR_OWNER,
        .summary = "statedir owned by the flux user, owner rwx, mode 0700, no sticky bit (leader)",
        .explain = "The broker runs as flux and refuses a statedir it does not own (\"statedir\n"
                   "X is not owned by instance owner\") or without owner rwx (\"does not have\n"
                   "owner=rwx permissions\"). With the sticky bit set it silently works in a\n"
                   "throwaway flux-XXXXXX directory inside it and deletes that at exit: the\n"
                   "KVS is lost at every restart. Group or other access exposes the KVS (job\n"
                   "data of every user): a warning. flux must also be able to search every\n"
                   "directory above statedir.\n"
                   "Fix: chown flux:flux /var/lib/flux; chmod 0700 /var/lib/flux",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_owner,
        .requires = FP_REQUIRES("statedir.present"),
        .describe = describe_statedir,
    },
    {
        .id = "statedir.space",
        .message_id = FP_MSGID_STATEDIR_SPACE,
        .summary = "free bytes and inodes above the thresholds on statedir's filesystem (leader)",
        .explain = "The leader keeps the KVS (content.sqlite) and its dumps in statedir. Running\n"
                   "out of space there is catastrophic to Flux. Thresholds: statedir-space.*\n"
                   "in flux-preflight.toml(5).\n"
                   "Fix: df -h /var/lib/flux; remove old dumps in /var/lib/flux/dump; grow the\n"
                   "filesystem.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_space,
        .describe = describe_statedir,
    },
    {
        .id = "statedir.fs",
        .message_id = FP_MSGID_STATEDIR_FS,
        .summary = "statedir's filesystem is writable, persistent and local (type, device, UUID, "
                   "label reported)",
        .explain = "The filesystem holding statedir (found in /proc/self/mountinfo; type, UUID\n"
                   "and label from libblkid) must be writable: on a read-only mount the broker\n"
                   "cannot write the KVS (fail). On tmpfs or ramfs the KVS and its dumps vanish\n"
                   "at every reboot, and on a network filesystem (nfs, cifs, lustre, gpfs,\n"
                   "ceph, glusterfs, beegfs, 9p, FUSE) sqlite locking is unreliable and a\n"
                   "server outage hangs the broker (warnings).\n"
                   "Fix: findmnt -T /var/lib/flux; mount -o remount,rw MOUNTPOINT and fix\n"
                   "/etc/fstab, or move statedir to a persistent local filesystem.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_fs,
        .describe = describe_statedir,
    },
    {
        .id = "statedir.restore",
        .message_id = FP_MSGID_STATEDIR_RESTORE,
        .summary = "dump/RESTORE absent or naming an existing dump; content.sqlite read-write "
                   "for flux (leader)",
        .explain = "flux.service sets content.restore=auto: at start, whenever\n"
                   "statedir/dump/RESTORE is a symbolic link, rc1 truncates content.sqlite and\n"
                   "restores the dump it names. A dangling link (the dump aged out after 7\n"
                   "days by tmpfiles) wipes the KVS and restores nothing; the broker then also\n"
                   "fails to write its dump at shutdown. content.sqlite (and its -wal and -shm\n"
                   "files) must be readable and writable by flux.\n"
                   "Fix: ls -l /var/lib/flux/dump; rm /var/lib/flux/dump/RESTORE, or\n"
                   "ln -sfn YYYYmmdd_HHMMSS.tgz /var/lib/flux/dump/RESTORE;\n"
                   "chown flux:flux /var/lib/flux/content.sqlite*; chmod 0600 /var/lib/flux/content.sqlite*",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_restore,
        .requires = FP_REQUIRES("statedir.present"),
        .describe = describe_statedir,
    },
    { 0 },
};
