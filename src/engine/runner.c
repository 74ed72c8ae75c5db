/* The runner. See runner.h for the model. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/job.h"
#include "engine/registry.h"
#include "engine/runner.h"
#include "engine/verdict.h"

#define BACKOFF_FIRST 0.1
#define BACKOFF_MAX 2.0

enum task_state { T_PENDING, T_RUNNING, T_WAITING, T_DONE };

struct runner;

/* A child process and the pipe it reports on. */
struct child {
    struct runner *rn;
    pid_t pid;
    int fd;
    sd_event_source *io;
    char *buf;
    size_t len, cap;
};

struct task {
    struct runner *rn;
    size_t idx;
    const struct fp_check *c;
    struct fp_result *r;
    enum task_state state;
    double timeout;
    bool have_result;     /* an earlier attempt reported (waitable retries) */
    uint64_t first_start; /* usec, CLOCK_MONOTONIC */
    uint64_t attempt_start;
    double backoff;
    unsigned flags;       /* the check's FP_CHECK_* for this node (fp_check_flags) */
    struct child ch;      /* FS|SOLO checks: their own child */
    struct job *job;      /* SOLO checks: their thread's attempt */
    sd_event_source *timer;
};

struct runner {
    const struct fp_ctx *ctx;
    const struct fp_run_opts *opts;
    sd_event *ev;
    struct task *tasks;
    size_t n;
    size_t running;   /* the checks that run (not turned off or skipped) */
    size_t remaining;
    struct child worker;  /* FS checks, run in sequence */
    struct task *worker_current;
    int wake[2];          /* SOLO threads write their task's index here */
    sd_event_source *wake_io;
    bool threads_left;    /* a thread was abandoned: it may still use the context */
    bool worker_restart;  /* the worker was abandoned while its output was being read */
    sd_event_source *deadline, *ticker;
    uint64_t deadline_usec;
    char last_progress[512];
};

static const struct {
    const char *name;
    unsigned bit;
} fault_names[] = {
    { "event-loop", FP_FAULT_EVENT_LOOP },
    { "deadline-timer", FP_FAULT_DEADLINE_TIMER },
    { "timeout-timer", FP_FAULT_TIMEOUT_TIMER },
    { "retry-timer", FP_FAULT_RETRY_TIMER },
};

int fp_fault_parse(const char *s)
{
    unsigned bits = 0;
    _cleanup_free_ char *copy = strdup(s ? s : "");
    char *save = NULL;

    if (!copy)
        return -1;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        size_t i = 0;
        while (i < sizeof(fault_names) / sizeof(fault_names[0]) && strcmp(tok, fault_names[i].name))
            i++;
        if (i == sizeof(fault_names) / sizeof(fault_names[0]))
            return -1;
        bits |= fault_names[i].bit;
    }
    return (int)bits;
}

/* Every timer goes through here, so that a timer that could not be armed is
 * seen (and can be injected): the caller turns that into an error. */
static int add_timer(struct runner *rn, sd_event_source **src, uint64_t usec,
                     sd_event_time_handler_t cb, void *data, unsigned fault)
{
    if (rn->opts->faults & fault)
        return -ENOMEM;
    return sd_event_add_time(rn->ev, src, CLOCK_MONOTONIC, usec, 1000, cb, data);
}

static bool can_block(const struct runner *rn, const struct task *t)
{
    return fp_can_block(t->r->severity, rn->ctx->set->mode);
}

/* Filesystem checks run in sequence in the worker child. */
static bool in_worker(const struct task *t)
{
    return (t->flags & (FP_CHECK_FS | FP_CHECK_SOLO)) == FP_CHECK_FS;
}

static uint64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static const char *fmt_secs(char *buf, size_t sz, double s)
{
    if (s == floor(s))
        snprintf(buf, sz, "%.0fs", s);
    else
        snprintf(buf, sz, "%.3gs", s);
    return buf;
}

/* --- the child side ---------------------------------------------------- */

static void send_line(int fd, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    if (s) {
        fio_write_all(fd, s, strlen(s));
        fio_write_all(fd, "\n", 1);
        free(s);
    }
    json_decref(o);
}

