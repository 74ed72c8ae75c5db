#!/bin/sh
# net.bind: a rank with children must be able to bind its [bootstrap] bind
# URI. This node is rank 0 (--hostname fp-b0) of a two-host config; its
# interface is the root side of a veth pair made by tests/lib/netns.sh, and
# the process that takes the port is a python3 listener started here.
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/netns.sh"
for cmd in ip python3 strace; do
    command -v $cmd >/dev/null 2>&1 || skip_all "$cmd is missing"
done

T=$(mktemp -d /tmp/fp-t0520.XXXXXX)
fp_atexit "rm -rf '$T'"
chmod 0755 "$T"   # the flux user (nobody here) must be able to reach ipc directories below
netns_parent_up bnd || bail "cannot set up the veth pair"
IF=$NETNS_HOST_IF IP=$NETNS_HOST_IP PEER=$NETNS_PARENT_IP
# a port outside the ephemeral range that nothing here uses
PORT=$(( 20000 + $$ % 10000 ))
diag "interface $IF ($IP), port $PORT"
mkdir -p "$T/conf.d" "$T/sys"
cat >"$T/conf.d/gate.toml" <<EOF
deadline = "10s"
flux-user = "nobody"
system-config = "$T/sys"
status-file = "$T/status.json"
EOF

system() { # system BIND-URI [enable_ipv6]
    cat >"$T/sys/system.toml" <<EOF
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = $PORT
enable_ipv6 = ${2:-false}
default_connect = "tcp://%h:%p"
hosts = [ { host = "fp-b0", bind = "$1" }, { host = "fp-b1" } ]
EOF
}
run() { # -> $T/out $T/err $rc
    rc=0
    "$FP_BIN" --config "$T/conf.d" --hostname fp-b0 --check net.bind --json "$@" >"$T/out" 2>"$T/err" || rc=$?
}
jf() { jq -r ".results[] | select(.id == \"net.bind\") | $1" "$T/out"; }
# listen ADDR PORT [EXE]: a TCP listener in the root namespace; LISTENER_PID
listen() {
    rm -f "$T/ready"
    "${3:-python3}" -c '
import os, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
open(sys.argv[3], "w").write("%d\n" % os.getpid())
n = 0
while True:
    c, _ = s.accept(); n += 1
    open(sys.argv[4], "w").write("%d\n" % n)
' "$1" "$2" "$T/ready" "$T/accepted" </dev/null &
    LISTENER_PID=$!
    fp_atexit "kill $LISTENER_PID 2>/dev/null"
    _n=100
    while [ ! -s "$T/ready" ]; do
        [ $_n -gt 0 ] && kill -0 $LISTENER_PID 2>/dev/null || bail "listener on $1:$2 did not start"
        sleep 0.05; _n=$((_n - 1))
    done
}
unlisten() { kill "$LISTENER_PID" 2>/dev/null; wait "$LISTENER_PID" 2>/dev/null; }

# --- healthy: the interface has an address and the port is free
system "tcp://$IF:%p"
rc=0
journald_run "$T/j1.json" "$FP_BIN" --journal --config "$T/conf.d" --hostname fp-b0 --check net.bind \
    --json >"$T/out" 2>"$T/err" || rc=$?
is "$rc" 0 "healthy bind: exit 0"
is "$(jf .result)" pass "healthy bind: net.bind passes"
is "$(jf .message)" "tcp://$IF:$PORT: $IF has $IP, port $PORT free" "healthy bind: interface, address and port"
is "$(jf '.facts | "\(.uri) \(.interface) \(.address) \(.port) \(.rank) \(.children)"')" \
   "tcp://$IF:$PORT $IF $IP $PORT 0 1" "facts: uri, interface, address, port, rank, children"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=net.bind)" pass "journal: RESULT=pass"
