/* Will the network be able to wire up? Do other nodes join? (checklist)
 *
 * A broker finds its rank by looking its hostname up in [bootstrap] hosts,
 * binds its own URI when it has children in the overlay tree, and connects
 * to its parent's connect URI (FLUX-FACTS §3.5, §3.6, §4). Each step can
 * leave the node out of the instance: the broker exits (host not listed), the
 * bind fails (no such interface, port taken), or the follower sits in
 * overlay_connect while 0MQ retries silently forever. These checks answer the
 * same questions before the broker starts, and never stall the boot: every
 * network wait here is bounded below the check's own timeout.
 */
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
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>

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

static void closedir_p(DIR **d)
{
    if (*d)
        closedir(*d);
}

static void freeifaddrs_p(struct ifaddrs **ifs)
{
    if (*ifs)
        freeifaddrs(*ifs);
}

/* --- where this node sits --------------------------------------------- */

/* False, with the result skipped and the reason, when this node's place in
 * the instance is unknown; net.rank and the config checks say why. */
bool net_node_placed(const struct fp_ctx *ctx, struct fp_result *r, bool need_tree)
{
    if (!cfg_system_loaded(ctx, r))
        return false;
    if (!ctx->boot) {
        fp_skip(r, "[bootstrap] is invalid (%s): see config.bootstrap", ctx->bootstrap_err);
        return false;
    }
    if (ctx->bootstrap_host_missing || ctx->rank < 0) {
        fp_skip(r, "%s is not in [bootstrap] hosts: see net.rank", ctx->hostname);
        return false;
    }
    if (need_tree && !ctx->topo) {
        fp_skip(r, "the overlay tree cannot be built (%s): see config.tbon", ctx->topology_err);
        return false;
    }
    return true;
}

static void path_append(char *buf, size_t sz, size_t *off, const char *item)
{
    if (*off < sz)
        *off += (size_t)snprintf(buf + *off, sz - *off, "%s%s", *off ? " → " : "", item);
}

#define PATH_SHOWN 6 /* ranks shown at each end of an elided path */

/* "5 → 2 → 0" and "node5 → node2 → node0": rank's path to rank 0. A very
 * deep chain (kary:1 over thousands of nodes) is shown as its two ends
 * around "…". Returns the depth, or -1. */
static int format_path(const struct fp_ctx *ctx, int rank, char *ranks, size_t rsz, char *hosts,
                       size_t hsz)
{
    int n = topology_path(ctx->topo, rank, NULL, 0);
    size_t ro = 0, ho = 0;

    ranks[0] = hosts[0] = '\0';
    if (n <= 0)
        return -1;
    _cleanup_free_ int *path = calloc((size_t)n, sizeof(*path));
    if (!path)
        return -1;
    topology_path(ctx->topo, rank, path, n);
    for (int i = 0; i < n; i++) {
        char num[32];
        if (n > 2 * PATH_SHOWN && i == PATH_SHOWN) {
            path_append(ranks, rsz, &ro, "…");
            path_append(hosts, hsz, &ho, "…");
            i = n - PATH_SHOWN;
        }
        snprintf(num, sizeof(num), "%d", path[i]);
        path_append(ranks, rsz, &ro, num);
        const char *h = bootstrap_host(ctx->boot, path[i]);
        path_append(hosts, hsz, &ho, h ? h : num);
    }
    return n - 1;
}

/* --- net.rank ----------------------------------------------------------- */

static void short_name(const char *name, char *buf, size_t sz)
{
    snprintf(buf, sz, "%.*s", (int)strcspn(name, "."), name);
}

/* A listed host that is almost this one. The broker does not normalise
 * names, so name the near miss for the admin. */
static const char *near_miss(const struct fp_ctx *ctx, const char **how)
{
    char mine[256], theirs[256];
    int size = bootstrap_size(ctx->boot);

    short_name(ctx->hostname, mine, sizeof(mine));
    if (strcmp(mine, ctx->hostname) != 0 && bootstrap_find(ctx->boot, mine) >= 0) {
        *how = "this host's short name";
        return bootstrap_host(ctx->boot, bootstrap_find(ctx->boot, mine));
    }
    for (int i = 0; i < size; i++) {
        const char *h = bootstrap_host(ctx->boot, i);
        if (!h)
            continue;
        if (strcasecmp(h, ctx->hostname) == 0) {
            *how = "the same name in another case";
            return h;
        }
        short_name(h, theirs, sizeof(theirs));
        if (strcmp(h, theirs) != 0 && strcmp(theirs, ctx->hostname) == 0) {
            *how = "a longer form of this name";
            return h;
        }
    }
    return NULL;
}