static void child_run_one(const struct fp_ctx *ctx, const struct fp_check *c, size_t idx, int fd)
{
    struct fp_result r;
    fp_result_init(&r, c);
    send_line(fd, json_pack("{s:I}", "start", (json_int_t)idx));
    c->run(ctx, &r);
    fp_result_finish(&r);
    json_t *o = fp_result_to_json(&r);
    json_object_set_new(o, "idx", json_integer((json_int_t)idx));
    send_line(fd, o);
    fp_result_clear(&r);
}

/* Fork a child that runs tasks[idx...] matching want (the FS worker runs
 * every pending FS task; a SOLO child runs one). Returns 0 or -errno. */
static int child_spawn(struct runner *rn, struct child *ch, struct task **list, size_t n);

static int on_child_io(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static int child_spawn(struct runner *rn, struct child *ch, struct task **list, size_t n)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return -e;
    }
    if (pid == 0) {
        /* Keep only our pipe: a sibling holding another child's write end
         * would hide that child's end of file from the supervisor. */
        if (p[1] != 3) {
            dup2(p[1], 3);
        }
        close_range(4, ~0U, 0);
        signal(SIGPIPE, SIG_IGN);
        for (size_t i = 0; i < n; i++)
            child_run_one(rn->ctx, list[i]->c, list[i]->idx, 3);
        _exit(0);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    ch->rn = rn;
    ch->pid = pid;
    ch->fd = p[0];
    ch->len = 0;
    int r = sd_event_add_io(rn->ev, &ch->io, ch->fd, EPOLLIN, on_child_io, ch);
    if (r < 0) {
        kill(pid, SIGKILL);
        close(ch->fd);
        ch->fd = -1;
        return r;
    }
    return 0;
}

/* Kill and forget: a child in uninterruptible sleep cannot be waited for. */
static void child_abandon(struct child *ch)
{
    if (ch->pid > 0) {
        kill(ch->pid, SIGKILL);
        waitpid(ch->pid, NULL, WNOHANG);
    }
    ch->io = sd_event_source_disable_unref(ch->io);
    if (ch->fd >= 0)
        close(ch->fd);
    ch->fd = -1;
    ch->pid = 0;
    ch->len = 0;
}

/* --- threads: SOLO checks (engine/job.h) ------------------------------- */

/* Let go of t's thread if it has not answered: it runs on (a thread cannot be
 * killed), never touches the run again, and the context must outlive it. */
static void task_abandon_job(struct runner *rn, struct task *t)
{
    if (!t->job)
        return;
    fp_job_abandon(t->job);
    t->job = NULL;
    rn->threads_left = true;
}

/* --- progress ----------------------------------------------------------- */

static void progress(struct runner *rn)
{
    char text[512] = "";
    size_t off = 0;
    unsigned waiting = 0;
    uint64_t now = now_usec();

    if (!rn->opts->progress)
        return;
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->state == T_DONE || !t->have_result || !t->r->waiting)
            continue;
        char secs[32];
        off += snprintf(text + off, sizeof(text) - off, "%s%s (%s)", waiting++ ? ", " : "waiting for ",
                        t->r->waiting,
                        fmt_secs(secs, sizeof(secs), floor((now - t->first_start) / 1e6)));
        if (off >= sizeof(text))
            break;
    }
    if (!waiting)
        snprintf(text, sizeof(text), "running %zu check%s (%zu left)", rn->running,
                 rn->running == 1 ? "" : "s", rn->remaining);
    if (strcmp(text, rn->last_progress) != 0) {
        snprintf(rn->last_progress, sizeof(rn->last_progress), "%s", text);
        rn->opts->progress(rn->opts->progress_arg, text);
    }
}

/* --- task life cycle ---------------------------------------------------- */

static void task_done(struct task *t)
{
    struct runner *rn = t->rn;
    if (t->state == T_DONE)
        return;
    t->state = T_DONE;
    t->timer = sd_event_source_disable_unref(t->timer);
    t->r->duration_us = now_usec() - t->first_start;
    if (--rn->remaining == 0 && rn->ev)
        sd_event_exit(rn->ev, 0);
}