is "$(journal_get "$T/j1.json" PRIORITY FLUX_PREFLIGHT_CHECK=net.bind)" 6 "journal: PRIORITY=6"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_URI FLUX_PREFLIGHT_CHECK=net.bind)" "tcp://$IF:$PORT" "journal: FLUX_PREFLIGHT_URI"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_ADDRESS FLUX_PREFLIGHT_CHECK=net.bind)" "$IP" "journal: FLUX_PREFLIGHT_ADDRESS"
system "tcp://$IP:%p"
run
is "$(jf '"\(.result) \(.message)"')" "pass tcp://$IP:$PORT: $IP is on $IF, port $PORT free" "numeric local address: pass, with its interface"
system "tcp://*:%p"
run
is "$(jf '"\(.result) \(.message)"')" "pass tcp://*:$PORT: all addresses, port $PORT free" "wildcard: pass"
run --hostname fp-b1
is "$(jf .result)" skip "rank 1 (a leaf): skipped"

# --- the interface does not exist
system "tcp://fpno$$:%p"
rc=0
journald_run "$T/j2.json" "$FP_BIN" --journal --config "$T/conf.d" --hostname fp-b0 --check net.bind \
    --json >"$T/out" 2>"$T/err" || rc=$?
is "$rc" 1 "missing interface: exit 1"
is "$(jf .result)" fail "missing interface: net.bind fails"
like "$(jf .message)" "^bind URI tcp://fpno$$:$PORT: interface fpno$$ does not exist on this host \\(it has: [^)]*$IF[^)]*\\): the overlay module fails with \"error binding to tcp://fpno$$:$PORT: No such device\"; the broker exits 42 before it is ready: flux.service \\(Type=notify\\) fails with Result=protocol.*; fix bind/default_bind" \
     "missing interface: the message lists the interfaces and the broker's error"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=net.bind)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j2.json" PRIORITY FLUX_PREFLIGHT_CHECK=net.bind)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_INTERFACE FLUX_PREFLIGHT_CHECK=net.bind)" "fpno$$" "journal: FLUX_PREFLIGHT_INTERFACE"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" net.bind "journal: the summary names net.bind"

# --- an interface without an address (a veth pair of our own, no IPv4, IPv6 off)
BARE=fpna$$
ip link add "$BARE" type veth peer name "fpnb$$" || bail "cannot create a veth pair"
fp_atexit "ip link del '$BARE' 2>/dev/null"
sysctl -qw "net.ipv6.conf.$BARE.disable_ipv6=1"
ip link set "$BARE" up
system "tcp://$BARE:%p"
run
is "$rc" 1 "interface without an address: exit 1"
like "$(jf .message)" "^bind URI tcp://$BARE:$PORT: interface $BARE has no IPv4 address: the overlay module fails with \"error binding to tcp://$BARE:$PORT: No such device\"" \
     "interface without an address: its own message"
# enable_ipv6 binds a named interface by its IPv6 address: an IPv4-only interface fails
sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=1"
system "tcp://$IF:%p" true
run
is "$rc" 1 "enable_ipv6 with an IPv4-only interface: exit 1"
like "$(jf .message)" "interface $IF has no IPv6 address, and with bootstrap.enable_ipv6 = true the broker binds a named interface by its IPv6 address" \
     "enable_ipv6 with an IPv4-only interface: the trap explained"
sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=0"
# a numeric address that is not this host's (the other end of the veth)
system "tcp://$PEER:%p"
run
is "$rc" 1 "an address of another host: exit 1"
like "$(jf .message)" "^bind URI tcp://$PEER:$PORT: $PEER is not an address of this host \\(it has: .*$IF $IP.*\\), so the broker's bind fails \\(Cannot assign requested address\\)" \
     "an address of another host: its own message"
system "tcp://[fd00:213::1]:%p"
run
like "$(jf '"\(.result) \(.message)"')" "^fail bind URI .* has an IPv6 address but bootstrap.enable_ipv6 is false" "IPv6 address without enable_ipv6: fail"