static void check_net_rank(const struct fp_ctx *ctx, struct fp_result *r)
{
    char ranks[512], hosts[2048];

    fp_fact_str(r, "hostname", ctx->hostname);
    fp_fact_str(r, "hostname_source", ctx->hostname_given ? "--hostname" : "gethostname");
    if (!cfg_system_loaded(ctx, r))
        return;
    if (!ctx->boot) {
        fp_skip(r, "[bootstrap] is invalid (%s): see config.bootstrap", ctx->bootstrap_err);
        return;
    }
    fp_fact_int(r, "size", bootstrap_size(ctx->boot));
    if (ctx->bootstrap_host_missing || ctx->rank < 0) {
        const char *how = NULL, *near = near_miss(ctx, &how);
        if (near)
            fp_fail(r,
                    "the broker fails with \"Config file error [bootstrap]: %s\"; " FLUXUNIT_EXIT1
                    "; hosts lists \"%s\" (%s), but the name "
                    "must equal the output of hostname(1) exactly, with no FQDN or short-name "
                    "matching: hostnamectl set-hostname %s, or list \"%s\" in [bootstrap] hosts",
                    ctx->bootstrap_err, near, how, near, ctx->hostname);
        else
            fp_fail(r,
                    "the broker fails with \"Config file error [bootstrap]: %s\"; " FLUXUNIT_EXIT1
                    "; the name must equal the output of "
                    "hostname(1) exactly, with no FQDN or short-name matching: add \"%s\" to "
                    "[bootstrap] hosts, or set this host's name (hostnamectl set-hostname)",
                    ctx->bootstrap_err, ctx->hostname);
        return;
    }
    fp_fact_int(r, "rank", ctx->rank);
    if (!bootstrap_present(ctx->boot)) {
        fp_fact_str(r, "path_to_root", "0");
        fp_pass(r, "singleton: no [bootstrap] hosts, %s is rank 0 of 1", ctx->hostname);
        return;
    }
    if (!ctx->topo) {
        fp_pass(r, "%s is rank %d of %d (path to rank 0 unknown: %s, see config.tbon)",
                ctx->hostname, ctx->rank, ctx->size, ctx->topology_err);
        return;
    }
    int depth = format_path(ctx, ctx->rank, ranks, sizeof(ranks), hosts, sizeof(hosts));
    if (depth < 0) {
        fp_error(r, "cannot compute the path from rank %d to rank 0", ctx->rank);
        return;
    }
    fp_fact_str(r, "path_to_root", ranks);
    fp_fact_str(r, "path_to_root_hosts", hosts);
    fp_fact_int(r, "depth", depth);
    fp_fact_str(r, "topology", topology_scheme(ctx->topo));
    fp_pass(r, "%s is rank %d of %d; path to rank 0: %s (%s topology)", ctx->hostname, ctx->rank,
            ctx->size, ranks, topology_scheme(ctx->topo));
}

/* --- URIs --------------------------------------------------------------- */

/* False, with r failed, for a port the broker cannot use. */
bool net_port_usable(struct fp_result *r, const char *what, const char *uri, const struct fluxuri *u)
{
    bool bind = strcmp(what, "bind") == 0;

    if (!u->has_port) {
        fp_fail(r, "%s URI %s has no port: %s; add one (bootstrap.default_port = 8050 and "
                   "\":%%p\" in the URI)",
                what, uri, bind ? "the broker's bind fails" : CONNECT_HANG);
        return false;
    }
    if (u->portnum < 0) {
        if (strcmp(u->port, "-1") == 0)
            fp_fail(r, "%s URI %s has port -1: it uses %%p but bootstrap.default_port is not "
                       "set%s%s; set default_port = 8050",
                    what, uri, bind ? "" : ": ", bind ? "" : CONNECT_HANG);
        else
            fp_fail(r, "%s URI %s: port \"%s\" is not a number in 0-65535", what, uri, u->port);
        return false;
    }
    return true;
}

/* --- net.bind ----------------------------------------------------------- */

/* A local address as the kernel's socket table and a bind compare it: IPv4
 * mapped into IPv6, or a wildcard of either family. The IPv6 wildcard (::)
 * is taken as dual-stack and so conflicts with everything on its port:
 * IPV6_V6ONLY is off by default (net.ipv6.bindv6only=0), and /proc does not
 * show it per socket. */
struct laddr {
    enum { LA_SPECIFIC, LA_ANY4, LA_ANY6 } kind;
    struct in6_addr a; /* LA_SPECIFIC */
};

