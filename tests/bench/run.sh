#!/bin/bash
# flux-preflight benchmark: is the gate fast and bounded, next to what an admin would use
# instead? Run by `make bench` in a build dir, or:
#
#   tests/bench/run.sh BUILDDIR [OUTDIR]      (root; OUTDIR default tests/bench/results)
#
# Writes OUTDIR/results.json and OUTDIR/results.md. Numbers are measured, never asserted.
# Environment: BENCH_RUNS (default 30 measured runs per command, after 3 warm-up runs),
# BENCH_PAM_CALLS (default 10000), BENCH_DEADLINE (failure case run deadline, default
# 30s, the gate's own default),
# BENCH_PROFILE=DIR (also run the healthy gate under callgrind and leave the annotated
# profiles in DIR), BENCH_KEEP=1 (keep the work dir), BENCH_PARTS (the sections to run after
# the healthy node, default "percheck scale failure pam").
#
# What it builds, all private to this run (README.md beside this script has the details):
# a healthy fixture node (tests/lib/fixture.sh) with a real flux user made with useradd,
# a private munged (tests/lib/munged.sh), a listening "parent" on loopback and a 2-host
# [bootstrap] where this node is rank 1 and rank 0's connect URI is tcp://127.0.0.1:PORT,
# a fleet manifest (fleet.sync), a gate config pointing at all of it. Then:
#   1. the gate (rank 1, and rank 0) vs tests/bench/checklist.sh, interleaved runs: wall and
#      CPU (user+sys) medians; the gate once more with --journal under a private journald
#      and each check alone (--check ID) to find the expensive ones
#   2. peak RSS (wait4 ru_maxrss; /usr/bin/time -v as a cross-check)
#   3. [bootstrap] of 1k, 16k and 100k hosts: tests/bench/bench-bootstrap.c (conf_load +
#      bootstrap_parse + topology_from_config) and the gate with --check net.rank,config.bootstrap
#   4. silent parent (netns + nft drop) + SIGSTOPped munged + hung FUSE statedir, at once,
#      as rank 1 and as rank 0: wall time vs the configured timeouts
#   5. pam_acct_mgmt latency (tests/pam/pam-driver acct-loop:N) on the gate's real --json
# The script runs in a private mount namespace: when this machine's clock is not NTP
# disciplined, the healthy node gets systemd-timesyncd's flag file there (a tmpfs on
# /run/systemd), so time.sync passes as on a synchronised node; the results say so.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

here=$(cd "$(dirname "$0")" && pwd -P)
top_srcdir=$(cd "$here/../.." && pwd -P)
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [OUTDIR]" >&2; exit 2; }
B=$(cd "$1" && pwd -P) || exit 2
OUT=${2:-${BENCH_OUT:-$here/results}}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd -P) || exit 2
FP_BIN=$B/src/flux-preflight
RUNS=${BENCH_RUNS:-30}
PAM_CALLS=${BENCH_PAM_CALLS:-10000}
DEADLINE=${BENCH_DEADLINE:-30s}
export top_srcdir top_builddir=$B FP_BIN

say() { printf 'bench: %s\n' "$*" >&2; }
# BENCH_PARTS: the sections after the healthy node to run (default: all of them)
PARTS=${BENCH_PARTS:-percheck scale failure pam}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; say "$1: skipped (BENCH_PARTS)"; return 1; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (useradd, mounts, network namespaces, a private munged)"
[ -x "$FP_BIN" ] || die "no $FP_BIN: build first (make in $B)"

# A private mount namespace for everything below (the timesyncd flag, FUSE, netns mounts).
if [ -z "${FP_BENCH_NS:-}" ]; then
    FP_BENCH_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi

. "$top_srcdir/tests/lib/tap.sh"       # fp_atexit
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/munged.sh"
. "$top_srcdir/tests/lib/netns.sh"
. "$top_srcdir/tests/lib/fuse.sh"
. "$top_srcdir/tests/lib/journald.sh"

T0=$(date +%s)
W=$(mktemp -d /tmp/fp-bench.XXXXXX) || die "mktemp"
chmod 0755 "$W"   # the flux user must reach the cert and configs below it
[ -n "${BENCH_KEEP:-}" ] && say "work dir $W (kept)" || fp_atexit "rm -rf '$W'"
mkdir -p "$W/data"
D=$W/data          # raw measurements, read by report.py

