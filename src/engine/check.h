/* Check descriptors and results: the one interface every check family uses.
 *
 * A check is a descriptor and a run function that fills a result. The
 * descriptor owns everything about the check: its id, its journal
 * MESSAGE_ID, what it proves (summary), its explanation (what `explain`
 * prints and, generated from it at build time, its journal catalog entry and
 * its entry in flux-preflight(8)), its default severity, how it must be run,
 * its timeout, the settings of its own and the checks it requires. A check
 * never prints and never talks to journald: it reports a status, a one-line
 * message and facts (a JSON object; each key becomes a FLUX_PREFLIGHT_<KEY>
 * journald field). Outputs and the verdict are the engine's business.
 */
#ifndef FP_ENGINE_CHECK_H
#define FP_ENGINE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct fp_ctx;

/* Ordered by badness: a check that finds several problems reports the worst.
 * The zero value is FP_UNKNOWN, not FP_PASS: a result nobody set (a check
 * that returned without reporting, a zeroed struct) is never healthy; the
 * runner turns whatever is still unknown into FP_ERROR. */
enum fp_status {
    FP_UNKNOWN = 0, /* nothing reported yet */
    FP_PASS = 1,
    FP_SKIP = 2,
    FP_WARN = 3,
    FP_FAIL = 4,
    FP_ERROR = 5, /* could not check (timed out, abandoned): blocks like fail */
};

enum fp_severity {
    FP_SEV_FAIL = 0, /* a fail/error blocks the broker */
    FP_SEV_WARN = 1, /* reported, never blocks */
    FP_SEV_OFF = 2,  /* not run */
};

enum {
    /* Touches filesystems: runs in the supervised worker child, which is
     * killed and abandoned (and replaced) when a check overruns, because a
     * stat/statvfs on a dead server sleeps uninterruptibly. Anything that
     * opens or stats a configurable path may meet a network filesystem. */
    FP_CHECK_FS = 1 << 0,
    /* Blocking I/O with a daemon or the network (sockets, with bounds of its
     * own or not): runs in a thread of its own, concurrently with everything
     * else, and is abandoned at its timeout (the run goes on without it). It
     * must touch no filesystem that can hang (only sockets, /proc, /sys and
     * the tmpfs under /run): a thread stuck in the kernel would keep the gate
     * from exiting. With FP_CHECK_FS too: a child of its own instead, killed
     * at its timeout. */
    FP_CHECK_SOLO = 1 << 1,
    /* May become true by waiting (munged, clock, parent): retried with
     * backoff until the run deadline while the result asks for a retry. */
    FP_CHECK_WAITABLE = 1 << 2,
    /* Inspects the live node (daemons, clock, network): skipped under --root. */
    FP_CHECK_LIVE = 1 << 3,
};
/* No flag: a pure check of the parsed context, run in-process. */

/* The time for one attempt of a check whose descriptor sets none. */
#define FP_DEFAULT_TIMEOUT 5.0

/* A setting of the gate's configuration (flux-preflight.toml(5)): the gate's
 * own (engine/settings.c) or a check's (its descriptor's .settings). */
enum fp_setting_type {
    FP_SET_STRING,
    FP_SET_PATH,     /* absolute path */
    FP_SET_FSD,      /* Flux Standard Duration string */
    FP_SET_BYTES,    /* integer, or string with K/M/G/T (powers of 1024) suffix */
    FP_SET_PERCENT,  /* number 0..100 */
    FP_SET_INTEGER,
    FP_SET_BOOL,
    FP_SET_MODE,     /* "enforce" | "warn" */
    FP_SET_LEVEL,    /* "fail" | "warn": how one kind of finding counts */
    FP_SET_URL,
    FP_SET_SEVERITY_TABLE, /* check id -> "fail" | "warn" | "off" */
    FP_SET_TIMEOUT_TABLE,  /* check id -> FSD */
};

struct fp_setting_def {
    const char *key;  /* dotted: "munge.socket" */
    enum fp_setting_type type;
    const char *def;  /* default as text; NULL = unset */
    const char *doc;  /* one line for list --settings and the man page test */
};

struct fp_result {
    enum fp_status status;
    char *message;   /* findings joined with "; " */
    json_t *facts;   /* {"path": "/var/lib/flux", "free_bytes": 123, ...} */
    bool retry;      /* waitable checks: "not yet", worth another try */
    char *waiting;   /* what a retry waits for: "munged on /run/munge/munge.socket.2" */
    /* filled by the runner */
    const struct fp_check *check;
    enum fp_severity severity;
    uint64_t duration_us;
    unsigned attempts;
};

