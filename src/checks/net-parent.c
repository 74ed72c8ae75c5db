/* net.parent: does this follower's parent in the overlay tree answer on its
 * connect URI? A follower whose parent does not answer still starts and
 * joins later (0MQ reconnects), so "not yet" is a warning, retried until
 * the run deadline at boot; what the broker cannot get past (no connect URI,
 * no port) blocks. Every network wait is bounded below the check's timeout
 * (net.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "checks/confread.h"
#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "checks/net.h"
#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/fluxuri.h"
#include "common/topology.h"
#include "engine/check.h"
#include "engine/context.h"

/* --- net.parent --------------------------------------------------------- */

struct parent {
    int rank;
    const char *host;              /* the parent's name in [bootstrap] hosts */
    char uri[BOOTSTRAP_URI_MAX];   /* its connect URI */
    struct fluxuri u;
    char target[BOOTSTRAP_URI_MAX + 40]; /* "host:port", or the ipc path */
};

/* The parent and its connect URI, without I/O. Returns 1, or 0 when rank 0
 * or the node is unplaced, -1 when the parent has no connect URI, -2 when it
 * cannot be parsed. */
static int parent_find(const struct fp_ctx *ctx, struct parent *p)
{
    memset(p, 0, sizeof(*p));
    if (!ctx->boot || !ctx->topo || ctx->bootstrap_host_missing || ctx->rank <= 0)
        return 0;
    p->rank = topology_parent(ctx->topo, ctx->rank);
    p->host = bootstrap_host(ctx->boot, p->rank);
    if (p->rank < 0)
        return 0;
    if (bootstrap_connect_uri(ctx->boot, p->rank, p->uri, sizeof(p->uri)) != 1)
        return -1;
    if (fluxuri_parse(p->uri, &p->u) < 0)
        return -2;
    fluxuri_target(&p->u, p->target, sizeof(p->target));
    return 1;
}

static void parent_facts(struct fp_result *r, const struct parent *p)
{
    fp_fact_int(r, "parent_rank", p->rank);
    if (p->host)
        fp_fact_str(r, "parent_host", p->host);
    fp_fact_str(r, "uri", p->uri);
    fp_fact_str(r, "parent", p->target);
    fp_fact_str(r, "target", p->target);
}

/* Facts known before running, so a killed attempt still names its target. */
static void describe_net_parent(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct parent p;
    if (parent_find(ctx, &p) == 1)
        parent_facts(r, &p);
}

/* Resolve with a bound: a dead DNS server must not stall the boot (the
 * stub resolver waits timeout x attempts x servers, 10 s and more). Numeric
 * addresses never reach the resolver. Names go through getaddrinfo_a, which
 * runs the lookup in a glibc thread while we wait at most `timeout`; a
 * request still running then is cancelled, or left to that thread: this
 * check runs in its own child, which exits right after. Returns 0 with *res,
 * an EAI_* code, or 1 when the time ran out. */
struct lookup {
    struct gaicb cb;
    struct addrinfo hints;
    char name[BOOTSTRAP_URI_MAX];
    char serv[32];
};

static int resolve(const char *host, const char *port, int family, double timeout,
                   struct addrinfo **res)
{
    struct addrinfo hints = { .ai_family = family,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
    int e = getaddrinfo(host, port, &hints, res);
    if (e != EAI_NONAME)
        return e;

