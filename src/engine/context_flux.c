/* [bootstrap] and the overlay tree, resolved once for this host. */
#include <stdio.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/topology.h"
#include "engine/context_flux.h"

void fp_ctx_load_bootstrap(struct fp_ctx *ctx)
{
    struct bootstrap_error err;

    ctx->rank = -1;
    ctx->size = 0;
    if (!ctx->system) {
        snprintf(ctx->bootstrap_err, sizeof(ctx->bootstrap_err),
                 "the system config did not load");
        return;
    }
    ctx->boot = bootstrap_parse(ctx->system->merged, ctx->hostname, &err);
    if (!ctx->boot) {
        snprintf(ctx->bootstrap_err, sizeof(ctx->bootstrap_err), "%s", err.text);
        /* Valid table, this host missing: keep the table for what does not
         * need a rank (sizes, the tree). */
        ctx->boot = bootstrap_parse(ctx->system->merged, NULL, &err);
        if (!ctx->boot)
            return;
        ctx->bootstrap_host_missing = true;
    } else {
        ctx->rank = bootstrap_rank(ctx->boot);
    }
    ctx->size = bootstrap_size(ctx->boot);
    ctx->topo = topology_from_config(ctx->system->merged, ctx->boot, ctx->topology_err,
                                     sizeof(ctx->topology_err));
}

void fp_ctx_free_bootstrap(struct fp_ctx *ctx)
{
    topology_destroy(ctx->topo);
    bootstrap_destroy(ctx->boot);
    ctx->topo = NULL;
    ctx->boot = NULL;
}
