/* What a result means for the broker: the one place that decides whether a
 * check's result blocks (DESIGN.md §3, "fail closed"). Every output, the
 * status file, the exit code and the runner's waiting rule ask here; none of
 * them looks at a result's status and severity by itself.
 *
 *   result          severity fail          severity warn   severity off
 *   pass            pass                   pass            pass
 *   skip            skip                   skip            skip
 *   warn            warn                   warn            warn
 *   fail, error,    blocks (mode enforce)  demoted         demoted
 *   unknown         unenforced (mode warn)
 *
 * "unknown" (a result nobody set) counts as error: unknown is not healthy.
 */
#ifndef FP_ENGINE_VERDICT_H
#define FP_ENGINE_VERDICT_H

#include <stdbool.h>

#include "engine/check.h"
#include "engine/settings.h"

enum fp_outcome {
    FP_OUTCOME_PASS = 0,
    FP_OUTCOME_SKIP,
    FP_OUTCOME_WARN,       /* a warning: reported, never blocks */
    FP_OUTCOME_DEMOTED,    /* failed or could not check, but its severity is warn
                            * (or off): reported as a warning, with its id */
    FP_OUTCOME_UNENFORCED, /* failed or could not check, severity fail, but the
                            * gate is in mode warn: a failure that does not block */
    FP_OUTCOME_BLOCKS,     /* failed or could not check, severity fail, mode
                            * enforce: keeps flux from starting */
};
#define FP_OUTCOME_COUNT (FP_OUTCOME_BLOCKS + 1)

enum fp_outcome fp_outcome(enum fp_status st, enum fp_severity sev, enum fp_mode mode);

/* A failure of the verdict ("verdict": "fail", listed in "failed"): the
 * check's severity is fail, whatever the mode. */
static inline bool fp_outcome_failed(enum fp_outcome o)
{
    return o == FP_OUTCOME_UNENFORCED || o == FP_OUTCOME_BLOCKS;
}

/* Could a failure of a check of this severity keep flux from starting in
 * this mode? A check that cannot block never waits: its first answer is final. */
static inline bool fp_can_block(enum fp_severity sev, enum fp_mode mode)
{
    return fp_outcome(FP_FAIL, sev, mode) == FP_OUTCOME_BLOCKS;
}

#endif