    struct lookup *l = calloc(1, sizeof(*l));
    if (!l)
        return EAI_MEMORY;
    snprintf(l->name, sizeof(l->name), "%s", host);
    snprintf(l->serv, sizeof(l->serv), "%s", port);
    l->hints = hints;
    l->hints.ai_flags = AI_NUMERICSERV;
    l->cb.ar_name = l->name;
    l->cb.ar_service = l->serv;
    l->cb.ar_request = &l->hints;
    struct gaicb *list[1] = { &l->cb };
    if ((e = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) != 0) {
        free(l);
        return e;
    }
    double end = now_sec() + timeout;
    while ((e = gai_error(&l->cb)) == EAI_INPROGRESS) {
        double left = end - now_sec();
        if (left <= 0)
            break;
        struct timespec ts = { .tv_sec = (time_t)left,
                               .tv_nsec = (long)((left - (double)(time_t)left) * 1e9) };
        gai_suspend((const struct gaicb *const *)list, 1, &ts);
    }
    if (e == EAI_INPROGRESS) {
        if (gai_cancel(&l->cb) == EAI_CANCELED)
            free(l);
        return 1;
    }
    *res = l->cb.ar_result;
    free(l);
    return e;
}

/* A non-blocking connect, bounded. Returns 0 when connected, else the errno
 * (ETIMEDOUT when nothing answered in time). */
static int probe_connect(const struct sockaddr *sa, socklen_t salen, double timeout,
                         double *elapsed)
{
    double t0 = now_sec();
    int err = 0;

    _cleanup_close_ int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        err = errno;
    else if (connect(fd, sa, salen) < 0) {
        err = errno;
        while (err == EINPROGRESS || err == EAGAIN || err == EINTR) {
            int ms = (int)((t0 + timeout - now_sec()) * 1000);
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };
            socklen_t len = sizeof(err);
            if (ms <= 0) {
                err = ETIMEDOUT;
                break;
            }
            int n = poll(&pfd, 1, ms);
            if (n < 0)
                err = errno == EINTR ? EINTR : errno;
            else if (n == 0)
                err = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        }
    }
    *elapsed = now_sec() - t0;
    return err;
}

/* What the neighbour table says of an IPv4 address after a connect attempt:
 * a host on this link answered ARP (it is up), was asked and did not answer
 * (down, or still booting), or the address is not on a local link (or is
 * IPv6: /proc has no IPv6 neighbour table). */
enum neigh { NEIGH_UNKNOWN, NEIGH_SILENT, NEIGH_ANSWERED };

static enum neigh neigh_state(const struct sockaddr *sa)
{
    char want[INET_ADDRSTRLEN], line[256];

    if (sa->sa_family != AF_INET)
        return NEIGH_UNKNOWN;
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, want, sizeof(want));
    _cleanup_fclose_ FILE *f = fopen("/proc/net/arp", "re");
    if (!f || !fgets(line, sizeof(line), f))
        return NEIGH_UNKNOWN;
    while (fgets(line, sizeof(line), f)) {
        char ip[64];
        unsigned flags;
        if (sscanf(line, "%63s %*s %x", ip, &flags) == 2 && strcmp(ip, want) == 0)
            return flags & 0x2 ? NEIGH_ANSWERED : NEIGH_SILENT; /* ATF_COM */
    }
    return NEIGH_UNKNOWN;
}

/* A parent that does not answer now: down, booting, its broker not started
 * yet, its name not in DNS yet, or a firewall. The broker starts anyway: a
 * follower reaches the join state (it tells systemd READY=1, "Joining Flux
 * instance via URI"), and 0MQ reconnects, resolving the name again each time,
 * until the parent answers; then it joins. A block instead would strand it:
 * a failed dependency fails flux.service's start job, and Restart= never
 * retries that. So this is a warning, retried while the gate waits (it ends
 * at the deadline and lets flux start), unless the site asks for an audit
 * with net.parent-unreachable = "fail". */
