/* The runner: every selected check, concurrently, each within its timeout,
 * all within one deadline.
 *
 * Pure checks run in-process. Filesystem checks run one after another in a
 * worker child; when one overruns (a statvfs on a dead server sleeps
 * uninterruptibly and cannot be killed), the worker is killed, abandoned, and
 * a fresh worker takes the remaining checks. Checks that talk to daemons or
 * the network run each in a child of their own, concurrently. Waitable checks
 * that answer "not yet" are retried with backoff until the deadline. An
 * sd-event loop supervises pipes, timers and the deadline.
 */
#ifndef FP_ENGINE_RUNNER_H
#define FP_ENGINE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "engine/check.h"
#include "engine/context.h"

struct fp_run_opts {
    json_t *only;  /* array of check ids to run, or NULL for all */
    bool wait;     /* retry "not yet" answers of waitable checks until the deadline */
    /* STATUS progress: "waiting for munged on /run/munge/munge.socket.2 (3s)" */
    void (*progress)(void *arg, const char *text);
    void *progress_arg;
};

struct fp_run {
    struct fp_result *results; /* selected checks, registry order */
    size_t n;
    unsigned counts[FP_ERROR + 1];
    bool blocked;              /* a fail-severity check failed or errored */
    uint64_t duration_us;
};

int fp_run_checks(const struct fp_ctx *ctx, const struct fp_run_opts *opts, struct fp_run *run,
                  char *err, size_t errsz);
void fp_run_fini(struct fp_run *run);

#endif
