/* The result model: status only gets worse, messages accumulate. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "engine/check.h"

static const char *const status_names[] = {
    [FP_UNKNOWN] = "unknown", [FP_PASS] = "pass", [FP_SKIP] = "skip",
    [FP_WARN] = "warn",       [FP_FAIL] = "fail", [FP_ERROR] = "error",
};
static const char *const severity_names[] = {
    [FP_SEV_FAIL] = "fail", [FP_SEV_WARN] = "warn", [FP_SEV_OFF] = "off",
};

const char *fp_status_name(enum fp_status st)
{
    return st <= FP_ERROR ? status_names[st] : "error";
}

/* Only what a check can report: "unknown" is not a result. */
int fp_status_from_name(const char *s)
{
    for (int i = FP_PASS; i <= FP_ERROR; i++)
        if (s && strcmp(s, status_names[i]) == 0)
            return i;
    return -1;
}

const char *fp_severity_name(enum fp_severity sev)
{
    return sev <= FP_SEV_OFF ? severity_names[sev] : "fail";
}

int fp_severity_from_name(const char *s)
{
    for (int i = 0; i <= FP_SEV_OFF; i++)
        if (s && strcmp(s, severity_names[i]) == 0)
            return i;
    return -1;
}

void fp_result_init(struct fp_result *r, const struct fp_check *c)
{
    memset(r, 0, sizeof(*r));
    r->check = c;
    r->severity = c ? c->severity : FP_SEV_FAIL;
    r->facts = json_object();
}

void fp_result_finish(struct fp_result *r)
{
    if (r->status == FP_UNKNOWN)
        fp_error(r, "the check returned without a result");
}

void fp_result_clear(struct fp_result *r)
{
    free(r->message);
    free(r->waiting);
    json_decref(r->facts);
    r->message = r->waiting = NULL;
    r->facts = NULL;
}

static void append_message(struct fp_result *r, const char *fmt, va_list ap)
{
    _cleanup_free_ char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0 || !*m)
        return;
    if (!r->message) {
        r->message = TAKE_PTR(m);
        return;
    }
    char *joined;
    if (asprintf(&joined, "%s; %s", r->message, m) < 0)
        return;
    free(r->message);
    r->message = joined;
}

void fp_report(struct fp_result *r, enum fp_status st, const char *fmt, ...)
{
    va_list ap;

    /* A skip reason does not mask a finding, and a finding replaces a skip. */
    if (st > r->status) {
        if (r->status <= FP_SKIP && st > FP_SKIP) {
            free(r->message);
            r->message = NULL;
        }
        r->status = st;
    } else if (st < r->status && r->status > FP_SKIP && st <= FP_SKIP) {
        return; /* pass/skip notes after a finding add noise, not information */
    }
    va_start(ap, fmt);
    append_message(r, fmt, ap);
    va_end(ap);
}

void fp_retry(struct fp_result *r, const char *fmt, ...)
{
    va_list ap;
    free(r->waiting);
    r->waiting = NULL;
    va_start(ap, fmt);
    if (vasprintf(&r->waiting, fmt, ap) < 0)
        r->waiting = NULL;
    va_end(ap);
    r->retry = true;
}

void fp_fact_str(struct fp_result *r, const char *key, const char *val)
{
    if (val)
        json_object_set_new(r->facts, key, json_string(val));
}

void fp_fact_strf(struct fp_result *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    _cleanup_free_ char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    fp_fact_str(r, key, s);
}

void fp_fact_int(struct fp_result *r, const char *key, long long val)
{
    json_object_set_new(r->facts, key, json_integer(val));
}

void fp_fact_bool(struct fp_result *r, const char *key, bool val)
{
    json_object_set_new(r->facts, key, json_boolean(val));
}

void fp_fact_real(struct fp_result *r, const char *key, double val)
{
    json_object_set_new(r->facts, key, json_real(val));
}

json_t *fp_result_to_json(const struct fp_result *r)
{
    json_t *o = json_pack("{s:s s:s s:s s:s s:I s:O}", "id", r->check ? r->check->id : "",
                          "result", fp_status_name(r->status), "severity",
                          fp_severity_name(r->severity), "message",
                          r->message ? r->message : "", "duration_us",
                          (json_int_t)r->duration_us, "facts",
                          r->facts ? r->facts : json_object());
    if (o && r->retry) {
        json_object_set_new(o, "retry", json_true());
        if (r->waiting)
            json_object_set_new(o, "waiting", json_string(r->waiting));
    }
    return o;
}

int fp_result_from_json(struct fp_result *r, json_t *o)
{
    const char *result = NULL, *message = NULL, *waiting = NULL;
    json_t *facts = NULL;
    int retry = 0;

    if (json_unpack(o, "{s:s s?s s?o s?b s?s}", "result", &result, "message", &message,
                    "facts", &facts, "retry", &retry, "waiting", &waiting) < 0)
        return -1;
    int st = fp_status_from_name(result);
    if (st < 0)
        return -1;
    r->status = st;
    free(r->message);
    r->message = message && *message ? strdup(message) : NULL;
    if (json_is_object(facts)) {
        json_decref(r->facts);
        r->facts = json_incref(facts);
    }
    r->retry = retry;
    free(r->waiting);
    r->waiting = waiting ? strdup(waiting) : NULL;
    return 0;
}

const char *fp_format_bytes(char *buf, size_t bufsz, unsigned long long bytes)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, bufsz, "%llu B", bytes);
    else
        snprintf(buf, bufsz, "%.1f %s", v, units[u]);
    return buf;
}
