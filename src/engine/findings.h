/* Findings about config files: each placed at the file and line of the key
 * at fault, collected while a check judges a config, then reported to its
 * result worst first (stable within a status), so that the line
 * `systemctl status` shows leads with what blocks the broker. At most a
 * dozen are shown; the rest are counted ("and 3 more like these"). */
#ifndef FP_ENGINE_FINDINGS_H
#define FP_ENGINE_FINDINGS_H

#include <stddef.h>

#include "common/cleanup.h"
#include "common/conf.h"
#include "engine/check.h"

struct fp_finding {
    enum fp_status st;
    char *msg; /* with its "FILE:LINE: key: " prefix */
    char *file;
    int line;
    char *key;
};

struct fp_findings {
    struct fp_finding *v;
    size_t n, cap;
};

void fp_findings_free(struct fp_findings *f);
#define _cleanup_findings_ _cleanup_(fp_findings_free)

/* A finding about key (dotted, "bootstrap.hosts[2].bind") of config c,
 * placed at the file and line defining it, or its closest enclosing key that
 * a file defines (a missing key is reported at its table). */
void fp_finding(struct fp_findings *f, enum fp_status st, const struct conf *c, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A finding at an explicit place (file may be NULL or ""; line, col 0 = unknown). */
void fp_finding_at(struct fp_findings *f, enum fp_status st, const char *file, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

enum fp_status fp_findings_worst(const struct fp_findings *f);
/* Report to r worst first; the first of the worst that is a warning or worse
 * names its file, line and key as facts (FLUX_PREFLIGHT_FILE, _LINE, _KEY). */
void fp_findings_report(struct fp_findings *f, struct fp_result *r);

#endif
