#!/bin/sh
# A node at boot whose parent drops every packet and whose munged is frozen:
# munge.daemon fails, net.parent warns (a follower's broker waits for its
# parent), and the two waits overlap, so the run ends within the longest check timeout
# (+1 s), not their sum, and well before the 30 s deadline.
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/munged.sh"
. "$top_srcdir/tests/lib/netns.sh"
for cmd in ip nft python3 munged; do
    command -v $cmd >/dev/null 2>&1 || skip_all "$cmd is missing"
done

T=$(mktemp -d /tmp/fp-t0530.XXXXXX)
fp_atexit "rm -rf '$T'"
munged_start "$T/munge" || bail "private munged did not start"
netns_parent_up silent || bail "cannot set up the parent namespace"
P=$NETNS_PARENT_IP
netns_listen silent 8050 || bail "listener did not start"
mkdir -p "$T/conf.d" "$T/sys"
cat >"$T/conf.d/gate.toml" <<EOF
deadline = "30s"
system-config = "$T/sys"
status-file = "$T/status.json"
[munge]
socket = "$MUNGE_SOCKET"
EOF
cat >"$T/sys/system.toml" <<EOF
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = 8050
hosts = [ { host = "fp-p0", connect = "tcp://$P:%p", bind = "tcp://eth0:%p" }, { host = "fp-c1" } ]
EOF
CHECKS=munge.daemon,net.rank,net.bind,net.parent
run() { # -> $T/out $rc $ms
    rc=0
    _t0=$(date +%s%N)
    "$FP_BIN" --config "$T/conf.d" --hostname fp-c1 --check "$CHECKS" --json >"$T/out" 2>"$T/err" || rc=$?
    ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
}
jf() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }

# both healthy first: the same run passes, so what follows is the faults' doing
run
is "$rc" 0 "healthy parent and munged: exit 0"
# the gate's own cost on this machine (under valgrind: well over a second):
# the bounds below are the checks' timeouts + 1 s on top of it, which still
# tells max(timeouts) from their sum
base=$ms
diag "healthy run: $base ms"
is "$(jq -r '[.results[].result] | join(" ")' "$T/out")" "pass pass skip pass" \
   "healthy: munge.daemon, net.rank pass; net.bind skips (a leaf); net.parent passes"

netns_drop silent
munged_sigstop
run
munged_sigcont
netns_undrop silent
diag "silent parent + stopped munged, default timeouts (munge.daemon 5s, net.parent 3s): $ms ms"
is "$rc" 1 "silent parent + stopped munged: exit 1"
is "$(jq -c .failed "$T/out")" '["munge.daemon"]' "munge.daemon is named as failed"
is "$(jf munge.daemon .result)" error "munge.daemon: error (no answer)"
like "$(jf munge.daemon .message)" "no answer from $MUNGE_SOCKET within 5s" "munge.daemon: says what did not answer"
is "$(jf net.parent .result)" warn "net.parent: warn (the broker would start and wait for its parent)"
like "$(jf net.parent .message)" "^no answer from parent rank 0 \\(fp-p0\\) at $P:8050 within" "net.parent: says what did not answer"
is "$(jf net.rank .result)" pass "net.rank is decided regardless"
ok "the run ends within max(5 s, 3 s) + 1 s, not their 8 s sum ($ms ms, the healthy run $base ms)" \
    test "$ms" -lt "$((6000 + base))"

# with the timeouts closer together the sum would show even more clearly
printf '[timeout]\n"munge.daemon" = "2s"\n"net.parent" = "3s"\n' >"$T/conf.d/zz-timeout.toml"
netns_drop silent
munged_sigstop
run
munged_sigcont
netns_undrop silent
diag "munge.daemon 2s, net.parent 3s: $ms ms"
is "$rc" 1 "[timeout] 2s/3s: exit 1"
like "$(jf munge.daemon .message)" "within 2s" "munge.daemon used its configured 2 s"
ok "the run ends within max(2 s, 3 s) + 1 s, not their 5 s sum ($ms ms, the healthy run $base ms)" \
    test "$ms" -lt "$((4000 + base))"

done_testing
