/* The runner: every selected check, concurrently, each within its timeout,
 * all within one deadline.
 *
 * Pure checks run in-process. Filesystem checks run one after another in a
 * worker child, the one fork of a healthy run; when one overruns (a statvfs
 * on a dead server sleeps uninterruptibly and cannot be killed), the worker
 * is killed, abandoned, and a fresh worker takes the remaining checks. Checks
 * that talk to daemons or the network run each in a thread of its own,
 * concurrently, abandoned at their timeout (libmunge, for one, has no
 * timeout of its own: a stopped munged holds it about 10 s); one that also
 * reads files (fleet.sync over https) in a child of its own. A check that
 * crashes in-process (pure, or in a thread) takes the gate down: the
 * service fails, flux does not start, and the status file says the run did
 * not finish (fail closed, without the report). Waitable checks
 * that answer "not yet" are retried with backoff until the deadline, when a
 * failure of theirs could block (engine/verdict.h); one that cannot block
 * never waits: its first answer is final. An sd-event loop supervises pipes,
 * timers and the deadline.
 *
 * Fail closed: whatever the runner could not bring to an answer (a check cut
 * off by the deadline, one that reported nothing, a timer that could not be
 * armed, an event loop that failed) is an error, and an error blocks.
 */
#ifndef FP_ENGINE_RUNNER_H
#define FP_ENGINE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "engine/check.h"
#include "engine/context.h"
#include "engine/verdict.h"

/* Faults the tests inject (FLUX_PREFLIGHT_TEST_FAULT): each makes the step
 * fail as it could in real life. They can only turn results into errors. */
enum {
    FP_FAULT_EVENT_LOOP = 1 << 0,     /* sd_event_loop() fails (EIO) */
    FP_FAULT_DEADLINE_TIMER = 1 << 1, /* the run deadline cannot be armed */
    FP_FAULT_TIMEOUT_TIMER = 1 << 2,  /* a check's timeout cannot be armed */
    FP_FAULT_RETRY_TIMER = 1 << 3,    /* a retry cannot be armed */
};
/* "event-loop,timeout-timer" -> bits; -1 for an unknown name. */
int fp_fault_parse(const char *s);

struct fp_run_opts {
    json_t *only;  /* array of check ids to run, or NULL for all */
    bool wait;     /* retry "not yet" answers of waitable checks until the deadline */
    /* STATUS progress: "waiting for munged on /run/munge/munge.socket.2 (3s)" */
    void (*progress)(void *arg, const char *text);
    void *progress_arg;
    /* A {0}-terminated table run instead of the registry (unit tests). */
    const struct fp_check *checks;
    unsigned faults; /* FP_FAULT_* */
};

struct fp_run {
    struct fp_result *results; /* selected checks, registry order */
    size_t n;
    enum fp_mode mode;
    unsigned counts[FP_ERROR + 1];          /* by result */
    unsigned outcomes[FP_OUTCOME_COUNT];    /* by fp_outcome() */
    bool failed;   /* verdict "fail": a check of severity fail failed or errored */
    bool blocked;  /* ...and the mode is enforce: flux must not start (exit 1) */
    uint64_t duration_us;
    /* A check's thread was abandoned (its timeout, the deadline): it may
     * still read the context, which must then live until the process exits. */
    bool threads_left;
};

/* The deadline is ctx->deadline (CLOCK_MONOTONIC seconds), so that the time
 * spent parsing the node's configs before the run counts against it.
 * Returns 0 with every result set (never FP_UNKNOWN), or -1 with err when
 * the results could not even be allocated. */
int fp_run_checks(const struct fp_ctx *ctx, const struct fp_run_opts *opts, struct fp_run *run,
                  char *err, size_t errsz);
void fp_run_fini(struct fp_run *run);

/* Count a run's results by status and by outcome, and set failed/blocked;
 * a result still unknown becomes an error first. fp_run_checks() does it. */
void fp_run_tally(struct fp_run *run);

/* The outcome of result i of a finished run. */
enum fp_outcome fp_run_outcome(const struct fp_run *run, size_t i);

#endif