# --- helpers -------------------------------------------------------------------------------
say "building the bench drivers"
CFLAGS_B="-O2 -std=gnu11 -Wall -Wextra"
gcc $CFLAGS_B -o "$W/bench-run" "$here/bench-run.c" || die "bench-run did not build"
LIBS=$(pkg-config --libs jansson libcrypto 2>/dev/null || echo "-ljansson -lcrypto")
# a sanitizer build's library needs the same flags at link time
SAN=$(sed -n 's/^SAN_CFLAGS = //p; s/^SAN_LDFLAGS = //p' "$B/Makefile" | tr '\n' ' ')
gcc $CFLAGS_B $SAN -include "$B/config.h" -I"$top_srcdir/src" -o "$W/bench-bootstrap" \
    "$here/bench-bootstrap.c" "$B/src/.libs/libfpcommon.a" $LIBS -lm ||
    die "bench-bootstrap did not build (against $B/src/.libs/libfpcommon.a)"
PAM_DRIVER=$B/tests/pam/pam-driver
PAM_MODULE=$B/pam/.libs/pam_flux_preflight.so
[ -x "$PAM_DRIVER" ] || make -s -C "$B" tests/pam/pam-driver >&2 || say "no pam-driver: PAM skipped"
BR=$W/bench-run

# --- machine -------------------------------------------------------------------------------
{
    echo "nproc=$(nproc)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "kernel=$(uname -sr)"
    echo "os=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")"
    echo "mem_kib=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
        [ -n "$(git -C "$top_srcdir" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo +dirty)"
    echo "hyperfine=$(hyperfine --version 2>/dev/null | cut -d' ' -f2)"
    echo "cflags=$(sed -n 's/^CFLAGS = //p' "$B/Makefile" | head -1)"
    echo "runs=$RUNS"
} >"$D/machine.env"

# --- the healthy node -----------------------------------------------------------------------
say "fixture: flux user, node tree, munged, parent listener, gate config"
U=fpb$$
useradd -r -M -d /nonexistent -s /usr/sbin/nologin -U "$U" || die "useradd $U"
fp_atexit "userdel '$U' 2>/dev/null; groupdel '$U' 2>/dev/null"
MUNGE_UID=$(id -u munge 2>/dev/null) || die "no munge user (apt-get install munge)"
FIXTURE_FLUX_UID=$(id -u "$U") FIXTURE_FLUX_GID=$(id -g "$U")
FIXTURE_MUNGE_UID=$MUNGE_UID FIXTURE_MUNGE_GID=$(id -g munge)
export FIXTURE_FLUX_UID FIXTURE_FLUX_GID FIXTURE_MUNGE_UID FIXTURE_MUNGE_GID
fixture_healthy "$W/root" bench0 bench1 || die "fixture"
R=$FIXTURE_ROOT
munged_start "$W/munge" >&2 || die "munged did not start"

