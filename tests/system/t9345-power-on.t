#!/bin/bash
# A cluster powering on, with two real brokers (flux-core 0.88.0 from the bundle) under real
# systemd, each node with the gate and flux-core's own flux.service enabled: a leader
# (fluxlead, rank 0) and a follower (fluxfoll, rank 1) of one [bootstrap], on a veth pair,
# sharing the node layer's curve certificate and munge key.
#
# The follower powers on first and its leader 60 s later, as management nodes often do. The
# broker alone would start and wait for its parent; the gate must not strand it: net.parent
# reports the parent as down, waits until the deadline (the wait in the status line), then
# lets flux start with a warning that names the parent and says why it did not block. While
# the leader is still off the follower is what "the leader never boots" looks like: flux.service
# running, waiting for its parent. Once the leader is up, the follower joins with no manual step.
#
# Then the leader's firewall drops the flux port (the host otherwise up) and the follower
# reboots: the gate reports a probable firewall and, by the documented default
# ([net] parent-unreachable = "warn"), does not block; once the port is open again the running
# follower joins by itself. Last, the follower boots before its name service knows the leader:
# the gate quotes what the broker then logs, the broker logs exactly that, and joins as soon as
# the name resolves.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/system/flux-lib.sh"
command -v nft >/dev/null 2>&1 || skip_all "nft is missing"
flux_need

LEADER_LATE=60   # seconds between the follower's power-on and the leader's
PORT=8050

flux_net_pair lead foll || bail "cannot make the network pair"
L_IP=$FLUX_NET_A_IP F_IP=$FLUX_NET_B_IP
export L_IP F_IP PORT
diag "leader fluxlead $L_IP (netns $FLUX_NET_A), follower fluxfoll $F_IP (netns $FLUX_NET_B)"
# the leader host is powered off: its side of the link is down, nothing answers ARP
ip -n "$FLUX_NET_A" link set eth0 down

# Both nodes: one instance of two, bound on eth0; names in /etc/hosts.
prep_pair() {
    r=$1
    sed -i '/fluxnode/d' "$r/etc/hosts"
    printf '%s fluxlead\n%s fluxfoll\n' "$L_IP" "$F_IP" >>"$r/etc/hosts"
    python3 - "$r/etc/flux/system/conf.d/system.toml" "$PORT" <<'EOF'
import re, sys
p, port = sys.argv[1], sys.argv[2]
s = open(p).read()
s = re.sub(r'(?ms)^\[bootstrap\].*?(?=^\[)', '''[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = %s
default_bind = "tcp://eth0:%%p"
default_connect = "tcp://%%h:%%p"
hosts = [
   { host = "fluxlead" },
   { host = "fluxfoll" },
]

''' % port, s)
s = s.replace('hosts = "fluxnode"', 'hosts = "fluxlead,fluxfoll"')
open(p, "w").write(s)
EOF
    # A container shares the host's clock and runs no time service: time.sync is not what
    # this test is about, so it is turned off here.
    mkdir -p "$r/etc/flux/preflight/conf.d"
    printf '[severity]\n"time.sync" = "off"\n' >"$r/etc/flux/preflight/conf.d/t9340-time.toml"
}
# The follower's second boot: a short gate deadline, only to keep the test fast (what blocks
# does not depend on it).
prep_foll_fast() {
    prep_pair "$1"
    printf 'deadline = "8s"\n' >"$1/etc/flux/preflight/conf.d/t9340.toml"
}
# ... and one whose name service does not know the leader (yet): only /etc/hosts, without it
prep_foll_noname() {
    prep_foll_fast "$1"
    sed -i '/fluxlead/d' "$1/etc/hosts"
    sed -i 's/^hosts:.*/hosts: files/' "$1/etc/nsswitch.conf"
}
export -f prep_pair