static bool laddr_conflict(const struct laddr *x, const struct laddr *y)
{
    if (x->kind == LA_ANY6 || y->kind == LA_ANY6)
        return true;
    if (x->kind == LA_ANY4)
        return y->kind == LA_ANY4 || IN6_IS_ADDR_V4MAPPED(&y->a);
    if (y->kind == LA_ANY4)
        return IN6_IS_ADDR_V4MAPPED(&x->a);
    return memcmp(&x->a, &y->a, sizeof(x->a)) == 0;
}

static void laddr_from_v4(const void *a4, struct laddr *la)
{
    memset(la, 0, sizeof(*la));
    la->kind = LA_SPECIFIC;
    la->a.s6_addr[10] = la->a.s6_addr[11] = 0xff;
    memcpy(&la->a.s6_addr[12], a4, 4);
}

static void laddr_from_sa(const struct sockaddr *sa, struct laddr *la)
{
    if (sa->sa_family == AF_INET) {
        laddr_from_v4(&((const struct sockaddr_in *)sa)->sin_addr, la);
    } else {
        memset(la, 0, sizeof(*la));
        la->kind = LA_SPECIFIC;
        la->a = ((const struct sockaddr_in6 *)sa)->sin6_addr;
    }
}

static bool sa_is_inet(const struct sockaddr *sa)
{
    return sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6);
}

/* "10.0.0.1", "[fd00::1]", "0.0.0.0", "[::]" */
static const char *laddr_str(const struct laddr *la, char *buf, size_t sz)
{
    char tmp[INET6_ADDRSTRLEN];

    if (la->kind == LA_ANY4)
        snprintf(buf, sz, "0.0.0.0");
    else if (la->kind == LA_ANY6)
        snprintf(buf, sz, "[::]");
    else if (IN6_IS_ADDR_V4MAPPED(&la->a))
        inet_ntop(AF_INET, &la->a.s6_addr[12], buf, (socklen_t)sz);
    else
        snprintf(buf, sz, "[%s]", inet_ntop(AF_INET6, &la->a, tmp, sizeof(tmp)));
    return buf;
}

struct listener {
    bool found;
    struct laddr addr;
    unsigned long inode;
    unsigned uid;
};

/* A LISTEN socket of family on port whose address overlaps want, asked of
 * the kernel with sock_diag (NETLINK_SOCK_DIAG, INET_DIAG): the kernel
 * filters by state and port (the bytecode of `ss 'sport = :PORT'`) and
 * answers with that socket alone, where reading /proc/net/tcp{,6} made it
 * print every socket of its hash table. The IPv6 dump holds the IPv6 and
 * dual-stack sockets, the IPv4 one the rest. Returns 0 (l->found tells),
 * or -errno. */
static int find_listener(int nl, int family, int port, const struct laddr *want,
                         struct listener *l)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
        struct nlattr bc_attr;
        struct inet_diag_bc_op bc[4];
    } msg;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    static unsigned seq;
    long buf[8192 / sizeof(long)];

    memset(&msg, 0, sizeof(msg));
    msg.nlh.nlmsg_len = sizeof(msg);
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    msg.nlh.nlmsg_seq = ++seq;
    msg.req.sdiag_family = (unsigned char)family;
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = 1u << TCP_LISTEN;
    /* sport >= port, then sport <= port; a jump past the end (len + 4) rejects */
    msg.bc_attr.nla_type = INET_DIAG_REQ_BYTECODE;
    msg.bc_attr.nla_len = sizeof(msg.bc_attr) + sizeof(msg.bc);
    msg.bc[0] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_GE, 8, sizeof(msg.bc) + 4 };
    msg.bc[1] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)port };
    msg.bc[2] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_LE, 8, 8 + 4 };
    msg.bc[3] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)port };
    if (sendto(nl, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        return -errno;
    for (;;) {
        ssize_t n = recv(nl, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error ? e->error : -EIO;
            }
            const struct inet_diag_msg *m = NLMSG_DATA(h);
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_state != TCP_LISTEN ||
                ntohs(m->id.idiag_sport) != port || l->found)
                continue;
            struct laddr la = { .kind = LA_SPECIFIC };
            if (m->idiag_family == AF_INET) {
                laddr_from_v4(&m->id.idiag_src[0], &la);
                if (m->id.idiag_src[0] == 0)
                    la.kind = LA_ANY4;
            } else {
                memcpy(&la.a, m->id.idiag_src, sizeof(la.a));
                if (IN6_IS_ADDR_UNSPECIFIED(&la.a))
                    la.kind = LA_ANY6;
            }
            if (laddr_conflict(want, &la))
                *l = (struct listener){ .found = true, .addr = la, .inode = m->idiag_inode,
                                        .uid = m->idiag_uid };
        }
    }
}

