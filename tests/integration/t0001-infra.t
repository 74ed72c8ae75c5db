#!/bin/bash
# Integration-tier infrastructure, proven against the real components (no gate binary needed):
# private munged, standalone journald (asked-explicitly and JOURNAL_STREAM modes), sd_notify
# capture, a hung FUSE mount and its release, a "parent host" network namespace, the healthy
# fixture root. Everything started here is stopped here (fp_atexit).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
L=$top_srcdir/tests/lib
. "$L/tap.sh"
need_root
. "$L/munged.sh"
. "$L/journald.sh"
. "$L/fuse.sh"
. "$L/netns.sh"
. "$L/fixture.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/fp-t0001.XXXXXX")
fp_atexit "rm -rf '$T'"        # registered first: runs last, after every release below

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------- munged
if command -v munged >/dev/null && command -v munge >/dev/null; then
    run_state_before=$(ls -la --time-style=full-iso /run/munge 2>&1)
    t0=$(now)
    ok "munged_start: private munged up, round trip works" munged_start "$T/munge"
    diag "munged up in $(since "$t0")s (pid $MUNGED_PID, socket $MUNGE_SOCKET)"
    is "$MUNGE_SOCKET" "$(cd "$T/munge" && pwd -P)/munge.sock" "MUNGE_SOCKET is in the private dir"
    is "$(stat -c %a "$T/munge")" 755 "socket dir mode 0755"
    is "$(stat -c %a "$MUNGE_KEY")" 400 "key mode 0400"
    ok "munge | unmunge round trip" munged_roundtrip
    is "$(munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET" | sed -n 's/^UID: *\([^ ]*\).*/\1/p')" \
       "$(id -un)" "credential decodes with our uid"
    munged_sigstop
    t0=$(now)
    not_ok "SIGSTOPped munged: round trip does not complete within 1s" \
        sh -c 'timeout 1 munge -n -S "$MUNGE_SOCKET" >/dev/null 2>&1'
    munged_sigcont
    ok "SIGCONT: round trip works again" munged_roundtrip
    munged_stop
    not_ok "after munged_stop: round trip fails" sh -c 'munged_roundtrip() { munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET"; }; munged_roundtrip >/dev/null 2>&1'
    is "$MUNGED_PID" "" "munged_stop reaped it"
    is "$(ls -la --time-style=full-iso /run/munge 2>&1)" "$run_state_before" "/run/munge untouched"
    munged_start "$T/munge2" >/dev/null 2>&1
    _p=$MUNGED_PID
    munged_kill_stale
    is "$([ -S "$T/munge2/munge.sock" ] && echo stale)" stale "munged_kill_stale leaves a stale socket file"
    not_ok "stale socket: connection refused" sh -c 'timeout 10 munge -n -S "$0" >/dev/null 2>&1' "$T/munge2/munge.sock"
else
    skip "munged not installed"
fi

# ---------------------------------------------------------------- journald
if [ -x "$JOURNALD_BIN" ] && command -v jq >/dev/null && command -v unshare >/dev/null; then
    J=$T/j1.json
    # a program sending native-protocol datagrams itself (like sd_journal_send), with a
    # binary-safe multi-line field: NAME\n<64-bit LE length><data>\n
    cat >"$T/jsend.py" <<'EOF'
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
v = b"line1\nline2"
s.sendto(b"MESSAGE=from python\nSYSLOG_IDENTIFIER=fp-infra-py\nFP_MULTI\n"
         + len(v).to_bytes(8, "little") + v + b"\n", "/run/systemd/journal/socket")
EOF
    t0=$(now)
    journald_run "$J" sh -c '
        printf "MESSAGE=infra check %s\nPRIORITY=3\nSYSLOG_IDENTIFIER=fp-infra\nFP_TEST_FIELD=value-%s\nFP_TEST_FIELD=second\n" "$0" "$0" |
            logger --journald || exit 99
        python3 "$1" || exit 98
        echo "JS=${JOURNAL_STREAM:-unset}"; echo "stderr-not-journal" >&2; exit 3' "$$" "$T/jsend.py" >"$T/j1.out" 2>"$T/j1.err"
    is "$?" 3 "journald_run returns the command's exit code"
    diag "journald_run (start, run, sync, flush, export) took $(since "$t0")s"
    is "$(journal_get "$J" FP_TEST_FIELD SYSLOG_IDENTIFIER=fp-infra | paste -sd, -)" "value-$$,second" \
       "custom field read back (both values of a repeated field)"
    is "$(journal_get "$J" PRIORITY FP_TEST_FIELD=second)" 3 "match on a repeated field's 2nd value"
    is "$(journal_count "$J" 'MESSAGE~^infra check [0-9]+$')" 1 "regex match"
    is "$(journal_get "$J" FP_MULTI SYSLOG_IDENTIFIER=fp-infra-py)" "line1
