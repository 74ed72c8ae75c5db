/* Flux's overlay bind and connect URIs, formatted ([bootstrap] hosts and
 * default_bind/default_connect after %h and %p): tcp://HOST:PORT or
 * ipc://PATH, split the way 0MQ splits them. The one parser of them. */
#ifndef FP_COMMON_FLUXURI_H
#define FP_COMMON_FLUXURI_H

#include <stdbool.h>
#include <stddef.h>

#define FLUXURI_MAX 2048 /* a formatted bind/connect URI is at most this long */

struct fluxuri {
    bool ipc;
    char host[FLUXURI_MAX]; /* tcp: address or interface, brackets removed; ipc: path */
    bool bracketed;         /* [IPv6 literal] */
    bool has_port;
    char port[32];          /* as written after the last ':' */
    int portnum;            /* -1 when not a number in 0..65535 */
};

/* tcp://HOST:PORT splits at the last ':' unless HOST is bracketed, as 0MQ
 * does. Returns 0, or -1 for another scheme. */
int fluxuri_parse(const char *s, struct fluxuri *u);

/* "host:port", "[v6]:port", or the ipc path */
const char *fluxuri_target(const struct fluxuri *u, char *buf, size_t sz);

#endif
