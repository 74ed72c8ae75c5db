#!/bin/bash
# The gate guards every start of flux.service under real systemd 252 (the
# stand-in flux.service, with flux-core's Restart=always): boot, `systemctl
# restart flux`, and flux.service's own automatic restarts; each documented
# way to re-check runs the gate and leaves a running broker alone (its
# MainPID unchanged); stop and restart of the gate are refused; the off and
# on commands of flux-preflight(8) work, and off is recorded for PAM.
# (With the real broker: t9330-every-start.t.)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

sys_payload t9320
sys_gate_only 3s munge.daemon statedir.space
# flux-core's flux.service restarts the broker by itself (Restart=always); this
# stand-in broker exits 1 when /run/flux-exit appears
mkdir -p "$PAY/etc/systemd/system/flux.service.d"
cat >"$PAY/etc/systemd/system/flux.service.d/restart.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/bin/sh -c 'while [ ! -e /run/flux-exit ]; do sleep 0.1; done; rm -f /run/flux-exit; exit 1'
Restart=always
RestartSec=1
EOF

SUMMARY_ID=$(sed -n 's/.*MSGID_SUMMARY *"\([0-9a-f]*\)".*/\1/p' "$top_srcdir/src/output/journal.c")
gate_runs() { sys_journal -u flux-preflight.service MESSAGE_ID="$SUMMARY_ID" -o cat | wc -l; }
dependency_fails() { sys_journal -u flux.service JOB_RESULT=dependency -o cat | grep -c "failed with result 'dependency'"; }
pid() { sys_exec systemctl show -p MainPID --value flux.service; }
status_text() { sys_exec systemctl show -p StatusText --value flux-preflight.service; }
verdict() { sys_exec cat /run/flux-preflight/status.json 2>/dev/null | jq -r .verdict; }
wait_for() { # wait_for SECS CMD...: until CMD succeeds
    local n=$(( $1 * 10 )); shift
    while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
    return 1
}
runs_above() { [ "$(gate_runs)" -gt "$1" ]; }
deps_above() { [ "$(dependency_fails)" -gt "$1" ]; }

SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" sys_boot every "$PAY" || bail "container did not boot"
sys_wait_state flux.service active 30
is "$(sys_exec systemctl is-active flux.service)" active "boot: flux runs after a passing gate"
is "$(gate_runs)" 1 "boot: the gate ran once"
is "$(sys_exec systemctl is-active flux-preflight.service)" inactive "the gate is inactive after its run (RemainAfterExit=no)"
like "$(sys_exec systemctl status flux-preflight.service --no-pager 2>&1)" \
    'Status: "OK: 2 checks passed; re-check: systemctl start flux-preflight"' \
    "systemctl status still shows the verdict after the gate exited, and how to re-check"

# ---- systemctl restart flux: guarded
n=$(gate_runs); d=$(dependency_fails)
rc=0; sys_exec systemctl restart flux.service || rc=$?
is "$rc" 0 "healthy: systemctl restart flux succeeds"
is "$(gate_runs)" $((n + 1)) "...and ran the gate again"
sys_exec systemctl stop munge.service
n=$(gate_runs)
rc=0; sys_exec systemctl restart flux.service 2>/dev/null || rc=$?
is "$rc" 1 "munged stopped: systemctl restart flux fails"
is "$(gate_runs)" $((n + 1)) "...the gate ran"
is "$(sys_exec systemctl is-active flux.service)" inactive "...the broker is not started"
is "$(dependency_fails)" $((d + 1)) "...flux's start job failed with result 'dependency'"
like "$(status_text)" '^FAIL: munge\.daemon \(1 of 2 failed\); re-check: systemctl start flux-preflight$' \
    "...and the Status line names the check"
sys_exec systemctl start munge.service
rc=0; sys_exec systemctl restart flux.service || rc=$?
is "$rc" 0 "munged back: systemctl restart flux succeeds"
is "$(sys_exec systemctl is-active flux.service)" active "...flux runs"

# ---- flux.service's own Restart=: guarded too
n=$(gate_runs); p0=$(pid)
sys_exec touch /run/flux-exit
wait_for 15 runs_above "$n"
sys_wait_state flux.service active 10
is "$(sys_exec systemctl is-active flux.service)" active "the broker exited; Restart= brought it back"
ok "...through the gate (gate runs: $n -> $(gate_runs))" runs_above "$n"
isnt_pid() { [ "$(pid)" != "$1" ] && [ "$(pid)" != 0 ]; }
ok "...as a new broker process" isnt_pid "$p0"
sys_exec systemctl stop munge.service
n=$(gate_runs); d=$(dependency_fails)
sys_exec touch /run/flux-exit
ok "munged stopped, the broker exits: its Restart= is blocked ('dependency')" wait_for 20 deps_above "$d"
ok "...after the gate ran" runs_above "$n"
like "$(sys_journal -u flux.service -o cat | grep -c 'Scheduled restart job')" '^[1-9]' \
    "...it was flux.service's own restart job"