static void parent_unreachable(const struct fp_ctx *ctx, struct fp_result *r,
                               const struct parent *p, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void parent_unreachable(const struct fp_ctx *ctx, struct fp_result *r,
                               const struct parent *p, const char *state, const char *fmt, ...)
{
    char what[3 * BOOTSTRAP_URI_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    fp_fact_str(r, "parent_state", state);
    if (strcmp(fp_setting_str(ctx->set, "net.parent-unreachable"), "fail") == 0)
        fp_fail(r, "%s; this blocks flux because net.parent-unreachable = \"fail\"", what);
    else
        fp_warn(r, "%s; not blocking: the broker starts, waits for its parent and joins when "
                   "it answers",
                what);
    fp_retry(r, "parent %s", p->target);
}

static void check_parent_ipc(const struct fp_ctx *ctx, struct fp_result *r,
                             const struct parent *p, double timeout)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    const char *path = p->u.host;
    double elapsed;

    if (strlen(path) > (size_t)IPC_PATH_MAX) {
        fp_fail(r, "connect URI %s of rank %d: the path is longer than %d bytes, so the "
                   "broker cannot connect (File name too long)",
                p->uri, p->rank, IPC_PATH_MAX);
        return;
    }
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    if (path[0] == '@')
        sun.sun_path[0] = '\0';
    int err = probe_connect((struct sockaddr *)&sun,
                            (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path)),
                            timeout, &elapsed);
    fp_fact_int(r, "connect_usec", (long long)(elapsed * 1e6));
    if (err == 0) {
        fp_fact_str(r, "parent_state", "connected");
        fp_pass(r, "parent rank %d answers on %s", p->rank, path);
        return;
    }
    fp_fact_str(r, "errno", errno_name(err));
    if (err == ENOENT || err == ECONNREFUSED)
        parent_unreachable(ctx, r, p, "refused",
                           "parent rank %d is not listening on %s yet (%s): its broker has not "
                           "started",
                           p->rank, path, strerror(err));
    else
        fp_fail(r, "cannot connect to parent rank %d on %s: %s", p->rank, path, strerror(err));
}

/* The name did not resolve. Numeric addresses never get here. Returns false
 * for a resolver answer that waiting will not change. */
static bool parent_unresolved(const struct fp_ctx *ctx, struct fp_result *r,
                              const struct parent *p, const char *who, int e, double budget)
{
    const char *host = p->u.host;

    if (e == 1) {
        parent_unreachable(ctx, r, p, "dns-timeout",
                           "%s: %s could not be resolved within %.2gs: the DNS server does not "
                           "answer (yet?; see /etc/resolv.conf); list the parent in /etc/hosts "
                           "or use its address in the connect URI",
                           who, host, budget);
        return true;
    }
    fp_fact_str(r, "resolve_error", gai_strerror(e));
    if (e == EAI_NONAME)
        parent_unreachable(ctx, r, p, "unresolvable",
                           "%s: cannot resolve %s: %s: it is not in DNS or /etc/hosts (yet?), "
                           "and the broker logs \"unable to resolve upstream peer %s: %s\"; add "
                           "it to DNS or /etc/hosts, or use its address in the connect URI",
                           who, host, gai_strerror(e), host, gai_strerror(e));
    else if (e == EAI_AGAIN || e == EAI_FAIL)
        parent_unreachable(ctx, r, p, "dns-unavailable",
                           "%s: cannot resolve %s: %s: the DNS server is not reachable or "
                           "not working (yet?; see /etc/resolv.conf); list the parent in "
                           "/etc/hosts or use its address in the connect URI",
                           who, host, gai_strerror(e));
    else
        return false;
    return true;
}

