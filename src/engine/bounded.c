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

void fp_bounded_send(int fd, json_t *doc)
{
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

    if (s) {
        fio_write_all(fd, s, strlen(s));
        fio_write_all(fd, "\n", 1);
        free(s);
    }
    json_decref(doc);
}

int fp_bounded_stream(double deadline, int (*fn)(void *arg, int fd), void *arg, json_t **lines,
                      char *err, size_t errsz)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0, cap = 0;
    int p[2], status = 0;
    bool eof = false;
    pid_t pid;

    *lines = NULL;
    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(err, errsz, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    if ((pid = fork()) < 0) {
        snprintf(err, errsz, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        _exit(fn(arg, p[1]) < 0 ? 1 : 0);
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
    /* what arrived, whole lines only */
    if (!(*lines = json_array())) {
        snprintf(err, errsz, "out of memory");
        eof = false;
    }
    for (size_t at = 0; *lines && buf && at < len;) {
        char *nl = memchr(buf + at, '\n', len - at);
        if (!nl)
            break;
        json_t *o = json_loadb(buf + at, (size_t)(nl - (buf + at)), 0, NULL);
        if (!o || json_array_append_new(*lines, o) < 0) {
            snprintf(err, errsz, "the loader sent a malformed answer");
            json_decref(*lines);
            *lines = NULL;
            eof = false;
            break;
        }
        at = (size_t)(nl - buf) + 1;
    }
    if (!eof) {
        /* kill and forget: a child in uninterruptible sleep cannot be waited for */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, WNOHANG);
        if (*lines)
            snprintf(err, errsz, "no answer by the run's deadline");
        return -1;
    }
    if (waitpid(pid, &status, 0) < 0)
        status = 0;
    if (WIFSIGNALED(status)) {
        snprintf(err, errsz, "the loader crashed (signal %d)", WTERMSIG(status));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errsz, "the loader failed (out of memory?)");
        return -1;
    }
    return 0;
}

struct one {
    json_t *(*fn)(void *arg);
    void *arg;
};

static int send_one(void *arg, int fd)
{
    struct one *o = arg;
    json_t *doc = o->fn(o->arg);

    if (!doc)
        return -1;
    fp_bounded_send(fd, doc);
    return 0;
}

json_t *fp_bounded(double deadline, json_t *(*fn)(void *arg), void *arg, char *err,
                   size_t errsz)
{
    struct one o = { .fn = fn, .arg = arg };
    _cleanup_json_ json_t *lines = NULL;

    if (fp_bounded_stream(deadline, send_one, &o, &lines, err, errsz) < 0)
        return NULL;
    if (json_array_size(lines) != 1) {
        snprintf(err, errsz, "the loader sent a malformed answer");
        return NULL;
    }
    return json_incref(json_array_get(lines, 0));
}