# --- the port is taken by another process
listen "$IP" "$PORT"
system "tcp://$IF:%p"
rm -f "$T/accepted"
rc=0
strace -f -qq -e trace=bind,listen,connect -o "$T/strace" \
    "${FP_BIN_REAL:-$FP_BIN}" --config "$T/conf.d" --hostname fp-b0 --check net.bind --json >"$T/out" 2>"$T/err" || rc=$?
is "$rc" 1 "port in use: exit 1"
is "$(jf .result)" fail "port in use: net.bind fails"
is "$(jf .message)" "port $PORT is already in use: python3 (pid $LISTENER_PID) listens on $IP:$PORT, so the broker's bind of tcp://$IF:$PORT fails (Address already in use); stop it (ss -ltnp 'sport = :$PORT') or move Flux to a free port (bootstrap.default_port)" \
   "port in use: names the process, its pid and address, and what to do"
is "$(jf '.facts | "\(.listener) \(.listener_pid) \(.listener_address)"')" "python3 $LISTENER_PID $IP:$PORT" \
   "port in use: facts listener, listener_pid, listener_address"
is "$(grep -cE '(bind|listen|connect)\(.*AF_INET' "$T/strace")" 0 "the check never binds, listens or connects on the network (strace)"
ok "the listener saw no connection" test ! -e "$T/accepted"
ok "the listener still listens" kill -0 "$LISTENER_PID"
system "tcp://*:%p"
run
like "$(jf '"\(.result) \(.message)"')" "^fail port $PORT is already in use: python3 \\(pid $LISTENER_PID\\) listens on $IP:$PORT, so the broker's bind of tcp://\\*:$PORT fails" \
     "port in use on one address: a wildcard bind fails too"
system "tcp://$IP:%p"
run
is "$(jf .result)" fail "port in use: a bind of the numeric address fails too"
unlisten
run
is "$(jf .result)" pass "listener gone: pass again"
# held on IPv6: the kernel's IPv6 table (sock_diag's AF_INET6 dump)
if [ "$(cat /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null)" = 0 ]; then
    # an IPv6 wildcard listener is dual-stack (bindv6only=0): it takes the port for IPv4 too
    listen "::" "$PORT"
    system "tcp://$IF:%p"
    run
    is "$(jf '"\(.result) \(.facts.listener_address) \(.facts.listener_pid)"')" "fail [::]:$PORT $LISTENER_PID" \
       "port held on [::] by an IPv6 socket: an IPv4 bind fails, the listener named"
    unlisten
    # enable_ipv6 and a specific IPv6 address of this host, held by another process
    V6=fd00:520:$(( $$ % 9000 + 1000 ))::1
    ip -6 addr add "$V6/64" dev "$IF" nodad || bail "cannot add $V6 to $IF"
    fp_atexit "ip -6 addr del '$V6/64' dev '$IF' 2>/dev/null"
    system "tcp://[$V6]:%p" true
    run
    is "$(jf .result)" pass "enable_ipv6, bind on this host's $V6, port free: pass"
    listen "$V6" "$PORT"
    run
    is "$rc" 1 "port held on $V6: exit 1"
    is "$(jf .message)" "port $PORT is already in use: python3 (pid $LISTENER_PID) listens on [$V6]:$PORT, so the broker's bind of tcp://[$V6]:$PORT fails (Address already in use); stop it (ss -ltnp 'sport = :$PORT') or move Flux to a free port (bootstrap.default_port)" \
       "port held on an IPv6 address: the listener, its pid and address named"
    unlisten
    ip -6 addr del "$V6/64" dev "$IF"
else
    skip "IPv6 is disabled here: no IPv6 listener"
    skip "IPv6 is disabled here: no IPv6 address"
    skip "IPv6 is disabled here"
    skip "IPv6 is disabled here"
fi