static void check_net_parent(const struct fp_ctx *ctx, struct fp_result *r)
{
    double timeout = fp_settings_timeout(ctx->set, r->check);
    double budget = timeout - (timeout * 0.2 < NET_MARGIN ? timeout * 0.2 : NET_MARGIN);
    double t0 = now_sec(), elapsed;
    struct parent p;
    char addr[INET6_ADDRSTRLEN], who[2 * BOOTSTRAP_URI_MAX + 128];

    if (!net_node_placed(ctx, r, true))
        return;
    if (ctx->rank == 0) {
        fp_skip(r, "rank 0 has no parent");
        return;
    }
    int rc = parent_find(ctx, &p);
    if (rc == -1) {
        fp_fact_int(r, "parent_rank", p.rank);
        fp_fail(r, "connect URI is undefined for rank %d (%s, this node's parent): the broker "
                   "exits at start; set connect for %s in [bootstrap] hosts, or "
                   "default_connect = \"tcp://%%h:%%p\"",
                p.rank, p.host ? p.host : "?", p.host ? p.host : "it");
        return;
    }
    if (rc == 0) {
        fp_error(r, "rank %d has no parent in the %s topology", ctx->rank,
                 topology_scheme(ctx->topo));
        return;
    }
    if (rc < 0) {
        fp_error(r, "connect URI %s of rank %d: unknown scheme (see config.bootstrap)", p.uri,
                 p.rank);
        return;
    }
    parent_facts(r, &p);
    if (p.u.ipc) {
        check_parent_ipc(ctx, r, &p, budget);
        return;
    }
    /* What the broker cannot get past: these block whatever the network does. */
    if (!net_port_usable(r, "connect", p.uri, &p.u))
        return;
    fp_fact_int(r, "port", p.u.portnum);
    bool ipv6 = bootstrap_enable_ipv6(ctx->boot);
    if (strchr(p.u.host, ':') && !ipv6) {
        fp_fail(r, "connect URI %s of rank %d has an IPv6 address but bootstrap.enable_ipv6 "
                   "is false: the broker cannot connect over IPv6; set enable_ipv6 = true",
                p.uri, p.rank);
        return;
    }
    snprintf(who, sizeof(who), "parent rank %d (%s) at %s", p.rank, p.host ? p.host : "?",
             p.target);

    /* 0MQ resolves the parent with the socket's family: IPv4 unless enable_ipv6. */
    struct addrinfo *res = NULL;
    int e = resolve(p.u.host, p.u.port, ipv6 ? AF_UNSPEC : AF_INET, budget, &res);
    fp_fact_int(r, "resolve_usec", (long long)((now_sec() - t0) * 1e6));
    if (e != 0) {
        if (!parent_unresolved(ctx, r, &p, who, e, budget))
            fp_fail(r, "%s: cannot resolve %s: %s; add it to DNS or /etc/hosts, or use its "
                       "address in the connect URI",
                    who, p.u.host, e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
        return;
    }
    const void *src = res->ai_family == AF_INET
                          ? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr
                          : (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
    inet_ntop(res->ai_family, src, addr, sizeof(addr));
    fp_fact_str(r, "address", addr);
    if (strcmp(addr, p.u.host) != 0) {
        size_t off = strlen(who);
        snprintf(who + off, sizeof(who) - off, " (%s)", addr);
    }

    double left = budget - (now_sec() - t0);
    int err = probe_connect(res->ai_addr, res->ai_addrlen, left > 0.05 ? left : 0.05, &elapsed);
    fp_fact_int(r, "connect_usec", (long long)(elapsed * 1e6));
    if (err != 0)
        fp_fact_str(r, "errno", errno_name(err));
    /* On the same link, ARP tells a host that is down or still booting (no
     * answer: the first attempt times out while the kernel asks, later ones
     * get EHOSTUNREACH at once from the failed entry) from one that is up
     * and drops our SYNs (it answered ARP: a firewall). */
    enum neigh neigh = err == ETIMEDOUT || err == EHOSTUNREACH ? neigh_state(res->ai_addr)
                                                               : NEIGH_UNKNOWN;
    freeaddrinfo(res);
    const char *phost = p.host ? p.host : "the parent";

    if (err == 0) {
        fp_fact_str(r, "parent_state", "connected");
        fp_pass(r, "%s answers (TCP connect in %.1f ms)", who, elapsed * 1e3);
    } else if (err == ECONNREFUSED) {
        parent_unreachable(ctx, r, &p, "refused",
                           "%s refused the connection: the host is up but its broker is not "
                           "listening yet (normal while the instance boots; if it lasts: "
                           "systemctl status flux on %s, its bind URI, or a firewall there "
                           "rejecting TCP port %d)",
                           who, phost, p.u.portnum);
    } else if (neigh == NEIGH_SILENT && err == ETIMEDOUT) {
        parent_unreachable(ctx, r, &p, "down",
                           "%s: no answer within %.2gs: %s does not answer ARP, so the parent "
                           "host is down or still booting",
                           who, elapsed, addr);
    } else if (neigh == NEIGH_SILENT) {
        parent_unreachable(ctx, r, &p, "down",
                           "%s: %s (%s): %s does not answer ARP, so the parent host is down "
                           "or still booting",
                           who, strerror(err), errno_name(err), addr);
    } else if (err == EHOSTUNREACH || err == ENETUNREACH || err == ENETDOWN) {
        /* Said at once by this host or by a router: the link or the route
         * may still be coming up, or a routed parent is down. */
        parent_unreachable(ctx, r, &p, "no-route",
                           "%s: %s (%s): no way there yet: the link or the route toward the "
                           "parent is not up, or the host behind a router is down (ip route "
                           "get %s)",
                           who, strerror(err), errno_name(err), addr);
    } else if (err == ETIMEDOUT && neigh == NEIGH_ANSWERED) {
        /* The neighbour entry may be a minute old: a host that has just
         * gone down still looks answered until it expires. */
        parent_unreachable(ctx, r, &p, "filtered",
                           "no answer from %s within %.2gs although %s answers ARP: the host "
                           "is up and drops the connection attempts, probably a firewall on "
                           "%s: allow TCP port %d there (nft list ruleset); or it has just "
                           "gone down",
                           who, elapsed, addr, phost, p.u.portnum);
    } else if (err == ETIMEDOUT) {
        parent_unreachable(ctx, r, &p, "silent",
                           "no answer from %s within %.2gs: the connection attempts are "
                           "dropped, probably by a firewall (on %s, on the way, or on this "
                           "host: allow TCP port %d), or the host is down",
                           who, elapsed, phost, p.u.portnum);
    } else {
        fp_fail(r, "%s: connect failed: %s (%s)", who, strerror(err), errno_name(err));
    }
}

/* --- the table ---------------------------------------------------------- */

const struct fp_check fp_checks_net_parent[] = {
    {
        .id = "net.parent",
        .message_id = "9a0a1f402fff4853a7740f61a42d2a6b",
        .summary = "the parent in the overlay tree resolves and answers TCP on its connect URI",
        .subject = "flux-preflight net.parent: the parent broker is reachable",
        .journal =
            "The pre-flight check net.parent tried this follower's parent in the overlay\n"
            "tree, @FLUX_PREFLIGHT_PARENT@ (rank @FLUX_PREFLIGHT_PARENT_RANK@), state\n"
            "@FLUX_PREFLIGHT_PARENT_STATE@: @MESSAGE@",
        .details =
            "For ranks above 0: the parent (by tbon.topo) has a connect URI, its host\n"
            "resolves (with a bound: a DNS server that does not answer is not waited for)\n"
            "and accepts a TCP connection, which is closed at once. Connected: pass.\n"
            "\n"
            "A follower whose parent does not answer still starts: it tells systemd it is\n"
            "ready (\"Joining Flux instance via URI\"), waits, and joins as soon as the\n"
            "parent answers (0MQ reconnects and resolves the name again each time).\n"
            "Blocking it instead would strand it: a failed dependency fails flux.service's\n"
            "start job, and Restart= does not retry that. So a parent that cannot be\n"
            "reached now is a warning that says what it means and what to check, never a\n"
            "block by default; its state is the fact parent_state:\n"
            "  refused          the host is up, its broker is not listening yet (normal while\n"
            "                   the instance boots; if it lasts: systemctl status flux on the\n"
            "                   parent, its bind URI, or a firewall there rejecting the\n"
            "                   port);\n"
            "  down             on the same link, the address does not answer ARP: the host\n"
            "                   is down or still booting;\n"
            "  no-route         no route or link toward it yet, or a routed parent is down;\n"
            "  filtered         it answers ARP but drops the connection attempts: probably a\n"
            "                   firewall on the parent (or it has just gone down);\n"
            "  silent           no answer at all: a firewall on the parent, on the way or on\n"
            "                   this host, or the host is down;\n"
            "  unresolvable     the name is not in DNS or /etc/hosts (yet); the message\n"
            "                   quotes what the broker logs, \"unable to resolve upstream peer\n"
            "                   NAME: REASON\";\n"
            "  dns-unavailable, dns-timeout\n"
            "                   the DNS server is not reachable, failed, or did not answer\n"
            "                   within the check's time.\n"
            "These states are retried with --wait (at boot) until the run deadline, shown\n"
            "in STATUS= as \"waiting for parent HOST:PORT (12s)\"; at the deadline the gate\n"
            "ends and flux starts with the warning (the message then ends with \"still not\n"
            "ready by the run deadline (30s)\"). The gate's deadline (30s) stays below the\n"
            "unit's TimeoutStartSec (90s), so the wait never fails the start job. A site\n"
            "that wants every follower to reach its parent by the deadline (a firewall\n"
            "audit) sets [net] parent-unreachable = \"fail\" in flux-preflight.toml(5): these\n"
            "states then fail and block.\n"
            "\n"
            "What the broker cannot get past blocks whatever the setting: no connect URI\n"
            "for the parent (the broker exits), a connect URI without a port or with %p and\n"
            "no default_port (the follower logs \"overlay_connect: Invalid argument\" and\n"
            "hangs in load-builtins), an IPv6 address without enable_ipv6, an ipc:// path\n"
            "too long for a socket address; and a connect error the gate does not know, or\n"
            "a resolver error other than the ones above. Facts: parent (\"host:port\"),\n"
            "parent_rank, parent_host, parent_state, address, port, errno, connect_usec,\n"
            "resolve_usec, resolve_error. Skipped under --root.",
        .explain =
            "A follower connects to the connect URI of its parent in the overlay tree (the\n"
            "parent follows tbon.topo: custom, kary:K, binomial or mincrit).\n"
            "\n"
            "A follower whose parent does not answer still starts: it tells systemd it is\n"
            "ready, waits, and joins as soon as the parent answers (0MQ reconnects, and\n"
            "resolves the name again each time). So a parent that is not reachable now is\n"
            "a warning, not a block: when a cluster powers on, management nodes often come\n"
            "up minutes after the compute nodes, and a blocked start would stay failed\n"
            "(Restart= does not retry a failed dependency). At boot the gate waits for the\n"
            "parent until its deadline, showing \"waiting for parent HOST:PORT\" in the\n"
            "status line, then lets flux start with this warning. The state says what to\n"
            "check:\n"
            "\n"
            "  refused         the host is up, its broker is not listening yet: normal\n"
            "                  while the instance boots; if it lasts, systemctl status\n"
            "                  flux on the parent, its bind URI, or a firewall there\n"
            "                  rejecting the port\n"
            "  down            on the same link, no ARP answer: the host is down or\n"
            "                  still booting\n"
            "  no-route        no route or link toward the parent yet, or a routed\n"
            "                  parent is down: ip route get ADDRESS\n"
            "  filtered        the host answers ARP but drops the connection: probably a\n"
            "                  firewall on the parent (nft list ruleset): allow the port\n"
            "  silent          no answer at all: a firewall on the parent, on the way or\n"
            "                  on this host, or the host is down\n"
            "  unresolvable    the name is not in DNS or /etc/hosts (yet?); the broker\n"
            "                  logs \"unable to resolve upstream peer NAME: ...\"\n"
            "  dns-unavailable, dns-timeout\n"
            "                  the DNS server is not reachable or does not answer\n"
            "                  (/etc/resolv.conf); list the parent in /etc/hosts or use\n"
            "                  its address in the connect URI\n"
            "\n"
            "A site that wants every follower to reach its parent by the deadline (a\n"
            "firewall audit) sets, in /etc/flux/preflight/conf.d:\n"
            "\n"
            "  [net]\n"
            "  parent-unreachable = \"fail\"\n"
            "\n"
            "and these states then block flux.\n"
            "\n"
            "What the broker cannot get past always blocks: no connect URI for the parent\n"
            "(the broker exits), a connect URI without a port or with %p and no\n"
            "default_port (the follower logs \"overlay_connect: Invalid argument\" and hangs\n"
            "in load-builtins), an IPv6 address without enable_ipv6, an ipc:// path too\n"
            "long for a socket address.\n"
            "\n"
            "To check by hand: getent ahosts PARENT; ip route get ADDRESS; nft list\n"
            "ruleset (here and on the parent); systemctl status flux on the parent;\n"
            "flux-preflight --check net.parent.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE | FP_CHECK_LIVE,
        .timeout = 3.0,
        .settings = FP_SETTINGS(
            { "net.parent-unreachable", FP_SET_LEVEL, "warn", "net.parent: a parent that does not answer (yet) is a warning (warn) or blocks (fail)" }),
        .run = check_net_parent,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
        .describe = describe_net_parent,
    },
    { 0 },
};