# the parent: a loopback listener that accepts and closes (the probes close their end at once;
# holding hundreds of connections would only grow the host's socket table)
python3 -c '
import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(1024)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    s.accept()[0].close()
' "$W/port" </dev/null >/dev/null 2>&1 &
LISTENER=$!
fp_atexit "kill $LISTENER 2>/dev/null; wait $LISTENER 2>/dev/null"
n=100; while [ ! -s "$W/port" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
PORT=$(cat "$W/port") || die "parent listener did not start"

# system.toml: the fixture's, with rank 0 reachable on loopback (rank 1 = this node)
system_toml() { # CERT CONNECT0
    cat <<EOF
[bootstrap]
curve_cert = "$1"
default_port = 8050
default_bind = "tcp://eth0:%p"
default_connect = "tcp://%h:%p"
hosts = [
  { host = "bench0", connect = "$2" },
  { host = "bench1" },
]

[resource]
config = [
  { hosts = "bench[0-1]", cores = "0" },
]
EOF
}
system_toml "$R/etc/flux/system/curve.cert" "tcp://127.0.0.1:$PORT" >"$R/etc/flux/system/conf.d/system.toml"
# the IMP may run jobs for the flux user (here $U), with a shell that exists on this host
printf '[exec]\nallowed-users = [ "%s" ]\nallowed-shells = [ "/bin/sh" ]\n' "$U" \
    >"$R/etc/flux/imp/conf.d/imp.toml"

gate_conf() { # DIR SYSTEM_CONF_DIR STATEDIR
    mkdir -p "$1"
    cat >"$1/gate.toml" <<EOF
deadline = "30s"
flux-user = "$U"
statedir = "$3"
system-config = "$2"
security-config = "$R/etc/flux/security/conf.d"
imp-config = "$R/etc/flux/imp/conf.d"
status-file = "$W/status.json"
[munge]
socket = "$MUNGE_SOCKET"
key = "$R/etc/munge/munge.key"
[statedir-space]
min-free = "1M"
min-free-percent = 1
min-free-inodes = 10
min-free-inodes-percent = 1
EOF
}
G=$W/gate.d
gate_conf "$G" "$R/etc/flux/system/conf.d" "$R/var/lib/flux"
"$FP_BIN" manifest --config "$G" --hostname bench0 -o "$W/manifest.json" >/dev/null 2>&1 ||
    "$FP_BIN" manifest --config "$G" -o "$W/manifest.json" >/dev/null 2>&1 || say "no manifest: fleet.sync will skip"
[ -s "$W/manifest.json" ] && printf 'manifest = "file://%s"\n' "$W/manifest.json" >"$G/manifest.toml"

# time.sync on a VM whose clock nobody disciplines: timesyncd's flag, in this namespace only
TIMESYNC=native
if [ ! -e /run/systemd/timesync/synchronized ] && ! python3 -c '
import ctypes, sys
class T(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("o", ctypes.c_long), ("f", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("e", ctypes.c_long), ("status", ctypes.c_int)] + \
               [("p%d" % i, ctypes.c_long) for i in range(20)]
t = T(); ctypes.CDLL(None).adjtimex(ctypes.byref(t)); sys.exit(0 if t.maxerror <= 1000000 else 1)'; then
    mkdir -p /run/systemd 2>/dev/null
    mount -t tmpfs -o mode=0755 tmpfs /run/systemd && mkdir -p /run/systemd/timesync &&
        touch /run/systemd/timesync/synchronized && TIMESYNC=flag
fi
echo "timesync=$TIMESYNC" >>"$D/machine.env"

# --- the check list, and what cannot pass on a fixture -------------------------------------
"$FP_BIN" list | awk 'NR > 1 { print $1 }' >"$D/checks.txt"
say "$(wc -l <"$D/checks.txt") checks registered"
GATE1="$FP_BIN --config $G --hostname bench1"
GATE0="$FP_BIN --config $G --hostname bench0"
# a first run as each rank; every check that fails here cannot pass on this machine (no Flux
# packages installed, ...): it is demoted to warn (still runs and is measured), or off when it
# took more than a second (a check that waits would dominate every run). Listed in the results.
: >"$D/demoted.jsonl"
for h in bench1 bench0; do
    $FP_BIN --config "$G" --hostname $h --json >"$D/calib-$h.json" 2>/dev/null
done
jq -c -s '[.[] | .results[] | select(.result == "fail" or .result == "error")]
          | group_by(.id) | map(.[0] | {id, result, message, duration_us,
            severity: (if .duration_us > 1000000 then "off" else "warn" end)}) | .[]' \
    "$D/calib-bench1.json" "$D/calib-bench0.json" >"$D/demoted.jsonl"
if [ -s "$D/demoted.jsonl" ]; then
    { echo "[severity]"; jq -r '"\"\(.id)\" = \"\(.severity)\""' "$D/demoted.jsonl"; } >"$G/severity.toml"
    say "demoted (cannot pass here): $(jq -r '"\(.id)=\(.severity)"' "$D/demoted.jsonl" | tr '\n' ' ')"
fi
$FP_BIN --config "$G" --hostname bench1 --json >"$D/healthy-bench1.json" 2>/dev/null
rc1=$?
$FP_BIN --config "$G" --hostname bench0 --json >"$D/healthy-bench0.json" 2>/dev/null
rc0=$?
[ $rc1 = 0 ] && [ $rc0 = 0 ] || say "warning: the healthy node does not pass (rank 1: $rc1, rank 0: $rc0)"

# the admin's checklist: reference digests taken on this node (the "other nodes")
CL="$here/checklist.sh --statedir $R/var/lib/flux --cert $R/etc/flux/system/curve.cert \
--system $R/etc/flux/system/conf.d --security $R/etc/flux/security/conf.d \
--imp $R/etc/flux/imp/conf.d --munge-socket $MUNGE_SOCKET --flux-user $U --parent 127.0.0.1:$PORT"
bash $CL --print-digests >"$W/reference.txt"
CL="$CL --reference $W/reference.txt"
# no Flux packages here either: the script reports them but, like the demoted gate, passes
jq -e -s 'any(.[]; .id | startswith("packages."))' "$D/demoted.jsonl" >/dev/null 2>&1 &&
    CL="$CL --packages-warn"
bash $CL >"$D/checklist.out" 2>&1
echo "$?" >"$D/checklist.rc"
# the minimal shell equivalent: one command per item (df, two stat, munge|unmunge, id, a TCP
# probe, adjtimex), as an admin would type them
MIN="$here/minimal.sh $R/var/lib/flux $R/etc/flux/system/curve.cert $MUNGE_SOCKET $U 127.0.0.1:$PORT"
command -v adjtimex >/dev/null || say "no adjtimex(8) (apt-get install adjtimex): minimal.sh fails its clock item"
bash $MIN >"$D/minimal.out" 2>&1
echo "$?" >"$D/minimal.rc"

# the floor under any run of the gate: an empty main() linked against the gate's own libraries
# (its NEEDED entries), and the same without libcurl
echo 'int main(void) { return 0; }' >"$W/empty.c"
needed=$(readelf -d "$FP_BIN" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
gcc -o "$W/empty-linked" "$W/empty.c" -Wl,--no-as-needed $(printf -- '-l:%s ' $needed)
gcc -o "$W/empty-nocurl" "$W/empty.c" -Wl,--no-as-needed $(printf -- '-l:%s ' $needed | sed 's/-l:libcurl[^ ]* //')
echo "needed=$(echo $needed)" >>"$D/machine.env"
echo "loaded_libs=$(ldd "$FP_BIN" | grep -c '=>')" >>"$D/machine.env"

# --- 1+2. healthy node: gate vs checklist, interleaved ----------------------------------------
say "1. healthy node: gate (rank 1, rank 0) vs checklist.sh, $RUNS interleaved runs each"
"$BR" -n "$RUNS" -w 3 -o "$D/healthy.json" \
    "gate_rank1=$GATE1" "gate_rank0=$GATE0" "checklist=bash $CL" "minimal=bash $MIN" \
    "startup=$FP_BIN list" "empty_linked=$W/empty-linked" "empty_nocurl=$W/empty-nocurl" \
    "true=/bin/true" || die "bench-run"
# the same with journald entries, as at boot (--journal, private journald)
journald_run "$W/journal-export.json" bash -c 'mkdir -p /run/systemd/timesync &&
    { [ "$1" != flag ] || touch /run/systemd/timesync/synchronized; } && shift && exec "$@"' \
    sh "$TIMESYNC" "$BR" -n "$RUNS" -w 3 -o "$D/journal.json" "gate_rank1_journal=$GATE1 --journal" \
    >/dev/null 2>&1 || say "journald run failed: skipped"
if command -v hyperfine >/dev/null; then
    hyperfine -N -i -w 3 -r "$RUNS" --export-json "$D/hyperfine.json" -n gate_rank1 "$GATE1" \
        -n checklist "bash $CL" >/dev/null 2>&1 || say "hyperfine failed: skipped"
fi
/usr/bin/time -v $GATE1 2>"$D/time-v.txt" >/dev/null
# perf stat (task-clock and page faults, children included), when perf works here
for c in gate_rank1 checklist startup; do
    case $c in gate_rank1) cmd=$GATE1 ;; checklist) cmd="bash $CL" ;; startup) cmd="$FP_BIN list" ;; esac
    perf stat -r 10 -x, -e task-clock,page-faults,context-switches -o "$D/perf-$c.csv" $cmd \
        >/dev/null 2>&1 || rm -f "$D/perf-$c.csv"
