/* fileio: resolving inside a root (openat2 and by hand), type checks on the
 * descriptor, size caps, directory listing, the trusted directory rule and
 * the atomic writer, on real temp trees (FIFOs, device nodes, symlinks out of
 * the root). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/fileio.h"
#include "tap.h"

static char tmp[PATH_MAX - 64], img[PATH_MAX], host[PATH_MAX];

#define TOKEN "host-token-5f1e0c"

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static const char *at(const char *dir, const char *rel)
{
    static char buf[8][PATH_MAX];
    static int n;
    char *p = buf[n++ % 8];
    snprintf(p, PATH_MAX, "%s/%s", dir, rel);
    return p;
}

static void mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

/* Read PATH in the image with fio_open (or by hand) and return its bytes. */
static const char *read_in(const char *root, const char *path, bool by_hand, int *err)
{
    static char buf[256];
    int fd = by_hand ? fio_open_by_hand(root, path, O_RDONLY) : fio_open(root, path, O_RDONLY);
    ssize_t n;

    *err = 0;
    if (fd < 0) {
        *err = -fd;
        return "";
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void test_resolve(bool by_hand)
{
    const char *how = by_hand ? "by hand" : "openat2";
    int err;

    /* an absolute link to the host's file resolves inside the image */
    is(read_in(img, "/etc/abs-link", by_hand, &err), "", "%s: absolute link to a host path: "
       "nothing read", how);
    is_int(err, ENOENT, "%s: absolute link to a host path: ENOENT inside the image", how);
    /* the image's own copy of that path is what a link reaches */
    is(read_in(img, "/etc/abs-image", by_hand, &err), "image\n",
       "%s: absolute link to /data/file reaches the image's /data/file", how);
    /* ".." chains stop at the image's top */
    is(read_in(img, "/etc/dotdot", by_hand, &err), "image\n",
       "%s: ../../../../../../data/file stays in the image", how);
    is(read_in(img, "/../../../../data/file", by_hand, &err), "image\n",
       "%s: a path starting with .. stays in the image", how);
    /* a directory link, then .. */
    is(read_in(img, "/etc/dirlink/../data/file", by_hand, &err), "image\n",
       "%s: dir link to / then .. stays in the image", how);
    /* a loop */
    read_in(img, "/etc/loop", by_hand, &err);
    is_int(err, ELOOP, "%s: a symlink loop is ELOOP", how);
    /* the live node: root "/" and NULL resolve from / */
    is(read_in(NULL, at(host, "secret"), by_hand, &err), TOKEN "\n",
       "%s: root NULL reads the host's file", how);
    is(read_in("/", at(host, "secret"), by_hand, &err), TOKEN "\n",
       "%s: root / reads the host's file", how);
}

static void test_read(void)
{
    struct fio_file f = { 0 };
    char why[PATH_MAX + 256];
    int rc;

    rc = fio_read(img, "/data/file", 64, 0, &f, why, sizeof(why));
    is_int(rc, 0, "fio_read: a regular file reads");
    ok(f.len == 6 && memcmp(f.data, "image\n", 7) == 0, "fio_read: its bytes and a NUL");
    fio_file_free(&f);

    rc = fio_read(img, "/etc/abs-link", 64, 0, &f, why, sizeof(why));
    is_int(rc, -ENOENT, "fio_read: an absolute link out of the image is ENOENT");
    ok(strstr(why, TOKEN) == NULL, "fio_read: the host file's content is in no message");

    rc = fio_read(img, "/etc/fifo", 64, 0, &f, why, sizeof(why));
    is_int(rc, -EINVAL, "fio_read: a FIFO is -EINVAL (no hang)");
    ok(S_ISFIFO(f.st.st_mode), "fio_read: the stat says FIFO");
    is(why, at(img, "etc/fifo is a FIFO, not a regular file"), "fio_read: the message says so");

    rc = fio_read(img, "/etc/fifo-link", 64, 0, &f, why, sizeof(why));
    is_int(rc, -EINVAL, "fio_read: a link to a FIFO is -EINVAL");

    if (geteuid() == 0) {
        rc = fio_read(img, "/dev/zero", 64, 0, &f, why, sizeof(why));
        is_int(rc, -EINVAL, "fio_read: /dev/zero (a device node in the image) is -EINVAL");
        is(why, at(img, "dev/zero is a character device, not a regular file"),
           "fio_read: the message names the character device");
    } else {
        ok(1, "# SKIP device nodes need root");
        ok(1, "# SKIP device nodes need root");
    }

    rc = fio_read(img, "/etc", 64, 0, &f, why, sizeof(why));
    is_int(rc, -EINVAL, "fio_read: a directory where a file is expected is -EINVAL");
    is(why, at(img, "etc is a directory, not a regular file"), "fio_read: the message says so");

    rc = fio_read(img, "/data/big", 1000, 0, &f, why, sizeof(why));
    is_int(rc, -EFBIG, "fio_read: 1001 bytes over a 1000-byte cap is -EFBIG");
    is(why, at(img, "data/big is larger than 1000 bytes, the most flux-preflight reads of it"),
       "fio_read: the message names the cap");
    ok(f.data == NULL && f.len == 0, "fio_read: no data on error");
    rc = fio_read(img, "/data/big", 1001, 0, &f, why, sizeof(why));
    is_int(rc, 0, "fio_read: 1001 bytes under a 1001-byte cap read");
    is_int(f.len, 1001, "fio_read: all 1001 bytes");
    fio_file_free(&f);

    rc = fio_read(img, "/etc/abs-image", 64, FIO_NOFOLLOW, &f, why, sizeof(why));
    is_int(rc, -ELOOP, "fio_read: FIO_NOFOLLOW refuses a symbolic link");
    is(why, at(img, "etc/abs-image is a symbolic link"), "fio_read: the message says so");

    rc = fio_read(img, "/data/empty", 64, 0, &f, why, sizeof(why));
    ok(rc == 0 && f.len == 0 && f.data && f.data[0] == '\0', "fio_read: an empty file is \"\"");
    fio_file_free(&f);

    rc = fio_read(NULL, "/proc/self/status", 1 << 20, 0, &f, why, sizeof(why));
    ok(rc == 0 && strstr(f.data, "Name:") != NULL,
       "fio_read: a /proc file (st_size 0) reads to its end");
    fio_file_free(&f);

    rc = fio_read(img, "/data/file", 64, FIO_SECRET, &f, why, sizeof(why));
    ok(rc == 0 && f.len == 6, "fio_read: FIO_SECRET reads the same");
    fio_file_free(&f);
    ok(f.data == NULL, "fio_file_free: released");
}

/* no more than MAX + 1 bytes leave the descriptor */
static void test_read_fd_cap(void)
{
    int p[2];
    char block[4096], *data = NULL, rest[8192];
    size_t len = 0;

    memset(block, 'x', sizeof(block));
    if (pipe(p) < 0) {
        perror("pipe");
        exit(1);
    }
    for (int i = 0; i < 2; i++)
        if (write(p[1], block, sizeof(block)) != (ssize_t)sizeof(block))
            exit(1);
    close(p[1]);
    is_int(fio_read_fd(p[0], 5000, 0, &data, &len), -EFBIG, "fio_read_fd: 8192 bytes, cap 5000");
    ssize_t left = read(p[0], rest, sizeof(rest));
    is_int(left, 8192 - 5001, "fio_read_fd: it read 5001 bytes (the cap + 1), no more");
    close(p[0]);
}

static bool keep_toml(const char *name, void *arg)
{
    (void)arg;
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".toml") == 0;
}

static void test_list(void)
{
    char **names = NULL;
    size_t n = 0;
    int dfd = -1, rc;
    struct stat st;
    struct fio_file f = { 0 };
    char why[PATH_MAX + 256];

    rc = fio_list(img, "/conf.d", keep_toml, NULL, 100, &names, &n, &dfd, &st);
    is_int(rc, 0, "fio_list: lists conf.d");
    is_int(n, 4, "fio_list: 4 *.toml (no dotfile, no other suffix)");
    if (n == 4) {
        is(names[0], "a.toml", "fio_list: sorted (a.toml first)");
        is(names[1], "b.toml", "fio_list: sorted (b.toml)");
        is(names[2], "c.toml", "fio_list: sorted (c.toml)");
        is(names[3], "fifo.toml", "fio_list: sorted (fifo.toml last)");
    }
    rc = fio_readat(img, dfd, "/conf.d", "a.toml", 64, 0, &f, why, sizeof(why));
    ok(rc == 0 && strcmp(f.data, "a = 1\n") == 0, "fio_readat: a file through the descriptor");
    fio_file_free(&f);
    rc = fio_readat(img, dfd, "/conf.d", "b.toml", 64, 0, &f, why, sizeof(why));
    is_int(rc, -ENOENT, "fio_readat: an absolute link to the host's file is ENOENT");
    rc = fio_readat(img, dfd, "/conf.d", "c.toml", 64, 0, &f, why, sizeof(why));
    ok(rc == 0 && strcmp(f.data, "image\n") == 0,
       "fio_readat: a link ../../../data/file stays in the image");
    fio_file_free(&f);
    rc = fio_readat(img, dfd, "/conf.d", "fifo.toml", 64, 0, &f, why, sizeof(why));
    is_int(rc, -EINVAL, "fio_readat: a FIFO is -EINVAL");
    is(why, at(img, "conf.d/fifo.toml is a FIFO, not a regular file"),
       "fio_readat: the message names the entry");
    is_int(fio_openat_read(img, dfd, "/conf.d", "../data/file", 0, NULL), -EINVAL,
           "fio_openat_read: a name with a slash is refused");
    close(dfd);
    fio_names_free(names, n);

    rc = fio_list(img, "/conf.d", keep_toml, NULL, 3, &names, &n, NULL, NULL);
    is_int(rc, -E2BIG, "fio_list: more names than the cap is -E2BIG");

    rc = fio_list(img, "/empty.d", NULL, NULL, 100, &names, &n, NULL, NULL);
    ok(rc == 0 && n == 0 && names == NULL, "fio_list: an empty directory: no names");
    rc = fio_list(img, "/data/file", NULL, NULL, 100, &names, &n, NULL, &st);
    ok(rc == -EINVAL && S_ISREG(st.st_mode), "fio_list: a file is -EINVAL (stat says file)");
    rc = fio_list(img, "/etc/dirlink", NULL, NULL, 100, &names, &n, NULL, NULL);
    ok(rc == 0 && n > 0, "fio_list: a link to / lists the image's top");
    bool found_token_dir = false;
    for (size_t i = 0; i < n; i++)
        found_token_dir |= strcmp(names[i], "conf.d") == 0;
    ok(found_token_dir, "fio_list: ... which holds the image's conf.d");
    fio_names_free(names, n);
}

static void test_trusted_and_write(void)
{
    char why[PATH_MAX + 256], err[PATH_MAX + 256];
    const char *dir = at(tmp, "run");
    const char *file = at(tmp, "run/status.json");
    struct fio_file f = { 0 };
    int dfd, rc;

    rc = fio_write_atomic(file, "{}\n", 3, 0644, FIO_MKDIR | FIO_TRUSTED_DIR, err, sizeof(err));
    is_int(rc, geteuid() == 0 ? 0 : -EPERM, "fio_write_atomic: FIO_MKDIR creates the directory");
    if (geteuid() != 0) {
        ok(1, "# SKIP the rest needs root");
        return;
    }
    rc = fio_read(NULL, file, 64, 0, &f, why, sizeof(why));
    ok(rc == 0 && strcmp(f.data, "{}\n") == 0 && (f.st.st_mode & 07777) == 0644,
       "fio_write_atomic: content and mode 0644");
    fio_file_free(&f);
    rc = fio_write_atomic(file, "{\"a\":1}\n", 8, 0600, FIO_TRUSTED_DIR, err, sizeof(err));
    rc = rc == 0 ? fio_read(NULL, file, 64, 0, &f, why, sizeof(why)) : rc;
    ok(rc == 0 && strcmp(f.data, "{\"a\":1}\n") == 0 && (f.st.st_mode & 07777) == 0600,
       "fio_write_atomic: replaces the file");
    fio_file_free(&f);
    char **names = NULL;
    size_t n = 0;
    fio_list(NULL, dir, NULL, NULL, 100, &names, &n, NULL, NULL);
    is_int(n, 1, "fio_write_atomic: no temp file left behind");
    fio_names_free(names, n);

    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    is_int(fio_dir_trusted(dfd, dir, why, sizeof(why)), 0, "fio_dir_trusted: root, 0755");
    chmod(dir, 0777);
    is_int(fio_dir_trusted(dfd, dir, why, sizeof(why)), -EPERM, "fio_dir_trusted: 0777 refused");
    {
        char want[PATH_MAX + 64];
        snprintf(want, sizeof(want), "directory %s is writable by everyone (mode 0777)", dir);
        is(why, want, "fio_dir_trusted: 0777: the message says why");
    }
    rc = fio_write_atomic(file, "x", 1, 0644, FIO_TRUSTED_DIR, err, sizeof(err));
    is_int(rc, -EPERM, "fio_write_atomic: FIO_TRUSTED_DIR refuses a 0777 directory");
    ok(strstr(err, "writable by everyone (mode 0777): refusing to write status.json there") != NULL,
       "fio_write_atomic: the error says why (%s)", err);
    rc = fio_write_atomic(file, "x", 1, 0644, 0, err, sizeof(err));
    is_int(rc, 0, "fio_write_atomic: without FIO_TRUSTED_DIR it writes there");
    chmod(dir, 0775);
    is_int(fio_dir_trusted(dfd, dir, why, sizeof(why)), -EPERM, "fio_dir_trusted: 0775 refused");
    chmod(dir, 0755);
    if (chown(dir, 1234, 1234) == 0) {
        is_int(fio_dir_trusted(dfd, dir, why, sizeof(why)), -EPERM,
               "fio_dir_trusted: owned by uid 1234 refused");
        ok(strstr(why, "is owned by uid 1234, not root") != NULL,
           "fio_dir_trusted: uid 1234: the message says why");
        rc = fio_write_atomic(file, "x", 1, 0644, FIO_TRUSTED_DIR, err, sizeof(err));
        is_int(rc, -EPERM, "fio_write_atomic: FIO_TRUSTED_DIR refuses a directory of uid 1234");
        if (chown(dir, 0, 0) < 0)
            exit(1);
    }
    close(dfd);
    /* a setgid directory of another group: FIO_GROUP_ROOT keeps the file root's */
    if (chown(dir, 0, 1234) == 0 && chmod(dir, 02755) == 0) {
        rc = fio_write_atomic(file, "x", 1, 0644, FIO_GROUP_ROOT, err, sizeof(err));
        struct stat st;
        ok(rc == 0 && stat(file, &st) == 0 && st.st_gid == 0,
           "fio_write_atomic: FIO_GROUP_ROOT: group root in a setgid directory");
    }
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof(tmp), "%s/test-fileio.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(img, sizeof(img), "%s/img", tmp);
    snprintf(host, sizeof(host), "%s/host", tmp);
    mkdirs(host);
    put(at(host, "secret"), TOKEN "\n");
    mkdirs(at(img, "etc"));
    mkdirs(at(img, "data"));
    mkdirs(at(img, "conf.d"));
    mkdirs(at(img, "empty.d"));
    put(at(img, "data/file"), "image\n");
    put(at(img, "data/empty"), "");
    {
        char big[1002];
        memset(big, 'b', 1001);
        big[1001] = '\0';
        put(at(img, "data/big"), big);
    }
    if (symlink(at(host, "secret"), at(img, "etc/abs-link")) < 0 ||
        symlink("/data/file", at(img, "etc/abs-image")) < 0 ||
        symlink("../../../../../../../../data/file", at(img, "etc/dotdot")) < 0 ||
        symlink("/", at(img, "etc/dirlink")) < 0 || symlink("loop", at(img, "etc/loop")) < 0 ||
        mkfifo(at(img, "etc/fifo"), 0644) < 0 || symlink("fifo", at(img, "etc/fifo-link")) < 0) {
        perror("fixture");
        return 1;
    }
    put(at(img, "conf.d/a.toml"), "a = 1\n");
    put(at(img, "conf.d/.hidden.toml"), "x = 1\n");
    put(at(img, "conf.d/readme.txt"), "x\n");
    if (symlink(at(host, "secret"), at(img, "conf.d/b.toml")) < 0 ||
        symlink("../../../data/file", at(img, "conf.d/c.toml")) < 0 ||
        mkfifo(at(img, "conf.d/fifo.toml"), 0644) < 0) {
        perror("fixture");
        return 1;
    }
    if (geteuid() == 0) {
        mkdirs(at(img, "dev"));
        if (mknod(at(img, "dev/zero"), S_IFCHR | 0666, makedev(1, 5)) < 0) {
            perror("mknod");
            return 1;
        }
    }

    test_resolve(false);
    test_resolve(true);
    test_read();
    test_read_fd_cap();
    test_list();
    test_trusted_and_write();

    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