line2" "binary-safe native protocol field from python read back"
    is "$(journal_count "$J" FP_TEST_FIELD=nope)" 0 "no entry for a value never sent"
    is "$(cat "$T/j1.out")" "JS=unset" "default mode: JOURNAL_STREAM unset, stdout is the caller's"
    is "$(cat "$T/j1.err")" "stderr-not-journal" "default mode: stderr is the caller's"
    is "$(journal_count "$J" MESSAGE=stderr-not-journal)" 0 "default mode: stderr not in the journal"

    J2=$T/j2.json
    journald_run --stream=fp-gate "$J2" python3 -c '
import os, sys
st = os.fstat(2)
print("match" if os.environ.get("JOURNAL_STREAM") == "%d:%d" % (st.st_dev, st.st_ino) else "mismatch")
sys.stderr.write("<3>a line on stderr\n"); sys.stderr.flush()
sys.exit(5)' >"$T/j2.out"
    is "$?" 5 "stream mode: exit code"
    is "$(cat "$T/j2.out")" match "stream mode: JOURNAL_STREAM = st_dev:st_ino of fd 2 (what libsystemd-style checks compare)"
    is "$(journal_get "$J2" _TRANSPORT SYSLOG_IDENTIFIER=fp-gate)" stdout "stream mode: stderr line arrived via the stdout stream"
    is "$(journal_get "$J2" MESSAGE SYSLOG_IDENTIFIER=fp-gate)" "a line on stderr" "stream mode: message text"
    is "$(journal_get "$J2" PRIORITY SYSLOG_IDENTIFIER=fp-gate)" 3 "stream mode: <3> prefix sets PRIORITY"
    is "$(journal_count "$J2" 'MESSAGE~from python|infra check')" 0 "each run has a fresh journal"

    # what the gate will do: sd_journal_send() from libsystemd, inside the namespace
    if pkg-config --exists libsystemd 2>/dev/null; then
        cat >"$T/sdj.c" <<'EOF'
#include <systemd/sd-journal.h>
int main(void)
{
    return sd_journal_send("MESSAGE=munge.daemon: test entry", "PRIORITY=3",
                           "SYSLOG_IDENTIFIER=flux-preflight", "FLUX_PREFLIGHT_CHECK=munge.daemon",
                           "FLUX_PREFLIGHT_RESULT=fail", NULL) < 0;
}
EOF
        # shellcheck disable=SC2046
        if gcc -o "$T/sdj" "$T/sdj.c" $(pkg-config --cflags --libs libsystemd) 2>"$T/sdj.err"; then
            journald_run "$T/j3.json" "$T/sdj"
            is "$?" 0 "sd_journal_send() returned success"
            is "$(journal_get "$T/j3.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=munge.daemon SYSLOG_IDENTIFIER=flux-preflight)" \
               fail "libsystemd sd_journal_send() reaches the private journald"
        else
            skip "cannot compile against libsystemd: $(head -n1 "$T/sdj.err")"
        fi
    else
        skip "libsystemd-dev missing"
    fi
else
    skip "journald / jq / unshare missing"
fi

# ---------------------------------------------------------------- sd_notify capture
N=$L/notify-capture.py
python3 "$N" "$T/n1" -- systemd-notify --status=hello
is "$?" 0 "notify-capture: exit code of systemd-notify (works without systemd as PID 1)"
is "$(head -n1 "$T/n1")" "STATUS=hello" "systemd-notify --status=hello captured"
python3 "$N" "$T/n2" -- python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in (b"STATUS=waiting for time sync (12s)", b"READY=1\nSTATUS=two\nlines", b"STATUS=back\\slash"):
    s.sendto(m, os.environ["NOTIFY_SOCKET"])
sys.exit(7)'
is "$?" 7 "notify-capture: exit code of the command"
is "$(cat "$T/n2")" 'STATUS=waiting for time sync (12s)
READY=1\nSTATUS=two\nlines
STATUS=back\\slash' "one line per datagram, newline and backslash escaped"
python3 "$N" "$T/n3" -- sh -c 'kill -TERM $$'
is "$?" 143 "notify-capture: death by signal -> 128+N"