static int start_solo(struct task *t);
static void worker_start(struct runner *rn);

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct task *t = userdata;
    t->timer = sd_event_source_disable_unref(t->timer);
    if (start_solo(t) < 0 && t->state != T_DONE) {
        fp_error(t->r, "could not start the check: %s", strerror(errno));
        task_done(t);
    }
    return 0;
}

/* A waitable check whose last answer was "not yet": try again after a
 * backoff while the deadline leaves room. A check whose failure cannot block
 * is not worth the wait: its first answer is final. Returns true when a retry
 * is armed (or the task ended on a timer that could not be armed); false when
 * the last answer is final (at the deadline, it says so). */
static bool retry_later(struct task *t)
{
    struct runner *rn = t->rn;
    char secs[32];
    int r;

    if (!t->r->retry || !(t->c->flags & FP_CHECK_WAITABLE) || !rn->opts->wait || !can_block(rn, t))
        return false;
    uint64_t at = now_usec() + (uint64_t)(t->backoff * 1e6);
    if (at + 1000 >= rn->deadline_usec) {
        fp_report(t->r, t->r->status, "still not ready by the run deadline (%s)",
                  fmt_secs(secs, sizeof(secs), rn->ctx->set->deadline));
        return false;
    }
    t->state = T_WAITING;
    t->backoff = fmin(t->backoff * 2, BACKOFF_MAX);
    t->timer = sd_event_source_disable_unref(t->timer);
    if ((r = add_timer(rn, &t->timer, at, on_retry, t, FP_FAULT_RETRY_TIMER)) < 0) {
        fp_error(t->r, "could not arm the timer for the next attempt: %s", strerror(-r));
        task_done(t);
        return true;
    }
    progress(rn);
    return true;
}

/* A result arrived (fresh, moved in): keep it, and retry if it asks for it
 * and the deadline leaves room. */
static void task_take(struct task *t, struct fp_result *fresh)
{
    fresh->severity = t->r->severity;
    fresh->attempts = t->r->attempts;
    fp_result_clear(t->r);
    *t->r = *fresh;
    t->have_result = true;

    if (!retry_later(t))
        task_done(t);
}

/* A result arrived from a child, as JSON. */
static void task_result(struct task *t, json_t *o)
{
    struct fp_result fresh;

    fp_result_init(&fresh, t->c);
    if (fp_result_from_json(&fresh, o) < 0) {
        fp_error(&fresh, "the check sent a malformed result");
    }
    task_take(t, &fresh);
}

/* Threads that finished: their task indexes, on the wake pipe. */
static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
    struct runner *rn = userdata;
    size_t idx;
    ssize_t n;

    while ((n = read(fd, &idx, sizeof(idx))) == (ssize_t)sizeof(idx)) {
        struct task *t = idx < rn->n ? &rn->tasks[idx] : NULL;
        struct job *j = t ? t->job : NULL;
        if (!j)
            continue; /* abandoned meanwhile */
        struct fp_result fresh;
        fp_job_take(j, &fresh);
        t->job = NULL;
        t->timer = sd_event_source_disable_unref(t->timer);
        task_take(t, &fresh);
    }
    return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata);

static int arm_timeout(struct task *t)
{
    struct runner *rn = t->rn;
    uint64_t at = t->attempt_start + (uint64_t)(t->timeout * 1e6);
    t->timer = sd_event_source_disable_unref(t->timer);
    return add_timer(rn, &t->timer, at, on_timeout, t, FP_FAULT_TIMEOUT_TIMER);
}

/* One attempt of a SOLO check: in a thread of its own, or (one that also
 * touches filesystems) in a child of its own. */
