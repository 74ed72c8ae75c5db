/* The runner fails closed (src/engine/runner.c): checks that report nothing,
 * in-process, in the filesystem worker, in a thread and in a child of their
 * own, are errors; a thread that hangs is abandoned at its timeout; a check cut off by the deadline is an error; a failed event loop
 * and timers that could not be armed (injected) turn what is unfinished into
 * errors; a waitable check whose failure cannot block answers once. Run with
 * a table of test checks instead of the registry. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/context.h"
#include "engine/runner.h"
#include "engine/settings.h"
#include "tap.h"

static void run_pass(const struct fp_ctx *ctx, struct fp_result *r)
{
    fp_pass(r, "fine");
}

static void run_silent(const struct fp_ctx *ctx, struct fp_result *r)
{
    fp_fact_str(r, "note", "returns without a result");
}

static void run_hang(const struct fp_ctx *ctx, struct fp_result *r)
{
    sleep(100);
    fp_pass(r, "woke up");
}

static void run_sleep1(const struct fp_ctx *ctx, struct fp_result *r)
{
    sleep(1);
    fp_pass(r, "slept 1 s");
}

static void run_not_yet(const struct fp_ctx *ctx, struct fp_result *r)
{
    fp_fail(r, "the daemon is not up");
    fp_retry(r, "the daemon");
}

/* First attempt: "not yet" (a warning); every later attempt hangs. */
static char marker[64];

static void run_warn_then_hang(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (access(marker, F_OK) == 0) {
        sleep(100);
        return;
    }
    FILE *f = fopen(marker, "w");
    if (f)
        fclose(f);
    fp_warn(r, "the parent refuses: not blocking");
    fp_retry(r, "the parent");
}

static const struct fp_check silent_checks[] = {
    {.id = "t.pass", .severity = FP_SEV_FAIL, .run = run_pass},
    {.id = "t.silent", .severity = FP_SEV_FAIL, .run = run_silent},
    {.id = "t.silentfs", .severity = FP_SEV_FAIL, .flags = FP_CHECK_FS, .run = run_silent},
    {.id = "t.silentsolo", .severity = FP_SEV_FAIL, .flags = FP_CHECK_SOLO, .run = run_silent},
    {.id = "t.passsolo", .severity = FP_SEV_FAIL, .flags = FP_CHECK_SOLO, .run = run_pass},
    {.id = "t.passfs", .severity = FP_SEV_FAIL, .flags = FP_CHECK_FS, .run = run_pass},
    {.id = "t.silentchild", .severity = FP_SEV_FAIL, .flags = FP_CHECK_FS | FP_CHECK_SOLO,
     .run = run_silent},
    {.id = "t.passchild", .severity = FP_SEV_FAIL, .flags = FP_CHECK_FS | FP_CHECK_SOLO,
     .run = run_pass},
    {0},
};

/* Threads run concurrently, with each other and with the worker; one that
 * hangs is abandoned at its own timeout. */
static const struct fp_check thread_checks[] = {
    {.id = "t.sleep1", .severity = FP_SEV_FAIL, .flags = FP_CHECK_SOLO, .timeout = 5,
     .run = run_sleep1},
    {.id = "t.sleep1b", .severity = FP_SEV_FAIL, .flags = FP_CHECK_SOLO, .timeout = 5,
     .run = run_sleep1},
    {.id = "t.sleep1fs", .severity = FP_SEV_FAIL, .flags = FP_CHECK_FS, .timeout = 5,
     .run = run_sleep1},
    {.id = "t.hangthread", .severity = FP_SEV_FAIL, .flags = FP_CHECK_SOLO, .timeout = 1.5,
     .run = run_hang},
    {0},
};

static const struct fp_check hang_checks[] = {
    {.id = "t.hangsolo",
     .severity = FP_SEV_FAIL,
     .flags = FP_CHECK_SOLO,
     .timeout = 60,
     .run = run_hang},
    {.id = "t.hangfs",
     .severity = FP_SEV_FAIL,
     .flags = FP_CHECK_FS,
     .timeout = 60,
     .run = run_hang},
    {0},
};

static const struct fp_check wait_checks[] = {
    {.id = "t.wait",
     .severity = FP_SEV_FAIL,
     .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE,
     .timeout = 5,
     .run = run_not_yet},
    {0},
};

static const struct fp_check warn_hang_checks[] = {
    {.id = "t.warnhang",
     .severity = FP_SEV_FAIL,
     .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE,
     .timeout = 1,
     .run = run_warn_then_hang},
    {0},
};

static struct fp_settings *set;

static void setup(struct fp_ctx *ctx, double deadline, enum fp_mode mode)
{
    memset(ctx, 0, sizeof(*ctx));
    set->deadline = deadline;
    set->mode = mode;
    ctx->root = "";
    ctx->live = true;
    ctx->set = set;
    ctx->rank = -1;
    snprintf(ctx->hostname, sizeof(ctx->hostname), "testhost");
    ctx->deadline = fp_now() + deadline;
}

