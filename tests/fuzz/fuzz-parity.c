/* libFuzzer, differential: the gate's hostlist and idset decoders against
 * flux-core 0.88.0's libhostlist and libidset (tests/parity/, built from the
 * source tarball).  The first byte picks what the rest is: a hostlist, an
 * idset, or two hostlists (split at the first newline) for
 * hostlist_append().  Any disagreement aborts with both outcomes.
 *
 * Bounded so that flux-core's side stays fast: inputs up to 1 KiB, at most
 * 2^14 hosts and 2^16 ids walked, no id of 2^26 or more (flux-core sizes
 * its set to the largest id); the gate alone decodes anything bigger.  The
 * gate's claims that flux-core never finishes (EOVERFLOW) or crashes
 * (EFAULT) are checked in a child 64 times per run, then trusted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity.h"

static void differ(const char *what, const char *a, const char *b, const char *ref, const char *gate)
{
    fprintf(stderr, "%s differs from flux-core 0.88.0\n  input: '%s'%s%s%s\n  flux: %s\n  gate: %s\n",
            what, a, b ? "\n  append: '" : "", b ? b : "", b ? "'" : "", ref, gate);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s, *b = NULL, *ref = NULL, *gate = NULL;
    enum parity p = PARITY_SAME;
    int mode;

    if (size < 1 || size > 1024)
        return 0;
    if (parity_child_budget < 0)
        parity_child_budget = 64;
    mode = data[0] % 3;
    if (!(s = strndup((const char *)data + 1, size - 1)))
        abort();
    if (mode == 2 && (b = strchr(s, '\n')))
        *b++ = '\0';
    if (mode == 1) {
        if (!parity_idset_costly(s, 1UL << 16, 1UL << 26) && (p = parity_idset(s, &ref, &gate)) == PARITY_DIFFERENT)
            differ("idset", s, NULL, ref, gate);
    } else if (mode == 0 || !b) {
        if (!parity_hostlist_costly(s, NULL, 1UL << 14) && (p = parity_hostlist(s, &ref, &gate)) == PARITY_DIFFERENT)
            differ("hostlist", s, NULL, ref, gate);
    } else {
        if (!parity_hostlist_costly(s, b, 1UL << 14)
            && (p = parity_hostlist_append(s, b, &ref, &gate)) == PARITY_DIFFERENT)
            differ("hostlist_append", s, b, ref, gate);
    }
    free(ref);
    free(gate);
    free(s);
    return 0;
}