struct fp_check {
    const char *id;          /* stable: "family.name" */
    /* Its journal entries' MESSAGE_ID, which keys its catalog entry: a
     * stable 128-bit id, 32 lowercase hex digits (`systemd-id128 new`).
     * Never change one: admins filter on them. */
    const char *message_id;
    const char *summary;     /* what it proves, one line (list, man page) */
    /* What exactly it looks at and how it judges it, the facts it reports
     * (plain text, as .explain): its entry in flux-preflight(8), and what
     * `explain` prints first. NULL: the summary. */
    const char *details;
    /* Why it matters to Flux and how to fix what it finds, in plain text
     * lines (keep them within 78 columns): a blank line starts a paragraph, a line
     * indented by blanks is shown as written (commands to run). Printed by
     * `explain`, carried by the catalog entry, and the body of the check's
     * entry in flux-preflight(8). */
    const char *explain;
    /* The catalog entry's Subject: (may use journal fields of the entry,
     * "@FLUX_PREFLIGHT_PATH@"); NULL: the summary. */
    const char *subject;
    /* Further pages for its Documentation: line ("man:munged(8)"). */
    const char *documentation;
    /* The catalog's opening paragraph, what this entry reports with its
     * fields ("... through @FLUX_PREFLIGHT_SOCKET@: @MESSAGE@"); NULL: "The
     * pre-flight check ID reported: @MESSAGE@". */
    const char *journal;
    /* Settings of its own (typed, with defaults and a line of doc), NULL or
     * ending with { NULL }: FP_SETTINGS({ "munge.socket", FP_SET_PATH, ... }). */
    const struct fp_setting_def *settings;
    enum fp_severity severity;
    unsigned flags;          /* FP_CHECK_* */
    double timeout;          /* seconds for one attempt; 0 = default */
    void (*run)(const struct fp_ctx *ctx, struct fp_result *r);
    /* Optional, cheap, no I/O: facts known before running (the socket, the
     * parent address), so a timed-out attempt still says what it waited on.
     * A "target" fact is used in the timeout message ("no answer from X"). */
    void (*describe)(const struct fp_ctx *ctx, struct fp_result *r);
    /* Optional: ids of the checks whose failure leaves this one nothing to
     * judge: it then skips, naming the one to see ("see family.name").
     * Under --check, one that was not selected runs too, and when it failed
     * and this check's skip names it, this check is an error that says so
     * (src/engine/prereq.c). FP_REQUIRES("family.name", ...) */
    const char *const *requires;
    /* Optional, cheap, no I/O: the flags for this node's configuration,
     * when how the check must run depends on it (fleet.sync: a file://
     * manifest is a file to read, an https:// one network I/O). */
    unsigned (*flags_for)(const struct fp_ctx *ctx);
};

/* The FP_CHECK_* flags c runs with on this node: flags_for, or flags. */
static inline unsigned fp_check_flags(const struct fp_check *c, const struct fp_ctx *ctx)
{
    return c->flags_for ? c->flags_for(ctx) : c->flags;
}
#define FP_REQUIRES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define FP_SETTINGS(...) ((const struct fp_setting_def[]){ __VA_ARGS__, { NULL, 0, NULL, NULL } })

/* Report a finding. Status only ever gets worse (UNKNOWN < PASS < SKIP < WARN <
 * FAIL < ERROR); messages accumulate, joined with "; ". */
void fp_report(struct fp_result *r, enum fp_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define fp_pass(r, ...) fp_report((r), FP_PASS, __VA_ARGS__)
#define fp_skip(r, ...) fp_report((r), FP_SKIP, __VA_ARGS__)
#define fp_warn(r, ...) fp_report((r), FP_WARN, __VA_ARGS__)
#define fp_fail(r, ...) fp_report((r), FP_FAIL, __VA_ARGS__)
#define fp_error(r, ...) fp_report((r), FP_ERROR, __VA_ARGS__)

/* Nothing found so far (nothing reported yet, or only pass notes): the test a
 * check makes before its closing fp_pass(). Never compare status with FP_PASS
 * for this: a check that has reported nothing is FP_UNKNOWN. */
static inline bool fp_nothing_found(const struct fp_result *r)
{
    return r->status <= FP_PASS;
}

/* Mark a waitable check's result as "not yet": the runner retries it until
 * the deadline, showing "waiting for <what>" in STATUS=. */
void fp_retry(struct fp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Facts: key in lower case with '_' ("free_bytes"); journald field
 * FLUX_PREFLIGHT_FREE_BYTES. */
void fp_fact_str(struct fp_result *r, const char *key, const char *val);
void fp_fact_strf(struct fp_result *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fp_fact_int(struct fp_result *r, const char *key, long long val);
void fp_fact_bool(struct fp_result *r, const char *key, bool val);
void fp_fact_real(struct fp_result *r, const char *key, double val);

void fp_result_init(struct fp_result *r, const struct fp_check *c);
void fp_result_clear(struct fp_result *r);
/* After a check's run function returned: a check that reported nothing is an
 * error ("unknown is not healthy"). */
void fp_result_finish(struct fp_result *r);
/* Serialise for the pipe from a child, and back. */
json_t *fp_result_to_json(const struct fp_result *r);
int fp_result_from_json(struct fp_result *r, json_t *o);

/* The path that did not answer an earlier check of this run (a filesystem
 * check abandoned at its timeout, its "target" fact) when path is that path
 * or below it, else NULL: a check that would only touch it in passing (the
 * fleet cache in statedir) does not wait on it again. */
const char *fp_unresponsive(const char *path);

/* "1.5 GiB" */
const char *fp_format_bytes(char *buf, size_t bufsz, unsigned long long bytes);

const char *fp_status_name(enum fp_status st);
int fp_status_from_name(const char *s);
const char *fp_severity_name(enum fp_severity sev);
int fp_severity_from_name(const char *s);

#endif
