#!/bin/sh
# The fault matrix (tests/matrix/faults.tbl): for every check, each fault it
# claims to detect is made for real in a fresh copy of a healthy image (or on
# this host: a private munged, the kernel clock, a parent host in a network
# namespace), the check is run alone under a private journald, and the row's
# verdict is asserted: JSON result and severity, exit status, the check's
# journal entry (RESULT, SEVERITY, PRIORITY, MESSAGE_ID and the row's fact),
# the failed list, and a tree byte-identical before and after. Then a healthy
# node, where every check passes; then the table's own coverage (every check
# id has rows) and the man page generated from it (flux-preflight-faults(7)).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
for cmd in jq python3 openssl munged ip nft unshare; do
    command -v $cmd >/dev/null 2>&1 || skip_all "$cmd is missing"
done
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/munged.sh"
. "$top_srcdir/tests/lib/netns.sh"
. "$top_srcdir/tests/lib/fuse.sh"
. "$top_srcdir/tests/lib/rootgate.sh"
. "$top_srcdir/tests/matrix/lib.sh"
TABLE=$top_srcdir/tests/matrix/faults.tbl
[ -z "${FP_VALGRIND:-}" ] || MX_DEADLINE=6s

T=$(mktemp -d /tmp/fp-t1100.XXXXXX)
fp_atexit "rm -rf '$T'"
chmod 0755 "$T"   # nobody (flux in live rows) reaches below it
mx_template "$T/tmpl" || bail "cannot build the healthy image"
cp "$MX_TMPL/etc/flux/system/curve.cert" "$T/good.cert"

# this host's side: a munged that died (a stale socket), one that answers, and a
# parent host (rank 0 of the live rows) in a network namespace
munged_start "$T/m-stale" || bail "munged did not start"
MUNGE_STALE=$MUNGE_SOCKET
munged_kill_stale
munged_start "$T/m-ok" || bail "munged did not start"
MUNGE_OK=$MUNGE_SOCKET
MX_NET=mx
netns_parent_up $MX_NET || bail "cannot set up the parent namespace"
MX_PORT=$(( 20000 + $$ % 10000 ))
diag "parent namespace $NETNS_NS at $NETNS_PARENT_IP, this side $NETNS_HOST_IF $NETNS_HOST_IP, port $MX_PORT"

declare -A MSGID
while read -r id _; do
    MSGID[$id]=$("$FP_BIN" explain "$id" | sed -n 's/.*MESSAGE_ID=//p' | head -1)
done < <("$FP_BIN" list | tail -n +2)

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
prio() { case $1 in fail|error) echo 3 ;; warn) echo 4 ;; pass) echo 6 ;; *) echo 7 ;; esac; }
jr() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }

# run_gate MODE CHECK: the check alone, under a private journald -> $T/out $T/j.json $rc
run_gate() {
    local mode=$1 check=$2 where
    if [ "$mode" = root ]; then
        where=(--root "$R" --hostname "$HOST" --config /etc/flux/preflight/conf.d)
    else
        where=(--config "$T/live.d" --hostname "$HOST")
    fi
    rc=0
    journald_run "$T/j.json" "${MX_WRAP[@]}" "$FP_BIN" --journal "${where[@]}" --check "$check" --json \
        >"$T/out" 2>"$T/err" </dev/null || rc=$?
}

