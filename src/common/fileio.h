/* fileio: the one way flux-preflight reaches a file of the node it judges,
 * and its one atomic writer.
 *
 * READING. Every file the gate reads from a node -- the live node, or an
 * image under --root that nobody vetted -- is reached here, and only here:
 *
 *   1. Resolved inside ROOT, as a process chrooted there would see it: an
 *      absolute symbolic link in an image points into the image, ".." stops
 *      at its top, /proc magic links are refused (openat2(2) with
 *      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; on kernels < 5.6, and under
 *      valgrind <= 3.19, which lacks openat2, the same by hand, one
 *      component at a time). ROOT NULL, "" or "/" is the live node, resolved
 *      the same way from "/".
 *   2. Looked at first (O_PATH: never blocks, never runs a device driver's
 *      open), its type judged with fstat() on that descriptor, and reopened
 *      for reading through that same descriptor, O_RDONLY | O_NONBLOCK |
 *      O_NOCTTY | O_CLOEXEC, only when it is what the caller expects (a
 *      regular file, or a directory): a FIFO, a socket or a device where a
 *      file is expected is -EINVAL (the stat says what it is), never a hang
 *      and never an endless read.
 *   3. Read from the descriptor with a cap: more than MAX bytes is -EFBIG
 *      (at most MAX + 1 bytes are ever read).
 *   4. A directory is listed through its descriptor (fio_list()) and its
 *      entries are opened through it (fio_openat_read()).
 *
 * A path made by prefixing the root (fio_shown(), fp_path()) is for
 * messages only: it never reaches open(), stat() or fopen().
 *
 * To read a file of the node:
 *
 *     struct fio_file f = { 0 };
 *     char why[PATH_MAX + 128];
 *     int rc = fio_read(ctx->root, "/etc/passwd", FIO_PASSWD_MAX, 0, &f, why, sizeof(why));
 *     if (rc < 0) -> report why (rc: -ENOENT, -EINVAL not a regular file, -EFBIG, ...)
 *     ... f.data (NUL-terminated), f.len, f.st ...
 *     fio_file_free(&f);
 *
 * or, to keep the descriptor (mmap, a parser that reads by itself):
 *     int fd = fio_open_read(root, path, 0, &st);    (then fio_read_fd(fd, max, ...))
 * and for a directory's entries:
 *     fio_list(root, dir, keep, arg, max, &names, &n, &dfd, NULL);
 *     fd = fio_openat_read(root, dfd, dir, names[i], 0, &st);
 *
 * WRITING. fio_write_atomic() is the gate's one writer (the status file,
 * manifest -o, the fleet manifest cache): a new file beside the target,
 * created O_EXCL under a random name in the directory opened once, fsync'd,
 * renamed over the target, and the directory fsync'd. With FIO_TRUSTED_DIR
 * it refuses a directory that is not owned by root or is writable by group
 * or other (what the status file's readers also demand: fio_dir_trusted()).
 *
 * No globals and no output: this file is linked into the PAM module.
 */
#ifndef FP_COMMON_FILEIO_H
#define FP_COMMON_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Flags of the readers. */
#define FIO_NOFOLLOW (1u << 0) /* the last component must not be a symbolic link (-ELOOP) */
#define FIO_DIR (1u << 1)      /* expect a directory, not a regular file */
#define FIO_SECRET (1u << 2)   /* fio_read*: wipe the bytes (on error, on growth, on free) */

/* Flags of fio_write_atomic(). */
#define FIO_TRUSTED_DIR (1u << 8) /* the directory must be root's and not group/other-writable */
#define FIO_MKDIR (1u << 9)       /* create the directory (mode 0755) when it is missing */
#define FIO_GROUP_ROOT (1u << 10) /* the file's group is root (a setgid directory hands out
                                   * its own) */

/* Caps of the files the gate reads from a node (flux-preflight's limits, so
 * that no file can outlast the run's deadline or exhaust memory). */
#define FIO_PASSWD_MAX (64u * 1024 * 1024) /* /etc/passwd, /etc/group of an image */
#define FIO_SMALL_MAX (1024u * 1024)       /* keys, certificates, PAM files, manifests */

/* ---- resolving ------------------------------------------------------------ */

/* Open PATH (absolute, as seen inside ROOT; a relative one is taken from the
 * root) with FLAGS (O_CLOEXEC is added). Use O_PATH to look at something
 * (fstat, fstatfs, readlinkat), fio_open_read() to read it. Returns an fd,
 * or -errno. */
int fio_open(const char *root, const char *path, int flags);

/* The kernel < 5.6 path of fio_open(), by hand: for tests of that path only
 * (fio_open() takes it by itself when openat2 is missing). */
int fio_open_by_hand(const char *root, const char *path, int flags);

/* "ROOT" + "PATH" into BUF, as messages show a path of an image (PATH
 * alone on the live node). Returns BUF; a path that does not fit is cut.
 * For messages only: never open what this returns. */
const char *fio_shown(const char *root, const char *path, char *buf, size_t bufsz);

/* ---- opening to read ---------------------------------------------------------- */