# ---------------------------------------------------------------- FUSE hang
if [ -c /dev/fuse ] && pkg-config --exists fuse3 2>/dev/null; then
    M=$T/hang
    t0=$(now)
    ok "fuse_hang_mount" fuse_hang_mount "$M"
    diag "fuse-hang compiled+mounted in $(since "$t0")s (daemon $FUSE_HANG_PID, connection $FUSE_HANG_CONN)"
    is "$FUSE_HANG_CONN" "$(stat -c %Ld "$M")" "fusectl connection number = minor of the mount's st_dev"
    ok "the mount point itself still answers (root getattr)" test -d "$M"
    timeout 2 stat -f "$M" >/dev/null 2>&1 &
    TO=$!
    timeout 2 stat "$M/statedir" >/dev/null 2>&1 &
    TO2=$!
    sleep 2.5
    S=$(ps --ppid "$TO" -o pid= | tr -d ' ')
    like "$(ps -o stat=,wchan:40= -p "$S")" '^D.*request_wait_answer' \
         "timeout 2 stat -f: still in D state after 2.5s (request_wait_answer)"
    S2=$(ps --ppid "$TO2" -o pid= | tr -d ' ')
    like "$(ps -o stat= -p "$S2")" '^D' "stat of a name under it: D state too"
    ok "/sys/fs/fuse/connections/N exists once fusectl is mounted" sh -c \
        'grep -q " /sys/fs/fuse/connections " /proc/self/mountinfo || mount -t fusectl none /sys/fs/fuse/connections; test -d /sys/fs/fuse/connections/$0' "$FUSE_HANG_CONN"
    t0=$(now)
    fuse_hang_release "$M"
    wait "$TO"; wait "$TO2"
    diag "release freed the callers in $(since "$t0")s"
    is "$(ps -o pid= -p "$S" -p "$S2" | wc -l | tr -d ' ')" 0 "release: hung callers are gone"
    is "$(awk -v d="$(cd "$T" && pwd -P)/hang" '$5 == d' /proc/self/mountinfo)" "" "release: mount gone"
    not_ok "release: daemon gone" kill -0 "$FUSE_HANG_PID" 2>/dev/null
    ok "release is idempotent" fuse_hang_release "$M"
    # leave one hung behind on purpose: fp_atexit must release it (checked by the next run's
    # "mount gone" assertions and by make check finishing at all)
    fuse_hang_mount "$T/hang2" && { stat -f "$T/hang2" >/dev/null 2>&1 & }
else
    skip "no /dev/fuse or libfuse3-dev"
fi

# ---------------------------------------------------------------- network namespace parent
if command -v ip >/dev/null && command -v nft >/dev/null; then
    tcp() {  # tcp HOST PORT -> connected | timeout | <strerror>, with a 1 s deadline
        python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close(); print("connected")
except socket.timeout: print("timeout")
except OSError as e: print(e.strerror)' "$@"
    }
    ok "netns_parent_up" netns_parent_up parent
    diag "parent $NETNS_NS: root side $NETNS_HOST_IP ($NETNS_HOST_IF), parent $NETNS_PARENT_IP"
    like "$NETNS_PARENT_IP" '^10\.213\.[0-9]+\.2$' "parent address inside 10.213.X.0/30"
    is "$(tcp "$NETNS_PARENT_IP" 8050)" "Connection refused" "no listener: refused"
    ok "netns_listen" netns_listen parent 8050
    is "$(tcp "$NETNS_PARENT_IP" 8050)" connected "listener reachable from the root namespace"
    netns_drop parent 8050
    t0=$(now)
    is "$(tcp "$NETNS_PARENT_IP" 8050)" timeout "netns_drop: connect times out"
    netns_undrop parent
    is "$(tcp "$NETNS_PARENT_IP" 8050)" connected "netns_undrop: reachable again"
    netns_link_down parent
    is "$(tcp "$NETNS_PARENT_IP" 8050)" "No route to host" "netns_link_down: unreachable at once (never the default route)"
    netns_link_up parent
    netns_unreachable parent
    is "$(tcp "$NETNS_PARENT_IP" 8050)" "No route to host" "netns_unreachable: EHOSTUNREACH"
    netns_reachable parent
    is "$(tcp "$NETNS_PARENT_IP" 8050)" connected "netns_reachable: back"
    is "$(netns_exec parent ip -o -4 addr show dev eth0 | awk '{print $4}')" "$NETNS_PARENT_IP/30" \
       "parent side is eth0 with the /30 address"
    ns=$NETNS_NS hif=$NETNS_HOST_IF x=$NETNS_X
    netns_parent_down parent
    is "$(ip netns list | grep -c "^$ns\b")" 0 "netns_parent_down: namespace gone"
    not_ok "netns_parent_down: veth gone" ip link show "$hif" 2>/dev/null
    is "$(ip route show | grep -c "10\.213\.$x\.")" 0 "netns_parent_down: no route left for 10.213.$x"
else
    skip "iproute2 / nftables missing"
fi

