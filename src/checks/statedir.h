/* What the statedir.* checks share (statedir.c, statedir-dir.c). */
#ifndef FP_CHECKS_STATEDIR_H
#define FP_CHECKS_STATEDIR_H

#include <limits.h>
#include <stdbool.h>

#include "engine/check.h"
#include "engine/context.h"
#include "engine/settings.h"

/* statedir is used by rank 0 only; followers drop the attribute. */
static inline bool leader_only(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (ctx->rank > 0) {
        fp_skip(r, "rank %d is a follower: statedir is used on rank 0 only", ctx->rank);
        return false;
    }
    return true;
}

static inline const char *statedir_of(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "statedir");
}

/* Known before running: a check abandoned on a hung filesystem still says
 * which path it was looking at. */
static inline void describe_statedir(const struct fp_ctx *ctx, struct fp_result *r)
{
    char path[PATH_MAX];

    if (fp_path(ctx, statedir_of(ctx), path, sizeof(path))) {
        fp_fact_str(r, "path", path);
        fp_fact_str(r, "target", path);
    }
}

#endif
