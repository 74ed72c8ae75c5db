/* The part of the node context that comes from the Flux configs: [bootstrap]
 * resolved for this host (rank, size, parent). */
#ifndef FP_ENGINE_CONTEXT_FLUX_H
#define FP_ENGINE_CONTEXT_FLUX_H

#include "engine/context.h"

void fp_ctx_load_bootstrap(struct fp_ctx *ctx);
void fp_ctx_free_bootstrap(struct fp_ctx *ctx);

#endif