# --- the rows ----------------------------------------------------------------
declare -A SEEN ROWS_OF FAULTY_OF
rows=0 skipped=0
while IFS= read -r line || [ -n "$line" ]; do
    case $line in ''|'#'*) continue ;; esac
    IFS='|' read -r fault check mode want sev xit fact what code <<<"$line"
    fault=$(trim "$fault") check=$(trim "$check") mode=$(trim "$mode") want=$(trim "$want")
    sev=$(trim "$sev") xit=$(trim "$xit") fact=$(trim "$fact") what=$(trim "$what") code=$(trim "$code")
    rows=$((rows + 1))
    [ -z "${SEEN[$fault]:-}" ] || { is "$fault" "(unique)" "fault names are unique: $fault repeats"; continue; }
    SEEN[$fault]=1
    ROWS_OF[$check]=$(( ${ROWS_OF[$check]:-0} + 1 ))
    [ "$want" = pass ] || FAULTY_OF[$check]=$(( ${FAULTY_OF[$check]:-0} + 1 ))
    d="$fault ($check)"
    if [ -z "${MSGID[$check]:-}" ] || [ -z "$code" ]; then
        is "$check / ${code:-no code}" "a check id / code" "$d: the row names a known check and has code"
        continue
    fi

    mx_row_setup
    setup_rc=0
    eval "$code" >"$T/setup.log" 2>&1 || setup_rc=$?
    if [ -n "$MX_SKIP" ]; then
        mx_row_cleanup
        skip "$d: $MX_SKIP"
        skipped=$((skipped + 1))
        continue
    fi
    if [ "$setup_rc" -ne 0 ]; then
        mx_row_cleanup
        is "$setup_rc" 0 "$d: making the fault ($(head -c 200 "$T/setup.log"))"
        continue
    fi
    snapshot >"$T/before"
    run_gate "$mode" "$check"
    snapshot >"$T/after"
    mx_row_cleanup

    got=$(jr "$check" '"\(.result) \(.severity)"')
    is "$got $rc" "$want $sev $xit" "$d: $what -> $want (severity $sev), exit $xit"
    diag "$check: $(jr "$check" .message | head -c 400)"
    [ "$got $rc" = "$want $sev $xit" ] || diag "stderr: $(head -c 300 "$T/err")"
    j=$(journal_get "$T/j.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK="$check")/$(journal_get "$T/j.json" \
        FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK="$check")/$(journal_get "$T/j.json" PRIORITY \
        FLUX_PREFLIGHT_CHECK="$check")/$(journal_get "$T/j.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK="$check")
    is "$j" "$want/$sev/$(prio "$want")/${MSGID[$check]}" "$d: journal RESULT/SEVERITY/PRIORITY/MESSAGE_ID"
    if [ "$fact" != - ]; then
        fact=$(eval "printf '%s' \"$fact\"")
        is "$(journal_get "$T/j.json" "FLUX_PREFLIGHT_${fact%%=*}" FLUX_PREFLIGHT_CHECK="$check")" "${fact#*=}" \
            "$d: journal FLUX_PREFLIGHT_$fact"
    fi
    if [ "$xit" = 1 ]; then
        is "$(jq -c .failed "$T/out")/$(journal_get "$T/j.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" \
            "[\"$check\"]/$check" "$d: named as failed (JSON and the journal's summary)"
    else
        is "$(jq -c .failed "$T/out")" "[]" "$d: nothing failed"
    fi
    if cmp -s "$T/before" "$T/after"; then
        ok "$d: the tree is byte-identical before and after" true
    else
        not_ok "$d: the tree is byte-identical before and after" true
        diff "$T/before" "$T/after" | head -20 | sed 's/^/# changed: /'
    fi
done <"$TABLE"
diag "$rows rows, $skipped skipped here"

# --- a healthy node ------------------------------------------------------------
# the image: every check passes but the four that inspect the live node
mx_row_setup
snapshot >"$T/before"
rc=0
journald_run "$T/j.json" "$FP_BIN" --journal --root "$R" --hostname node0 --config /etc/flux/preflight/conf.d \
    --json >"$T/out" 2>"$T/err" || rc=$?
snapshot >"$T/after"
is "$rc/$(jq -r .verdict "$T/out")" 0/pass "healthy image: exit 0, verdict pass"
is "$(jq -r '[.results[] | select(.result != "pass") | "\(.id)=\(.result)"] | join(" ")' "$T/out")" \
    "munge.daemon=skip time.sync=skip net.bind=skip net.parent=skip" \
    "healthy image: every check passes, but the four live ones (skipped under --root)"
is "$(journal_count "$T/j.json" FLUX_PREFLIGHT_RESULT=pass)" 27 "healthy image: 27 journal entries say pass"
ok "healthy image: the tree is byte-identical before and after" cmp -s "$T/before" "$T/after"
# this host: munged answers, the clock is synchronised (timesyncd's flag, in the
# private /run/systemd of journald_run), this node binds, its parent answers
netns_listen $MX_NET "$MX_PORT" || bail "no listener in the parent namespace"
mx_row_setup
mx_net_system "tcp://$NETNS_PARENT_IP:$MX_PORT"
printf '[munge]\nsocket = "%s"\n' "$MUNGE_OK" | live_conf
MX_WRAP=(sh -c 'mkdir -p /run/systemd/timesync && : >/run/systemd/timesync/synchronized && exec "$@"' sh)
HOST=node0
run_gate live munge.daemon,time.sync,net.rank,net.bind
is "$rc/$(jq -r '[.results[] | "\(.id)=\(.result)"] | join(" ")' "$T/out")" \
    "0/munge.daemon=pass time.sync=pass net.rank=pass net.bind=pass" "this host as rank 0: the live checks pass"
for c in munge.daemon time.sync net.rank net.bind; do
    is "$(journal_get "$T/j.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=$c)" pass "this host as rank 0: journal $c RESULT=pass"
done
HOST=node1
run_gate live net.rank,net.parent
is "$rc/$(jq -r '[.results[] | "\(.id)=\(.result)"] | join(" ")' "$T/out")" \
    "0/net.rank=pass net.parent=pass" "this host as rank 1: its parent answers"
is "$(journal_get "$T/j.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=net.parent)" pass "this host as rank 1: journal net.parent RESULT=pass"
netns_unlisten $MX_NET

# --- the table covers every check; the man page is the table -------------------
while read -r id _; do
    ok "$id has a row in the matrix (${ROWS_OF[$id]:-0})" test "${ROWS_OF[$id]:-0}" -gt 0
    if [ "$id" != packages.optional ]; then
        ok "$id: a fault it detects is in the matrix (${FAULTY_OF[$id]:-0})" test "${FAULTY_OF[$id]:-0}" -gt 0
    fi
done < <("$FP_BIN" list | tail -n +2)
ok "the matrix has rows for all $("$FP_BIN" list | tail -n +2 | wc -l) checks and no unknown one" \
    test "${#ROWS_OF[@]}" -eq "$("$FP_BIN" list | tail -n +2 | wc -l)"
sh "$top_srcdir/tests/matrix/gen-man.sh" "$TABLE" >"$T/faults.7"
if cmp -s "$T/faults.7" "$top_srcdir/man/flux-preflight-faults.7"; then
    ok "man/flux-preflight-faults.7 is generated from the table (make update-fault-matrix)" true
else
    not_ok "man/flux-preflight-faults.7 is generated from the table (make update-fault-matrix)" true
    diff "$top_srcdir/man/flux-preflight-faults.7" "$T/faults.7" | head -20 | sed 's/^/# /'
fi

done_testing