static int start_solo(struct task *t)
{
    struct task *list[1] = { t };
    int r;

    if (t->ch.fd >= 0)
        child_abandon(&t->ch); /* the previous attempt's child, if not yet gone */
    task_abandon_job(t->rn, t);     /* the previous attempt's thread (none: it answered) */
    t->state = T_RUNNING;
    t->attempt_start = now_usec();
    t->r->attempts++;
    if (!(t->flags & FP_CHECK_FS)) {
        /* armed first: a thread cannot be stopped once it runs */
        if ((r = arm_timeout(t)) < 0) {
            fp_error(t->r, "could not arm its %gs timeout: %s", t->timeout, strerror(-r));
            task_done(t);
            return 0;
        }
        if ((r = fp_job_start(t->rn->ctx, t->c, t->idx, t->r->severity, t->rn->wake[1],
                              &t->job)) < 0) {
            t->timer = sd_event_source_disable_unref(t->timer);
            errno = -r;
            return -1;
        }
        return 0;
    }
    r = child_spawn(t->rn, &t->ch, list, 1);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    if ((r = arm_timeout(t)) < 0) {
        /* unbounded, it could outlive the run: do not let it run */
        child_abandon(&t->ch);
        fp_error(t->r, "could not arm its %gs timeout: %s", t->timeout, strerror(-r));
        task_done(t);
    }
    return 0;
}

/* The targets that did not answer in this run. A worker forked after one
 * hung inherits the list (fp_unresponsive()). */
static char *unresponsive[8];
static size_t n_unresponsive;

