/* statedir.space and statedir.fs: the filesystem statedir is on, on the
 * leader (checklist: "Does /var/lib/flux have plenty of space on the leader
 * node?"). Rank 0 keeps the KVS there (content.sqlite) and its dumps:
 * running out of space, or a filesystem that is read-only, volatile or
 * remote, is catastrophic to Flux (FLUX-FACTS §9). A statedir not created
 * yet is judged on the filesystem it will be created on. The directory
 * itself (present, owner, restore) is statedir-dir.c's. */
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
#include "common/dlib.h"
#include "common/fileio.h"
#include "common/unitfile.h"
#include "engine/check.h"
#include "engine/context.h"

static void check_statedir_space(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *statedir = fp_setting_str(ctx->set, "statedir");
    char at[PATH_MAX], path[PATH_MAX], b1[32], b2[32];
    struct statvfs sv;
    int fd;

    if (!leader_only(ctx, r))
        return;
    if (snprintf(at, sizeof(at), "%s", statedir) >= (int)sizeof(at)) {
        fp_error(r, "%s: path too long", statedir);
        return;
    }
    /* Absent on a first boot (systemd creates it for flux.service): judge the
     * filesystem it will be created on. Looked at inside the root, never by
     * a path prefixed with it (common/fileio.h). */
    bool absent = false;
    while ((fd = fio_open(ctx->root, at, O_PATH)) == -ENOENT && strcmp(at, "/") != 0) {
        char *slash = strrchr(at, '/');
        if (!slash)
            break;
        if (slash == at)
            slash++; /* keep "/" */
        *slash = '\0';
        absent = true;
    }
    fp_path(ctx, at, path, sizeof(path));
    if (fd < 0 || fstatvfs(fd, &sv) < 0) {
        int e = fd < 0 ? -fd : errno;
        fp_error(r, "statvfs %s: %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
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
    bool read_only;    /* this mount's own flag (a read-only bind of a writable fs) */
    bool sb_read_only; /* the filesystem's (its superblock options) */
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

/* "rw,relatime" has the option opt? */
static bool has_option(const char *opts, const char *opt)
{
    size_t len = strlen(opt);

    for (const char *p = opts; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
        if (strncmp(p, opt, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

/* ID PARENT MAJ:MIN ROOT POINT MOUNT-OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS */
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
    char *super = strtok_r(NULL, " \n", &save);
    if (!tok || !fstype || !source)
        return -1;
    unescape_octal(fields[4]);
    unescape_octal(source);
    snprintf(m->point, sizeof(m->point), "%s", fields[4]);
    snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
    snprintf(m->source, sizeof(m->source), "%s", source);
    m->read_only = has_option(fields[5], "ro");
    m->sb_read_only = super && has_option(super, "ro");
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

/* libblkid: only statedir.fs reads a superblock (common/dlib.h). */
static typeof(blkid_new_probe_from_filename) *sym_blkid_new_probe_from_filename;
static typeof(blkid_probe_enable_superblocks) *sym_blkid_probe_enable_superblocks;
static typeof(blkid_probe_set_superblocks_flags) *sym_blkid_probe_set_superblocks_flags;
static typeof(blkid_do_safeprobe) *sym_blkid_do_safeprobe;
static typeof(blkid_probe_lookup_value) *sym_blkid_probe_lookup_value;
static typeof(blkid_free_probe) *sym_blkid_free_probe;
static struct dlib libblkid = DLIB_INIT("libblkid.so.1");
static const struct dlib_sym libblkid_syms[] = {
    DLIB_SYM(blkid_new_probe_from_filename), DLIB_SYM(blkid_probe_enable_superblocks),
    DLIB_SYM(blkid_probe_set_superblocks_flags), DLIB_SYM(blkid_do_safeprobe),
    DLIB_SYM(blkid_probe_lookup_value), DLIB_SYM(blkid_free_probe), { 0 },
};

/* TYPE, UUID and LABEL of a block device's superblock. */
static void probe_device(struct fp_result *r, const char *dev)
{
    char err[300];
    blkid_probe pr;
    const char *v;

    if (dlib_load(&libblkid, libblkid_syms, err, sizeof(err)) < 0) {
        fp_fact_str(r, "blkid_error", err);
        return;
    }
    if (!(pr = sym_blkid_new_probe_from_filename(dev)))
        return;
    sym_blkid_probe_enable_superblocks(pr, 1);
    sym_blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
                                                  BLKID_SUBLKS_LABEL);
    if (sym_blkid_do_safeprobe(pr) == 0) {
        if (sym_blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
            fp_fact_str(r, "blkid_type", v);
        if (sym_blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
            fp_fact_str(r, "uuid", v);
        if (sym_blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
            fp_fact_str(r, "label", v);
    }
    sym_blkid_free_probe(pr);
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

/* Is this process a systemd service that makes the filesystem read-only
 * for itself (ProtectSystem=strict, ReadOnlyPaths=), as the gate's own
 * unit does?  Then a read-only mount here is that sandbox's view (a
 * read-only bind in the service's private namespace), not the node's: the
 * broker, which runs in flux.service, sees the mount as systemd mounted it
 * for everyone.  The service is the last ".service" in /proc/self/cgroup;
 * its settings come from its unit file.  what: "flux-preflight.service
 * (ProtectSystem=strict)". */
static bool own_readonly_sandbox(const struct fp_ctx *ctx, char *what, size_t whatsz)
{
    _cleanup_fclose_ FILE *f = NULL;
    _cleanup_free_ char *line = NULL;
    char unit[NAME_MAX + 1] = "", err[256];
    struct unitfile *u = NULL;
    const char *const *paths;
    const char *v;
    size_t cap = 0;
    bool ro = false;

    if (!ctx->live || !(f = fopen("/proc/self/cgroup", "re")))
        return false;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        const char *slash = strrchr(line, '/');
        const char *name = slash ? slash + 1 : NULL;
        size_t len = name ? strlen(name) : 0;
        if (len > 8 && len < sizeof(unit) && strcmp(name + len - 8, ".service") == 0)
            snprintf(unit, sizeof(unit), "%s", name);
    }
    if (!unit[0] || unitfile_load(NULL, unit, &u, err, sizeof(err)) < 0)
        return false;
    if ((v = unitfile_get(u, "Service", "ProtectSystem")) && strcmp(v, "strict") == 0) {
        snprintf(what, whatsz, "%s (ProtectSystem=strict)", unit);
        ro = true;
    } else if (unitfile_get_all(u, "Service", "ReadOnlyPaths", &paths) > 0) {
        snprintf(what, whatsz, "%s (ReadOnlyPaths=%s)", unit, paths[0]);
        ro = true;
    }
    unitfile_free(u);
    return ro;
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
    /* Writable is the filesystem's state (its superblock), and this mount's
     * own flag unless the mount is only this gate's sandbox view. */
    bool sb_ro = have_mount ? m.sb_read_only : (sfs.f_flags & ST_RDONLY) != 0;
    bool mnt_ro = have_mount && m.read_only;
    char sandbox[PATH_MAX + 64] = "";
    bool sandboxed = mnt_ro && !sb_ro && own_readonly_sandbox(ctx, sandbox, sizeof(sandbox));
    bool ro = sb_ro || (mnt_ro && !sandboxed);
    fp_fact_bool(r, "read_only", ro);
    fp_fact_bool(r, "fs_read_only", sb_ro);
    fp_fact_bool(r, "mount_read_only", mnt_ro);

    const char *where = have_mount ? m.point : shown;
    const char *what = absent ? "the filesystem statedir will be created on" : "statedir's filesystem";
    const char *who = absent ? "statedir cannot be created there (by systemd for flux.service, "
                               "or by the broker)"
                             : "the broker cannot write the KVS (content.sqlite) or its dumps";
    if (sb_ro)
        fp_fail(r, "%s (%s, %s at %s) is read-only (the filesystem is mounted ro): %s: remount "
                   "it read-write (mount -o remount,rw %s) and fix its entry in /etc/fstab",
                what, shown, type ? type : "unknown", where, who, where);
    else if (ro)
        fp_fail(r, "%s (%s, %s at %s) is on a read-only mount of a writable filesystem: %s: "
                   "make the mount read-write (mount -o remount,bind,rw %s) and fix what "
                   "mounts it read-only (/etc/fstab, a mount unit)", what, shown,
                type ? type : "unknown", where, who, where);
    if (type && (strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0))
        fp_warn(r, "%s (%s) is %s at %s: not kept across reboots, so the KVS (job history, "
                   "queues, dumps) is lost at every reboot; put statedir on a persistent local "
                   "filesystem", what, shown, type, where);
    else if (type && is_network_fs(type))
        fp_warn(r, "%s (%s) is %s (%s at %s): a network filesystem: sqlite locking over it is "
                   "unreliable and a server outage hangs the broker; put statedir on a local "
                   "filesystem", what, shown, type, have_mount ? m.source : "?", where);
    if (fp_nothing_found(r))
        fp_pass(r, "%s (%s) is %s%s%s, read-write%s%s%s", what, shown, type ? type : "unknown",
                have_mount ? " on " : "", have_mount ? m.source : "",
                absent ? " (statedir not created yet)" : "",
                sandboxed ? "; read-only only inside " : "", sandbox);
}

const struct fp_check fp_checks_statedir_fs[] = {
    {
        .id = "statedir.space",
        .message_id = "c949e529b4544de9844eebf3c3ae3f27",
        .summary = "free bytes and inodes above the thresholds on statedir's filesystem (leader)",
        .subject = "Not enough free space for the Flux statedir (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:flux-preflight.toml(5)",
        .journal =
            "The pre-flight check statedir.space found too little free space or too few\n"
            "free inodes on the filesystem holding the Flux statedir: @MESSAGE@",
        .details =
            "Free bytes and free inodes, absolute and as a share, on the filesystem that\n"
            "holds statedir (its parent's, before statedir exists) are above the\n"
            "[statedir-space] thresholds (rank 0 only). Facts: path, free_bytes,\n"
            "total_bytes, free_percent, min_free_bytes, free_inodes, total_inodes,\n"
            "free_inodes_percent.",
        .explain =
            "The leader (rank 0) keeps the KVS content store (content.sqlite) and its\n"
            "dumps in statedir. Running out of space there is catastrophic to Flux: the\n"
            "KVS cannot commit and the instance stops working.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    df -h /var/lib/flux; df -i /var/lib/flux\n"
            "    ls -l /var/lib/flux/dump     # old dumps can be removed\n"
            "\n"
            "Grow the filesystem or free space. The thresholds are statedir-space.* in\n"
            "flux-preflight.toml(5).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .settings = FP_SETTINGS(
            { "statedir-space.min-free", FP_SET_BYTES, "1G", "statedir.space fails below this many free bytes" },
            { "statedir-space.min-free-percent", FP_SET_PERCENT, "5", "statedir.space fails below this share of free space" },
            { "statedir-space.min-free-inodes", FP_SET_INTEGER, "10000", "statedir.space fails below this many free inodes" },
            { "statedir-space.min-free-inodes-percent", FP_SET_PERCENT, "5", "statedir.space fails below this share of free inodes" }),
        .run = check_statedir_space,
        .describe = describe_statedir,
    },
    {
        .id = "statedir.fs",
        .message_id = "784cc087ac284d50826da15b68aa6124",
        .summary = "statedir's filesystem is writable, persistent and local (type, device, UUID, "
                   "label reported)",
        .subject = "Flux statedir filesystem read-only, volatile or remote (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:findmnt(8)",
        .journal =
            "The pre-flight check statedir.fs looked at the filesystem holding the Flux\n"
            "statedir (type @FLUX_PREFLIGHT_FS_TYPE@, mounted at\n"
            "@FLUX_PREFLIGHT_MOUNT_POINT@): @MESSAGE@",
        .details =
            "The filesystem holding statedir (its parent's when statedir does not exist\n"
            "yet), from statfs(2), /proc/self/mountinfo and libblkid: a filesystem mounted\n"
            "read-only (its superblock options), or a read-only mount of the node, fails;\n"
            "the read-only view the gate's own unit gives itself (ProtectSystem=strict,\n"
            "which makes /var/lib read-only before statedir exists) is not the node's state\n"
            "and does not fail. tmpfs or ramfs (not kept across reboots) and network\n"
            "filesystems (nfs, nfs4, cifs, smb3, lustre, gpfs, ceph, glusterfs, beegfs, 9p,\n"
            "FUSE) warn. Leader only. Facts: fs_type, fs_magic, device, uuid, label,\n"
            "blkid_type, mount_point, read_only, fs_read_only, mount_read_only. Fix:\n"
            "'findmnt -T /var/lib/flux'; 'mount -o remount,rw MOUNTPOINT' (a read-only\n"
            "filesystem) or 'mount -o remount,bind,rw MOUNTPOINT' (a read-only mount), or\n"
            "move statedir to a persistent local filesystem.",
        .explain =
            "On a read-only filesystem (mounted ro) or a read-only mount of the node the\n"
            "broker cannot write the KVS (content.sqlite) or its dumps, and statedir\n"
            "cannot be created; the read-only view the gate's own unit gives itself\n"
            "(ProtectSystem=strict) is not the node's and does not count. On tmpfs or\n"
            "ramfs the KVS (job history, queues, dumps)\n"
            "vanishes at every reboot. On a network filesystem (nfs, cifs, lustre, gpfs,\n"
            "ceph, glusterfs, beegfs, 9p, FUSE) sqlite locking is unreliable and an\n"
            "outage of the server hangs the broker. The first blocks; the others warn.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    findmnt -T /var/lib/flux\n"
            "    mount -o remount,rw MOUNTPOINT     # a read-only filesystem; fix /etc/fstab\n"
            "    mount -o remount,bind,rw MOUNTPOINT  # a read-only mount\n"
            "\n"
            "or move statedir to a persistent local filesystem.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_fs,
        .describe = describe_statedir,
    },
    { 0 },
};