# a running flux broker holding the port: reported, not blocking
ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$T/flux-broker"
listen "$IP" "$PORT" "$T/flux-broker"
system "tcp://$IF:%p"
run
is "$rc" 0 "port held by a running flux-broker: exit 0"
like "$(jf '"\(.result) \(.message)"')" "^warn port $PORT is held by a running flux broker \\(pid $LISTENER_PID, on $IP\\): fine if that is this node's flux.service" \
     "port held by a running flux-broker: a warning"
unlisten

# --- ports the broker cannot use
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
if [ "$start" -gt 80 ]; then
    system "tcp://$IF:80"
    run
    is "$rc" 1 "privileged port: exit 1"
    is "$(jf .message)" "bind URI tcp://$IF:80: port 80 is privileged (below net.ipv4.ip_unprivileged_port_start = $start) and the broker runs as nobody, so the bind fails (Permission denied); use a port above 1023 (8050 is usual)" \
       "privileged port: explained"
else
    skip "net.ipv4.ip_unprivileged_port_start is $start: port 80 is not privileged here"
    skip "privileged port message"
fi
system "tcp://$IF:0"
run
like "$(jf '"\(.result) \(.message)"')" "^warn bind URI tcp://$IF:0 has port 0: the kernel picks a new port at every start" "port 0: a warning"
system "tcp://$IF"
run
like "$(jf '"\(.result) \(.message)"')" "^fail bind URI tcp://$IF has no port: the broker's bind fails" "no port: fail"
cat >"$T/sys/system.toml" <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_connect = "tcp://%h:8050"
hosts = [ { host = "fp-b0" }, { host = "fp-b1" } ]
EOF
run
is "$rc" 1 "no bind URI on a rank with children: exit 1"
like "$(jf .message)" '^fp-b0 has 1 children but no bind URI: the overlay module fails with "bind URI is undefined for rank 0"; the broker exits 42 before it is ready' \
     "no bind URI: the broker's words"

# --- ipc://
system "ipc://$T/nodir/tbon.sock"
run
is "$rc" 1 "ipc directory missing: exit 1"
like "$(jf .message)" "^bind URI ipc://$T/nodir/tbon.sock: directory $T/nodir: No such file or directory, so the broker's bind fails; create it before flux starts \\(mkdir -p $T/nodir; chown nobody $T/nodir" \
     "ipc directory missing: explained"
mkdir -m 0755 "$T/ipc"
system "ipc://$T/ipc/tbon.sock"
run
is "$rc" 1 "ipc directory not writable by the flux user: exit 1"
like "$(jf .message)" "the nobody user cannot create the socket in $T/ipc \\(mode 0755, owner 0:0\\)" \
     "ipc directory not writable: explained"
chown nobody "$T/ipc"
run
is "$(jf '"\(.result) \(.message)"')" "pass ipc://$T/ipc/tbon.sock: directory $T/ipc exists and the nobody user can create the socket there" \
   "ipc directory owned by the flux user: pass"
chmod 0700 "$T"
run
like "$(jf '"\(.result) \(.message)"')" "^fail .*the nobody user cannot reach $T/ipc: $T is not searchable by it" "ipc directory behind a 0700 directory: fail"
chmod 0755 "$T"
: >"$T/ipc/tbon.sock"
run
like "$(jf '"\(.result) \(.message)"')" "^warn .*$T/ipc/tbon.sock exists and is a regular file; 0MQ deletes whatever is there" \
     "a regular file where the socket goes: a warning"
# 108 bytes: the broker's config check takes it, 0MQ needs room for the NUL
long=$T/ipc/
long=$long$(printf "%0$((108 - ${#long}))d" 0)
system "ipc://$long"
run
is "$(jf '"\(.result) \(.message)"')" "fail bind URI ipc://$long: the path is 108 bytes, longer than the 107 a socket address holds, so the broker's bind fails (File name too long); use a shorter path such as /run/flux/tbon.sock" \
   "ipc path of 108 bytes: fail"
system "ipc://@fp-tbon-$$"
run
is "$(jf .result)" pass "abstract ipc socket: pass"

done_testing
