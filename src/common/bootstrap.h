/* The [bootstrap] table, parsed and validated exactly as flux-core's
 * conf_bootstrap.c does (FLUX-FACTS §3), plus what the broker lets through
 * but then breaks on, as warnings.
 *
 * Ranks are the positions in the expanded, de-duplicated host list: each
 * `host` hostlist is expanded in order, the first entry naming a host fixes
 * its rank and its keys, later entries naming it only fill keys it lacks.
 * Without a [bootstrap] table, or with an empty `hosts`, the instance is a
 * singleton (size 1, rank 0, no cert needed).
 *
 * Built for large clusters: names live in one pool, name -> rank is a hash,
 * URIs are formatted on demand, a URI template without %h is checked once;
 * 100k hosts parse, rank and resolve in under 20 ms (about a third of it
 * in hostlist expansion).
 */
#ifndef FP_COMMON_BOOTSTRAP_H
#define FP_COMMON_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct bootstrap;

#define BOOTSTRAP_URI_MAX 2048 /* a formatted bind/connect URI is at most this long */
/* At most this many hosts, counted over every hosts[] entry before any is
 * expanded (2^20, the most one hostlist range may hold). A larger table is
 * not judged: 32 ranges of 2^20 would take seconds and gigabytes. */
#define BOOTSTRAP_HOSTS_MAX (1 << 20)

struct bootstrap_error {
    /* The broker's text after "Config file error [bootstrap]: ", e.g.
     * "invalid hosts[0]: parent key refers to self" or "vm not found in hosts". */
    char text[1024];
    /* Where in the config the fault lies, for conf_locate():
     * "bootstrap.hosts[3].bind", "bootstrap.default_port", "bootstrap";
     * "" when not tied to a key. Indexes the *original* hosts array even when
     * the broker's text indexes the expanded list. */
    char keypath[256];
    /* Not a fault the broker would report, so text is not the broker's: the
     * table is over BOOTSTRAP_HOSTS_MAX, a limit of flux-preflight (text
     * names the cap), or a host key flux-core never finishes expanding (the
     * broker would hang; hostlist.h, EOVERFLOW). */
    bool over_cap;
};

/* Parse config's [bootstrap] (config is the whole merged system config).
 * If hostname is non-NULL it must be present in hosts (exact, case-sensitive
 * match, as the broker compares gethostname()); pass NULL to validate the
 * table without placing this host. Returns the parsed table, or NULL with
 * *err filled (also on ENOMEM). The table keeps its own copy of what it
 * needs; config may be released afterwards. */
struct bootstrap *bootstrap_parse(const json_t *config, const char *hostname,
                                  struct bootstrap_error *err);
void bootstrap_destroy(struct bootstrap *b);

/* A [bootstrap] table exists (the broker then boots with the config PMI
 * plugin and defaults tbon.topo to "custom"). */
bool bootstrap_present(const struct bootstrap *b);
int bootstrap_size(const struct bootstrap *b);
/* Rank of the hostname given to bootstrap_parse(), -1 if it was NULL. */
int bootstrap_rank(const struct bootstrap *b);
/* Host name of rank (NULL if out of range, or the singleton was parsed
 * without a hostname). */
const char *bootstrap_host(const struct bootstrap *b, int rank);
/* Rank of host, or -1 (exact match). O(1). */
int bootstrap_find(const struct bootstrap *b, const char *host);

/* The formatted bind / connect URI of rank into buf (%h, %p, %% substituted).
 * Returns 1 when defined, 0 when rank has none (buf set to ""), -1 with errno
 * (EINVAL bad rank, EOVERFLOW bufsz too small). */
int bootstrap_bind_uri(const struct bootstrap *b, int rank, char *buf, size_t bufsz);
int bootstrap_connect_uri(const struct bootstrap *b, int rank, char *buf, size_t bufsz);

/* The `parent` key of rank as a rank, or -1 when it has none. */
int bootstrap_parent_key(const struct bootstrap *b, int rank);
/* Some host has a `parent` key (only the custom topology uses them). */
bool bootstrap_has_parent_keys(const struct bootstrap *b);

/* Where rank's `key` ("host", "bind", "connect", "parent") came from, as a
 * conf_locate() path ("bootstrap.hosts[2].bind", "bootstrap.default_bind"),
 * written into buf; returns buf, or NULL when rank has no such key. */
const char *bootstrap_keypath(const struct bootstrap *b, int rank, const char *key, char *buf,
                              size_t bufsz);

const char *bootstrap_curve_cert(const struct bootstrap *b); /* NULL if unset */
bool bootstrap_enable_ipv6(const struct bootstrap *b);
/* default_port as the broker holds it: -1 when unset. */
int bootstrap_default_port(const struct bootstrap *b);

/* What the broker accepts but then trips over, as an array of
 * {"key": conf_locate() path, "message": text}; never NULL:
 *  - default_port negative (behaves as unset) or too large for an int
 *    (the broker keeps the truncated value);
 *  - %p in a URI while default_port is unset (the URI gets port -1);
 *  - a tcp:// connect URI without a valid port (a follower hangs in
 *    overlay_connect), a tcp:// bind URI without one (the bind fails);
 *  - an IPv6 literal in a URI while enable_ipv6 is false;
 *  - a later hosts entry setting a key an earlier entry for the same host
 *    already set to something else (silently ignored);
 *  - a hosts entry whose hostlist expands to no host.
 * Each is reported once per source entry, not once per host. */
const json_t *bootstrap_warnings(const struct bootstrap *b);

#endif
