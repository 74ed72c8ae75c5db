/* Reading the node under the run's deadline (bounded.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/bounded.h"
#include "engine/context.h"

json_t *fp_bounded(double deadline, json_t *(*fn)(void *arg), void *arg, char *err,
                   size_t errsz)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0, cap = 0;
    int p[2], status = 0;
    bool eof = false;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(err, errsz, "pipe: %s", strerror(errno));
        return NULL;
    }
    fflush(NULL);
    if ((pid = fork()) < 0) {
        snprintf(err, errsz, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return NULL;
    }
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        json_t *doc = fn(arg);
        char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        if (s)
            fio_write_all(p[1], s, strlen(s));
        _exit(s ? 0 : 1);
    }
    close(p[1]);
    while (!eof) {
        double left = deadline - fp_now();
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        int r;

        if (left <= 0)
            break;
        r = poll(&pfd, 1, (int)ceil(left * 1000.0));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (cap - len < 65536) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap);
            if (!nb)
                break;
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(p[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            eof = true;
        else
            len += (size_t)n;
    }
    close(p[0]);
    if (!eof) {
        /* kill and forget: a child in uninterruptible sleep cannot be waited for */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, WNOHANG);
        snprintf(err, errsz, "no answer by the run's deadline");
        return NULL;
    }
    if (waitpid(pid, &status, 0) < 0)
        status = 0;
    if (WIFSIGNALED(status)) {
        snprintf(err, errsz, "the loader crashed (signal %d)", WTERMSIG(status));
        return NULL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf) {
        snprintf(err, errsz, "the loader failed (out of memory?)");
        return NULL;
    }
    buf[len] = '\0';
    json_t *doc = json_loadb(buf, len, 0, NULL);
    if (!doc)
        snprintf(err, errsz, "the loader sent a malformed answer");
    return doc;
}