static const struct fp_result *find(const struct fp_run *run, const char *id)
{
    for (size_t i = 0; i < run->n; i++)
        if (strcmp(run->results[i].check->id, id) == 0)
            return &run->results[i];
    return NULL;
}

static const char *status_of(const struct fp_run *run, const char *id)
{
    const struct fp_result *r = find(run, id);
    return r ? fp_status_name(r->status) : "(missing)";
}

static const char *message_of(const struct fp_run *run, const char *id)
{
    const struct fp_result *r = find(run, id);
    return r && r->message ? r->message : "";
}

static int run(const struct fp_check *table, unsigned faults, bool wait, struct fp_run *out,
               double *secs)
{
    struct fp_ctx ctx;
    char err[256] = "";
    struct fp_run_opts opts = {.checks = table, .faults = faults, .wait = wait};

    setup(&ctx, set->deadline, set->mode);
    double t0 = fp_now();
    int rc = fp_run_checks(&ctx, &opts, out, err, sizeof(err));
    *secs = fp_now() - t0;
    return rc;
}

static bool none_unknown(const struct fp_run *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->results[i].status == FP_UNKNOWN)
            return false;
    return true;
}

static void test_silent(void)
{
    struct fp_run r;
    double secs;

    set->deadline = 10;
    set->mode = FP_MODE_ENFORCE;
    is_int(run(silent_checks, 0, false, &r, &secs), 0,
           "a run of checks that report nothing completes");
    is(status_of(&r, "t.pass"), "pass", "in-process check that passed: pass");
    is(status_of(&r, "t.silent"), "error", "in-process check that reported nothing: error");
    is(message_of(&r, "t.silent"), "the check returned without a result", "...saying so");
    is(status_of(&r, "t.silentfs"), "error",
       "filesystem check (worker child) that reported nothing: error");
    is(message_of(&r, "t.silentfs"), "the check returned without a result", "...saying so");
    is(status_of(&r, "t.silentsolo"), "error",
       "check in a thread of its own that reported nothing: error");
    is(message_of(&r, "t.silentsolo"), "the check returned without a result", "...saying so");
    is(status_of(&r, "t.passsolo"), "pass", "the passing thread: pass");
    is(status_of(&r, "t.passfs"), "pass", "the passing filesystem check: pass");
    is(status_of(&r, "t.silentchild"), "error",
       "check in a child of its own (network and files) that reported nothing: error");
    is(status_of(&r, "t.passchild"), "pass", "the passing child: pass");
    ok(r.failed && r.blocked, "the run fails and blocks");
    is_int(r.counts[FP_ERROR], 4, "4 errors counted");
    is_int(r.counts[FP_PASS], 4, "4 passes counted");
    ok(!r.threads_left, "no thread left behind");
    fp_run_fini(&r);
}

static void test_threads(void)
{
    struct fp_run r;
    double secs;

    set->deadline = 10;
    set->mode = FP_MODE_ENFORCE;
    run(thread_checks, 0, false, &r, &secs);
    is(status_of(&r, "t.sleep1"), "pass", "a thread's result: pass");
    is(status_of(&r, "t.sleep1b"), "pass", "another thread's: pass");
    is(status_of(&r, "t.sleep1fs"), "pass", "the worker's, meanwhile: pass");
    is(status_of(&r, "t.hangthread"), "error", "a thread that hangs: error");
    is(message_of(&r, "t.hangthread"), "no answer within 1.5s", "...at its own timeout");
    ok(r.threads_left, "...abandoned: the run says a thread is left (the context must live)");
    ok(secs < 2.5, "the three 1 s checks ran concurrently and the hung one ended at 1.5 s "
                   "(%.2fs, not 3 s or more)", secs);
    ok(r.blocked, "...and the run blocks");
    fp_run_fini(&r);
}

static void test_deadline(void)
{
    struct fp_run r;
    double secs;

    set->deadline = 1;
    run(hang_checks, 0, false, &r, &secs);
    is(status_of(&r, "t.hangsolo"), "error", "a thread cut off by the deadline: error");
    is(message_of(&r, "t.hangsolo"), "not finished by the run deadline (1s)", "...saying so");
    is(status_of(&r, "t.hangfs"), "error", "a filesystem check cut off by the deadline: error");
    ok(secs < 2.0, "the run ended at the deadline (%.2fs for a 1s deadline)", secs);
    ok(r.blocked, "...and blocks");
    fp_run_fini(&r);
}

