/* Looking at files the way the broker and the IMP will, without touching them. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/context.h"

/* path resolved inside the root (common/fileio.h). An fd or -errno. */
static int open_in_root(const struct fp_ctx *ctx, const char *path, int flags)
{
    return fio_open(ctx->root, path, flags);
}

int fsu_open_path(const struct fp_ctx *ctx, const char *path, bool follow)
{
    return open_in_root(ctx, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
}

int fsu_realpath(const struct fp_ctx *ctx, const char *path, char *buf, size_t bufsz)
{
    _cleanup_close_ int fd = open_in_root(ctx, path, O_PATH);
    char proc[64], real[PATH_MAX], root[PATH_MAX] = "";
    size_t rlen = 0;
    ssize_t n;

    if (fd < 0)
        return fd;
    /* the root as the kernel names it (it may be given relative, or
     * through a symlink) */
    if (ctx->root[0] && !realpath(ctx->root, root))
        return -errno;
    rlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if ((n = readlink(proc, real, sizeof(real) - 1)) < 0)
        return -errno;
    real[n] = '\0';
    if (rlen && (strncmp(real, root, rlen) != 0 || (real[rlen] && real[rlen] != '/')))
        return -EXDEV;
    if (snprintf(buf, bufsz, "%s", real[rlen] ? real + rlen : "/") >= (int)bufsz)
        return -ENAMETOOLONG;
    return 0;
}

int fsu_open_dir(const struct fp_ctx *ctx, const char *path)
{
    return open_in_root(ctx, path, O_RDONLY | O_DIRECTORY);
}

int fsu_lookup(const struct fp_ctx *ctx, const char *path, struct fsu_node *n)
{
    _cleanup_close_ int fd = -1;

    memset(n, 0, sizeof(*n));
    if (!fp_path(ctx, path, n->path, sizeof(n->path))) {
        n->err = ENAMETOOLONG;
        return -n->err;
    }
    fd = open_in_root(ctx, path, O_PATH | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &n->st) < 0) {
        n->err = fd < 0 ? -fd : errno;
        return -n->err;
    }
    if (S_ISLNK(n->st.st_mode)) {
        _cleanup_close_ int tfd = -1;
        ssize_t len = readlinkat(fd, "", n->link, sizeof(n->link) - 1);

        n->is_link = true;
        n->link[len > 0 ? len : 0] = '\0';
        tfd = open_in_root(ctx, path, O_PATH);
        if (tfd < 0)
            n->target_err = -tfd;
        else if (fstat(tfd, &n->target_st) < 0)
            n->target_err = errno;
    }
    return 0;
}

const struct stat *fsu_final(const struct fsu_node *n)
{
    if (n->err)
        return NULL;
    if (n->is_link)
        return n->target_err ? NULL : &n->target_st;
    return &n->st;
}

int fsu_open_regular(const struct fp_ctx *ctx, const char *path, struct stat *st)
{
    return fio_open_read(ctx->root, path, 0, st);
}

const char *fsu_type_name(mode_t mode)
{
    return fio_type_name(mode);
}

static void add_group(struct fsu_user *u, gid_t gid)
{
    if (fsu_user_in_group(u, gid) || u->ngroups >= FSU_MAX_GROUPS)
        return;
    u->groups[u->ngroups++] = gid;
}

int fsu_user_load(const struct fp_ctx *ctx, const char *name, struct fsu_user *u)
{
    memset(u, 0, sizeof(*u));
    snprintf(u->name, sizeof(u->name), "%s", name);
    if (fp_lookup_user(ctx, name, &u->uid, &u->gid) < 0)
        return -ENOENT;
    add_group(u, u->gid);
    if (ctx->live) {
        gid_t groups[FSU_MAX_GROUPS];
        int n = FSU_MAX_GROUPS;

        if (getgrouplist(name, u->gid, groups, &n) < 0)
            n = FSU_MAX_GROUPS; /* more than fit: the first ones were filled in */
        for (int i = 0; i < n; i++)
            add_group(u, groups[i]);
    } else {
        gid_t groups[FSU_MAX_GROUPS];
        int n = fp_group_members(ctx, name, groups, FSU_MAX_GROUPS);

        for (int i = 0; i < n; i++)
            add_group(u, groups[i]);
    }
    return 0;
}

bool fsu_user_in_group(const struct fsu_user *u, gid_t gid)
{
    for (int i = 0; i < u->ngroups; i++)
        if (u->groups[i] == gid)
            return true;
    return false;
}

bool fsu_user_may(const struct fsu_user *u, const struct stat *st, int want)
{
    mode_t m = st->st_mode;
    int bits;

    if (u->uid == 0) /* CAP_DAC_OVERRIDE; execute needs some x bit on a file */
        return !(want & X_OK) || S_ISDIR(m) || (m & (S_IXUSR | S_IXGRP | S_IXOTH));
    if (st->st_uid == u->uid)
        bits = (int)(m >> 6) & 7;
    else if (fsu_user_in_group(u, st->st_gid))
        bits = (int)(m >> 3) & 7;
    else
        bits = (int)m & 7;
    return (bits & want) == want; /* R_OK, W_OK, X_OK are the r, w, x bits */
}

int fsu_user_reach(const struct fp_ctx *ctx, const struct fsu_user *u, const char *path,
                   char *blocker, size_t blockersz)
{
    char prefix[PATH_MAX];
    size_t len = strlen(path);
    struct stat st;

    if (len >= sizeof(prefix))
        return -ENAMETOOLONG;
    /* "/" (live only), then "/a", "/a/b", ... up to the parent of path */
    for (size_t i = ctx->live ? 0 : 1; i < len; i++) {
        if (path[i] != '/' || (i > 0 && path[i - 1] == '/'))
            continue;
        memcpy(prefix, path, i ? i : 1);
        prefix[i ? i : 1] = '\0';
        _cleanup_close_ int fd = open_in_root(ctx, prefix, O_PATH);
        if (fd < 0)
            return fd;
        if (fstat(fd, &st) < 0)
            return -errno;
        if (!S_ISDIR(st.st_mode))
            return -ENOTDIR;
        if (!fsu_user_may(u, &st, X_OK)) {
            if (!fp_path(ctx, prefix, blocker, blockersz))
                snprintf(blocker, blockersz, "%s", prefix);
            return -EACCES;
        }
    }
    return 0;
}