/* Open PATH inside ROOT for reading when it is a regular file (a directory
 * with FIO_DIR), following symbolic links inside
 * the root (not the last one with FIO_NOFOLLOW). ST, when not NULL, gets the
 * fstat of what is there, also on -EINVAL (what it is instead). Returns an fd,
 * or -errno: -ENOENT / -ENOTDIR (missing), -EINVAL (not the expected type),
 * -ELOOP (FIO_NOFOLLOW and a symbolic link, or too many links), -EACCES, ... */
int fio_open_read(const char *root, const char *path, unsigned flags, struct stat *st);

/* The same for NAME, one entry of the directory DFD (as fio_list() or
 * readdir() gave it), which is DIRPATH inside ROOT: opened through DFD; a
 * NAME that is a symbolic link is followed inside ROOT from DIRPATH/NAME. */
int fio_openat_read(const char *root, int dfd, const char *dirpath, const char *name,
                    unsigned flags, struct stat *st);

/* PFD is an O_PATH descriptor of something already looked at: open that very
 * inode for reading when it is a regular file (a directory with FIO_DIR),
 * ST then its fstat; -EINVAL (ST says what it is), -ELOOP (a symbolic link,
 * looked at with O_NOFOLLOW), or -EOPNOTSUPP when there is no /proc to reopen
 * it through (then open the path again with fio_open_read() and compare the
 * inode). For callers that judge a path themselves before reading it (a unit
 * file that may be a mask). */
int fio_reopen(int pfd, unsigned flags, struct stat *st);

/* ---- reading ---------------------------------------------------------------- */

/* Read FD from its offset to its end into a malloc'd buffer with a NUL after
 * the last byte: 0 with *DATA and *LEN, or -errno; -EFBIG when it holds more
 * than MAX bytes (no more than MAX + 1 are read). FIO_SECRET wipes the bytes
 * on error and whenever the buffer moves. */
int fio_read_fd(int fd, size_t max, unsigned flags, char **data, size_t *len);

struct fio_file {
    char *data;     /* LEN bytes and a NUL (the file may hold NULs: use LEN) */
    size_t len;
    struct stat st; /* the file read; on -EINVAL what is there instead */
    unsigned flags;
};

/* fio_open_read() + fio_read_fd(). On error F holds no data, and WHY (when
 * WHYSZ > 0) a message naming the file as shown (fio_shown()): "PATH is a
 * FIFO, not a regular file", "PATH is larger than 1048576 bytes, the most
 * flux-preflight reads of it", "PATH: No such file or directory". */
int fio_read(const char *root, const char *path, size_t max, unsigned flags, struct fio_file *f,
             char *why, size_t whysz);

/* The same for an entry of a directory (fio_openat_read()). */
int fio_readat(const char *root, int dfd, const char *dirpath, const char *name, size_t max,
               unsigned flags, struct fio_file *f, char *why, size_t whysz);

/* Release (wiped first with FIO_SECRET); safe on a zeroed struct. */
void fio_file_free(struct fio_file *f);

/* The message fio_read() gives for RC about SHOWN (ST: what is there, for
 * -EINVAL; MAX: the cap, for -EFBIG; FLAGS: what was expected). */
void fio_why(char *why, size_t whysz, const char *shown, int rc, const struct stat *st,
             size_t max, unsigned flags);

/* "regular file", "directory", "symbolic link", "FIFO", "socket",
 * "character device", "block device" */
const char *fio_type_name(mode_t mode);

/* ---- directories -------------------------------------------------------------- */

/* List the directory PATH inside ROOT through its descriptor: the names KEEP
 * accepts (NULL: all but "." and ".."), sorted in C-locale byte order (what
 * glob(3) gives under the C locale Flux's services run with), at most MAX of
 * them (-E2BIG beyond). *NAMES is malloc'd (NULL when there are none; free
 * with fio_names_free()). With DFD not NULL, *DFD is the directory's
 * descriptor, for fio_openat_read() (the caller closes it). ST (may be NULL)
 * gets the directory's fstat, or what is there instead on -EINVAL. */
int fio_list(const char *root, const char *path, bool (*keep)(const char *name, void *arg),
             void *arg, size_t max, char ***names, size_t *n, int *dfd, struct stat *st);
void fio_names_free(char **names, size_t n);

/* Is the directory DFD fit to hold what root trusts: owned by root and
 * writable by nobody else (no group or other write bit)? 0, or -EPERM with
 * WHY naming SHOWN ("/run/flux-preflight is writable by everyone (mode
 * 0777)"), or another -errno. */
int fio_dir_trusted(int dfd, const char *shown, char *why, size_t whysz);

/* ---- writing ---------------------------------------------------------------- */

/* Write all LEN bytes to FD (a pipe, a file), through EINTR and short writes:
 * 0, or -errno. */
int fio_write_all(int fd, const void *data, size_t len);

/* Write LEN bytes of DATA to PATH (a path of this host, not of an image)
 * atomically, as file mode MODE: a temp file beside it (O_EXCL, random
 * name), fsync, rename over PATH, fsync of the directory. FIO_MKDIR creates
 * the directory when it is missing; FIO_TRUSTED_DIR refuses (-EPERM) one that
 * fio_dir_trusted() rejects; FIO_GROUP_ROOT gives the file group root.
 * 0, or -errno with ERR saying what failed, naming the path. */
int fio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, unsigned flags,
                     char *err, size_t errsz);

#endif