static void test_faults(void)
{
    struct fp_run r;
    double secs;

    set->deadline = 10;
    run(silent_checks, FP_FAULT_EVENT_LOOP, false, &r, &secs);
    ok(none_unknown(&r), "event loop fails: no result left unknown");
    is(status_of(&r, "t.passsolo"), "error", "event loop fails: a thread's check is an error");
    is(message_of(&r, "t.passsolo"), "not finished: the event loop failed (Input/output error)",
       "...naming the failure");
    is(status_of(&r, "t.passfs"), "error", "event loop fails: a filesystem check is an error");
    is(status_of(&r, "t.pass"), "pass",
       "event loop fails: what ran in-process before it keeps its result");
    ok(r.blocked, "event loop fails: the run blocks");
    fp_run_fini(&r);

    run(silent_checks, FP_FAULT_DEADLINE_TIMER, false, &r, &secs);
    ok(none_unknown(&r), "deadline timer not armed: no result left unknown");
    is(status_of(&r, "t.pass"), "error",
       "deadline timer not armed: nothing runs unbounded, in-process checks included");
    ok(strstr(message_of(&r, "t.passsolo"), "the run deadline could not be armed") != NULL,
       "...saying the deadline could not be armed (%s)", message_of(&r, "t.passsolo"));
    ok(r.blocked, "deadline timer not armed: the run blocks");
    fp_run_fini(&r);

    run(silent_checks, FP_FAULT_TIMEOUT_TIMER, false, &r, &secs);
    is(status_of(&r, "t.passsolo"), "error",
       "timeout timer not armed: the thread's check is an error (never started)");
    ok(strstr(message_of(&r, "t.passsolo"), "could not arm its 5s timeout") != NULL,
       "...saying so (%s)", message_of(&r, "t.passsolo"));
    is(status_of(&r, "t.passfs"), "error",
       "timeout timer not armed: a filesystem check is an error");
    is(status_of(&r, "t.passchild"), "error",
       "timeout timer not armed: a check in a child of its own is an error");
    is(status_of(&r, "t.pass"), "pass", "in-process checks need no timer");
    ok(secs < 5, "...and the run does not wait for unbounded checks (%.2fs)", secs);
    fp_run_fini(&r);

    set->deadline = 5;
    run(wait_checks, FP_FAULT_RETRY_TIMER, true, &r, &secs);
    is(status_of(&r, "t.wait"), "error", "retry timer not armed: the waiting check is an error");
    ok(strstr(message_of(&r, "t.wait"), "could not arm the timer for the next attempt") != NULL,
       "...saying so (%s)", message_of(&r, "t.wait"));
    fp_run_fini(&r);
}

static void test_waiting(void)
{
    struct fp_run r;
    double secs;
    const struct fp_result *w;

    set->deadline = 2;
    set->mode = FP_MODE_ENFORCE;
    run(wait_checks, 0, true, &r, &secs);
    w = find(&r, "t.wait");
    ok(w && w->attempts > 2, "severity fail: retried until the deadline (%u attempts)",
       w ? w->attempts : 0);
    ok(secs > 1.5, "...for about the deadline (%.2fs of 2s)", secs);
    is(status_of(&r, "t.wait"), "fail", "...then fails");
    fp_run_fini(&r);

    json_object_set_new(set->severity, "t.wait", json_string("warn"));
    run(wait_checks, 0, true, &r, &secs);
    w = find(&r, "t.wait");
    is_int(w ? w->attempts : 0, 1, "severity warn: one attempt, the first answer is final");
    ok(secs < 1.0, "...no waiting for the deadline (%.2fs)", secs);
    is(status_of(&r, "t.wait"), "fail", "...reported as it is");
    ok(!r.blocked && !r.failed, "...demoted: does not block");
    fp_run_fini(&r);

    /* A later attempt that gets no answer at all is one more "not yet": the
     * check keeps its last answer, it does not become a failure. */
    snprintf(marker, sizeof(marker), "/tmp/fp-test-runner.%d", (int)getpid());
    unlink(marker);
    set->deadline = 3;
    run(warn_hang_checks, 0, true, &r, &secs);
    w = find(&r, "t.warnhang");
    is(status_of(&r, "t.warnhang"), "warn",
       "an attempt after a warning that hangs: the warning stays (%s)", message_of(&r, "t.warnhang"));
    ok(w && w->attempts >= 2, "...after more than one attempt (%u)", w ? w->attempts : 0);
    ok(strncmp(message_of(&r, "t.warnhang"), "the parent refuses: not blocking; ", 34) == 0 &&
           strstr(message_of(&r, "t.warnhang"), "still not ready by the run deadline (3s)"),
       "...and the message says the deadline ended the wait");
    ok(!r.blocked && !r.failed, "...the run does not block");
    fp_run_fini(&r);
    unlink(marker);
    set->deadline = 2;

    json_object_set_new(set->severity, "t.wait", json_string("fail"));
    set->mode = FP_MODE_WARN;
    run(wait_checks, 0, true, &r, &secs);
    w = find(&r, "t.wait");
    is_int(w ? w->attempts : 0, 1, "mode warn: one attempt, the first answer is final");
    ok(secs < 1.0, "...no waiting (%.2fs)", secs);
    ok(r.failed && !r.blocked, "...a failure of the verdict that does not block");
    fp_run_fini(&r);
    json_object_del(set->severity, "t.wait");
    set->mode = FP_MODE_ENFORCE;
}

int main(void)
{
    set = fp_settings_defaults();
    if (!set) {
        printf("Bail out! no default settings\n");
        return 1;
    }
    test_silent();
    test_threads();
    test_deadline();
    test_faults();
    test_waiting();
    fp_settings_destroy(set);
    return done_testing();
}
