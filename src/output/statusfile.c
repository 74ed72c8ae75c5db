/* The status file: the PAM module and `flux-preflight status` read it. A
 * reader must never see half a file, so write a temp file and rename it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "output/output.h"

int output_statusfile_write(const char *path, json_t *doc, char *err, size_t errsz)
{
    char tmp[PATH_MAX];
    _cleanup_free_ char *s = json_dumps(doc, JSON_INDENT(2));
    _cleanup_close_ int fd = -1;
    size_t len;

    if (!s || snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        snprintf(err, errsz, "%s: cannot format the status", path);
        return -1;
    }
    /* Our own directory (the unit's RuntimeDirectory=); a run by hand may come first. */
    _cleanup_free_ char *dir = strdup(path);
    if (dir && mkdir(dirname(dir), 0755) < 0 && errno != EEXIST) {
        snprintf(err, errsz, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    len = strlen(s);
    s[len] = '\0';
    const char *p = s;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        p += n;
        left -= n;
    }
    if (write(fd, "\n", 1) != 1 || fchmod(fd, 0644) < 0 || fsync(fd) < 0)
        goto fail;
    if (close(TAKE_FD(fd)) < 0 || rename(tmp, path) < 0)
        goto fail_closed;
    return 0;
fail:
    close(TAKE_FD(fd));
fail_closed:
    snprintf(err, errsz, "%s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
}
