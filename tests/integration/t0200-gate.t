#!/bin/sh
# The walking skeleton end to end, outside systemd: a private munged, a
# standalone journald, an sd_notify capture, a full tmpfs, a FUSE statedir
# that never answers, and a broken gate config.
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/munged.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/fuse.sh"
NOTIFY="python3 $top_srcdir/tests/lib/notify-capture.py"
SCHEMA="python3 $top_srcdir/tests/lib/check-status-schema.py"

T=$(mktemp -d /tmp/fp-t0200.XXXXXX)
fp_atexit "rm -rf '$T'"
munged_start "$T/munge" || bail "private munged did not start"
mkdir -p "$T/state" "$T/conf.d"

gate_config() { # extra TOML lines on stdin
    {
        cat <<EOT
deadline = "10s"
statedir = "$T/state"
status-file = "$T/status.json"
[munge]
socket = "$MUNGE_SOCKET"
[statedir-space]
min-free = "1M"
min-free-percent = 1
min-free-inodes = 10
min-free-inodes-percent = 1
EOT
        cat
    } >"$T/conf.d/gate.toml"
}
run_gate() { # run_gate ARGS... -> $T/out, $T/err, $rc
    rc=0
    "$FP_BIN" --config "$T/conf.d" --check munge.daemon,statedir.space "$@" >"$T/out" 2>"$T/err" || rc=$?
}
jfield() { # jfield CHECK KEY  (from $T/out --json)
    jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"
}

# --- healthy: munged answers, statedir has room
gate_config </dev/null
run_gate --json --status-file "$T/status.json"
is "$rc" 0 "healthy node: exit 0"
is "$(jq -r .verdict "$T/out")" pass "healthy node: verdict pass"
is "$(jfield munge.daemon .result)" pass "munge.daemon passes with munged running"
is "$(jfield munge.daemon .facts.socket)" "$MUNGE_SOCKET" "munge.daemon reports its socket as a fact"
is "$(jfield statedir.space .result)" pass "statedir.space passes with room"
ok "--json output is valid against the schema" $SCHEMA "$T/out"
ok "status file is valid against the schema" $SCHEMA "$T/status.json"
is "$(stat -c '%a %U' "$T/status.json")" "644 root" "status file is root-owned 0644"
is "$(ls "$T" | grep -c 'status.json.')" 0 "no temp file left beside the status file"
is "$(jq -r .boot_id "$T/status.json" | tr -d -)" "$(tr -d '-' </proc/sys/kernel/random/boot_id)" "status file carries this boot's id"

# --- sd_notify: progress, then the verdict
rc=0
$NOTIFY "$T/notify" -- "$FP_BIN" --config "$T/conf.d" --check munge.daemon,statedir.space >/dev/null || rc=$?
is "$rc" 0 "under a notify socket: exit 0"
like "$(head -1 "$T/notify")" '^STATUS=' "first datagram is a STATUS= progress line"
is "$(tail -1 "$T/notify")" 'STATUS=OK: 2 checks passed; re-check: systemctl start flux-preflight' \
    "last datagram is the verdict, with how to re-check"

# --- journald: one entry per check and a summary, with the contract's fields
rc=0
journald_run "$T/j.json" "$FP_BIN" --journal --config "$T/conf.d" --check munge.daemon,statedir.space >/dev/null || rc=$?
is "$rc" 0 "with --journal: exit 0"
is "$(journal_count "$T/j.json" FLUX_PREFLIGHT_CHECK=munge.daemon)" 1 "one journal entry for munge.daemon"
is "$(journal_get "$T/j.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=munge.daemon)" pass "journal: FLUX_PREFLIGHT_RESULT=pass"
is "$(journal_get "$T/j.json" PRIORITY FLUX_PREFLIGHT_CHECK=munge.daemon)" 6 "journal: PRIORITY=6 for a pass"
is "$(journal_get "$T/j.json" SYSLOG_IDENTIFIER FLUX_PREFLIGHT_CHECK=munge.daemon)" flux-preflight "journal: SYSLOG_IDENTIFIER"
is "$(journal_get "$T/j.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=munge.daemon)" "$("$FP_BIN" explain munge.daemon | sed -n 's/.*MESSAGE_ID=//p')" "journal: MESSAGE_ID is the check's"
is "$(journal_get "$T/j.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=statedir.space)" fail "journal: FLUX_PREFLIGHT_SEVERITY"
like "$(journal_get "$T/j.json" FLUX_PREFLIGHT_FREE_BYTES FLUX_PREFLIGHT_CHECK=statedir.space)" '^[0-9]+$' "journal: facts become fields (FREE_BYTES)"
like "$(journal_get "$T/j.json" FLUX_PREFLIGHT_DURATION_USEC FLUX_PREFLIGHT_CHECK=statedir.space)" '^[0-9]+$' "journal: DURATION_USEC"
is "$(journal_get "$T/j.json" FLUX_PREFLIGHT_VERDICT FLUX_PREFLIGHT_VERDICT~.)" pass "journal: summary entry with the verdict"
rc=0
journald_run "$T/j0.json" "$FP_BIN" --config "$T/conf.d" --check munge.daemon >/dev/null || rc=$?
is "$(journal_count "$T/j0.json" SYSLOG_IDENTIFIER=flux-preflight)" 0 "not asked and not a journal stream: nothing sent to journald"
rc=0
journald_run --stream=flux-preflight "$T/js.json" "$FP_BIN" --config "$T/conf.d" --check munge.daemon >/dev/null || rc=$?
is "$(journal_count "$T/js.json" FLUX_PREFLIGHT_CHECK=munge.daemon)" 1 "stderr is the journal (\$JOURNAL_STREAM): entries sent"

