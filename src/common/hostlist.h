/* Hostlists as flux-core 0.88.0's libhostlist decodes and iterates them
 * (FLUX-FACTS §5.2; the quirks are listed in hostlist.c): ordered, repeats
 * kept, separators comma/space/tab, only the first bracket group of a word
 * expands, zero padding per range element, at most 2^20 hosts per range.
 * tests/parity/ holds it to flux-core's own library. */
#ifndef FP_COMMON_HOSTLIST_H
#define FP_COMMON_HOSTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct hostlist;

/* Decode s, accepting exactly what flux-core's hostlist_decode() accepts.
 * NULL with errno EINVAL (syntax) or ERANGE (a range of more than 2^20
 * hosts), as flux-core fails; or EOVERFLOW for a hostlist flux-core never
 * finishes decoding (a suffixed range ending at ULONG_MAX: the broker
 * hangs).  If err is non-NULL it receives a short reason. */
struct hostlist *hostlist_decode(const char *s, char *err, size_t errsz);
struct hostlist *hostlist_create(void);
/* Decode s and append its hosts as flux-core's hostlist_append() does; -1
 * with errno on error (list unchanged): EFAULT for a list holding a range
 * joined across ULONG_MAX ("x[18446744073709551615],x[0-3]"), which
 * flux-core cannot copy (its list is then corrupt and encoding it crashes). */
int hostlist_append(struct hostlist *hl, const char *s);
/* Whether flux-core drops host when it appends it as a name: its trailing
 * digits do not fit unsigned long ("x99999999999999999999999"). */
bool hostlist_name_dropped(const char *host);
/* Append one literal host name (no bracket parsing). */
int hostlist_append_host(struct hostlist *hl, const char *host);
void hostlist_destroy(struct hostlist *hl);

/* The names flux-core's hostlist_first()/hostlist_next() walk through. */
size_t hostlist_count(const struct hostlist *hl);
/* What flux-core's hostlist_count() returns.  The same as hostlist_count()
 * except for lists no real config holds: names of 271 bytes or more, or
 * ranges that reach ULONG_MAX, where flux-core's iteration stops early. */
unsigned long hostlist_nhosts(const struct hostlist *hl);
/* The n-th name of that walk, written into buf (a name is at most 270
 * bytes); -1 (ERANGE) if out of range or the name does not fit. */
int hostlist_nth(const struct hostlist *hl, size_t n, char *buf, size_t bufsz);
/* Index of the first name equal to host, or -1 (ENOENT). */
ssize_t hostlist_find(const struct hostlist *hl, const char *host);
/* Compressed form as flux-core's hostlist_encode() prints it ("foo[1-3,7]"); malloc'd. */
char *hostlist_encode(const struct hostlist *hl);

#endif
