# A healthy node image with the Flux packages installed, and how to run the
# gate on it; shared by t0440..t0480 (packages.*, imp.*, munge.key, time.sync)
# and t9200. bash, sourced
# after tests/lib/tap.sh and tests/lib/fixture.sh.
#
#   installed_root DIR     fixture_healthy DIR node0, plus what flux-core,
#                          flux-security and flux-sched install (stub files in
#                          the Debian layout, a dpkg status file, .pc files),
#                          [exec] imp in the system config, exec.pam-support in
#                          the IMP config and /etc/pam.d/flux. Sets R.
#   gate [--journal OUT.json] [--live] CHECKS [ARGS...]
#                          runs the gate (--root $R unless --live) with --json
#                          into $T/out, stderr $T/err, exit code $rc; snapshots
#                          $R (and $SNAP_EXTRA) before and after, and counts
#                          runs that changed anything in CHANGED.
#   res ID JQ / result ID / msg ID / fact ID KEY
#
# The PAM modules of the image's /etc/pam.d/flux are stub files in
# usr/lib64/security (one of the directories imp.pam looks in); libpam
# itself loads modules from this host.

[ -n "${T:-}" ] || bail "installed.sh: set T first"

FLUX_IMP=/usr/libexec/flux/flux-imp
PAMDIR=/usr/lib64/security
MA=x86_64-linux-gnu

installed_root() {
    fixture_healthy "$1" node0 || return 1
    R=$FIXTURE_ROOT
    fixture_packages "$R"
}

snapshot() {
    for _d in "$R" ${SNAP_EXTRA:-}; do
        (cd "$_d" && find . -printf '%p %y %m %u %g %s %T@ %C@ %l\n' 2>/dev/null | sort &&
            find . -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum)
    done
}

CHANGED=0
GATE_RUNS=0
# gate [--journal OUT.json] [--live] CHECKS [ARGS...]
gate() {
    local j= live=
    [ "${1:-}" != --journal ] || { j=$2; shift 2; }
    [ "${1:-}" != --live ] || { live=1; shift; }
    local checks=$1
    shift
    local where=(--root "$R" --hostname node0 --config /etc/flux/preflight/conf.d)
    [ -z "$live" ] || where=(--config "$T/live.d")
    snapshot >"$T/before"
    rc=0
    if [ -n "$j" ]; then
        journald_run "$j" "$FP_BIN" --journal "${where[@]}" --check "$checks" --json "$@" \
            >"$T/out" 2>"$T/err" || rc=$?
    else
        "$FP_BIN" "${where[@]}" --check "$checks" --json "$@" >"$T/out" 2>"$T/err" || rc=$?
    fi
    snapshot >"$T/after"
    GATE_RUNS=$((GATE_RUNS + 1))
    if ! cmp -s "$T/before" "$T/after"; then
        CHANGED=$((CHANGED + 1))
        diff "$T/before" "$T/after" | sed 's/^/# changed: /'
    fi
}
res() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }
result() { res "$1" .result; }
msg() { res "$1" .message; }
fact() { res "$1" ".facts[\"$2\"] | if . == null then \"\" else tostring end"; }
# jfield OUT.json CHECK FIELD: a journald field of the check's entry
jfield() { journal_get "$1" "$3" FLUX_PREFLIGHT_CHECK="$2"; }

# the gate changed nothing it looked at, in any run
gate_changed_nothing() {
    is "$CHANGED" 0 "the gate changed nothing it checks (content, mode, owner, times) in $GATE_RUNS runs"
}