# --- munged down: blocked, with the reason everywhere (it waits for munged
# until the deadline: 2 s here)
munged_stop
sed -i 's/^deadline = .*/deadline = "2s"/' "$T/conf.d/gate.toml"
rc=0
journald_run "$T/j2.json" $NOTIFY "$T/notify2" -- "$FP_BIN" --journal --json --config "$T/conf.d" \
    --check munge.daemon,statedir.space --status-file "$T/status.json" >"$T/out" 2>/dev/null || rc=$?
is "$rc" 1 "munged down: exit 1"
is "$(jq -r .verdict "$T/out")" fail "munged down: verdict fail"
is "$(jq -c .failed "$T/out")" '["munge.daemon"]' "munged down: failed lists munge.daemon"
is "$(jfield munge.daemon .result)" fail "munge.daemon: fail"
like "$(jfield munge.daemon .message)" "$MUNGE_SOCKET" "munge.daemon: the message names the socket"
like "$(jfield munge.daemon .message)" "would fail with \"sign-munge-sign: Failed to access \"$MUNGE_SOCKET\": No such file or directory \(Did you start munged\?\)\"" \
    "munge.daemon: what a user's flux run would then print (flux-security's words, FLUX-FACTS §13)"
ok "a failed run is valid against the schema" $SCHEMA "$T/out"
is "$(jq -r .verdict "$T/status.json")" fail "status file records the failure"
like "$(grep -c 'STATUS=waiting for munged' "$T/notify2")" '^[1-9]' "STATUS showed the wait for munged"
is "$(tail -1 "$T/notify2")" 'STATUS=FAIL: munge.daemon (1 of 2 failed); re-check: systemctl start flux-preflight' \
    "final STATUS names the failed check"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=munge.daemon)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j2.json" PRIORITY FLUX_PREFLIGHT_CHECK=munge.daemon)" 3 "journal: PRIORITY=3 for a fail"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" munge.daemon "journal: summary names the failed check"

# --- mode = "warn": reports, never blocks
printf 'mode = "warn"\n' >"$T/conf.d/zz-mode.toml"
run_gate --json
is "$rc" 0 "mode=warn: exit 0 despite the failure"
is "$(jq -r .mode "$T/out")" warn "mode=warn recorded in the JSON"
rm -f "$T/conf.d/zz-mode.toml"

# --- [severity] demotes a check: reported, not blocking
printf '[severity]\n"munge.daemon" = "warn"\n' >"$T/conf.d/zz-sev.toml"
run_gate --json
is "$rc" 0 "munge.daemon demoted to warn: exit 0"
is "$(jfield munge.daemon .severity)" warn "severity warn recorded"
printf '[severity]\nmunge.daemon = "off"\n' >"$T/conf.d/zz-sev.toml"
run_gate --json
is "$(jfield munge.daemon .result)" skip "severity off (unquoted dotted id): skipped"
rm -f "$T/conf.d/zz-sev.toml"

# --- a SIGSTOPped munged does not stall the run
munged_start "$T/munge2" || bail "second munged did not start"
sed -i "s|^socket = .*|socket = \"$MUNGE_SOCKET\"|; s/^deadline = .*/deadline = \"10s\"/" "$T/conf.d/gate.toml"
printf '[timeout]\n"munge.daemon" = "1s"\n' >"$T/conf.d/zz-timeout.toml"
# the same run with munged answering: the gate's own cost here (under
# valgrind, seconds), on top of which the bound below is the timeout + 2 s
t0=$(date +%s%N)
run_gate --json
base=$(( ($(date +%s%N) - t0) / 1000000 ))
munged_sigstop
t0=$(date +%s%N)
run_gate --json
t1=$(date +%s%N)
munged_sigcont
is "$(jfield munge.daemon .result)" error "stopped munged: munge.daemon reports error"
like "$(jfield munge.daemon .message)" "no answer from $MUNGE_SOCKET within 1s" "stopped munged: the message says what did not answer"
ok "stopped munged: the run ended at the check's timeout, not libmunge's 10 s ($(( (t1 - t0) / 1000000 )) ms, munged answering: $base ms)" \
    test $(( (t1 - t0) / 1000000 )) -lt "$((3000 + base))"
rm -f "$T/conf.d/zz-timeout.toml"