# What the gate shows while it runs, polled during the follower's boot.
: >"${TMPDIR:-/tmp}/fp-t9340-status.$$"
STATUS_LOG=${TMPDIR:-/tmp}/fp-t9340-status.$$
fp_atexit "rm -f '$STATUS_LOG' '$STATUS_LOG.broker'"
poll_gate_status() {
    sys_exec systemctl show -p StatusText --value flux-preflight.service 2>/dev/null >>"$STATUS_LOG"
}
gate_entry() { # FIELD: of this boot's net.parent entry
    sys_journal -b -u flux-preflight.service FLUX_PREFLIGHT_CHECK=net.parent -o json |
        jq -r --arg k "$1" '.[$k] // empty' | tail -1
}
gate_state() { echo "$(gate_entry FLUX_PREFLIGHT_RESULT) $(gate_entry FLUX_PREFLIGHT_PARENT_STATE)"; }
# reboot_follower NAME PREP: power the follower off and on again; $msg: its net.parent entry
reboot_follower() {
    flux_node_use FOLL
    sys_poweroff
    : >"$STATUS_LOG"
    SYS_BOOT_POLL=poll_gate_status \
        flux_boot "$1" --hostname fluxfoll --net "$FLUX_NET_B" --prep "$2" || bail "the follower did not boot again ($1)"
    flux_node_save FOLL
    msg=$(gate_entry MESSAGE)
    diag "net.parent: $msg"
}
overlay_status() {
    sys_exec env FLUX_URI=local:///run/flux/local flux overlay status --no-pretty 2>&1
}
wait_joined() { # SECS: until the leader's overlay status shows the follower full
    _wj_n=$(( $1 * 2 ))
    while [ $_wj_n -gt 0 ]; do
        overlay_status | grep -q '^1 fluxfoll: full' && return 0
        sleep 0.5; _wj_n=$((_wj_n - 1))
    done
    return 1
}

# ---- 1. the follower powers on; its leader is off
t_power=$(date +%s)
SYS_BOOT_POLL=poll_gate_status SYS_BOOT_TIMEOUT=90 \
    flux_boot foll --hostname fluxfoll --net "$FLUX_NET_B" --prep prep_pair || bail "the follower did not boot"
flux_node_save FOLL
diag "follower booted in ${SYS_BOOT_SECONDS}s"
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success \
   "leader off: the follower's gate succeeded"
is "$(gate_state) $(gate_entry FLUX_PREFLIGHT_SEVERITY)" "warn down fail" \
   "leader off: net.parent warns, parent state down (severity fail: it could block)"
msg=$(gate_entry MESSAGE)
diag "net.parent: $msg"
like "$msg" "^net.parent: parent rank 0 \\(fluxlead\\) at fluxlead:$PORT \\($L_IP\\): .*$L_IP does not answer ARP, so the parent host is down or still booting" \
     "leader off: the entry names the parent and says it is down or booting"
like "$msg" "; not blocking: the broker starts, waits for its parent and joins when it answers; still not ready by the run deadline \\(30s\\)\$" \
     "leader off: it says why it did not block, after waiting the 30 s deadline"
ok "leader off: the status line showed the wait (waiting for parent fluxlead:$PORT)" \
   grep -q "^waiting for parent fluxlead:$PORT ([0-9]*s)$" "$STATUS_LOG"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" '^OK' \
     "leader off: the gate's final status line is OK"
is "$(sys_exec systemctl is-active flux.service)" active "leader off: the follower's flux.service is running"
is "$(sys_exec systemctl show -p StatusText --value flux.service)" "Joining Flux instance via tcp://fluxlead:$PORT" \
   "leader off: its broker says it is joining via the parent's URI (waiting for it)"
like "$(flux_broker_journal)" 'builtins-success: load-builtins->join' "leader off: the broker's journal: load-builtins->join"

