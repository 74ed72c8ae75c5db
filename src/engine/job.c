/* SOLO checks in threads. See job.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/job.h"

/* The thread owns a reference and the runner one; whoever lets go last
 * frees it, so a thread abandoned at its timeout can finish (or never
 * finish) on its own. */
struct job {
    atomic_int refs;
    pthread_mutex_t lock;
    bool abandoned;      /* the runner let go: do not wake it */
    int wake_fd;         /* the runner's pipe (written to only while !abandoned) */
    size_t idx;
    const struct fp_ctx *ctx;
    const struct fp_check *c;
    struct fp_result r;
};

static void job_unref(struct job *j)
{
    if (atomic_fetch_sub(&j->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&j->lock);
    fp_result_clear(&j->r);
    free(j);
}

static void *job_main(void *arg)
{
    struct job *j = arg;

    j->c->run(j->ctx, &j->r);
    fp_result_finish(&j->r);
    pthread_mutex_lock(&j->lock);
    if (!j->abandoned) {
        ssize_t n;
        do
            n = write(j->wake_fd, &j->idx, sizeof(j->idx));
        while (n < 0 && errno == EINTR);
    }
    pthread_mutex_unlock(&j->lock);
    job_unref(j);
    return NULL;
}

int fp_job_start(const struct fp_ctx *ctx, const struct fp_check *c, size_t idx,
                 enum fp_severity severity, int wake_fd, struct job **jobp)
{
    struct job *j = calloc(1, sizeof(*j));
    sigset_t all, old;
    pthread_attr_t attr;
    pthread_t tid;
    int e;

    if (!j)
        return -ENOMEM;
    atomic_init(&j->refs, 2);
    pthread_mutex_init(&j->lock, NULL);
    j->wake_fd = wake_fd;
    j->idx = idx;
    j->ctx = ctx;
    j->c = c;
    fp_result_init(&j->r, c);
    j->r.severity = severity;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    e = pthread_create(&tid, &attr, job_main, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (e != 0) {
        pthread_mutex_destroy(&j->lock);
        fp_result_clear(&j->r);
        free(j);
        return -e;
    }
    *jobp = j;
    return 0;
}

void fp_job_take(struct job *j, struct fp_result *r)
{
    /* the thread wrote j->r before it wrote to the pipe, and is done with it */
    *r = j->r;
    fp_result_init(&j->r, j->c);
    job_unref(j);
}

void fp_job_abandon(struct job *j)
{
    pthread_mutex_lock(&j->lock);
    j->abandoned = true;
    pthread_mutex_unlock(&j->lock);
    job_unref(j);
}
