/* The JSON document: --json output and the status file share it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "output/output.h"

/* The unit's sandbox has a /proc of its own, which in a container shows the
 * host's boot id: the generator hands over the system's in the environment. */
static void read_boot_id(char *buf, size_t sz)
{
    const char *env = getenv("FLUX_PREFLIGHT_BOOT_ID");
    if (env && *env) {
        snprintf(buf, sz, "%s", env);
        return;
    }
    _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
    buf[0] = '\0';
    if (f && fgets(buf, (int)sz, f))
        buf[strcspn(buf, "\n")] = '\0';
}

char *output_ids(const struct fp_run *run, bool (*want)(enum fp_outcome), const char *sep)
{
    char *s = NULL;
    size_t len = 0, n = 0;
    FILE *f = open_memstream(&s, &len);

    if (!f)
        return NULL;
    for (size_t i = 0; i < run->n; i++)
        if (want(fp_run_outcome(run, i)))
            fprintf(f, "%s%s", n++ ? sep : "", run->results[i].check->id);
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

bool output_is_demoted(enum fp_outcome o)
{
    return o == FP_OUTCOME_DEMOTED;
}

static json_t *id_array(const struct fp_run *run, bool (*want)(enum fp_outcome))
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < run->n; i++)
        if (want(fp_run_outcome(run, i)))
            json_array_append_new(a, json_string(run->results[i].check->id));
    return a;
}

static void utc_now(char *buf, size_t sz)
{
    time_t t = time(NULL);
    struct tm tm;
    strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
}

json_t *output_json_interim(const char *host, enum fp_mode mode, const char *verdict,
                            const char *summary)
{
    char boot_id[64], now[32];

    read_boot_id(boot_id, sizeof(boot_id));
    utc_now(now, sizeof(now));
    return json_pack("{s:i s:s s:s s:s s:s s:s s:s s:{s:i s:i s:i s:i s:i} s:[] s:[] s:[]}",
                     "version", 1, "host", host, "boot_id", boot_id, "time", now,
                     "mode", mode == FP_MODE_WARN ? "warn" : "enforce", "verdict", verdict,
                     "summary", summary, "counts", "pass", 0, "warn", 0, "fail", 0, "skip", 0,
                     "error", 0, "failed", "demoted", "results");
}

json_t *output_json_doc(const struct fp_ctx *ctx, const struct fp_run *run)
{
    char boot_id[64], now[32];
    json_t *results = json_array();
    _cleanup_free_ char *summary = output_verdict_line(run);

    read_boot_id(boot_id, sizeof(boot_id));
    utc_now(now, sizeof(now));
    for (size_t i = 0; i < run->n; i++) {
        const struct fp_result *r = &run->results[i];
        json_t *o = json_pack("{s:s s:s s:s s:s s:I s:O}", "id", r->check->id, "result",
                              fp_status_name(r->status), "severity", fp_severity_name(r->severity),
                              "message", r->message ? r->message : "", "duration_us",
                              (json_int_t)r->duration_us, "facts", r->facts);
        json_array_append_new(results, o);
    }
    return json_pack("{s:i s:s s:s s:s s:s s:s s:s s:{s:i s:i s:i s:i s:i} s:o s:o s:o}",
                     "version", 1, "host", ctx->hostname, "boot_id", boot_id, "time", now,
                     "mode", run->mode == FP_MODE_WARN ? "warn" : "enforce",
                     "verdict", run->failed ? "fail" : "pass",
                     "summary", summary ? summary : "",
                     "counts", "pass", run->counts[FP_PASS], "warn", run->counts[FP_WARN],
                     "fail", run->counts[FP_FAIL], "skip", run->counts[FP_SKIP],
                     "error", run->counts[FP_ERROR],
                     "failed", id_array(run, fp_outcome_failed),
                     "demoted", id_array(run, output_is_demoted),
                     "results", results);
}

/* The one-line verdict (STATUS=, the table's footer, the journal summary),
 * with honest counts:
 *   FAIL: ID1, ID2 (2 of 27 failed)
 *   WARN: ID1 (1 of 27 failed); mode=warn, not blocking
 *   OK: 25 checks passed, 1 with a warning; ID3 failed (severity warn, not blocking)
 *   OK: 1 check passed
 * "of N" counts the checks that ran (not skipped). */
char *output_verdict_line(const struct fp_run *run)
{
    const unsigned *o = run->outcomes;
    unsigned failed = o[FP_OUTCOME_BLOCKS] + o[FP_OUTCOME_UNENFORCED];
    unsigned ran = o[FP_OUTCOME_PASS] + o[FP_OUTCOME_WARN] + o[FP_OUTCOME_DEMOTED] + failed;
    _cleanup_free_ char *failed_ids = output_ids(run, fp_outcome_failed, ", ");
    _cleanup_free_ char *demoted_ids = output_ids(run, output_is_demoted, ", ");
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);

    if (!f || !failed_ids || !demoted_ids) {
        if (f)
            fclose(f);
        free(s);
        return NULL;
    }
    if (failed > 0) {
        fprintf(f, "%s: %s (%u of %u failed)", run->blocked ? "FAIL" : "WARN", failed_ids,
                failed, ran);
    } else {
        unsigned pass = o[FP_OUTCOME_PASS], warn = o[FP_OUTCOME_WARN];
        fprintf(f, "OK: %u check%s passed", pass, pass == 1 ? "" : "s");
        if (warn > 0)
            fprintf(f, ", %u with %s", warn, warn == 1 ? "a warning" : "warnings");
    }
    if (o[FP_OUTCOME_DEMOTED] > 0)
        fprintf(f, "; %s failed (severity warn, not blocking)", demoted_ids);
    if (failed > 0 && !run->blocked)
        fputs("; mode=warn, not blocking", f);
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}