static bool path_below(const char *path, const char *top)
{
    size_t len = strlen(top);
    return strncmp(path, top, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

const char *fp_unresponsive(const char *path)
{
    for (size_t i = 0; path && i < n_unresponsive; i++)
        if (path_below(path, unresponsive[i]))
            return unresponsive[i];
    return NULL;
}

/* A path that hung one check hangs the next one too (every statedir check
 * stats statedir): do not spend a timeout on each. Pending filesystem checks
 * on the same target, or below it, are reported as not run. */
static void poison_target(struct runner *rn, struct task *hung, const char *target,
                          const char *secs)
{
    size_t len = target ? strlen(target) : 0;

    if (!len)
        return;
    if (n_unresponsive < sizeof(unresponsive) / sizeof(unresponsive[0]) &&
        !fp_unresponsive(target) && (unresponsive[n_unresponsive] = strdup(target)))
        n_unresponsive++;
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        const char *other = json_string_value(json_object_get(t->r->facts, "target"));
        if (t == hung || t->state != T_PENDING || !in_worker(t) || !other)
            continue;
        if (!path_below(other, target))
            continue;
        fp_error(t->r, "not run: %s did not answer %s within %s", target, hung->c->id, secs);
        task_done(t);
    }
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct task *t = userdata;
    struct runner *rn = t->rn;
    char secs[32];

    t->timer = sd_event_source_disable_unref(t->timer);
    fmt_secs(secs, sizeof(secs), t->timeout);
    if ((t->flags & (FP_CHECK_FS | FP_CHECK_SOLO)) == FP_CHECK_FS) {
        /* Likely stuck in the kernel: abandon the worker, carry on with a new one. */
        child_abandon(&rn->worker);
        rn->worker_current = NULL;
        fp_result_clear(t->r);
        fp_result_init(t->r, t->c);
        t->r->severity = fp_settings_severity(rn->ctx->set, t->c);
        if (t->c->describe)
            t->c->describe(rn->ctx, t->r);
        const char *target = json_string_value(json_object_get(t->r->facts, "target"));
        fp_error(t->r, "no answer%s%s within %s: abandoned (a filesystem that does not respond?)",
                 target ? " from " : "", target ? target : "", secs);
        fp_fact_real(t->r, "timeout_sec", t->timeout);
        task_done(t);
        poison_target(rn, t, target, secs);
        worker_start(rn);
    } else {
        child_abandon(&t->ch);
        task_abandon_job(rn, t);
        if (!t->have_result) {
            const char *target = json_string_value(json_object_get(t->r->facts, "target"));
            if (target)
                fp_error(t->r, "no answer from %s within %s", target, secs);
            else
                fp_error(t->r, "no answer within %s", secs);
            fp_fact_real(t->r, "timeout_sec", t->timeout);
        } else {
            /* An earlier attempt answered "not yet" (a parent refusing, a
             * clock not synchronised): an attempt that then got no answer at
             * all is one more "not yet", not a verdict of its own. */
            if (retry_later(t))
                return 0;
            fp_report(t->r, t->r->status, "last attempt got no answer within %s", secs);
        }
        task_done(t);
    }
    return 0;
}

static void worker_start(struct runner *rn)
{
    struct task **list = calloc(rn->n, sizeof(*list));
    size_t n = 0;

    if (!list)
        return;
    for (size_t i = 0; i < rn->n; i++)
        if (rn->tasks[i].state == T_PENDING && in_worker(&rn->tasks[i]))
            list[n++] = &rn->tasks[i];
    if (n > 0 && child_spawn(rn, &rn->worker, list, n) < 0) {
        for (size_t i = 0; i < n; i++) {
            fp_error(list[i]->r, "could not start the check worker: %s", strerror(errno));
            task_done(list[i]);
        }
    }
    free(list);
}

static void handle_line(struct runner *rn, struct child *ch, const char *line)
{
    _cleanup_json_ json_t *o = json_loads(line, 0, NULL);
    json_t *idx = json_object_get(o, "idx");
    json_t *start = json_object_get(o, "start");

    if (json_is_integer(start) && (size_t)json_integer_value(start) < rn->n) {
        struct task *t = &rn->tasks[json_integer_value(start)];
        if (ch == &rn->worker) {
            int r;
            rn->worker_current = t;
            t->state = T_RUNNING;
            t->attempt_start = now_usec();
            t->first_start = t->attempt_start;
            t->r->attempts++;
            if ((r = arm_timeout(t)) < 0) {
                /* the worker would run this check unbounded: abandon it; a
                 * fresh one takes the rest once drain() is out of its buffer */
                child_abandon(&rn->worker);
                rn->worker_current = NULL;
                rn->worker_restart = true;
                fp_error(t->r, "could not arm its %gs timeout: %s", t->timeout, strerror(-r));
                task_done(t);
            }
        }
        return;
    }
    if (!json_is_integer(idx) || (size_t)json_integer_value(idx) >= rn->n)
        return;
    struct task *t = &rn->tasks[json_integer_value(idx)];
    if (t->state == T_DONE)
        return;
    t->timer = sd_event_source_disable_unref(t->timer);
    if (ch == &rn->worker)
        rn->worker_current = NULL;
    task_result(t, o);
}

static void child_eof(struct runner *rn, struct child *ch)
{
    int status = 0;
    pid_t pid = ch->pid;

    ch->io = sd_event_source_disable_unref(ch->io);
    close(ch->fd);
    ch->fd = -1;
    ch->pid = 0;
    if (waitpid(pid, &status, 0) < 0)
        status = 0;

    /* A task whose child ended without a result crashed. */
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        bool mine = ch == &rn->worker ? (t == rn->worker_current) : (&t->ch == ch);
        if (!mine || t->state != T_RUNNING)
            continue;
        if (WIFSIGNALED(status))
            fp_error(t->r, "the check crashed (signal %d)", WTERMSIG(status));
        else
            fp_error(t->r, "the check ended without a result");
        task_done(t);
    }
    if (ch == &rn->worker) {
        rn->worker_current = NULL;
        worker_start(rn); /* whatever the dead worker had not reached */
    }
}

static int drain(struct runner *rn, struct child *ch)
{
    for (;;) {
        if (ch->cap - ch->len < 4096) {
            size_t cap = ch->cap ? ch->cap * 2 : 8192;
            char *nb = realloc(ch->buf, cap);
            if (!nb)
                return -ENOMEM;
            ch->buf = nb;
            ch->cap = cap;
        }
        ssize_t n = read(ch->fd, ch->buf + ch->len, ch->cap - ch->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0) {
            child_eof(rn, ch);
            return 0;
        }
        ch->len += n;
        ch->buf[ch->len] = '\0';
        char *nl;
        while (ch->fd >= 0 && (nl = memchr(ch->buf, '\n', ch->len))) {
            *nl = '\0';
            handle_line(rn, ch, ch->buf);
            if (ch->fd < 0) { /* the task was finished and the child abandoned */
                if (ch == &rn->worker && rn->worker_restart) {
                    rn->worker_restart = false;
                    worker_start(rn);
                }
                return 0;
            }
            size_t used = nl + 1 - ch->buf;
            memmove(ch->buf, nl + 1, ch->len - used);
            ch->len -= used;
        }
    }
    return 0;
}