done

# each check alone (derived from `flux-preflight list`, so checks added later are measured too):
# the process, config loading and output are common to all; net.rank (pure, in-process) is the
# reference. As rank 0 (the statedir checks run there), net.parent as rank 1.
if part percheck; then
say "1b. each check alone (--check ID), 15 interleaved runs"
echo "tcp_sockets=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -vc local_address)" >>"$D/machine.env"
pc=()
while read -r id; do
    h=bench0; [ "$id" = net.parent ] && h=bench1
    pc+=("$id=$FP_BIN --config $G --hostname $h --check $id")
done <"$D/checks.txt"
"$BR" -n 15 -w 1 -o "$D/percheck.json" "${pc[@]}" || say "per-check runs failed"

fi
if [ -n "${BENCH_PROFILE:-}" ] && command -v valgrind >/dev/null; then
    mkdir -p "$BENCH_PROFILE"
    say "callgrind profile of the healthy gate -> $BENCH_PROFILE"
    ( cd "$BENCH_PROFILE" && valgrind --tool=callgrind --trace-children=yes \
          --callgrind-out-file="$BENCH_PROFILE/callgrind.out.%p" $GATE1 >/dev/null 2>&1
      for f in "$BENCH_PROFILE"/callgrind.out.*; do
          callgrind_annotate --inclusive=yes "$f" >"$f.incl.txt" 2>/dev/null
          callgrind_annotate "$f" >"$f.self.txt" 2>/dev/null
      done )
