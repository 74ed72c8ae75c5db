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

json_t *output_json_doc(const struct fp_ctx *ctx, const struct fp_run *run)
{
    char boot_id[64], now[32];
    time_t t = time(NULL);
    struct tm tm;
    json_t *results = json_array(), *failed = json_array();

    read_boot_id(boot_id, sizeof(boot_id));
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    for (size_t i = 0; i < run->n; i++) {
        const struct fp_result *r = &run->results[i];
        json_t *o = json_pack("{s:s s:s s:s s:s s:I s:O}", "id", r->check->id, "result",
                              fp_status_name(r->status), "severity", fp_severity_name(r->severity),
                              "message", r->message ? r->message : "", "duration_us",
                              (json_int_t)r->duration_us, "facts", r->facts);
        json_array_append_new(results, o);
        if (r->severity == FP_SEV_FAIL && r->status >= FP_FAIL)
            json_array_append_new(failed, json_string(r->check->id));
    }
    return json_pack("{s:i s:s s:s s:s s:s s:s s:{s:i s:i s:i s:i s:i} s:o s:o}",
                     "version", 1, "host", ctx->hostname, "boot_id", boot_id, "time", now,
                     "mode", ctx->set->mode == FP_MODE_WARN ? "warn" : "enforce",
                     "verdict", run->blocked ? "fail" : "pass",
                     "counts", "pass", run->counts[FP_PASS], "warn", run->counts[FP_WARN],
                     "fail", run->counts[FP_FAIL], "skip", run->counts[FP_SKIP],
                     "error", run->counts[FP_ERROR],
                     "failed", failed, "results", results);
}

char *output_verdict_line(const struct fp_run *run, bool warn_mode)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    unsigned nfailed = 0, ran = 0;

    if (!f)
        return NULL;
    for (size_t i = 0; i < run->n; i++) {
        const struct fp_result *r = &run->results[i];
        if (r->status != FP_SKIP)
            ran++;
        if (r->severity == FP_SEV_FAIL && r->status >= FP_FAIL)
            fprintf(f, "%s%s", nfailed++ ? ", " : "", r->check->id);
    }
    fclose(f);
    char *line = NULL;
    int rc;
    if (nfailed > 0)
        rc = asprintf(&line, "%s: %s (%u of %u failed)%s", warn_mode ? "WARN" : "FAIL", s,
                      nfailed, ran, warn_mode ? "; mode=warn, not blocking" : "");
    else if (run->counts[FP_WARN] > 0)
        rc = asprintf(&line, "OK: %u checks passed, %u with warnings", ran,
                      run->counts[FP_WARN]);
    else
        rc = asprintf(&line, "OK: %u checks passed", ran);
    free(s);
    return rc < 0 ? NULL : line;
}