# ---------------------------------------------------------------- fixture root
F=$T/root
ok "fixture_healthy" fixture_healthy "$F" node0 node1
is "$FIXTURE_HOSTS" "node0 node1" "FIXTURE_HOSTS in rank order"
is "$(stat -c '%u %a' "$F/var/lib/flux")" "500 700" "statedir owner 500 mode 0700"
is "$(stat -c '%u %a' "$F/etc/flux/system/curve.cert")" "500 400" "cert owner 500 mode 0400"
is "$(stat -c '%u %a' "$F/etc/munge/munge.key")" "501 400" "munge key owner munge mode 0400"
is "$(stat -c %s "$F/etc/munge/munge.key")" 1024 "munge key 1 KiB"
is "$(awk -F: '$1 == "flux" { print $3 ":" $4 }' "$F/etc/passwd")" 500:500 "flux user uid 500"
is "$(awk -F: '$1 == "munge" { print $3 }' "$F/etc/passwd")" 501 "munge user"
is "$(grep -c '{ host = "node[01]" }' "$F/etc/flux/system/conf.d/system.toml")" 2 "bootstrap hosts"
is "$(cat "$F/etc/flux/security/conf.d/sign.toml")" '[sign]
max-ttl = 1209600  # 2 weeks
default-type = "munge"
allowed-types = [ "munge" ]' "sign.toml = shipped defaults"
is "$(fixture_z85 864FD26FB559F75B)" HelloWorld "Z85 encoder: ZeroMQ RFC 32 test vector"
cert=$F/etc/flux/system/curve.cert
is "$(sed -n '1,4p;11p' "$cert" | cat -A | paste -sd'|' -)" \
   '#  ZeroMQ CURVE **Secret** Certificate$|#  DO NOT DISTRIBUTE$|$|metadata$|curve$' "cert layout (flux keygen)"
is "$(grep -cE '^    (public|secret)-key = "[]0-9a-zA-Z.:+=^!/*?&<>()@%$#{}[-]{40}"$' "$cert")" 2 \
   "two 40-char Z85 keys, 4-space indent"
is "$(grep -c '^    name = "node0"$' "$cert")" 1 "metadata name = hostname"
# the public key is the X25519 public key of the secret key (what libzmq >= 4.2.1 checks)
derived=$(python3 - "$cert" <<'EOF'
import re, subprocess, sys
A = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
def unz85(s):
    out = b""
    for i in range(0, len(s), 5):
        v = 0
        for c in s[i:i + 5]:
            v = v * 85 + A.index(c)
        out += v.to_bytes(4, "big")
    return out
text = open(sys.argv[1]).read()
pub = re.search(r'public-key = "(.{40})"', text).group(1)
sec = unz85(re.search(r'secret-key = "(.{40})"', text).group(1))
der = bytes.fromhex("302e020100300506032b656e04220420") + sec
p = subprocess.run(["openssl", "pkey", "-inform", "DER", "-pubout", "-outform", "DER"],
                   input=der, capture_output=True, check=True).stdout[-32:]
enc = "".join("".join(A[(int.from_bytes(p[i:i+4], "big") // 85 ** k) % 85] for k in range(4, -1, -1))
              for i in range(0, 32, 4))
print("consistent" if enc == pub else "mismatch %s %s" % (enc, pub))
EOF
)
is "$derived" consistent "cert public key derives from its secret key (openssl X25519)"

# --- guard-gate (FP_BIN in make check): a "gate" that changes what it was
# pointed at makes the run exit 98 and say what changed; one that only reads
# keeps its own exit status
GUARD=$top_srcdir/tests/lib/guard-gate
mkdir -p "$T/g/conf.d" "$T/g/sys"
printf 'x\n' >"$T/g/sys/a.toml"
printf 'system-config = "%s"\nstatus-file = "%s"\n' "$T/g/sys" "$T/g/status.json" >"$T/g/conf.d/gate.toml"
printf '#!/bin/sh\nchmod 0600 "%s"\nexit 0\n' "$T/g/sys/a.toml" >"$T/g/chmod-gate"
printf '#!/bin/sh\necho written >"%s"\nexit 3\n' "$T/g/status.json" >"$T/g/status-gate"
chmod +x "$T/g/chmod-gate" "$T/g/status-gate"
rc=0; FP_GUARD_REAL=$T/g/chmod-gate "$GUARD" --config "$T/g/conf.d" 2>"$T/g/err" || rc=$?
is "$rc" 98 "guard-gate: a run that chmods a config file it was pointed at exits 98"
like "$(cat "$T/g/err")" "guard-gate: +$T/g/sys/a.toml: 100644 .* -> 100600 " "guard-gate: ...and names the file, before and after"
rc=0; FP_GUARD_REAL=$T/g/status-gate "$GUARD" --config "$T/g/conf.d" 2>"$T/g/err" || rc=$?
is "$rc" 3 "guard-gate: writing the status file (the gate's output) is allowed; the gate's exit status is kept"
rc=0; FP_GUARD_REAL=$T/g/chmod-gate "$GUARD" --root "$T/g" 2>/dev/null || rc=$?
is "$rc" 98 "guard-gate: under --root the whole image is compared"

done_testing