/* The process holding socket inode, from the /proc/PID/fd links (root
 * sees them all). Returns its pid with its name in comm, or -1. */
static pid_t socket_owner(unsigned long inode, char *comm, size_t sz)
{
    _cleanup_(closedir_p) DIR *d = opendir("/proc");
    char want[64];
    struct dirent *de;

    snprintf(want, sizeof(want), "socket:[%lu]", inode);
    while (d && (de = readdir(d))) {
        char path[PATH_MAX], link[128];
        struct dirent *fe;

        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
        _cleanup_(closedir_p) DIR *fds = opendir(path);
        while (fds && (fe = readdir(fds))) {
            if (fe->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "/proc/%s/fd/%s", de->d_name, fe->d_name);
            ssize_t n = readlink(path, link, sizeof(link) - 1);
            if (n <= 0)
                continue;
            link[n] = '\0';
            if (strcmp(link, want) != 0)
                continue;
            snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
            _cleanup_fclose_ FILE *f = fopen(path, "re");
            if (!f || !fgets(comm, (int)sz, f))
                snprintf(comm, sz, "?");
            comm[strcspn(comm, "\n")] = '\0';
            return (pid_t)atoi(de->d_name);
        }
    }
    return -1;
}

/* Is anything already listening where the broker will bind? Answered from
 * the kernel's socket table, not by binding the port ourselves: a test bind
 * would hold the port for a moment (a broker starting then finds it taken,
 * a child connecting then is accepted and dropped), and the gate never
 * changes what it checks. Only LISTEN sockets count: 0MQ sets SO_REUSEADDR,
 * which lets it bind over TIME_WAIT and connected sockets. */