fi

# --- 3. scale ---------------------------------------------------------------------------------
if part scale; then
say "3. [bootstrap] scale: 1k, 16k, 100k hosts"
for n in 1000 16000 100000; do
    for shape in entries hostlist; do
        sd=$W/scale/$shape-$n
        mkdir -p "$sd"
        python3 - "$sd/system.toml" "$n" "$shape" "$R/etc/flux/system/curve.cert" <<'EOF'
import sys
path, n, shape, cert = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    f.write('[bootstrap]\ncurve_cert = "%s"\ndefault_port = 8050\n'
            'default_bind = "tcp://eth0:%%p"\ndefault_connect = "tcp://%%h:%%p"\nhosts = [\n' % cert)
    if shape == "entries":   # one table per host, as when hosts differ (bind, parent)
        f.write("".join('  { host = "node%d" },\n' % i for i in range(n)))
    else:                    # one RFC 29 hostlist
        f.write('  { host = "node[0-%d]" },\n' % (n - 1))
    f.write("]\n\n[tbon]\ntopo = \"kary:32\"\n")
EOF
        "$W/bench-bootstrap" "$sd" "node$((n - 1))" 5 >"$D/scale-$shape-$n.json" ||
            say "bench-bootstrap failed for $shape $n"
        gate_conf "$W/scale-gate-$shape-$n" "$sd" "$R/var/lib/flux"
    done
done
# instruction counts (reproducible where time on a shared machine is not): callgrind over one
# load, minus that of a 1-host config, per host
if command -v valgrind >/dev/null; then
    mkdir -p "$W/scale/entries-1"
    printf '[bootstrap]\ndefault_port = 8050\ndefault_connect = "tcp://%%h:%%p"\nhosts = [ { host = "node0" } ]\n' \
        >"$W/scale/entries-1/system.toml"
    for n in 1 1000 16000; do
        valgrind --tool=callgrind --callgrind-out-file="$W/cg.$n" "$W/bench-bootstrap" \
            "$W/scale/entries-$n" "node$((n - 1))" 1 >/dev/null 2>&1 &&
            echo "$n $(sed -n 's/^summary: //p' "$W/cg.$n")"
    done >"$D/scale-ir.txt"
fi
# the gate itself (process start, all three configs, both checks), the last host of each size
args=()
for n in 1000 16000 100000; do
    for shape in entries hostlist; do
        args+=("gate_${shape}_$n=$FP_BIN --config $W/scale-gate-$shape-$n --hostname node$((n - 1)) --check net.rank,config.bootstrap")
    done
done
"$BR" -n 10 -w 1 -o "$D/scale-gate.json" "${args[@]}" || say "scale gate runs failed"

