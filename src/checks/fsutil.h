/* Looking at files the way the broker and the IMP will, without touching them.
 *
 * A path is opened with O_PATH|O_NOFOLLOW (never for reading, so a FIFO or a
 * device cannot block or react) and judged on the descriptor with fstat: no
 * race between the look and the verdict, and a symlink is reported as a
 * symlink.  Every lookup goes through common/fileio.h: under --root it stays
 * inside the image (an absolute symlink in the image points into the image,
 * ".." stops at its top).
 *
 * Access "as the flux user" is computed from the mode bits, the owner and
 * the user's groups (NSS, or DIR/etc/passwd and DIR/etc/group under --root),
 * exactly as the kernel's permission check orders them: owner bits if the
 * user owns the file, else group bits if one of its groups owns it, else the
 * other bits.  ACLs are not consulted.
 */
#ifndef FP_CHECKS_FSUTIL_H
#define FP_CHECKS_FSUTIL_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct fp_ctx;

struct fsu_node {
    char path[PATH_MAX];   /* as shown to the admin: root prefix + path */
    int err;               /* 0, or the errno of the lookup (ENOENT, ENOTDIR, EACCES, ...) */
    struct stat st;        /* the final component itself (lstat semantics) */
    bool is_link;
    char link[PATH_MAX];   /* a symlink's text */
    int target_err;        /* a symlink: 0 when its target exists, else the errno */
    struct stat target_st; /* a symlink: what it leads to (stat semantics) */
};

/* Look at path (absolute, as configured; resolved inside ctx's root).
 * Returns 0 when the final component exists (n->st valid), else -errno,
 * also stored in n->err.  Never opens anything for reading. */
int fsu_lookup(const struct fp_ctx *ctx, const char *path, struct fsu_node *n);

/* An O_PATH descriptor of path inside the root, following symlinks or not
 * (for fstatfs, or to learn the real location from /proc/self/fd).
 * Returns the fd, or -errno. */
int fsu_open_path(const struct fp_ctx *ctx, const char *path, bool follow);

/* Where path really is, every symlink followed inside the root, as the
 * node names it (without the root prefix): 0, or -errno. */
int fsu_realpath(const struct fp_ctx *ctx, const char *path, char *buf, size_t bufsz);

/* A directory inside the root opened for reading its entries (following
 * symlinks), or -errno. */
int fsu_open_dir(const struct fp_ctx *ctx, const char *path);

/* The stat of what path leads to, following symlinks (the broker's open()
 * follows them): n->st, or n->target_st for a symlink.  NULL when a
 * symlink dangles or the path is absent. */
const struct stat *fsu_final(const struct fsu_node *n);

/* Open path for reading as a regular file, following symlinks inside the
 * root: fio_open_read() (looked at with O_PATH first, reopened
 * O_RDONLY|O_NONBLOCK through that descriptor only once fstat says it is a
 * regular file, so a FIFO or a device is never opened).  Returns an fd, or
 * -errno (-EINVAL when it is not a regular file; *st then says what it is).
 * To read the whole file with a cap, use fio_read(ctx->root, ...). */
int fsu_open_regular(const struct fp_ctx *ctx, const char *path, struct stat *st);

/* "regular file", "directory", "symbolic link", "FIFO", "socket",
 * "character device", "block device" */
const char *fsu_type_name(mode_t mode);

/* The flux user (or any user) as the kernel sees it for permission checks. */
#define FSU_MAX_GROUPS 256
struct fsu_user {
    char name[64];
    uid_t uid;
    gid_t gid;
    gid_t groups[FSU_MAX_GROUPS]; /* primary and supplementary */
    int ngroups;
};

/* Resolve name via NSS, or DIR/etc/passwd + DIR/etc/group under --root.
 * -ENOENT when the user does not exist. */
int fsu_user_load(const struct fp_ctx *ctx, const char *name, struct fsu_user *u);
bool fsu_user_in_group(const struct fsu_user *u, gid_t gid);

/* May u do want (R_OK|W_OK|X_OK, or'ed) on a file with this stat? */
bool fsu_user_may(const struct fsu_user *u, const struct stat *st, int want);

/* Can u search every directory leading to path (inside the root; the
 * image's own top directory is not part of the image and is skipped)?
 * 0 if so; -EACCES with the first directory it cannot search in blocker;
 * another -errno if a directory could not be looked at. */
int fsu_user_reach(const struct fp_ctx *ctx, const struct fsu_user *u, const char *path,
                   char *blocker, size_t blockersz);

#endif
