/* Hostlists as flux-core's libhostlist implements them (FLUX-FACTS §5.2):
 * ordered, repeats kept, separators comma/space/tab, only the first bracket
 * group of a word expands, zero padding per range element, at most 2^20 hosts
 * per range. */
#ifndef FP_COMMON_HOSTLIST_H
#define FP_COMMON_HOSTLIST_H

#include <stddef.h>
#include <sys/types.h>

struct hostlist;

/* Decode s. NULL with errno EINVAL (syntax) or ERANGE (range too large).
 * If err is non-NULL it receives a short reason ("unbalanced '['" ...). */
struct hostlist *hostlist_decode(const char *s, char *err, size_t errsz);
struct hostlist *hostlist_create(void);
/* Decode s and append its hosts; -1 with errno on error (list unchanged). */
int hostlist_append(struct hostlist *hl, const char *s);
/* Append one literal host name (no bracket parsing). */
int hostlist_append_host(struct hostlist *hl, const char *host);
void hostlist_destroy(struct hostlist *hl);

size_t hostlist_count(const struct hostlist *hl);
/* The n-th expanded host name, written into buf; -1 (ERANGE) if out of range
 * or the name does not fit. */
int hostlist_nth(const struct hostlist *hl, size_t n, char *buf, size_t bufsz);
/* Index of host in the list (width-aware: "i00" is not in "i[0-5]"), or -1. */
ssize_t hostlist_find(const struct hostlist *hl, const char *host);
/* Compressed form as flux-core prints it ("foo[1-3,7]"); malloc'd. */
char *hostlist_encode(const struct hostlist *hl);

#endif