# ---- 2. the leader powers on 60 s after the follower
left=$(( t_power + LEADER_LATE - 2 - $(date +%s) ))
[ $left -gt 0 ] && sleep $left
is "$(sys_exec systemctl is-active flux.service) $(sys_exec systemctl show -p NRestarts --value flux.service)" \
   "active 0" "still no leader after $(( $(date +%s) - t_power ))s: the follower's broker still waits, never restarted"
left=$(( t_power + LEADER_LATE - $(date +%s) ))
[ $left -gt 0 ] && sleep $left
diag "leader powers on $(( $(date +%s) - t_power ))s after the follower"
ip -n "$FLUX_NET_A" link set eth0 up
flux_boot lead --hostname fluxlead --net "$FLUX_NET_A" --prep prep_pair || bail "the leader did not boot"
flux_node_save LEAD
diag "leader booted in ${SYS_BOOT_SECONDS}s"
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success "the leader's gate succeeded"
is "$(gate_entry FLUX_PREFLIGHT_RESULT)" skip "the leader's net.parent skips (rank 0)"
is "$(sys_exec systemctl is-active flux.service)" active "the leader's flux.service is running"
ok "the leader reaches the run state" flux_wait_run 60
ok "the follower joined by itself (flux overlay status on the leader)" wait_joined 60
diag "$(overlay_status)"
like "$(overlay_status)" "^0 fluxlead: full" "overlay status: the leader full"
flux_node_use FOLL
is "$(sys_exec systemctl show -p NRestarts --value flux.service)" 0 "the follower's broker was never restarted"

# ---- 3. the leader's firewall drops the flux port; the follower reboots
ip netns exec "$FLUX_NET_A" nft -f - <<EOF || bail "nft in the leader's namespace failed"
table inet fp_t9340 {
    chain input { type filter hook input priority 0; policy accept; tcp dport $PORT drop; }
}
EOF
reboot_follower foll2 prep_foll_fast
is "$(gate_state)" "warn filtered" "port filtered: net.parent warns, parent state filtered"
like "$msg" "^net.parent: no answer from parent rank 0 \\(fluxlead\\) at fluxlead:$PORT \\($L_IP\\) within [0-9.]+s although $L_IP answers ARP: the host is up and drops the connection attempts, probably a firewall on fluxlead: allow TCP port $PORT there" \
     "port filtered: reported as a probable firewall on the leader, with the port to open"
like "$msg" "; not blocking: " "port filtered: not blocking, as documented ([net] parent-unreachable = \"warn\")"
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success "port filtered: the gate succeeded"
is "$(sys_exec systemctl is-active flux.service)" active "port filtered: the follower's flux.service is running"
ip netns exec "$FLUX_NET_A" nft delete table inet fp_t9340
flux_node_use LEAD
ok "port open again: the follower joins by itself" wait_joined 60

# ---- 4. the follower boots before its name service knows the leader
reboot_follower foll3 prep_foll_noname
is "$(gate_state)" "warn unresolvable" "name unknown: net.parent warns, parent state unresolvable"
quoted=$(printf '%s' "$msg" | sed -n 's/.*the broker logs "\([^"]*\)".*/\1/p')
is "$quoted" "unable to resolve upstream peer fluxlead: Name or service not known" \
   "name unknown: the message quotes what the broker will log"
is "$(sys_exec systemctl is-active flux.service)" active "name unknown: the follower's flux.service is running"
n=50; while [ $n -gt 0 ] && ! flux_broker_journal | grep -qF "$quoted"; do sleep 0.2; n=$((n - 1)); done
flux_broker_journal >"$STATUS_LOG.broker"
diag "broker: $(grep -F 'upstream peer' "$STATUS_LOG.broker")"
ok "name unknown: the broker's journal has the quoted line verbatim" grep -qF ": $quoted" "$STATUS_LOG.broker"
sys_sh "echo '$L_IP fluxlead' >>/etc/hosts"
flux_node_use LEAD
ok "name known now: the follower joins by itself" wait_joined 60

done_testing