static void check_port_free(struct fp_result *r, const char *uri, const struct laddr *want,
                            int port)
{
    struct listener l = { 0 };
    char comm[64] = "", abuf[INET6_ADDRSTRLEN + 2];
    int e = 0;
    /* the kernel answers at once; the bound is for a kernel that does not */
    struct timeval tv = { .tv_sec = 2 };
    _cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

    if (nl < 0 || setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
        e = -errno;
    if (e == 0 && (e = find_listener(nl, AF_INET, port, want, &l)) == 0 && !l.found &&
        (e = find_listener(nl, AF_INET6, port, want, &l)) == -ENOENT)
        e = 0; /* a kernel without IPv6 has no AF_INET6 table */
    if (e == -EAGAIN)
        e = -ETIMEDOUT;
    if (e < 0) {
        fp_error(r, "cannot ask the kernel's socket table (sock_diag, as ss does): %s",
                 strerror(-e));
        return;
    }
    if (!l.found)
        return;
    laddr_str(&l.addr, abuf, sizeof(abuf));
    fp_fact_strf(r, "listener_address", "%s:%d", abuf, port);
    fp_fact_int(r, "listener_uid", l.uid);
    pid_t pid = socket_owner(l.inode, comm, sizeof(comm));
    if (pid > 0) {
        fp_fact_int(r, "listener_pid", pid);
        fp_fact_str(r, "listener", comm);
    }
    if (pid > 0 && strcmp(comm, "flux-broker") == 0)
        fp_warn(r, "port %d is held by a running flux broker (pid %d, on %s): fine if that is "
                   "this node's flux.service, but a new broker's bind of %s would fail",
                port, (int)pid, abuf, uri);
    else if (pid > 0)
        fp_fail(r, "port %d is already in use: %s (pid %d) listens on %s:%d, so the broker's "
                   "bind of %s fails (Address already in use); stop it (ss -ltnp 'sport = :%d') "
                   "or move Flux to a free port (bootstrap.default_port)",
                port, comm, (int)pid, abuf, port, uri, port);
    else
        fp_fail(r, "port %d is already in use: a socket of uid %u listens on %s:%d, so the "
                   "broker's bind of %s fails (Address already in use); find it with "
                   "ss -ltnp 'sport = :%d', or move Flux to a free port (bootstrap.default_port)",
                port, l.uid, abuf, port, uri, port);
}

/* This host's addresses for a message: "lo 127.0.0.1, eth0 10.0.0.1". */
static void list_addresses(const struct ifaddrs *ifs, char *buf, size_t sz)
{
    size_t off = 0;

    buf[0] = '\0';
    for (const struct ifaddrs *i = ifs; i && off < sz; i = i->ifa_next) {
        struct laddr la;
        char a[INET6_ADDRSTRLEN + 2];
        if (!sa_is_inet(i->ifa_addr))
            continue;
        laddr_from_sa(i->ifa_addr, &la);
        off += (size_t)snprintf(buf + off, sz - off, "%s%s %s", off ? ", " : "", i->ifa_name,
                                laddr_str(&la, a, sizeof(a)));
    }
}

/* Interface names, once each: "lo, eth0". */
static void list_interfaces(const struct ifaddrs *ifs, char *buf, size_t sz)
{
    size_t off = 0;

    buf[0] = '\0';
    for (const struct ifaddrs *i = ifs; i && off < sz; i = i->ifa_next) {
        bool seen = false;
        for (const struct ifaddrs *j = ifs; j != i && !seen; j = j->ifa_next)
            seen = strcmp(j->ifa_name, i->ifa_name) == 0;
        if (!seen)
            off += (size_t)snprintf(buf + off, sz - off, "%s%s", off ? ", " : "", i->ifa_name);
    }
}

static int unprivileged_port_start(void)
{
    _cleanup_fclose_ FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
    int v = 1024;

    if (!f || fscanf(f, "%d", &v) != 1)
        return 1024;
    return v;
}

/* Resolve the bind address as 0MQ does for a bind (never DNS): "*", a
 * numeric address (which must be one of this host's), or an interface
 * name, bound by its first address of the socket's family. With enable_ipv6
 * the socket is IPv6 and 0MQ takes only an interface's IPv6 addresses: that
 * is how enable_ipv6 breaks binding to an IPv4-only named interface
 * (FLUX-FACTS §3.1). Returns true with *want filled, or false with r failed. */
static bool bind_address(const struct fp_ctx *ctx, struct fp_result *r, const char *uri,
                         const struct fluxuri *u, const struct ifaddrs *ifs, struct laddr *want)
{
    bool ipv6 = bootstrap_enable_ipv6(ctx->boot);
    int family = ipv6 ? AF_INET6 : AF_INET;
    unsigned char buf[sizeof(struct in6_addr)];
    char list[1024], abuf[INET6_ADDRSTRLEN + 2];

    if (strcmp(u->host, "*") == 0) {
        want->kind = ipv6 ? LA_ANY6 : LA_ANY4;
        fp_fact_str(r, "address", "*");
        return true;
    }
    bool is4 = inet_pton(AF_INET, u->host, buf) == 1;
    bool is6 = !is4 && inet_pton(AF_INET6, u->host, buf) == 1;
    if (is4 || is6) {
        if (is6 && !ipv6) {
            fp_fail(r, "bind URI %s has an IPv6 address but bootstrap.enable_ipv6 is false: the "
                       "broker binds IPv4 only and the bind fails; set enable_ipv6 = true",
                    uri);
            return false;
        }
        if (is4) {
            laddr_from_v4(buf, want);
        } else {
            memset(want, 0, sizeof(*want));
            memcpy(&want->a, buf, sizeof(want->a));
        }
        fp_fact_str(r, "address", u->host);
        for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
            struct laddr la;
            if (!sa_is_inet(i->ifa_addr))
                continue;
            laddr_from_sa(i->ifa_addr, &la);
            if (laddr_conflict(want, &la)) {
                fp_fact_str(r, "interface", i->ifa_name);
                return true;
            }
        }
        list_addresses(ifs, list, sizeof(list));
        fp_fail(r, "bind URI %s: %s is not an address of this host (it has: %s), so the "
                   "broker's bind fails (Cannot assign requested address); use one of these or "
                   "an interface name in bind/default_bind",
                uri, u->host, list);
        return false;
    }

    /* an interface name */
    const struct ifaddrs *pick = NULL;
    bool found = false, up = false, other_family = false;
    for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        if (strcmp(i->ifa_name, u->host) != 0)
            continue;
        found = true;
        up = up || (i->ifa_flags & IFF_UP);
        if (!sa_is_inet(i->ifa_addr))
            continue;
        if (i->ifa_addr->sa_family == family) {
            if (!pick)
                pick = i;
        } else {
            other_family = true;
        }
    }
    fp_fact_str(r, "interface", u->host);
    if (!found && if_nametoindex(u->host) == 0) {
        list_interfaces(ifs, list, sizeof(list));
        fp_fail(r,
                "bind URI %s: interface %s does not exist on this host (it has: %s): the "
                "overlay module fails with \"error binding to %s: No such "
                "device\"; " FLUXUNIT_OVERLAY_EXIT42 "; fix bind/default_bind in "
                "[bootstrap] (ip -br link)",
                uri, u->host, list, uri);
        return false;
    }
    if (!pick) {
        if (ipv6 && other_family)
            fp_fail(r,
                    "bind URI %s: interface %s has no IPv6 address, and with "
                    "bootstrap.enable_ipv6 = true the broker binds a named interface by its "
                    "IPv6 address: the overlay module fails with \"error binding to %s: No "
                    "such device\"; " FLUXUNIT_OVERLAY_EXIT42 "; add one, "
                    "or set enable_ipv6 = false",
                    uri, u->host, uri);
        else
            fp_fail(r,
                    "bind URI %s: interface %s has no %s address%s: the overlay module fails "
                    "with \"error binding to %s: No such device\"; " FLUXUNIT_OVERLAY_EXIT42
                    "; configure it before flux starts (ip -br addr "
                    "show %s; the network configuration)",
                    uri, u->host, ipv6 ? "IPv6" : "IPv4",
                    other_family ? " (only IPv6 ones, and bootstrap.enable_ipv6 is false)" : "",
                    uri, u->host);
        return false;
    }
    laddr_from_sa(pick->ifa_addr, want);
    fp_fact_str(r, "address", laddr_str(want, abuf, sizeof(abuf)));
    if (!up)
        fp_warn(r, "interface %s is down: the bind works, but children cannot reach %s; "
                   "ip link set %s up",
                u->host, abuf, u->host);
    return true;
}