# --- munged coming up while the gate waits
munged_stop
# (a fresh cleanup list: the subshell must only stop its own munged)
(FP_ATEXIT=; sleep 2; munged_start "$T/munge2" >/dev/null 2>&1; sleep 30 & wait $!) &
late=$!
rc=0
$NOTIFY "$T/notify3" -- "$FP_BIN" --config "$T/conf.d" --check munge.daemon --json >"$T/out" || rc=$?
is "$rc" 0 "munged starting 2 s late: the gate waits and passes"
if [ -n "${FP_VALGRIND:-}" ]; then
    # (valgrind starts the gate seconds late: munged may be up by its first try)
    skip "STATUS showed the wait: under valgrind the gate may start after munged"
else
    ok "STATUS showed the wait" grep -q "STATUS=waiting for munged on $MUNGE_SOCKET" "$T/notify3"
fi
if [ -n "${FP_VALGRIND:-}" ]; then
    # (valgrind starts the gate about 1 s late, so its wait is that much shorter)
    skip "munge.daemon needed more than one attempt: under valgrind the gate starts late and waits less than the 1.5 s this measures (the STATUS line above shows the wait)"
else
    ok "munge.daemon needed more than one attempt" test "$(jq '.results[0].duration_us' "$T/out")" -gt 1500000
fi
kill $late 2>/dev/null   # its exit trap stops the munged it started
wait $late 2>/dev/null

# --- statedir.space on a filled tmpfs
mkdir -p "$T/small"
mount -t tmpfs -o size=2m tmpfs "$T/small"
fp_atexit "umount -l '$T/small' 2>/dev/null"
mkdir -p "$T/small/state"
dd if=/dev/zero of="$T/small/fill" bs=64k count=100 2>/dev/null
sed -i "s|^statedir = .*|statedir = \"$T/small/state\"|" "$T/conf.d/gate.toml"
rc=0
journald_run "$T/j3.json" "$FP_BIN" --journal --json --config "$T/conf.d" --check statedir.space >"$T/out" || rc=$?
is "$rc" 1 "full statedir filesystem: exit 1"
is "$(jfield statedir.space .result)" fail "statedir.space fails on a full tmpfs"
like "$(jfield statedir.space .message)" "free on $T/small/state, below the 1.0 MiB minimum" "the message gives free space, path and threshold"
is "$(journal_get "$T/j3.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.space)" fail "journal: statedir.space RESULT=fail"
is "$(journal_get "$T/j3.json" FLUX_PREFLIGHT_PATH FLUX_PREFLIGHT_CHECK=statedir.space)" "$T/small/state" "journal: FLUX_PREFLIGHT_PATH"
like "$(journal_get "$T/j3.json" FLUX_PREFLIGHT_FREE_BYTES FLUX_PREFLIGHT_CHECK=statedir.space)" '^[0-9]+$' "journal: FLUX_PREFLIGHT_FREE_BYTES"
umount -l "$T/small"

# --- a statedir whose filesystem never answers: abandoned at its timeout
fuse_hang_mount "$T/hung" || bail "FUSE mount failed"
sed -i "s|^statedir = .*|statedir = \"$T/hung/state\"|; s/^deadline = .*/deadline = \"3s\"/" "$T/conf.d/gate.toml"
t0=$(date +%s%N)
run_gate --json
t1=$(date +%s%N)
elapsed=$(( (t1 - t0) / 1000000 ))
is "$rc" 1 "hung statedir filesystem: exit 1"
is "$(jfield statedir.space .result)" error "hung statvfs: statedir.space reports error"
like "$(jfield statedir.space .message)" "no answer (from [^ ]+ )?within 5s|not finished by the run deadline" "hung statvfs: the message says it was abandoned"
ok "hung statvfs: the run ended within deadline + 1 s ($elapsed ms)" test "$elapsed" -lt "$(slack_ms 4000)"
fuse_hang_release "$T/hung"

# --- a broken gate config: exit 2, file and line
printf 'deadline = "10s"\nmode = "sometimes"\n' >"$T/conf.d/zz-bad.toml"
run_gate
is "$rc" 2 "invalid mode value: exit 2"
like "$(cat "$T/err")" "zz-bad.toml:2: mode: expected \"enforce\" or \"warn\"" "message names file, line and what is expected"
printf 'deadline = "10s\n' >"$T/conf.d/zz-bad.toml"
run_gate
is "$rc" 2 "TOML syntax error in the gate config: exit 2"
like "$(cat "$T/err")" "zz-bad.toml:1" "syntax error message names file and line"
printf 'bogus-key = 1\n' >"$T/conf.d/zz-bad.toml"
run_gate
is "$rc" 2 "unknown gate config key: exit 2"
like "$(cat "$T/err")" "zz-bad.toml:1: unknown key 'bogus-key'" "unknown key named with file and line"
printf '[severity]\n"no.such" = "warn"\n' >"$T/conf.d/zz-bad.toml"
run_gate
is "$rc" 2 "unknown check id in [severity]: exit 2"
rm -f "$T/conf.d/zz-bad.toml"
run_gate --config "$T/does-not-exist"
is "$rc" 2 "an explicit --config that does not exist: exit 2"

done_testing
