/* fleet checks: none registered yet. */
#include "engine/check.h"

const struct fp_check fp_checks_fleet[] = {
    { 0 },
};
