/* What the net.* checks share (net.c, net-parent.c). */
#ifndef FP_CHECKS_NET_H
#define FP_CHECKS_NET_H

#include <stdbool.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#include "common/fluxuri.h"
#include "engine/check.h"
#include "engine/context.h"

/* A network attempt ends this long before the check's timeout, so the check
 * reports what it saw (address, errno, phase) instead of being killed: an
 * attempt the runner cuts off is an error, and blocks. The runner's clock
 * starts before the fork, ours after it, so the margin also absorbs a
 * child scheduled late on a node busy booting. */
#define NET_MARGIN 0.5

/* 0MQ refuses an ipc:// path that does not fit sun_path with its NUL
 * (ipc_address_t::resolve: ENAMETOOLONG), although the broker's config
 * check lets 108 bytes through. */
#define IPC_PATH_MAX ((int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* What a follower does with a connect URI it cannot use (FLUX-FACTS 12.e):
 * the broker accepts it, then hangs, ignoring SIGTERM. */
#define CONNECT_HANG "the broker accepts it, but the follower logs \"overlay_connect: Invalid " \
                     "argument\" and hangs in load-builtins, never joining"

static inline double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline const char *errno_name(int e)
{
    const char *s = strerrorname_np(e);
    return s ? s : "EUNKNOWN";
}

/* Is this node placed in [bootstrap] (and, with need_tree, the overlay
 * tree)? If not, r skips saying why and naming the check to see. */
bool net_node_placed(const struct fp_ctx *ctx, struct fp_result *r, bool need_tree);
/* False, with r failed, for a port in URI the broker cannot use (what:
 * "bind" or "connect"). */
bool net_port_usable(struct fp_result *r, const char *what, const char *uri,
                     const struct fluxuri *u);

#endif
