/* fileio: the one way flux-preflight reaches a file of the node it judges,
 * and its one atomic writer (fileio.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"

static bool is_live(const char *root)
{
    return !root || !*root || strcmp(root, "/") == 0;
}

const char *fio_shown(const char *root, const char *path, char *buf, size_t bufsz)
{
    if (bufsz == 0)
        return "";
    snprintf(buf, bufsz, "%s%s%s", is_live(root) ? "" : root,
             !is_live(root) && path[0] != '/' ? "/" : "", path);
    return buf;
}

/* ---- resolving ------------------------------------------------------------ */

/* RESOLVE_IN_ROOT by hand (kernel < 5.6, valgrind <= 3.19): one component
 * at a time with O_NOFOLLOW, each directory held open, so that an absolute
 * symbolic link restarts at the root and ".." never climbs above it, as
 * openat2 does. At most 40 symbolic links (ELOOP), as the kernel. The last
 * component is opened O_NOFOLLOW: if it turned into a link after it was
 * looked at, ELOOP, never a lookup outside the root. Returns an fd, or -1
 * with errno. */
#define BY_HAND_DEPTH 256
static int open_by_hand(int rfd, const char *rel, int flags)
{
    char rest[2 * PATH_MAX];
    int stack[BY_HAND_DEPTH], depth = 0, links = 0, fd = -1, err = 0;

    if (snprintf(rest, sizeof(rest), "%s", rel) >= (int)sizeof(rest)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((stack[depth++] = fcntl(rfd, F_DUPFD_CLOEXEC, 3)) < 0)
        return -1;
    for (char *p = rest;;) {
        while (*p == '/')
            p++;
        if (!*p) { /* the path ends at a directory */
            fd = openat(stack[depth - 1], ".", flags | O_CLOEXEC);
            err = errno;
            break;
        }
        char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        char comp[NAME_MAX + 1];
        const char *after = end;
        while (*after == '/')
            after++;
        bool last = !*after;

        if (len > NAME_MAX) {
            err = ENAMETOOLONG;
            break;
        }
        memcpy(comp, p, len);
        comp[len] = '\0';
        p = end;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (depth > 1)
                close(stack[--depth]);
            continue;
        }
        int lfd = openat(stack[depth - 1], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (lfd < 0 || fstat(lfd, &st) < 0) {
            err = errno;
            if (lfd >= 0)
                close(lfd);
            break;
        }
        if (S_ISLNK(st.st_mode) && (!last || !(flags & O_NOFOLLOW))) {
            char target[PATH_MAX], spliced[2 * PATH_MAX];
            ssize_t n = readlinkat(lfd, "", target, sizeof(target) - 1);
            close(lfd);
            if (n <= 0 || ++links > 40) {
                err = n <= 0 ? (n < 0 ? errno : ENOENT) : ELOOP;
                break;
            }
            target[n] = '\0';
            if (snprintf(spliced, sizeof(spliced), "%s/%s", target, p) >= (int)sizeof(spliced)) {
                err = ENAMETOOLONG;
                break;
            }
            memcpy(rest, spliced, strlen(spliced) + 1);
            p = rest;
            if (target[0] == '/')
                while (depth > 1)
                    close(stack[--depth]);
            continue;
        }
        if (last) {
            close(lfd);
            fd = openat(stack[depth - 1], comp, flags | O_NOFOLLOW | O_CLOEXEC);
            err = errno;
            break;
        }
        if (!S_ISDIR(st.st_mode) || depth == BY_HAND_DEPTH) {
            close(lfd);
            err = S_ISDIR(st.st_mode) ? ELOOP : ENOTDIR;
            break;
        }
        stack[depth++] = lfd;
    }
    while (depth > 0)
        close(stack[--depth]);
    if (fd < 0)
        errno = err;
    return fd;
}

static int open_root(const char *root)
{
    int rfd = open(is_live(root) ? "/" : root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return rfd < 0 ? -errno : rfd;
}

static const char *relative(const char *path)
{
    while (*path == '/')
        path++;
    return *path ? path : ".";
}

int fio_open_by_hand(const char *root, const char *path, int flags)
{
    _cleanup_close_ int rfd = open_root(root);
    int fd;

    if (rfd < 0)
        return rfd;
    fd = open_by_hand(rfd, relative(path), flags);
    return fd < 0 ? -errno : fd;
}

int fio_open(const char *root, const char *path, int flags)
{
    _cleanup_close_ int rfd = open_root(root);
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    const char *rel = relative(path);
    int fd = -1;

    if (rfd < 0)
        return rfd;
    /* EAGAIN: a rename or a mount raced with the lookup; it is safe to retry */
    for (int tries = 0; tries < 8; tries++) {
        fd = (int)syscall(SYS_openat2, rfd, rel, &how, sizeof(how));
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    if (fd < 0 && errno == ENOSYS) /* kernel < 5.6 */
        fd = open_by_hand(rfd, rel, flags);
    return fd < 0 ? -errno : fd;
}

/* ---- opening to read -------------------------------------------------------- */

static bool type_ok(const struct stat *st, unsigned flags)
{
    return (flags & FIO_DIR) ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode);
}

static int read_flags(unsigned flags)
{
    return O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | ((flags & FIO_DIR) ? O_DIRECTORY : 0);
}

/* FD (or -errno) is open for reading: is it the inode ST judged? */
static int same_inode(int fd, struct stat *st)
{
    struct stat rst;

    if (fd < 0)
        return fd;
    if (fstat(fd, &rst) < 0 || rst.st_dev != st->st_dev || rst.st_ino != st->st_ino) {
        close(fd);
        return -ESTALE;
    }
    *st = rst;
    return fd;
}

int fio_reopen(int pfd, unsigned flags, struct stat *st)
{
    char proc[64];
    int fd;

    if (fstat(pfd, st) < 0)
        return -errno;
    if (S_ISLNK(st->st_mode)) /* only with O_NOFOLLOW */
        return -ELOOP;
    if (!type_ok(st, flags))
        return -EINVAL;
    if (S_ISDIR(st->st_mode)) {
        fd = openat(pfd, ".", read_flags(flags));
    } else {
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
        fd = open(proc, read_flags(flags));
        if (fd < 0 && errno == ENOENT) /* we hold PFD: no /proc here */
            return -EOPNOTSUPP;
    }
    return same_inode(fd < 0 ? -errno : fd, st);
}

int fio_open_read(const char *root, const char *path, unsigned flags, struct stat *st)
{
    struct stat tmp;
    int nofollow = (flags & FIO_NOFOLLOW) ? O_NOFOLLOW : 0;
    _cleanup_close_ int pfd = fio_open(root, path, O_PATH | nofollow);
    int fd;

    if (!st)
        st = &tmp;
    memset(st, 0, sizeof(*st));
    if (pfd < 0)
        return pfd;
    fd = fio_reopen(pfd, flags, st);
    if (fd == -EOPNOTSUPP) /* a regular file was judged: look it up again */
        fd = same_inode(fio_open(root, path, read_flags(flags) | nofollow), st);
    return fd;
}

int fio_openat_read(const char *root, int dfd, const char *dirpath, const char *name,
                    unsigned flags, struct stat *st)
{
    struct stat tmp;
    _cleanup_close_ int pfd = -1;
    int fd;

    if (!st)
        st = &tmp;
    memset(st, 0, sizeof(*st));
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EINVAL;
    /* one component below DFD, not followed: it cannot leave the directory */
    if ((pfd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -errno;
    if (fstat(pfd, st) < 0)
        return -errno;
    if (S_ISLNK(st->st_mode) && !(flags & FIO_NOFOLLOW)) {
        char path[2 * PATH_MAX];
        if (snprintf(path, sizeof(path), "%s/%s", dirpath, name) >= (int)sizeof(path))
            return -ENAMETOOLONG;
        return fio_open_read(root, path, flags, st);
    }
    fd = fio_reopen(pfd, flags, st);
    if (fd == -EOPNOTSUPP) {
        fd = openat(dfd, name, read_flags(flags) | O_NOFOLLOW);
        fd = same_inode(fd < 0 ? -errno : fd, st);
    }
    return fd;
}

/* ---- reading ------------------------------------------------------------------ */

static void wipe_free(char *p, size_t n, bool secret)
{
    if (p && secret)
        explicit_bzero(p, n);
    free(p);
}

int fio_read_fd(int fd, size_t max, unsigned flags, char **data, size_t *len)
{
    bool secret = flags & FIO_SECRET;
    struct stat st;
    size_t cap = 4096, n = 0;
    char *buf;

    *data = NULL;
    *len = 0;
    /* room for the whole file, the NUL, and the read that sees its end (no
     * more than MAX + 1 bytes and the NUL); /proc files say 0 and grow */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (uint64_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
    if (cap > max + 2)
        cap = max + 2;
    if (!(buf = malloc(cap)))
        return -ENOMEM;
    for (;;) {
        if (n == cap - 1) { /* full but for the NUL */
            if (n > max)
                break;
            size_t ncap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
            char *nb = secret ? malloc(ncap) : realloc(buf, ncap);
            if (!nb) {
                wipe_free(buf, n, secret);
                return -ENOMEM;
            }
            if (secret) {
                memcpy(nb, buf, n);
                wipe_free(buf, n, secret);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            wipe_free(buf, n, secret);
            return -e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > max) {
        wipe_free(buf, n, secret);
        return -EFBIG;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

const char *fio_type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFIFO: return "FIFO";
    case S_IFSOCK: return "socket";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    default: return "file of unknown type";
    }
}

void fio_why(char *why, size_t whysz, const char *shown, int rc, const struct stat *st,
             size_t max, unsigned flags)
{
    if (whysz == 0)
        return;
    switch (rc) {
    case -EINVAL:
        snprintf(why, whysz, "%s is a %s, not a %s", shown,
                 st ? fio_type_name(st->st_mode) : "file of another type",
                 (flags & FIO_DIR) ? "directory" : "regular file");
        break;
    case -EFBIG:
        snprintf(why, whysz, "%s is larger than %zu bytes, the most flux-preflight reads of it",
                 shown, max);
        break;
    case -ELOOP:
        if (flags & FIO_NOFOLLOW) {
            snprintf(why, whysz, "%s is a symbolic link", shown);
            break;
        }
        /* fall through */
    default:
        snprintf(why, whysz, "%s: %s", shown, strerror(-rc));
    }
}

static int finish_read(int fd, size_t max, unsigned flags, struct fio_file *f, const char *shown,
                       char *why, size_t whysz)
{
    int rc = fd;

    if (fd >= 0) {
        rc = fio_read_fd(fd, max, flags, &f->data, &f->len);
        close(fd);
    }
    if (rc < 0)
        fio_why(why, whysz, shown, rc, &f->st, max, flags);
    return rc < 0 ? rc : 0;
}

int fio_read(const char *root, const char *path, size_t max, unsigned flags, struct fio_file *f,
             char *why, size_t whysz)
{
    char shown[2 * PATH_MAX];

    memset(f, 0, sizeof(*f));
    f->flags = flags;
    fio_shown(root, path, shown, sizeof(shown));
    return finish_read(fio_open_read(root, path, flags & ~FIO_DIR, &f->st), max, flags & ~FIO_DIR,
                       f, shown, why, whysz);
}

int fio_readat(const char *root, int dfd, const char *dirpath, const char *name, size_t max,
               unsigned flags, struct fio_file *f, char *why, size_t whysz)
{
    char shown[2 * PATH_MAX], path[2 * PATH_MAX];

    memset(f, 0, sizeof(*f));
    f->flags = flags;
    snprintf(path, sizeof(path), "%s/%s", dirpath, name);
    fio_shown(root, path, shown, sizeof(shown));
    return finish_read(fio_openat_read(root, dfd, dirpath, name, flags & ~FIO_DIR, &f->st), max,
                       flags & ~FIO_DIR, f, shown, why, whysz);
}

void fio_file_free(struct fio_file *f)
{
    wipe_free(f->data, f->len, f->flags & FIO_SECRET);
    f->data = NULL;
    f->len = 0;
}

/* ---- directories ------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void fio_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

int fio_list(const char *root, const char *path, bool (*keep)(const char *name, void *arg),
             void *arg, size_t max, char ***namesp, size_t *np, int *dfdp, struct stat *st)
{
    struct stat tmp;
    _cleanup_close_ int dfd = fio_open_read(root, path, FIO_DIR, st ? st : &tmp);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;
    int dup_fd, rc = 0;

    *namesp = NULL;
    *np = 0;
    if (dfdp)
        *dfdp = -1;
    if (dfd < 0)
        return dfd;
    /* readdir() gets a descriptor of its own: DFD stays at the caller's */
    if ((dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0)
        return -errno;
    if (!(d = fdopendir(dup_fd))) {
        rc = -errno;
        close(dup_fd);
        return rc;
    }
    for (errno = 0; (de = readdir(d)); errno = 0) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (keep && !keep(de->d_name, arg))
            continue;
        if (n == max) {
            rc = -E2BIG;
            break;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn) {
                rc = -ENOMEM;
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = -ENOMEM;
            break;
        }
        n++;
    }
    if (!de && errno != 0 && rc == 0)
        rc = -errno;
    closedir(d);
    if (rc < 0) {
        fio_names_free(names, n);
        return rc;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    *namesp = names;
    *np = n;
    if (dfdp)
        *dfdp = TAKE_FD(dfd);
    return 0;
}

int fio_dir_trusted(int dfd, const char *shown, char *why, size_t whysz)
{
    struct stat st;

    if (fstat(dfd, &st) < 0) {
        int e = errno;
        if (whysz)
            snprintf(why, whysz, "cannot stat %s: %s", shown, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (whysz)
            snprintf(why, whysz, "%s is a %s, not a directory", shown, fio_type_name(st.st_mode));
        return -ENOTDIR;
    }
    if (st.st_uid != 0) {
        if (whysz)
            snprintf(why, whysz, "directory %s is owned by uid %u, not root", shown,
                     (unsigned)st.st_uid);
        return -EPERM;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        if (whysz)
            snprintf(why, whysz, "directory %s is writable by %s (mode %04o)", shown,
                     (st.st_mode & S_IWOTH) ? "everyone" : "its group",
                     (unsigned)(st.st_mode & 07777));
        return -EPERM;
    }
    return 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* A name nobody can guess: ".BASE.XXXXXXXX" */
static void temp_name(char *buf, size_t bufsz, const char *base)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[8];
    char suffix[9];

    if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)buf;
        memcpy(r, &x, sizeof(r));
    }
    for (size_t i = 0; i < sizeof(r); i++)
        suffix[i] = chars[r[i] % (sizeof(chars) - 1)];
    suffix[8] = '\0';
    snprintf(buf, bufsz, ".%s.%s", base, suffix);
}

static int werr(char *err, size_t errsz, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int werr(char *err, size_t errsz, int e, const char *fmt, ...)
{
    if (errsz) {
        char what[PATH_MAX + 64];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        snprintf(err, errsz, "%s: %s", what, strerror(e));
    }
    return -e;
}

int fio_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int fio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, unsigned flags,
                     char *err, size_t errsz)
{
    _cleanup_free_ char *dcopy = strdup(path), *bcopy = strdup(path);
    _cleanup_close_ int dfd = -1, fd = -1;
    char tmp[NAME_MAX + 1];
    const char *dir, *base;
    struct stat st;
    int rc;

    if (!dcopy || !bcopy)
        return werr(err, errsz, ENOMEM, "%s", path);
    dir = dirname(dcopy);
    base = basename(bcopy);
    if (!*base || strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return werr(err, errsz, EISDIR, "%s", path);
    if (strlen(base) + 10 > NAME_MAX)
        return werr(err, errsz, ENAMETOOLONG, "%s", path);
    if ((flags & FIO_MKDIR) && mkdir(dir, 0755) < 0 && errno != EEXIST)
        return werr(err, errsz, errno, "cannot create directory %s", dir);
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return werr(err, errsz, errno, "cannot open directory %s", dir);
    if ((flags & FIO_TRUSTED_DIR) && (rc = fio_dir_trusted(dfd, dir, err, errsz)) < 0) {
        if (rc == -EPERM && errsz) {
            size_t l = strlen(err);
            snprintf(err + l, errsz - l, ": refusing to write %s there (it must be owned by "
                     "root and writable by root only)", base);
        }
        return rc;
    }
    for (int tries = 0;; tries++) {
        temp_name(tmp, sizeof(tmp), base);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
            break;
        if (errno != EEXIST || tries == 100)
            return werr(err, errsz, errno, "cannot create a file in %s", dir);
    }
    if (fstat(fd, &st) < 0 ||
        ((flags & FIO_GROUP_ROOT) && st.st_gid != 0 && fchown(fd, (uid_t)-1, 0) < 0) ||
        fchmod(fd, mode) < 0)
        goto fail;
    if ((rc = fio_write_all(fd, data, len)) < 0) {
        errno = -rc;
        goto fail;
    }
    if (fsync(fd) < 0 || close(TAKE_FD(fd)) < 0)
        goto fail;
    if (renameat(dfd, tmp, dfd, base) < 0)
        goto fail;
    /* the rename itself must survive a crash */
    if (fsync(dfd) < 0)
        return werr(err, errsz, errno, "cannot sync directory %s", dir);
    return 0;
fail:
    rc = errno;
    unlinkat(dfd, tmp, 0);
    return werr(err, errsz, rc, "cannot write %s", path);
}