static int on_child_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
    struct child *ch = userdata;
    return drain(ch->rn, ch);
}

/* Whatever has not answered by now is abandoned. A waitable check keeps its
 * last answer ("refused", "not synchronised"); a check that never answered
 * is an error: unknown is not healthy. */
static void abandon_unfinished(struct runner *rn, const char *why)
{
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->state == T_DONE)
            continue;
        if (!in_worker(t)) {
            child_abandon(&t->ch);
            task_abandon_job(rn, t);
        }
        if (t->have_result && t->r->status != FP_UNKNOWN)
            fp_report(t->r, t->r->status, "still not ready%s", why);
        else
            fp_error(t->r, "not finished%s", why);
        task_done(t);
    }
    child_abandon(&rn->worker);
    rn->worker_current = NULL;
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct runner *rn = userdata;
    char secs[32], why[64];

    snprintf(why, sizeof(why), " by the run deadline (%s)",
             fmt_secs(secs, sizeof(secs), rn->ctx->set->deadline));
    abandon_unfinished(rn, why);
    sd_event_exit(rn->ev, 0);
    return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct runner *rn = userdata;
    progress(rn);
    sd_event_source_set_time(s, usec + 1000000);
    return 0;
}

/* The checks to consider: the registry, or the table a test hands in. */
static const struct fp_check *first_check(const struct fp_run_opts *opts)
{
    if (opts->checks)
        return opts->checks->id ? opts->checks : NULL;
    return fp_registry_first();
}

static const struct fp_check *next_check(const struct fp_run_opts *opts, const struct fp_check *c)
{
    if (opts->checks)
        return (c + 1)->id ? c + 1 : NULL;
    return fp_registry_next(c);
}

static bool selected(const struct fp_run_opts *opts, const struct fp_check *c)
{
    size_t i;
    json_t *v;
    if (!opts->only)
        return true;
    json_array_foreach(opts->only, i, v)
        if (strcmp(json_string_value(v), c->id) == 0)
            return true;
    return false;
}

/* A child that has sent its result is about to exit: reap it (its CPU time is
 * then accounted to the gate, and nothing outlives the run); only one that
 * does not exit promptly is killed. */
static void reap_children(struct runner *rn)
{
    uint64_t reap_until = now_usec() + 50000;

    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->ch.pid <= 0 || !t->have_result)
            continue;
        while (waitpid(t->ch.pid, NULL, WNOHANG) == 0 && now_usec() < reap_until)
            usleep(200);
        if (waitpid(t->ch.pid, NULL, WNOHANG) != 0)
            t->ch.pid = 0;
    }
    if (rn->worker.pid > 0 && !rn->worker_current) {
        while (waitpid(rn->worker.pid, NULL, WNOHANG) == 0 && now_usec() < reap_until)
            usleep(200);
        if (waitpid(rn->worker.pid, NULL, WNOHANG) != 0)
            rn->worker.pid = 0;
    }
}

/* Release the runner: children still running are killed and abandoned (one
 * stuck in the kernel stays behind), every event source and the loop freed. */