is "$(sys_exec systemctl is-active flux.service)" inactive "...and the broker stays down"
sys_exec systemctl start munge.service
rc=0; sys_exec systemctl start flux.service || rc=$?
is "$rc" 0 "munged back: systemctl start flux succeeds"

# ---- re-checking never touches a running broker
p0=$(pid)
ok "flux runs (MainPID $p0)" test "$p0" -gt 0
n=$(gate_runs)
rc=0; sys_exec flux-preflight >/dev/null 2>&1 || rc=$?
is "$rc" 0 "re-check by hand: flux-preflight passes"
is "$(pid)" "$p0" "...the broker's MainPID is unchanged"
rc=0; sys_exec systemctl start flux-preflight.service || rc=$?
is "$rc" 0 "re-check: systemctl start flux-preflight passes"
is "$(gate_runs)" $((n + 1)) "...the gate ran"
is "$(pid)" "$p0" "...the broker's MainPID is unchanged"
sys_exec systemctl stop munge.service
rc=0; sys_exec systemctl start flux-preflight.service 2>/dev/null || rc=$?
is "$rc" 1 "re-check while munged is stopped: systemctl start flux-preflight fails"
is "$(verdict)" fail "...the status file says fail"
is "$(sys_exec systemctl is-active flux.service)" active "...the running broker is left alone"
is "$(pid)" "$p0" "...its MainPID is unchanged"
rc=0; sys_exec flux-preflight >/dev/null 2>&1 || rc=$?
is "$rc" 1 "re-check by hand while munged is stopped: exit 1"
is "$(pid)" "$p0" "...the broker's MainPID is unchanged"
rc=0; out=$(sys_exec systemctl restart flux-preflight.service 2>&1) || rc=$?
ok "systemctl restart flux-preflight is refused (it would restart the broker)" test "$rc" -ne 0
like "$out" "refuse manual start/stop|Operation refused" "...saying so"
is "$(pid)" "$p0" "...the broker's MainPID is unchanged"
rc=0; out=$(sys_exec systemctl stop flux-preflight.service 2>&1) || rc=$?
ok "systemctl stop flux-preflight is refused (it would stop the broker)" test "$rc" -ne 0
is "$(pid)" "$p0" "...the broker's MainPID is unchanged"
sys_exec systemctl start munge.service
rc=0; sys_exec systemctl start flux-preflight.service || rc=$?
is "$rc" 0 "munged back: the re-check passes"
is "$(verdict)" pass "...the status file says pass"
is "$(pid)" "$p0" "...and the broker never moved (MainPID $p0)"

# ---- off and on: one command each (flux-preflight(8))
ok "flux-preflight(8) documents the off command" grep -q 'systemctl disable flux-preflight' "$top_srcdir/man/flux-preflight.8.in"
ok "flux-preflight(8) documents the on command" grep -q 'systemctl enable flux-preflight' "$top_srcdir/man/flux-preflight.8.in"
rc=0; sys_exec systemctl disable flux-preflight.service >/dev/null 2>&1 || rc=$?
is "$rc" 0 "off: systemctl disable flux-preflight"
is "$(sys_exec sh -c 'ls /etc/systemd/system/flux.service.requires 2>/dev/null | wc -l')" 0 \
    "...flux.service no longer requires the gate"
is "$(verdict)" off "...the status file says off (pam_flux_preflight admits)"
rc=0; sys_exec flux-preflight status >/dev/null 2>&1 || rc=$?
is "$rc" 0 "...flux-preflight status: exit 0"
sys_exec systemctl stop munge.service
n=$(gate_runs)
rc=0; sys_exec systemctl restart flux.service || rc=$?
is "$rc" 0 "off, munged stopped: systemctl restart flux succeeds"
is "$(gate_runs)" "$n" "...without the gate"
rc=0; sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1 || rc=$?
is "$rc" 0 "on: systemctl enable flux-preflight"
isnt_off() { [ "$(verdict)" != off ]; }
ok "...the off record is gone" isnt_off
rc=0; sys_exec systemctl restart flux.service 2>/dev/null || rc=$?
is "$rc" 1 "on, munged stopped: systemctl restart flux fails again"
is "$(gate_runs)" $((n + 1)) "...the gate ran"
sys_exec systemctl start munge.service
rc=0; sys_exec systemctl start flux.service || rc=$?
is "$rc" 0 "munged back: flux starts"

sys_poweroff
done_testing
