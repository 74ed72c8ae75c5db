# A "parent host" in a network namespace (POSIX sh; source it; needs root, iproute2,
# nftables, python3). Addresses exist only on the veth pair made here.
#
#   netns_parent_up NAME [X]  netns "fp-NAME-<pid>" with a veth pair to the root namespace:
#                             root side 10.213.X.1/30 (iface fp<X>h<pid>), parent side
#                             10.213.X.2/30 named eth0, plus lo. X (1-254) is picked free under
#                             a lock unless given. Sets NETNS_NS NETNS_X NETNS_HOST_IP
#                             NETNS_PARENT_IP NETNS_HOST_IF; registers netns_parent_down.
#   netns_exec NAME CMD...    run CMD inside the parent namespace
#   netns_listen NAME PORT    TCP listener on PARENT_IP:PORT in the namespace (python3; accepts
#                             and holds connections), returns once listening; NETNS_LISTENER_PID
#   netns_unlisten NAME       stop its listeners: connects are then refused (RST) -> "refused"
#   netns_drop NAME [PORT]    nft in the namespace: silently drop incoming TCP to PORT (all
#                             incoming traffic without PORT) -> connect times out
#   netns_undrop NAME         remove the drop rules
#   netns_link_down NAME      root-side link down -> connect fails at once (EHOSTUNREACH)
#   netns_link_up NAME        back up (address and route restored)
#   netns_unreachable NAME    `unreachable` route for PARENT_IP in the root ns -> EHOSTUNREACH
#   netns_reachable NAME      remove it
#   netns_arp_off NAME        the parent stops answering ARP, as a host that is down or still
#                             booting looks from its link: a connect waits for the neighbour
#                             (incomplete in /proc/net/arp), then EHOSTUNREACH after ~3 s
#   netns_arp_on NAME         answers ARP again
#
# Safety: the root ns also gets `unreachable 10.213.X.0/30 metric 4242`, so while the veth is
# down (or half set up) traffic for the parent's /30 fails locally instead of following the
# host's default route off the machine. It is removed by netns_parent_down.
#   netns_parent_down NAME    listeners killed, veth and namespace deleted (idempotent)
#
# Several parents per test are fine (distinct NAMEs); the NETNS_* variables describe the last
# one brought up, `netns_load NAME` sets them back to NAME's.

# fp_atexit (cleanup at exit) comes from tests/lib/tap.sh, sourced first.

_netns_state() {
    [ -n "${_NETNS_STATE:-}" ] && return 0
    _NETNS_STATE=$(mktemp -d "${TMPDIR:-/tmp}/fp-netns.XXXXXX") || return 1
    fp_atexit "rm -rf '$_NETNS_STATE'"
}

netns_load() {
    [ -f "${_NETNS_STATE:-/nonexistent}/$1.env" ] || { echo "netns: no parent '$1'" >&2; return 1; }
    . "$_NETNS_STATE/$1.env"
}

netns_parent_up() {
    _nn=${1:?netns_parent_up NAME [X]}
    _nx=${2:-}
    _netns_state || return 1
    _nns=fp-$_nn-$$
    mkdir -p /run/lock
    # pick and claim X under a lock, so parallel tests get distinct /30s
    exec 8>/run/lock/fp-netns.lock
    flock 8
    if [ -z "$_nx" ]; then
        _nused=$(ip -o -4 addr show | sed -n 's/.* inet 10\.213\.\([0-9]*\)\..*/\1/p')
        _nx=$(( ($$ % 254) + 1 )); _ni=0
        while printf '%s\n' $_nused | grep -qx "$_nx"; do
            _nx=$(( (_nx % 254) + 1 )); _ni=$((_ni + 1))
            [ $_ni -lt 254 ] || { flock -u 8; exec 8>&-; echo "netns: no free 10.213.X" >&2; return 1; }
        done
    fi
    _nhif=fp${_nx}h$$
    NETNS_NS=$_nns NETNS_X=$_nx NETNS_HOST_IP=10.213.$_nx.1 NETNS_PARENT_IP=10.213.$_nx.2 NETNS_HOST_IF=$_nhif
    cat >"$_NETNS_STATE/$_nn.env" <<EOF
NETNS_NS=$_nns NETNS_X=$_nx NETNS_HOST_IP=10.213.$_nx.1 NETNS_PARENT_IP=10.213.$_nx.2 NETNS_HOST_IF=$_nhif
EOF
    fp_atexit "netns_parent_down '$_nn'"
    if ! { ip netns add "$_nns" &&
           ip link add "$_nhif" type veth peer name "fp${_nx}p$$" netns "$_nns" &&
           ip -n "$_nns" link set "fp${_nx}p$$" name eth0 &&
           ip addr add "$NETNS_HOST_IP/30" dev "$_nhif" &&
           ip link set "$_nhif" up &&
           ip route add unreachable "10.213.$_nx.0/30" metric 4242 &&
           ip -n "$_nns" addr add "$NETNS_PARENT_IP/30" dev eth0 &&
           ip -n "$_nns" link set eth0 up &&
           ip -n "$_nns" link set lo up; }; then
        flock -u 8; exec 8>&-
        echo "netns_parent_up: setup of $_nns failed" >&2
        netns_parent_down "$_nn"
        return 1
    fi
    flock -u 8; exec 8>&-
    export NETNS_NS NETNS_X NETNS_HOST_IP NETNS_PARENT_IP NETNS_HOST_IF
    return 0
}

