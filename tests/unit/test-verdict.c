/* The engine's verdict (src/engine/verdict.c) over every result x severity x
 * mode, the result model's "unknown is not healthy", and the verdict line
 * every output prints (src/output/json.c), with honest counts and plurals.
 * The expected outcomes are written out case by case below, not computed. */
#include <stdlib.h>
#include <string.h>

#include "engine/runner.h"
#include "engine/verdict.h"
#include "output/output.h"
#include "tap.h"

static const char *outcome_name(enum fp_outcome o)
{
    static const char *const names[] = {"pass", "skip", "warn", "demoted", "unenforced", "blocks"};
    return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

/* result, severity, mode -> outcome: the table of verdict.h, one row each */
static const struct {
    enum fp_status st;
    enum fp_severity sev;
    enum fp_mode mode;
    enum fp_outcome want;
} table[] = {
    {FP_PASS, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_PASS},
    {FP_PASS, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_PASS},
    {FP_PASS, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_PASS},
    {FP_PASS, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_PASS},
    {FP_PASS, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_PASS},
    {FP_PASS, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_PASS},
    {FP_SKIP, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_SKIP},
    {FP_SKIP, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_SKIP},
    {FP_SKIP, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_SKIP},
    {FP_SKIP, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_SKIP},
    {FP_SKIP, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_SKIP},
    {FP_SKIP, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_SKIP},
    {FP_WARN, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_WARN},
    {FP_WARN, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_WARN},
    {FP_WARN, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_WARN},
    {FP_WARN, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_WARN},
    {FP_WARN, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_WARN},
    {FP_WARN, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_WARN},
    {FP_FAIL, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_BLOCKS},
    {FP_FAIL, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_UNENFORCED},
    {FP_FAIL, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_FAIL, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    {FP_FAIL, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_FAIL, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    {FP_ERROR, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_BLOCKS},
    {FP_ERROR, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_UNENFORCED},
    {FP_ERROR, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_ERROR, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    {FP_ERROR, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_ERROR, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    /* a result nobody set counts as error */
    {FP_UNKNOWN, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_BLOCKS},
    {FP_UNKNOWN, FP_SEV_FAIL, FP_MODE_WARN, FP_OUTCOME_UNENFORCED},
    {FP_UNKNOWN, FP_SEV_WARN, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_UNKNOWN, FP_SEV_WARN, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    {FP_UNKNOWN, FP_SEV_OFF, FP_MODE_ENFORCE, FP_OUTCOME_DEMOTED},
    {FP_UNKNOWN, FP_SEV_OFF, FP_MODE_WARN, FP_OUTCOME_DEMOTED},
    /* values out of range: the worst reading */
    {(enum fp_status)42, FP_SEV_FAIL, FP_MODE_ENFORCE, FP_OUTCOME_BLOCKS},
    {FP_FAIL, (enum fp_severity)42, FP_MODE_ENFORCE, FP_OUTCOME_BLOCKS},
    {FP_FAIL, FP_SEV_FAIL, (enum fp_mode)42, FP_OUTCOME_BLOCKS},
};

static void test_outcomes(void)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        enum fp_outcome o = fp_outcome(table[i].st, table[i].sev, table[i].mode);
        ok(o == table[i].want, "result %s, severity %s, mode %s: %s (got %s)",
           fp_status_name(table[i].st), fp_severity_name(table[i].sev),
           table[i].mode == FP_MODE_WARN      ? "warn"
           : table[i].mode == FP_MODE_ENFORCE ? "enforce"
                                              : "42",
           outcome_name(table[i].want), outcome_name(o));
    }
    ok(fp_outcome_failed(FP_OUTCOME_BLOCKS) && fp_outcome_failed(FP_OUTCOME_UNENFORCED) &&
           !fp_outcome_failed(FP_OUTCOME_DEMOTED) && !fp_outcome_failed(FP_OUTCOME_WARN) &&
           !fp_outcome_failed(FP_OUTCOME_PASS) && !fp_outcome_failed(FP_OUTCOME_SKIP),
       "the verdict's failures: blocks and unenforced, nothing else");
    ok(fp_can_block(FP_SEV_FAIL, FP_MODE_ENFORCE),
       "severity fail, mode enforce: can block (waits)");
    ok(!fp_can_block(FP_SEV_FAIL, FP_MODE_WARN),
       "severity fail, mode warn: cannot block (first answer final)");
    ok(!fp_can_block(FP_SEV_WARN, FP_MODE_ENFORCE), "severity warn: cannot block");
    ok(!fp_can_block(FP_SEV_OFF, FP_MODE_ENFORCE), "severity off: cannot block");
}

static const struct fp_check c_silent = {.id = "t.silent", .severity = FP_SEV_FAIL};

static void test_unknown(void)
{
    struct fp_result zero;
    memset(&zero, 0, sizeof(zero));
    is(fp_status_name(zero.status), "unknown", "a zeroed result is unknown, not pass");
    is_int(fp_status_from_name("unknown"), -1, "\"unknown\" is not a result a check can send");
    is_int(fp_status_from_name("pass"), FP_PASS, "\"pass\" is");

    struct fp_result r;
    fp_result_init(&r, &c_silent);
    is_int(r.status, FP_UNKNOWN, "a fresh result is unknown");
    ok(fp_nothing_found(&r), "fp_nothing_found: nothing reported yet");
    fp_result_finish(&r);
    is(fp_status_name(r.status), "error", "a check that reported nothing is an error");
    is(r.message, "the check returned without a result", "...saying so");
    ok(!fp_nothing_found(&r), "fp_nothing_found: not after an error");
    fp_result_clear(&r);

    fp_result_init(&r, &c_silent);
    fp_pass(&r, "fine");
    ok(fp_nothing_found(&r), "fp_nothing_found: a pass note is nothing found");
    fp_result_finish(&r);
    is(fp_status_name(r.status), "pass", "a check that passed stays pass");
    is(r.message, "fine", "...with its message");
    fp_result_clear(&r);

    fp_result_init(&r, &c_silent);
    fp_report(&r, r.status, "a note at the current status");
    fp_result_finish(&r);
    is(fp_status_name(r.status), "error", "a note without a status is still no result: error");
    fp_result_clear(&r);
}

/* A finished run made by hand: ids, statuses, severities, mode. */
struct spec {
    const char *id;
    enum fp_status st;
    enum fp_severity sev;
};

static struct fp_check checks[64];

static char *line_of(const struct spec *sp, size_t n, enum fp_mode mode, struct fp_run *run)
{
    memset(run, 0, sizeof(*run));
    run->results = calloc(n, sizeof(*run->results));
    run->n = n;
    run->mode = mode;
    for (size_t i = 0; i < n; i++) {
        checks[i] = (struct fp_check){.id = sp[i].id, .severity = sp[i].sev};
        fp_result_init(&run->results[i], &checks[i]);
        if (sp[i].st != FP_UNKNOWN)
            fp_report(&run->results[i], sp[i].st, "x");
        run->results[i].severity = sp[i].sev;
    }
    fp_run_tally(run);
    return output_verdict_line(run);
}

static void check_line(const struct spec *sp, size_t n, enum fp_mode mode, const char *want,
                       int failed, int blocked, const char *what)
{
    struct fp_run run;
    char *line = line_of(sp, n, mode, &run);
    is(line, want, "%s", what);
    is_int(run.failed, failed, "%s: verdict %s", what, failed ? "fail" : "pass");
    is_int(run.blocked, blocked, "%s: %s", what, blocked ? "blocks (exit 1)" : "does not block");
    free(line);
    fp_run_fini(&run);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_lines(void)
{
    /* the case of the issue: 26 checks, one warning, time.sync failing with
     * [severity] "time.sync" = "warn" */
    struct spec sync[27];
    static char ids[27][16];
    for (int i = 0; i < 25; i++) {
        snprintf(ids[i], sizeof(ids[i]), "t.p%d", i);
        sync[i] = (struct spec){ids[i], FP_PASS, FP_SEV_FAIL};
    }
    sync[25] = (struct spec){"packages.sched", FP_WARN, FP_SEV_WARN};
    sync[26] = (struct spec){"time.sync", FP_FAIL, FP_SEV_WARN};
    check_line(
        sync, 27, FP_MODE_ENFORCE,
        "OK: 25 checks passed, 1 with a warning; time.sync failed (severity warn, not blocking)", 0,
        0, "time.sync = \"warn\" failing: counted as what it is, with its id");

    struct spec one[] = {{"munge.daemon", FP_PASS, FP_SEV_FAIL}};
    check_line(one, N(one), FP_MODE_ENFORCE, "OK: 1 check passed", 0, 0, "one check: singular");

    struct spec two[] = {{"munge.daemon", FP_PASS, FP_SEV_FAIL},
                         {"statedir.space", FP_PASS, FP_SEV_FAIL}};
    check_line(two, N(two), FP_MODE_ENFORCE, "OK: 2 checks passed", 0, 0, "two checks: plural");

    struct spec warns[] = {{"a.a", FP_PASS, FP_SEV_FAIL},
                           {"a.b", FP_WARN, FP_SEV_FAIL},
                           {"a.c", FP_WARN, FP_SEV_WARN},
                           {"a.d", FP_SKIP, FP_SEV_FAIL}};
    check_line(warns, N(warns), FP_MODE_ENFORCE, "OK: 1 check passed, 2 with warnings", 0, 0,
               "warnings: plural, skips not counted");

    struct spec fail[] = {{"munge.daemon", FP_FAIL, FP_SEV_FAIL},
                          {"statedir.space", FP_ERROR, FP_SEV_FAIL},
                          {"time.sync", FP_FAIL, FP_SEV_WARN},
                          {"a.a", FP_PASS, FP_SEV_FAIL},
                          {"a.b", FP_SKIP, FP_SEV_FAIL}};
    check_line(fail, N(fail), FP_MODE_ENFORCE,
               "FAIL: munge.daemon, statedir.space (2 of 4 failed); time.sync failed (severity "
               "warn, not blocking)",
               1, 1, "fail and error block; the demoted failure is named apart");
    check_line(fail, N(fail), FP_MODE_WARN,
               "WARN: munge.daemon, statedir.space (2 of 4 failed); time.sync failed (severity "
               "warn, not blocking); mode=warn, not blocking",
               1, 0, "mode warn: the same failures, not blocking");

    struct spec unknown[] = {{"a.a", FP_UNKNOWN, FP_SEV_FAIL}, {"a.b", FP_PASS, FP_SEV_FAIL}};
    check_line(unknown, N(unknown), FP_MODE_ENFORCE, "FAIL: a.a (1 of 2 failed)", 1, 1,
               "a result nobody set fails the run");

    struct spec demoted2[] = {{"a.a", FP_ERROR, FP_SEV_WARN}, {"a.b", FP_FAIL, FP_SEV_WARN}};
    check_line(demoted2, N(demoted2), FP_MODE_ENFORCE,
               "OK: 0 checks passed; a.a, a.b failed (severity warn, not blocking)", 0, 0,
               "only demoted failures: OK, with every id");

    struct spec none[] = {{"a.a", FP_SKIP, FP_SEV_FAIL}};
    check_line(none, N(none), FP_MODE_ENFORCE, "OK: 0 checks passed", 0, 0, "all skipped");
}

int main(void)
{
    test_outcomes();
    test_unknown();
    test_lines();
    return done_testing();
}
