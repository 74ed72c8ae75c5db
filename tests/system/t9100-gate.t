#!/bin/bash
# The gate under real systemd (PID 1 in an nspawn container): it runs at boot
# before flux.service, and a failed gate keeps the broker from starting.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

# The payload: this build, installed as a package would install it, plus a
# gate config that leaves only the checks under test on (the container has no
# Flux) and a short deadline so a blocked run ends quickly.
sys_payload t9100
sys_gate_only 3s munge.daemon statedir.space
unit_dir=$(find "$PAY" -name flux-preflight.service -path '*systemd/system*' | head -1)
ok "make install staged the unit" test -n "$unit_dir"
ok "make install staged no flux.service drop-in (enabling the unit is the one requirement)" \
    test ! -e "$(dirname "$unit_dir")/flux.service.d/flux-preflight.conf"
cmd_link=$(find "$PAY" -path '*/libexec/flux/cmd/flux-preflight' | head -1)
ok "make install made \`flux preflight\` work: libexec/flux/cmd/flux-preflight" test -L "$cmd_link"
like "$(readlink "$cmd_link")" '/sbin/flux-preflight$' "...pointing at the program"

# ---- boot with both units enabled: the gate runs before flux, unasked
SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" sys_boot gate "$PAY" || bail "container did not boot"
sys_wait_state flux.service active 30
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success "at boot: the gate ran and passed"
is "$(sys_exec systemctl is-active flux-preflight.service)" inactive "...and is inactive after its run (RemainAfterExit=no)"
is "$(sys_exec systemctl is-active flux.service)" active "at boot: flux started after a passing gate"
gate_done=$(sys_exec systemctl show -p ExecMainExitTimestampMonotonic --value flux-preflight.service)
flux_start=$(sys_exec systemctl show -p ExecMainStartTimestampMonotonic --value flux.service)
ok "at boot: the gate finished before the broker started ($gate_done < $flux_start)" test "$gate_done" -lt "$flux_start"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" "OK: 2 checks passed; re-check: systemctl start flux-preflight" \
    "systemctl status shows the passing verdict and how to re-check"
is "$(sys_journal -b FLUX_PREFLIGHT_CHECK=munge.daemon -o cat | tail -1)" \
    "munge.daemon: credential round trip through /run/munge/munge.socket.2" "the journal has the munge.daemon entry"
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" pass "the status file says pass"

# ---- munged stopped: flux's start job fails with 'dependency'
sys_exec systemctl stop flux.service munge.service
rc=0; sys_exec systemctl start flux.service 2>/dev/null || rc=$?
is "$rc" 1 "munged stopped: systemctl start flux fails"
is "$(sys_exec systemctl is-active flux.service)" inactive "munged stopped: flux stays inactive"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" '^FAIL: munge\.daemon \(1 of 2 failed\)' \
    "systemctl status flux-preflight shows Status: \"FAIL: munge.daemon …\""
like "$(sys_exec systemctl status flux-preflight.service --no-pager 2>&1)" 'Status: "FAIL: munge.daemon' \
    "the Status: line as an admin sees it"
is "$(sys_journal -u flux.service JOB_RESULT=dependency -o cat | tail -1)" \
    "flux.service: Job flux.service/start failed with result 'dependency'." "flux's start job failed with result 'dependency'"
is "$(sys_journal FLUX_PREFLIGHT_CHECK=munge.daemon FLUX_PREFLIGHT_RESULT=fail -o cat | wc -l)" 1 \
    "journalctl FLUX_PREFLIGHT_CHECK=munge.daemon FLUX_PREFLIGHT_RESULT=fail finds the entry"
like "$(sys_journal FLUX_PREFLIGHT_CHECK=munge.daemon FLUX_PREFLIGHT_RESULT=fail -o cat)" 'munge\.daemon: cannot get a credential from munged on /run/munge/munge\.socket\.2' \
    "the entry says what failed"
# every entry of the gate is found by -u, also those journald read after the gate had exited
# (no _SYSTEMD_UNIT then): the gate names its unit (OBJECT_SYSTEMD_UNIT)
is "$(sys_journal -u flux-preflight.service SYSLOG_IDENTIFIER=flux-preflight -o cat | wc -l)" \
    "$(sys_journal SYSLOG_IDENTIFIER=flux-preflight -o cat | wc -l)" "journalctl -u flux-preflight finds every entry of the gate"
is "$(sys_journal FLUX_PREFLIGHT_CHECK=munge.daemon -o json | tail -1 | jq -r .OBJECT_SYSTEMD_UNIT)" \
    flux-preflight.service "...each entry names the gate's unit"
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r '.failed | join(",")')" munge.daemon "the status file names the failed check"

# ---- munged back: flux starts and the status says pass
sys_exec systemctl start munge.service
rc=0; sys_exec systemctl start flux.service 2>/dev/null || rc=$?
is "$rc" 0 "munged running: systemctl start flux succeeds"
is "$(sys_exec systemctl is-active flux.service)" active "munged running: flux is active"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" "OK: 2 checks passed; re-check: systemctl start flux-preflight" \
    "the status says pass again"

sys_poweroff
done_testing
