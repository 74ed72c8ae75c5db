/* The verdict of one result. See verdict.h for the table. */
#include "engine/verdict.h"

enum fp_outcome fp_outcome(enum fp_status st, enum fp_severity sev, enum fp_mode mode)
{
    switch (st) {
    case FP_PASS: return FP_OUTCOME_PASS;
    case FP_SKIP: return FP_OUTCOME_SKIP;
    case FP_WARN: return FP_OUTCOME_WARN;
    case FP_UNKNOWN:
    case FP_FAIL:
    case FP_ERROR: break;
    }
    /* fail, error, or a status nobody set (or out of range): unknown is not healthy */
    if (sev == FP_SEV_WARN || sev == FP_SEV_OFF)
        return FP_OUTCOME_DEMOTED;
    return mode == FP_MODE_WARN ? FP_OUTCOME_UNENFORCED : FP_OUTCOME_BLOCKS;
}