static void check_bind_tcp(const struct fp_ctx *ctx, struct fp_result *r, const char *uri,
                           const struct fluxuri *u)
{
    _cleanup_(freeifaddrs_p) struct ifaddrs *ifs = NULL;
    struct laddr want = { 0 };
    char abuf[INET6_ADDRSTRLEN + 2];

    fp_fact_bool(r, "enable_ipv6", bootstrap_enable_ipv6(ctx->boot));
    bool port_ok = net_port_usable(r, "bind", uri, u);
    if (port_ok) {
        int start = unprivileged_port_start();
        fp_fact_int(r, "port", u->portnum);
        if (u->portnum == 0) {
            fp_warn(r, "bind URI %s has port 0: the kernel picks a new port at every start, "
                       "while children connect to the configured connect URI; set a fixed port",
                    uri);
            port_ok = false;
        } else if (u->portnum < start && !(ctx->flux_user_found && ctx->flux_uid == 0)) {
            fp_fail(r, "bind URI %s: port %d is privileged (below "
                       "net.ipv4.ip_unprivileged_port_start = %d) and the broker runs as %s, so "
                       "the bind fails (Permission denied); use a port above 1023 (8050 is usual)",
                    uri, u->portnum, start, fp_setting_str(ctx->set, "flux-user"));
        }
    }
    if (getifaddrs(&ifs) < 0) {
        fp_error(r, "cannot list this host's interfaces (getifaddrs): %s", strerror(errno));
        return;
    }
    if (!bind_address(ctx, r, uri, u, ifs, &want))
        return;
    if (port_ok)
        check_port_free(r, uri, &want, u->portnum);
    if (!fp_nothing_found(r))
        return;
    laddr_str(&want, abuf, sizeof(abuf));
    const char *iface = json_string_value(json_object_get(r->facts, "interface"));
    if (want.kind != LA_SPECIFIC)
        fp_pass(r, "%s: all addresses, port %d free", uri, u->portnum);
    else if (iface && strcmp(iface, u->host) == 0)
        fp_pass(r, "%s: %s has %s, port %d free", uri, iface, abuf, u->portnum);
    else
        fp_pass(r, "%s: %s is on %s, port %d free", uri, abuf, iface ? iface : "?", u->portnum);
}