fi
# --- 4. bounded failure -----------------------------------------------------------------------
if part failure; then
say "4. failure: silent parent + SIGSTOPped munged + hung FUSE statedir, deadline $DEADLINE"
F=$W/fail
mkdir -p "$F/sys"
if netns_parent_up benchparent >&2 && netns_listen benchparent 8050 >&2 && netns_drop benchparent 8050 &&
   fuse_hang_mount "$F/hung" >&2; then
    system_toml "$R/etc/flux/system/curve.cert" "tcp://$NETNS_PARENT_IP:8050" >"$F/sys/system.toml"
    gate_conf "$F/gate.d" "$F/sys" "$F/hung/flux"
    sed -i "s/^deadline = .*/deadline = \"$DEADLINE\"/; s|^status-file = .*|status-file = \"$F/status.json\"|" \
        "$F/gate.d/gate.toml"
    cp "$G/severity.toml" "$F/gate.d/" 2>/dev/null
    # a manifest of this node's own files: the faults are the only differences from healthy
    if "$FP_BIN" manifest --config "$F/gate.d" --hostname bench0 -o "$F/manifest.json" >/dev/null 2>&1; then
        printf 'manifest = "file://%s"\n' "$F/manifest.json" >"$F/gate.d/manifest.toml"
    fi
    munged_sigstop
    for h in bench1 bench0; do
        "$BR" -n 1 -w 0 -O "$D" -o "$D/fail-run-$h.json" \
            "fail-$h=$FP_BIN --config $F/gate.d --hostname $h --json" || say "failure run $h failed"
        mv -f "$D/fail-$h.out" "$D/fail-$h.json" 2>/dev/null
    done
    munged_sigcont
    fuse_hang_release "$F/hung"
    netns_parent_down benchparent
    # the timeout of every check (explain ID) and the run deadline
    while read -r id; do
        printf '%s %s\n' "$id" "$("$FP_BIN" explain "$id" | sed -n 's/^Timeout: \([^ ;]*\).*/\1/p')"
    done <"$D/checks.txt" >"$D/timeouts.txt"
    echo "deadline $DEADLINE" >>"$D/timeouts.txt"
else
    say "failure scenario could not be set up: skipped"
fi

fi
# --- 5. PAM -----------------------------------------------------------------------------------
if part pam; then
if [ -x "$PAM_DRIVER" ] && [ -f "$PAM_MODULE" ]; then
    say "5. pam_acct_mgmt: $PAM_CALLS calls on one handle, status file = the gate's real --json"
    P=$W/pam
    mkdir -p "$P/pam.d"
    for v in pass fail; do
        src=$D/healthy-bench1.json
        [ $v = fail ] && src=$D/fail-bench1.json
        [ -s "$src" ] || continue
        cp "$src" "$P/status-$v.json" && chown 0:0 "$P/status-$v.json" && chmod 0644 "$P/status-$v.json"
        printf 'account required %s status=%s admin_group=%s\n' "$PAM_MODULE" "$P/status-$v.json" "$U" \
            >"$P/pam.d/fpbench-$v"
        wc -c <"$P/status-$v.json" >"$D/pam-$v.size"
    done
    pargs=()
    for v in pass fail; do
        [ -f "$P/pam.d/fpbench-$v" ] || continue
        pargs+=("pam_${v}_1=$PAM_DRIVER fpbench-$v nobody $P/pam.d acct-loop:1"
                "pam_${v}_n=$PAM_DRIVER fpbench-$v nobody $P/pam.d acct-loop:$((PAM_CALLS + 1))")
    done
    [ ${#pargs[@]} -gt 0 ] && "$BR" -n 5 -w 1 -o "$D/pam.json" "${pargs[@]}"
    echo "$PAM_CALLS" >"$D/pam-calls"
fi

fi
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$D/machine.env"
echo "elapsed_s=$(( $(date +%s) - T0 ))" >>"$D/machine.env"

# --- report -----------------------------------------------------------------------------------
python3 "$here/report.py" "$D" "$OUT" || die "report failed"
say "results: $OUT/results.md, $OUT/results.json ($(( $(date +%s) - T0 )) s)"
