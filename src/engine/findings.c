/* Findings about config files, reported worst first (findings.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "engine/findings.h"

#define FINDINGS_SHOWN 12 /* more than this in one message helps nobody */

void fp_findings_free(struct fp_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].msg);
        free(f->v[i].file);
        free(f->v[i].key);
    }
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

static void vfinding(struct fp_findings *f, enum fp_status st, const char *file, int line, int col,
                     const char *key, const char *fmt, va_list ap)
{
    _cleanup_free_ char *text = NULL;
    char where[PATH_MAX + 64] = "";
    char *msg = NULL;

    if (vasprintf(&text, fmt, ap) < 0)
        return;
    if (file && line > 0 && col > 0)
        snprintf(where, sizeof(where), "%s:%d:%d: ", file, line, col);
    else if (file && line > 0)
        snprintf(where, sizeof(where), "%s:%d: ", file, line);
    else if (file)
        snprintf(where, sizeof(where), "%s: ", file);
    if (asprintf(&msg, "%s%s%s%s", where, key ? key : "", key ? ": " : "", text) < 0)
        return;
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 8;
        struct fp_finding *nv = realloc(f->v, ncap * sizeof(*nv));
        if (!nv) {
            free(msg);
            return;
        }
        f->v = nv;
        f->cap = ncap;
    }
    f->v[f->n++] = (struct fp_finding){
        .st = st,
        .msg = msg,
        .file = file ? strdup(file) : NULL,
        .line = line,
        .key = key ? strdup(key) : NULL,
    };
}

void fp_finding(struct fp_findings *f, enum fp_status st, const struct conf *c, const char *key,
                const char *fmt, ...)
{
    const char *file;
    int line;
    va_list ap;

    conf_locate_nearest(c, key, &file, &line);
    va_start(ap, fmt);
    vfinding(f, st, file, line, 0, key && *key ? key : NULL, fmt, ap);
    va_end(ap);
}

void fp_finding_at(struct fp_findings *f, enum fp_status st, const char *file, int line, int col,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfinding(f, st, file && *file ? file : NULL, line, col, NULL, fmt, ap);
    va_end(ap);
}

enum fp_status fp_findings_worst(const struct fp_findings *f)
{
    enum fp_status w = FP_PASS;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].st > w)
            w = f->v[i].st;
    return w;
}

void fp_findings_report(struct fp_findings *f, struct fp_result *r)
{
    size_t shown = 0, hidden = 0;
    enum fp_status hidden_st = FP_PASS;
    bool placed = false;

    for (int st = FP_ERROR; st >= FP_PASS; st--) {
        for (size_t i = 0; i < f->n; i++) {
            struct fp_finding *x = &f->v[i];
            if ((int)x->st != st)
                continue;
            if (!placed && st >= FP_WARN) {
                if (x->file)
                    fp_fact_str(r, "file", x->file);
                if (x->line > 0)
                    fp_fact_int(r, "line", x->line);
                if (x->key)
                    fp_fact_str(r, "key", x->key);
                placed = true;
            }
            if (shown < FINDINGS_SHOWN) {
                fp_report(r, x->st, "%s", x->msg);
                shown++;
            } else {
                hidden++;
                if (x->st > hidden_st)
                    hidden_st = x->st;
            }
        }
    }
    if (hidden)
        fp_report(r, hidden_st, "and %zu more like these", hidden);
}
