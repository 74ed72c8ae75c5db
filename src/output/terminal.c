/* The table an admin reads at the console. */
#include <string.h>

#include "output/output.h"

static const char *color_of(enum fp_status st)
{
    switch (st) {
    case FP_PASS: return "\033[32m";
    case FP_WARN: return "\033[33m";
    case FP_FAIL:
    case FP_ERROR: return "\033[1;31m";
    default: return "\033[2m";
    }
}

void output_terminal(FILE *f, const struct fp_ctx *ctx, const struct fp_run *run, bool color)
{
    int w = 5;
    for (size_t i = 0; i < run->n; i++) {
        int l = (int)strlen(run->results[i].check->id);
        if (l > w)
            w = l;
    }
    fprintf(f, "flux-preflight on %s", ctx->hostname);
    if (ctx->root && *ctx->root)
        fprintf(f, " (image %s)", ctx->root);
    if (ctx->rank >= 0)
        fprintf(f, ", rank %d of %d", ctx->rank, ctx->size);
    fputc('\n', f);
    fprintf(f, "%-*s  %-6s %s\n", w, "CHECK", "RESULT", "DETAILS");
    for (size_t i = 0; i < run->n; i++) {
        const struct fp_result *r = &run->results[i];
        const char *name = fp_status_name(r->status);
        char shown[8];
        bool failed = fp_outcome_failed(fp_run_outcome(run, i));

        /* Upper case marks a failure of the verdict; a fail demoted to warn
         * by [severity] shows in lower case. */
        snprintf(shown, sizeof(shown), "%s", name);
        if (failed)
            for (char *p = shown; *p; p++)
                *p = (char)(*p - 'a' + 'A');
        fprintf(f, "%-*s  %s%-6s%s %s\n", w, r->check->id, color ? color_of(r->status) : "",
                shown, color ? "\033[0m" : "", r->message ? r->message : "");
    }
    char *line = output_verdict_line(run);
    if (line) {
        bool bad = run->failed;
        fprintf(f, "%s%s%s\n", color ? (bad ? "\033[1;31m" : "\033[1;32m") : "", line,
                color ? "\033[0m" : "");
        free(line);
    }
}
