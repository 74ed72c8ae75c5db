/* Paths inside an image root, resolved as a process chrooted there sees them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/rootpath.h"

/* Kernel < 5.6 (no openat2, also valgrind <= 3.19): RESOLVE_IN_ROOT by hand,
 * one component at a time with O_NOFOLLOW, so that an absolute symlink in an
 * image restarts at the image's top and ".." never climbs above it, as on a
 * newer kernel. At most 40 symbolic links (ELOOP). Returns an fd or -1/errno. */
#define COMPAT_DEPTH 256
static int open_in_root_compat(int rfd, const char *rel, int flags)
{
    char rest[2 * PATH_MAX];
    int stack[COMPAT_DEPTH], depth = 0, links = 0, fd = -1, err = 0;

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
            fd = openat(stack[depth - 1], comp, flags | O_CLOEXEC);
            err = errno;
            break;
        }
        if (!S_ISDIR(st.st_mode) || depth == COMPAT_DEPTH) {
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

int rootpath_open(const char *root, const char *path, int flags)
{
    _cleanup_close_ int rfd = open(root && *root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    const char *rel = path;
    int fd = -1;

    if (rfd < 0)
        return -errno;
    while (*rel == '/')
        rel++;
    if (!*rel)
        rel = ".";
    /* EAGAIN: a rename or mount raced with the lookup; it is safe to retry */
    for (int tries = 0; tries < 8; tries++) {
        fd = (int)syscall(SYS_openat2, rfd, rel, &how, sizeof(how));
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    if (fd < 0 && errno == ENOSYS) /* kernel < 5.6 */
        fd = open_in_root_compat(rfd, rel, flags);
    return fd < 0 ? -errno : fd;
}