static void runner_free(struct runner *rn)
{
    for (size_t i = 0; rn->tasks && i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        t->timer = sd_event_source_disable_unref(t->timer);
        if (t->ch.fd >= 0 || t->ch.pid > 0)
            child_abandon(&t->ch);
        task_abandon_job(rn, t);
        free(t->ch.buf);
    }
    /* No thread writes to the pipe once abandoned (task_abandon_job above). */
    rn->wake_io = sd_event_source_disable_unref(rn->wake_io);
    if (rn->wake[0] >= 0)
        close(rn->wake[0]);
    if (rn->wake[1] >= 0)
        close(rn->wake[1]);
    if (rn->worker.fd >= 0 || rn->worker.pid > 0)
        child_abandon(&rn->worker);
    free(rn->worker.buf);
    sd_event_source_disable_unref(rn->deadline);
    sd_event_source_disable_unref(rn->ticker);
    sd_event_unref(rn->ev);
    free(rn->tasks);
    /* Reap whatever already exited. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* The pipe on which SOLO threads say they are done. 0 or -errno. */
static int wake_setup(struct runner *rn)
{
    if (pipe2(rn->wake, O_CLOEXEC) < 0 || fcntl(rn->wake[0], F_SETFL, O_NONBLOCK) < 0)
        return -errno;
    return sd_event_add_io(rn->ev, &rn->wake_io, rn->wake[0], EPOLLIN, on_wake, rn);
}

/* Start everything: decide what needs no running, start the children so they
 * overlap with the in-process checks, run those, then supervise. Returns
 * when every task is done, or with a negative errno when the loop failed. */
static int runner_run(struct runner *rn)
{
    const struct fp_ctx *ctx = rn->ctx;
    int r;

    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->r->severity == FP_SEV_OFF) {
            fp_skip(t->r, "turned off in the gate config ([severity] %s = \"off\")", t->c->id);
            task_done(t);
        } else if ((t->c->flags & FP_CHECK_LIVE) && !ctx->live) {
            fp_skip(t->r, "inspects the live node: not run under --root");
            task_done(t);
        }
    }
    rn->running = rn->remaining;
    if (rn->remaining == 0)
        return 0;
    if ((r = sd_event_new(&rn->ev)) < 0) {
        abandon_unfinished(rn, ": the event loop could not be created");
        return r;
    }
    /* Without the deadline nothing bounds the run: run nothing. */
    if ((r = add_timer(rn, &rn->deadline, rn->deadline_usec, on_deadline, rn,
                       FP_FAULT_DEADLINE_TIMER)) < 0) {
        char why[128];
        snprintf(why, sizeof(why), ": the run deadline could not be armed (%s)", strerror(-r));
        abandon_unfinished(rn, why);
        return r;
    }
    /* The worker first: a fork before any thread exists. Then the children
     * and threads of SOLO checks, so that they overlap with the in-process
     * checks, which run last. */
    worker_start(rn);
    bool threads = false;
    for (size_t i = 0; i < rn->n; i++)
        threads |= rn->tasks[i].state == T_PENDING &&
                   (rn->tasks[i].flags & (FP_CHECK_FS | FP_CHECK_SOLO)) == FP_CHECK_SOLO;
    if (threads && (r = wake_setup(rn)) < 0) {
        char why[128];
        snprintf(why, sizeof(why), ": the checks' wake-up pipe could not be set up (%s)",
                 strerror(-r));
        for (size_t i = 0; i < rn->n; i++)
            if (rn->tasks[i].state == T_PENDING && !in_worker(&rn->tasks[i]) &&
                (rn->tasks[i].flags & FP_CHECK_SOLO)) {
                fp_error(rn->tasks[i].r, "not run%s", why);
                task_done(&rn->tasks[i]);
            }
    }
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->state == T_PENDING && (t->flags & FP_CHECK_SOLO)) {
            t->first_start = now_usec();
            if (start_solo(t) < 0) {
                fp_error(t->r, "could not start the check: %s", strerror(errno));
                task_done(t);
            }
        }
    }
    for (size_t i = 0; i < rn->n; i++) {
        struct task *t = &rn->tasks[i];
        if (t->state == T_PENDING && !(t->flags & (FP_CHECK_FS | FP_CHECK_SOLO))) {
            t->first_start = now_usec();
            t->r->attempts = 1;
            t->c->run(ctx, t->r);
            fp_result_finish(t->r);
            task_done(t);
        }
    }
    if (rn->remaining == 0)
        return 0;
    progress(rn);
    /* progress only: a ticker that could not be armed costs the STATUS= updates */
    if (sd_event_add_time_relative(rn->ev, &rn->ticker, CLOCK_MONOTONIC, 1000000, 100000,
                                   on_tick, rn) >= 0)
        sd_event_source_set_enabled(rn->ticker, SD_EVENT_ON);
    r = (rn->opts->faults & FP_FAULT_EVENT_LOOP) ? -EIO : sd_event_loop(rn->ev);
    if (r < 0 && rn->remaining > 0) {
        char why[128];
        snprintf(why, sizeof(why), ": the event loop failed (%s)", strerror(-r));
        abandon_unfinished(rn, why);
    }
    return r;
}