netns_exec() {
    _ne=${1:?netns_exec NAME CMD...}; shift
    netns_load "$_ne" || return 1
    ip netns exec "$NETNS_NS" "$@"
}

netns_listen() {
    _nl=${1:?netns_listen NAME PORT}; _nlp=${2:?PORT}
    netns_load "$_nl" || return 1
    _nlr=$_NETNS_STATE/$_nl.ready.$_nlp
    rm -f "$_nlr"
    ip netns exec "$NETNS_NS" python3 -c '
import os, socket, sys
ip, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port)); s.listen(128)
open(ready + ".tmp", "w").write(str(os.getpid())); os.rename(ready + ".tmp", ready)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$NETNS_PARENT_IP" "$_nlp" "$_nlr" </dev/null &
    NETNS_LISTENER_PID=$!
    echo "$NETNS_LISTENER_PID" >>"$_NETNS_STATE/$_nl.listeners"
    _nln=100
    while [ ! -f "$_nlr" ]; do
        kill -0 "$NETNS_LISTENER_PID" 2>/dev/null && [ $_nln -gt 0 ] ||
            { echo "netns_listen: listener on $NETNS_PARENT_IP:$_nlp did not start" >&2; return 1; }
        sleep 0.05; _nln=$((_nln - 1))
    done
    export NETNS_LISTENER_PID
}

netns_unlisten() {
    _nu=${1:?netns_unlisten NAME}
    [ -f "${_NETNS_STATE:-/nonexistent}/$_nu.listeners" ] || return 0
    for _nup in $(cat "$_NETNS_STATE/$_nu.listeners"); do
        kill -TERM "$_nup" 2>/dev/null; wait "$_nup" 2>/dev/null
    done
    rm -f "$_NETNS_STATE/$_nu.listeners" "$_NETNS_STATE/$_nu".ready.*
}

netns_drop() {
    _nd=${1:?netns_drop NAME [PORT]}
    netns_load "$_nd" || return 1
    if [ -n "${2:-}" ]; then _ndr="tcp dport $2 drop"; else _ndr="iifname != \"lo\" drop"; fi
    ip netns exec "$NETNS_NS" nft -f - <<EOF
table inet fp_drop
delete table inet fp_drop
table inet fp_drop {
    chain input { type filter hook input priority 0; policy accept; $_ndr; }
}
EOF
}

netns_undrop() {
    netns_load "${1:?netns_undrop NAME}" || return 1
    ip netns exec "$NETNS_NS" nft delete table inet fp_drop 2>/dev/null
    return 0
}

netns_link_down() { netns_load "${1:?NAME}" && ip link set "$NETNS_HOST_IF" down; }
netns_link_up() {
    netns_load "${1:?NAME}" || return 1
    ip link set "$NETNS_HOST_IF" up
}

netns_unreachable() {
    netns_load "${1:?NAME}" || return 1
    ip route replace unreachable "$NETNS_PARENT_IP/32"
}
netns_reachable() {
    netns_load "${1:?NAME}" || return 1
    ip route del unreachable "$NETNS_PARENT_IP/32" 2>/dev/null
    return 0
}

# The root side's neighbour entry is flushed both ways: a cached one would let the SYN go
# out (arp off, NOARP replies go to the broadcast MAC and still arrive), a FAILED one
# would delay the first connect after arp on.
netns_arp_off() {
    netns_load "${1:?NAME}" || return 1
    ip -n "$NETNS_NS" link set eth0 arp off &&
        ip neigh flush to "$NETNS_PARENT_IP" dev "$NETNS_HOST_IF" 2>/dev/null
    return 0
}
netns_arp_on() {
    netns_load "${1:?NAME}" || return 1
    ip -n "$NETNS_NS" link set eth0 arp on &&
        ip neigh flush to "$NETNS_PARENT_IP" dev "$NETNS_HOST_IF" 2>/dev/null
    return 0
}

netns_parent_down() {
    _nd=${1:?netns_parent_down NAME}
    [ -f "${_NETNS_STATE:-/nonexistent}/$_nd.env" ] || return 0
    netns_unlisten "$_nd"
    # a non-exported copy: do not clobber NETNS_* of another parent
    _ndns=$(sed -n 's/.*NETNS_NS=\([^ ]*\).*/\1/p' "$_NETNS_STATE/$_nd.env")
    _ndif=$(sed -n 's/.*NETNS_HOST_IF=\([^ ]*\).*/\1/p' "$_NETNS_STATE/$_nd.env")
    # deleting the root-side veth removes the pair now; `ip netns del` alone frees it only
    # later, asynchronously, keeping 10.213.X.1 (and the route) around meanwhile
    _ndx=$(sed -n 's/.*NETNS_X=\([^ ]*\).*/\1/p' "$_NETNS_STATE/$_nd.env")
    ip route del unreachable "10.213.$_ndx.2/32" 2>/dev/null
    ip link del "$_ndif" 2>/dev/null
    ip netns del "$_ndns" 2>/dev/null
    ip route del unreachable "10.213.$_ndx.0/30" metric 4242 2>/dev/null
    rm -f "$_NETNS_STATE/$_nd.env"
    return 0
}
