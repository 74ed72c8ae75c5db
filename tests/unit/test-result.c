/* Result precedence (src/engine/result.c, fp_report): a status only gets
 * worse (unknown < pass < skip < warn < fail < error); a finding replaces a
 * skip reason or pass note; pass and skip notes after a finding are dropped;
 * findings join with "; "; a result nobody set is an error. */
#include "engine/check.h"
#include "tap.h"

static struct fp_result r;

static void fresh(void)
{
    fp_result_clear(&r);
    fp_result_init(&r, NULL);
}

int main(void)
{
    fp_result_init(&r, NULL);
    is(fp_status_name(r.status), "unknown", "a new result is unknown");

    fp_pass(&r, "a");
    fp_warn(&r, "b");
    is(fp_status_name(r.status), "warn", "pass then warn: warn");
    is(r.message, "b", "...the pass note gives way to the finding");
    fp_pass(&r, "c");
    is(fp_status_name(r.status), "warn", "warn then pass: still warn");
    is(r.message, "b", "...a pass note after a finding is dropped");
    fp_fail(&r, "d");
    fp_warn(&r, "e");
    is(fp_status_name(r.status), "fail", "warn, fail, warn: fail");
    is(r.message, "b; d; e", "...every finding kept, in order, joined with \"; \"");
    fp_error(&r, "f");
    fp_fail(&r, "g");
    is(fp_status_name(r.status), "error", "error outranks fail");
    is(r.message, "b; d; e; f; g", "...findings after it still join");

    fresh();
    fp_skip(&r, "not here");
    is(fp_status_name(r.status), "skip", "skip alone: skip");
    fp_pass(&r, "ok too");
    is(fp_status_name(r.status), "skip", "skip then pass: skip (pass is better)");
    is(r.message, "not here; ok too", "...notes of the same rank join");
    fp_fail(&r, "broken");
    is(fp_status_name(r.status), "fail", "skip then fail: fail");
    is(r.message, "broken", "...a skip reason does not mask the finding");
    fp_skip(&r, "late skip");
    is(r.message, "broken", "...and a skip after a finding is dropped");

    fresh();
    fp_warn(&r, "%s", "");
    is(fp_status_name(r.status), "warn", "an empty message still sets the status");
    ok(r.message == NULL, "...and adds no message");

    fresh();
    fp_fact_str(&r, "k", "v");
    fp_result_finish(&r);
    is(fp_status_name(r.status), "error", "facts only, no status: error at finish");

    fresh();
    fp_fail(&r, "x");
    fp_result_finish(&r);
    is(fp_status_name(r.status), "fail", "finish leaves a reported result alone");
    is(r.message, "x", "...and its message");

    /* every pair: the status after FIRST then SECOND, written out */
    static const char *const after[6][6] = {
        /* first \ second: unknown  pass    skip    warn    fail    error */
        [FP_UNKNOWN] = { NULL, "pass", "skip", "warn", "fail", "error" },
        [FP_PASS] = { NULL, "pass", "skip", "warn", "fail", "error" },
        [FP_SKIP] = { NULL, "skip", "skip", "warn", "fail", "error" },
        [FP_WARN] = { NULL, "warn", "warn", "warn", "fail", "error" },
        [FP_FAIL] = { NULL, "fail", "fail", "fail", "fail", "error" },
        [FP_ERROR] = { NULL, "error", "error", "error", "error", "error" },
    };
    for (int a = FP_UNKNOWN; a <= FP_ERROR; a++)
        for (int b = FP_PASS; b <= FP_ERROR; b++) {
            fresh();
            if (a != FP_UNKNOWN)
                fp_report(&r, a, "first");
            fp_report(&r, b, "second");
            is(fp_status_name(r.status), after[a][b], "%s then %s: %s", fp_status_name(a),
               fp_status_name(b), after[a][b]);
        }
    fp_result_clear(&r);
    return done_testing();
}