static void check_bind_ipc(const struct fp_ctx *ctx, struct fp_result *r, const char *uri,
                           const struct fluxuri *u)
{
    const char *user = fp_setting_str(ctx->set, "flux-user");
    char path[PATH_MAX], dir[PATH_MAX], blocker[PATH_MAX];
    struct fsu_user fu = { 0 };
    struct stat st;
    size_t len = strlen(u->host);

    fp_fact_str(r, "path", u->host);
    if (u->host[0] == '@') {
        fp_pass(r, "%s: an abstract socket, nothing on disk to check", uri);
        return;
    }
    if ((int)len > IPC_PATH_MAX) {
        fp_fail(r, "bind URI %s: the path is %zu bytes, longer than the %d a socket address "
                   "holds, so the broker's bind fails (File name too long); use a shorter path "
                   "such as /run/flux/tbon.sock",
                uri, len, IPC_PATH_MAX);
        return;
    }
    if (u->host[0] != '/')
        fp_warn(r, "bind URI %s: a relative path resolves against the broker's working "
                   "directory (/ under flux.service); use an absolute path",
                uri);
    snprintf(path, sizeof(path), "%s%s", u->host[0] == '/' ? "" : "/", u->host);
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) < 0) {
        fp_fail(r, "bind URI %s: directory %s: %s, so the broker's bind fails; create it before "
                   "flux starts (mkdir -p %s; chown %s %s, or a tmpfiles.d entry)",
                uri, dir, strerror(errno), dir, user, dir);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        fp_fail(r, "bind URI %s: %s is a %s, not a directory, so the broker's bind fails", uri,
                dir, fsu_type_name(st.st_mode));
        return;
    }
    /* an unknown flux user is user.flux's finding */
    bool known = fsu_user_load(ctx, user, &fu) == 0;
    if (known && fsu_user_reach(ctx, &fu, path, blocker, sizeof(blocker)) == -EACCES) {
        fp_fail(r, "bind URI %s: the %s user cannot reach %s: %s is not searchable by it, so "
                   "the broker's bind fails (Permission denied); chmod o+x %s, or move the socket",
                uri, user, dir, blocker, blocker);
        return;
    }
    if (known && !fsu_user_may(&fu, &st, W_OK | X_OK)) {
        fp_fail(r, "bind URI %s: the %s user cannot create the socket in %s (mode %04o, owner "
                   "%u:%u), so the broker's bind fails (Permission denied); chown %s %s",
                uri, user, dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
                (unsigned)st.st_gid, user, dir);
        return;
    }
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
        fp_warn(r, "bind URI %s: %s exists and is a %s; 0MQ deletes whatever is there when it "
                   "binds",
                uri, path, fsu_type_name(st.st_mode));
    if (fp_nothing_found(r))
        fp_pass(r, "%s: directory %s exists and the %s user can create the socket there", uri,
                dir, user);
}

static void check_net_bind(const struct fp_ctx *ctx, struct fp_result *r)
{
    char uri[BOOTSTRAP_URI_MAX];
    struct fluxuri u;

    if (!net_node_placed(ctx, r, true))
        return;
    fp_fact_int(r, "rank", ctx->rank);
    if (!bootstrap_present(ctx->boot)) {
        fp_skip(r, "singleton (no [bootstrap] hosts): the broker binds nothing");
        return;
    }
    if (!topology_is_interior(ctx->topo, ctx->rank)) {
        fp_skip(r, "rank %d has no children in the %s topology: it does not bind", ctx->rank,
                topology_scheme(ctx->topo));
        return;
    }
    fp_fact_int(r, "children", topology_child_count(ctx->topo, ctx->rank));
    int rc = bootstrap_bind_uri(ctx->boot, ctx->rank, uri, sizeof(uri));
    if (rc < 0) {
        fp_error(r, "cannot format the bind URI of rank %d: %s", ctx->rank, strerror(errno));
        return;
    }
    if (rc == 0) {
        fp_fail(r,
                "%s has %d children but no bind URI: the overlay module fails with \"bind URI "
                "is undefined for rank %d\"; " FLUXUNIT_OVERLAY_EXIT42
                "; set bind for %s in [bootstrap] hosts, or default_bind = \"tcp://eth0:%%p\"",
                ctx->hostname, topology_child_count(ctx->topo, ctx->rank), ctx->rank,
                ctx->hostname);
        return;
    }
    fp_fact_str(r, "uri", uri);
    if (fluxuri_parse(uri, &u) < 0) {
        fp_error(r, "bind URI %s: unknown scheme (see config.bootstrap)", uri);
        return;
    }
    if (u.ipc)
        check_bind_ipc(ctx, r, uri, &u);
    else
        check_bind_tcp(ctx, r, uri, &u);
}

/* --- the table ---------------------------------------------------------- */

