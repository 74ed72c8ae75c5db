/* journald: one structured entry per check, one summary entry per run.
 * MESSAGE is sanitised (common/sanitize.h): what journalctl prints on a
 * terminal holds no control character from a node, an image or a manifest.
 * `journalctl FLUX_PREFLIGHT_CHECK=ID` finds a check's entry and
 * `journalctl -x` explains it through the catalog (keyed by MESSAGE_ID). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <systemd/sd-journal.h>
#include <systemd/sd-login.h>

#include "common/sanitize.h"
#include "output/output.h"

/* The run summary's MESSAGE_ID (each check's is its descriptor's); its
 * catalog entry is units/catalog.d/summary.catalog. Never change it. */
#define MSGID_SUMMARY "ba926dab75bf4b3c9241ae3b341192b3"

bool output_journal_is_stream(int fd)
{
    const char *e = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(fd, &st) < 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

struct fields {
    struct iovec iov[64];
    char *mem[64];
    int n;
};

static void add(struct fields *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct fields *f, const char *fmt, ...)
{
    va_list ap;
    char *s;
    if (f->n >= 64)
        return;
    va_start(ap, fmt);
    int len = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    f->mem[f->n] = s;
    f->iov[f->n].iov_base = s;
    f->iov[f->n].iov_len = (size_t)len;
    f->n++;
}

static void release(struct fields *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->mem[i]);
    f->n = 0;
}

/* "free_bytes" -> "FLUX_PREFLIGHT_FREE_BYTES" (journald field names: A-Z 0-9 _) */
static void field_name(const char *key, char *buf, size_t sz)
{
    size_t o = snprintf(buf, sz, "FLUX_PREFLIGHT_");
    for (; *key && o + 1 < sz; key++)
        buf[o++] = isalnum((unsigned char)*key) ? (char)toupper((unsigned char)*key) : '_';
    buf[o] = '\0';
}

static void add_facts(struct fields *f, json_t *facts)
{
    const char *k;
    json_t *v;
    char name[128];

    json_object_foreach(facts, k, v) {
        field_name(k, name, sizeof(name));
        if (json_is_string(v)) {
            add(f, "%s=%s", name, json_string_value(v));
        } else {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            if (s) {
                add(f, "%s=%s", name, s);
                free(s);
            }
        }
    }
}

/* By what the result means: a failure of severity warn is a warning. */
static int priority_of(enum fp_outcome o)
{
    switch (o) {
    case FP_OUTCOME_BLOCKS:
    case FP_OUTCOME_UNENFORCED: return 3;
    case FP_OUTCOME_WARN:
    case FP_OUTCOME_DEMOTED: return 4;
    case FP_OUTCOME_PASS: return 6;
    default: return 7;
    }
}

/* journald finds a sender's unit (_SYSTEMD_UNIT, what `journalctl -u`
 * matches) from its cgroup when it reads the message; the gate sends its
 * entries and exits at once, and an entry read after the exit has no unit.
 * `journalctl -u UNIT` also matches OBJECT_SYSTEMD_UNIT=UNIT from uid 0, so
 * the gate names its own unit, found while it is alive. */
static void add_own_unit(struct fields *f)
{
    char *unit = NULL;
    if (geteuid() == 0 && sd_pid_get_unit(0, &unit) >= 0 && unit)
        add(f, "OBJECT_SYSTEMD_UNIT=%s", unit);
    free(unit);
}

int output_journal(const struct fp_ctx *ctx, const struct fp_run *run, const char *verdict_line)
{
    struct fields f = { .n = 0 };
    int rc = 0;
    char *failed = output_ids(run, fp_outcome_failed, ",");
    char *demoted = output_ids(run, output_is_demoted, ",");

    for (size_t i = 0; i < run->n; i++) {
        const struct fp_result *r = &run->results[i];
        char *msg = sanitize_dup(r->message ? r->message : fp_status_name(r->status));
        add(&f, "MESSAGE=%s: %s", r->check->id, msg ? msg : fp_status_name(r->status));
        free(msg);
        add(&f, "PRIORITY=%d", priority_of(fp_run_outcome(run, i)));
        add(&f, "MESSAGE_ID=%s", r->check->message_id);
        add(&f, "SYSLOG_IDENTIFIER=flux-preflight");
        add(&f, "FLUX_PREFLIGHT_CHECK=%s", r->check->id);
        add(&f, "FLUX_PREFLIGHT_RESULT=%s", fp_status_name(r->status));
        add(&f, "FLUX_PREFLIGHT_SEVERITY=%s", fp_severity_name(r->severity));
        add(&f, "FLUX_PREFLIGHT_DURATION_USEC=%llu", (unsigned long long)r->duration_us);
        add(&f, "FLUX_PREFLIGHT_HOST=%s", ctx->hostname);
        add_own_unit(&f);
        add_facts(&f, r->facts);
        if (sd_journal_sendv(f.iov, f.n) < 0)
            rc = -1;
        release(&f);
    }
    char *line = sanitize_dup(verdict_line);
    add(&f, "MESSAGE=%s", line ? line : "");
    free(line);
    add(&f, "PRIORITY=%d", run->failed ? 3
                           : run->outcomes[FP_OUTCOME_WARN] + run->outcomes[FP_OUTCOME_DEMOTED] ? 4
                           : 6);
    add(&f, "MESSAGE_ID=%s", MSGID_SUMMARY);
    add(&f, "SYSLOG_IDENTIFIER=flux-preflight");
    add(&f, "FLUX_PREFLIGHT_VERDICT=%s", run->failed ? "fail" : "pass");
    add(&f, "FLUX_PREFLIGHT_MODE=%s", run->mode == FP_MODE_WARN ? "warn" : "enforce");
    add(&f, "FLUX_PREFLIGHT_HOST=%s", ctx->hostname);
    add(&f, "FLUX_PREFLIGHT_FAILED=%s", failed ? failed : "");
    add(&f, "FLUX_PREFLIGHT_DEMOTED=%s", demoted ? demoted : "");
    for (int st = FP_PASS; st <= FP_ERROR; st++)
        add(&f, "FLUX_PREFLIGHT_COUNT_%s=%u", st == FP_PASS ? "PASS" : st == FP_SKIP ? "SKIP"
                                              : st == FP_WARN ? "WARN" : st == FP_FAIL ? "FAIL"
                                              : "ERROR", run->counts[st]);
    add(&f, "FLUX_PREFLIGHT_DURATION_USEC=%llu", (unsigned long long)run->duration_us);
    add_own_unit(&f);
    if (sd_journal_sendv(f.iov, f.n) < 0)
        rc = -1;
    release(&f);
    free(failed);
    free(demoted);
    return rc;
}