void fp_run_tally(struct fp_run *run)
{
    memset(run->counts, 0, sizeof(run->counts));
    memset(run->outcomes, 0, sizeof(run->outcomes));
    run->failed = run->blocked = false;
    for (size_t i = 0; i < run->n; i++) {
        struct fp_result *r = &run->results[i];
        fp_result_finish(r); /* nothing may leave the runner unknown */
        enum fp_outcome o = fp_run_outcome(run, i);
        run->counts[r->status]++;
        run->outcomes[o]++;
        run->failed |= fp_outcome_failed(o);
        run->blocked |= o == FP_OUTCOME_BLOCKS;
    }
}

enum fp_outcome fp_run_outcome(const struct fp_run *run, size_t i)
{
    return fp_outcome(run->results[i].status, run->results[i].severity, run->mode);
}

int fp_run_checks(const struct fp_ctx *ctx, const struct fp_run_opts *opts, struct fp_run *run,
                  char *err, size_t errsz)
{
    struct runner rn = { .ctx = ctx, .opts = opts, .worker = { .fd = -1 }, .wake = { -1, -1 } };
    uint64_t t0 = now_usec();

    memset(run, 0, sizeof(*run));
    run->mode = ctx->set->mode;
    while (n_unresponsive > 0) /* a test's earlier run */
        free(unresponsive[--n_unresponsive]);
    for (const struct fp_check *c = first_check(opts); c; c = next_check(opts, c))
        if (selected(opts, c))
            rn.n++;
    run->results = calloc(rn.n ? rn.n : 1, sizeof(*run->results));
    rn.tasks = calloc(rn.n ? rn.n : 1, sizeof(*rn.tasks));
    if (!run->results || !rn.tasks) {
        snprintf(err, errsz, "out of memory");
        free(rn.tasks);
        free(run->results);
        run->results = NULL;
        return -1;
    }
    run->n = rn.n;
    /* The deadline counts from before the configs were parsed (fp_ctx_init). */
    double dl = ctx->deadline > 0 ? ctx->deadline : t0 / 1e6 + ctx->set->deadline;
    rn.deadline_usec = dl > 0 ? (uint64_t)(dl * 1e6) : 0;

    size_t i = 0;
    for (const struct fp_check *c = first_check(opts); c; c = next_check(opts, c)) {
        if (!selected(opts, c))
            continue;
        struct task *t = &rn.tasks[i];
        t->rn = &rn;
        t->idx = i;
        t->c = c;
        t->r = &run->results[i];
        t->ch.fd = -1;
        t->backoff = BACKOFF_FIRST;
        t->first_start = t0;
        t->timeout = fp_settings_timeout(ctx->set, c);
        t->flags = fp_check_flags(c, ctx);
        fp_result_init(t->r, c);
        t->r->severity = fp_settings_severity(ctx->set, c);
        if (c->describe)
            c->describe(ctx, t->r);
        i++;
    }
    rn.remaining = rn.n;

    int r = runner_run(&rn);
    if (r < 0)
        snprintf(err, errsz, "%s", strerror(-r));
    reap_children(&rn);
    runner_free(&rn);
    run->threads_left = rn.threads_left;
    fp_run_tally(run);
    run->duration_us = now_usec() - t0;
    return 0;
}

void fp_run_fini(struct fp_run *run)
{
    for (size_t i = 0; i < run->n; i++)
        fp_result_clear(&run->results[i]);
    free(run->results);
    run->results = NULL;
    run->n = 0;
}
