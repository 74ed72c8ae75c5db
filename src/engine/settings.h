/* The gate's own configuration: *.toml in /etc/flux/preflight/conf.d, merged as
 * flux-core merges conf.d, validated against one schema table (which the man
 * page test compares with flux-preflight.toml(5)). */
#ifndef FP_ENGINE_SETTINGS_H
#define FP_ENGINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "engine/check.h"

#define FP_DEFAULT_CONFIG "/etc/flux/preflight/conf.d"
/* The longest duration any setting may hold (deadline, timeouts): one day.
 * Longer is a config error that names this limit, not a timer overflow. */
#define FP_DURATION_MAX 86400.0

enum fp_mode {
    FP_MODE_ENFORCE = 0,
    FP_MODE_WARN = 1,
};

/* Every setting the gate knows, in the order list --settings shows them: the
 * gate's own, then each check's own (its descriptor's .settings, registry
 * order), then the per-check [severity] and [timeout] tables; NULL-terminated. */
const struct fp_setting_def *const *fp_setting_defs(void);
const struct fp_setting_def *fp_setting_def_find(const char *key);

struct fp_settings {
    enum fp_mode mode;
    double deadline;        /* seconds */
    json_t *values;         /* key -> value, defaults filled in (flat, dotted keys) */
    json_t *severity;       /* check id -> "fail"|"warn"|"off" */
    json_t *timeout;        /* check id -> seconds */
    char *source;           /* what was loaded ("(built-in defaults)" when nothing) */
    /* where each value set in a file came from, for list --settings:
     * key ("family.key", "severity.family.name") -> {"value": as written,
     * "file": path, "line": n (0 when unknown)} */
    json_t *origin;
};

/* Load and validate. path NULL = FP_DEFAULT_CONFIG under root. A missing
 * default path means built-in defaults; a missing explicit path is an error.
 * Returns 0, or -1 with a message "FILE:LINE: what" in err. */
int fp_settings_load(const char *root, const char *path, struct fp_settings **out, char *err,
                     size_t errsz);
struct fp_settings *fp_settings_defaults(void);
void fp_settings_destroy(struct fp_settings *s);

const char *fp_setting_str(const struct fp_settings *s, const char *key);
double fp_setting_num(const struct fp_settings *s, const char *key);
bool fp_setting_bool(const struct fp_settings *s, const char *key);

enum fp_severity fp_settings_severity(const struct fp_settings *s, const struct fp_check *c);
double fp_settings_timeout(const struct fp_settings *s, const struct fp_check *c);

/* "10G" / "512M" / 1024 -> bytes; -1 on error. */
int fp_parse_bytes(const char *s, unsigned long long *out);

#endif
