/* Tab-separated vector files (tests/data/hostlist, idset: vectors.tsv), for the unit tests
 * and tests/parity. */
#ifndef FP_TESTS_TSV_H
#define FP_TESTS_TSV_H

#include <string.h>

/* Split line at tabs, in place, into at most nf fields (the line's end of
 * line dropped); returns how many there were. */
static inline int split_tabs(char *line, char **f, int nf)
{
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; p && n < nf; n++) {
        f[n] = p;
        if ((p = strchr(p, '\t')))
            *p++ = '\0';
    }
    return n;
}

#endif
