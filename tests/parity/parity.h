/* flux-core 0.88.0's libhostlist/libidset (ref_*, from the source tarball)
 * against the gate's (gate_*): each returns the outcome as text (outcome.h),
 * malloc'd.  parity_*() decide whether the two agree. */
#ifndef PARITY_H
#define PARITY_H

#include <stdbool.h>

char *ref_hostlist(const char *in);
char *ref_hostlist_append(const char *a, const char *b);
char *ref_idset(const char *in, unsigned int *maxid);
/* The result columns of a vectors.tsv row, from flux-core (NULL if a tab or
 * a newline would be in them). */
char *ref_hostlist_row(const char *in);
char *ref_idset_row(const char *in);

char *gate_hostlist(const char *in);
char *gate_hostlist_append(const char *a, const char *b);
char *gate_idset(const char *in);
unsigned int gate_idset_max_id(void);
unsigned long gate_hostlist_nhosts(const char *in);

enum parity {
    PARITY_SAME,     /* same outcome */
    PARITY_CAP,      /* flux-core accepts; the gate refuses it over its own limit, and says so */
    PARITY_HANG,     /* flux-core never finishes; the gate refuses it (EOVERFLOW) */
    PARITY_CRASH,    /* flux-core's append corrupts its list and crashes; the gate refuses it (EFAULT) */
    PARITY_DIFFERENT,
};

/* *ref and *gate receive both outcomes (free them). */
enum parity parity_hostlist(const char *in, char **ref, char **gate);
enum parity parity_hostlist_append(const char *a, const char *b, char **ref, char **gate);
enum parity parity_idset(const char *in, char **ref, char **gate);

/* Inputs that cost flux-core seconds: a million hosts, each a malloc'd
 * string; an idset walked id by id, or sized to 2^31. */
bool parity_hostlist_costly(const char *a, const char *b, unsigned long max_hosts);
bool parity_idset_costly(const char *in, unsigned long max_span, unsigned long max_id);

/* How many children may check the gate's EOVERFLOW/EFAULT claims (each
 * takes up to 0.15 s); -1: no limit; past it, claims are taken as they are. */
extern int parity_child_budget;

#endif
