/* The tree-based overlay network (TBON): who is whose parent, as flux-core's
 * overlay module builds it (src/modules/overlay/topology.c, FLUX-FACTS §4),
 * and the [tbon] table checked as the broker checks it.
 *
 * Schemes (the `tbon.topo` string):
 *   custom        flat (rank 0 parents everyone) unless hosts carry `parent`
 *                 keys; then parent = the named host's rank. Rank 0 may not
 *                 have a parent, cycles are rejected. The default when a
 *                 [bootstrap] table exists.
 *   kary:K        parent(i) = (i-1)/K; kary:0 is flat; K an unsigned integer.
 *                 kary:32 is the default without [bootstrap].
 *   binomial      parent(i) = i & (i-1); takes no argument.
 *   mincrit[:K]   ranks 1..K are routers under rank 0, rank i > K has parent
 *                 ((i-K-1) mod K)+1; K=0 is flat; without K the smallest K >= 2
 *                 keeping router fanout <= 1024 (flat up to size 1025).
 * Parent keys are ignored by every scheme but custom.
 */
#ifndef FP_COMMON_TOPOLOGY_H
#define FP_COMMON_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct topology;
struct bootstrap;

/* The scheme the broker uses when [tbon] topo is not set. */
const char *topology_default_scheme(bool have_bootstrap);

/* Build the tree of size ranks for scheme uri. parent_keys (may be NULL) is
 * the custom parent of each rank (-1 none), used only by "custom". Returns
 * NULL with err filled, in the broker's words where it has them:
 * "unknown topology scheme 'foo'", "rank 0 may not have a parent in a tree
 * topology", "rank 5 parent 3 violates rule against cycles". O(size). */
struct topology *topology_create(const char *uri, int size, const int *parent_keys, char *err,
                                 size_t errsz);
/* The topology the broker would build from a merged system config and its
 * parsed [bootstrap]: scheme from tbon.topo (when a string) or the default,
 * size and parent keys from b. */
struct topology *topology_from_config(const json_t *config, const struct bootstrap *b, char *err,
                                      size_t errsz);
void topology_destroy(struct topology *t);

int topology_size(const struct topology *t);
/* The scheme as given ("kary:2"), and mincrit's resolved K (-1 otherwise). */
const char *topology_scheme(const struct topology *t);
/* Parent of rank; -1 for rank 0 or an out-of-range rank. */
int topology_parent(const struct topology *t, int rank);
int topology_child_count(const struct topology *t, int rank);
/* Has children, so must bind (FLUX-FACTS §3.6). */
bool topology_is_interior(const struct topology *t, int rank);
/* Ranks from rank up to 0 (rank first, 0 last) into path[0..maxlen); returns
 * the full path length (may exceed maxlen), or -1 for a bad rank. */
int topology_path(const struct topology *t, int rank, int *path, int maxlen);
/* Number of hops from rank to 0. */
int topology_depth(const struct topology *t, int rank);
/* Interior ranks as an RFC 22 idset string ("0-2"), malloc'd. */
char *topology_interior_idset(const struct topology *t);

/* What the overlay needs from [bootstrap] once the tree is known
 * (boot_config.c, FLUX-FACTS §3.6): a rank with children must have a bind
 * URI ("bind URI is undefined for rank N"), and a rank > 0 needs its
 * parent's connect URI ("connect URI is undefined for rank P"). Checks rank,
 * or every rank in order when rank is -1 (what some node of the instance
 * would trip over). A singleton needs neither. 0, or -1 with err. */
int topology_check_uris(const struct topology *t, const struct bootstrap *b, int rank, char *err,
                        size_t errsz);

/* The [tbon] table (FLUX-FACTS §4.2). The table is not strict in the broker:
 * unknown keys are ignored there and reported here as warnings. Appends
 * {"key": "tbon.<name>", "message": ..., "detail": ...} objects to errors
 * (what the broker refuses; "message" is exactly what its overlay module
 * logs, "detail" more in our words or "") and warnings (what it takes but
 * probably should not); either may
 * be NULL. size (or 0 if unknown) lets the topo argument be checked fully.
 * Returns the number of errors appended, or -1 on ENOMEM.
 *
 * Ranges warned about (defaults in brackets), and why:
 *   torpid_min [5s]       < 1s: keepalives from every idle child flood their
 *                         parent; > 5m: a stall is only noticed after minutes.
 *   torpid_max [30s]      0 disables torpid detection (a hung node stays
 *                         schedulable); < 5s: a briefly busy node (swap, a
 *                         GC pause, heavy I/O) is marked torpid and drained;
 *                         > 30m: hangs go unnoticed for half an hour.
 *   tcp_user_timeout [20s] 0 falls back to the kernel default (~15 min of
 *                         retransmits before a dead peer is noticed); < 5s:
 *                         transient congestion disconnects children; > 1h.
 *   connect_timeout [30s] 0 uses the system default (~2 min of SYN retries
 *                         per attempt); < 1s: connects fail on a loaded
 *                         network; > 10m.
 *   zmq_io_threads [1]    > 32: more I/O threads than a leader can use.
 *   child_rcvhwm [0]      2..99: a tiny high-water mark throttles every child.
 *   zmqdebug [0]          nonzero: 0MQ socket event logging on a production
 *                         instance.
 *   interface-hint        only used for PMI boot: ignored under [bootstrap].
 */
int tbon_validate(const json_t *config, int size, json_t *errors, json_t *warnings);

#endif
