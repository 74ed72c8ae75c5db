/* Prerequisites under --check: a selected check that has nothing to judge
 * because a check it requires failed (one that judges a table of a config
 * that does not parse) must not pass as a skip when that check was not
 * selected. */
#ifndef FP_ENGINE_PREREQ_H
#define FP_ENGINE_PREREQ_H

#include <jansson.h>

#include "engine/context.h"
#include "engine/runner.h"

/* The prerequisites (transitively) of the ids in only that are not in it:
 * appended to only, and returned as a new array (NULL when only is NULL). */
json_t *fp_prereq_expand(json_t *only);

/* After the run: every selected check that skipped naming a prerequisite in
 * added that failed or errored ("see family.name") reports error, naming it
 * and its message; then the
 * added checks' results are dropped and the counts and verdict recomputed. */
void fp_prereq_apply(const struct fp_ctx *ctx, struct fp_run *run, json_t *added);

#endif