const struct fp_check fp_checks_net[] = {
    {
        .id = "net.rank",
        .message_id = "1671c9217ae3486181dff774e44d25db",
        .summary = "this host's name is in [bootstrap] hosts: its rank, the size, the path to rank 0",
        .subject = "flux-preflight net.rank: this host in [bootstrap] hosts",
        .journal =
            "The pre-flight check net.rank looked up this host, @FLUX_PREFLIGHT_HOSTNAME@,\n"
            "in [bootstrap] hosts: @MESSAGE@ (path to rank 0 in the overlay tree:\n"
            "@FLUX_PREFLIGHT_PATH_TO_ROOT@)",
        .details =
            "This host's name is in the expanded [bootstrap] hosts list, matched as the\n"
            "broker matches it: gethostname() verbatim (the output of hostname(1)), or the\n"
            "--hostname argument, compared exactly, with no FQDN or short-name\n"
            "normalisation. Not listed: fail, with the broker's message (\"NAME not found\n"
            "in hosts\") and the listed name that almost matches, if any. Listed: pass,\n"
            "reporting the rank, the size and the path to rank 0 in the overlay tree (facts\n"
            "rank, size, hostname, path_to_root such as \"5 -> 2 -> 0\", path_to_root_hosts,\n"
            "depth). Without a [bootstrap] table the node is a singleton (rank 0 of 1).\n"
            "An invalid table is config.bootstrap's finding: this check then skips. Runs\n"
            "under --root.",
        .explain =
            "A system broker finds its rank by looking up its hostname in the expanded\n"
            "[bootstrap] hosts list of /etc/flux/system/conf.d. The name is gethostname(),\n"
            "exactly what hostname(1) prints, compared exactly and case-sensitively: a\n"
            "short name does not match an FQDN in the list, nor the other way round. A\n"
            "host that is not listed makes the broker exit at once with \"Config file\n"
            "error [bootstrap]: ... not found in hosts\", and the node never joins the\n"
            "instance.\n"
            "\n"
            "When the host is listed, the check reports its rank, the instance size, and\n"
            "its path to rank 0 in the overlay tree.\n"
            "\n"
            "To fix it, either list the exact name in [bootstrap] hosts, for example\n"
            "hosts = [ { host = \"node[0-15]\" } ], or set the host's name to the listed one\n"
            "with hostnamectl set-hostname NAME. Compare with: hostname; flux hostlist on\n"
            "the configured host entries.",
        .severity = FP_SEV_FAIL,
        .run = check_net_rank,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
    },
    {
        .id = "net.bind",
        .message_id = "d5a3e5775a6641388c5fe460dd5c4ef8",
        .summary = "a rank with children has a bind URI whose interface, address and port are usable",
        .subject = "flux-preflight net.bind: the overlay bind address of a rank with children",
        .journal =
            "The pre-flight check net.bind judged the overlay bind URI of this rank,\n"
            "@FLUX_PREFLIGHT_URI@: @MESSAGE@",
        .details =
            "Only for a rank with children in the overlay tree (others skip): its bind URI\n"
            "is defined; for tcp://, the interface exists and has an address of the\n"
            "socket's family (IPv4, or IPv6 with enable_ipv6, where a named interface is\n"
            "bound by its IPv6 address), a numeric address is one of this host's, * is\n"
            "accepted, the port is not privileged for the flux user, and no other socket\n"
            "listens on an overlapping address and port. The port is looked up in the\n"
            "kernel's socket table with sock_diag(7) (IPv4 and IPv6 listeners on that\n"
            "port, as ss -ltn 'sport = :PORT' asks), never bound: the holder is named with\n"
            "its pid (a running flux-broker is only a warning). For ipc://, the path fits a\n"
            "socket address (at most 107 bytes) and its directory exists and is writable by\n"
            "the flux user. Facts: uri, interface, address, port, listener, listener_pid.\n"
            "Skipped under --root.",
        .explain =
            "A broker with children in the overlay tree (TBON) binds the bind URI of its\n"
            "[bootstrap] hosts entry, or default_bind.\n"
            "If the URI is undefined the broker exits at start. If the interface does not\n"
            "exist, has no address of the socket's family (IPv4; IPv6 when enable_ipv6 is\n"
            "true, in which case a named interface is bound by its IPv6 address), the\n"
            "address is not one of this host's, the port is privileged, or another process\n"
            "already listens on the port, the bind fails and the broker stops: every node\n"
            "below it in the tree stays out of the instance.\n"
            "\n"
            "To fix it: ip -br addr to see the interfaces and addresses; set bind or\n"
            "default_bind (for example \"tcp://eth0:%p\") and default_port in\n"
            "/etc/flux/system/conf.d; find what holds the port with\n"
            "ss -ltnp 'sport = :PORT' and stop it, or choose another default_port. For an\n"
            "ipc:// URI the directory must exist and be writable by the flux user, and the\n"
            "path must be shorter than 108 bytes.\n"
            "\n"
            "The port is checked in the kernel's socket table (sock_diag, IPv4 and IPv6,\n"
            "as ss -ltn does), never by binding it.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS | FP_CHECK_LIVE,
        .timeout = 5.0,
        .run = check_net_bind,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
    },
    { 0 },
};
