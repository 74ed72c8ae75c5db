#!/bin/bash
# Every start of the real flux.service is guarded (issue 15, acceptance 1), with the real broker:
# flux-core 0.88.0 + flux-security 0.15.0 from the bundle, a node set up by setup-node.sh,
# flux-core's own flux.service under systemd 252, this build of the gate enabled.
#
#   after a passing boot, [resource] broken    systemctl restart flux fails with 'dependency',
#                                              the Status line names config.resource; the
#                                              broker alone would have died with exit 42,
#                                              Result=success (silently down)
#   fixed                                      systemctl restart flux: the broker runs
#   the cert made 0644                         the same, naming cert.perms
#   flux.service's own Restart= restart        killed broker, broken cert: the automatic
#                                              restart runs the gate too and stays blocked
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/system/flux-lib.sh"
flux_need

CONF=/etc/flux/system/conf.d/system.toml
CERT=/etc/flux/system/curve.cert
status_text() { sys_exec systemctl show -p StatusText --value flux-preflight.service; }
gate_runs() { sys_journal -b -u flux-preflight.service FLUX_PREFLIGHT_CHECK=config.resource -o cat | wc -l; }
restart_flux() { # -> $rc
    rc=0
    sys_exec systemctl restart flux.service 2>/dev/null || rc=$?
}
last_job_result() {
    sys_journal -b -u flux.service -o json | jq -r 'select(.JOB_RESULT != null) | .JOB_RESULT' | tail -1
}

# A drop-in shortens flux.service's RestartSec= (30 s in flux-core's unit) so that the
# automatic restart below comes within a second; nothing else of the unit changes.
restart_fast() {
    mkdir -p "$1/etc/systemd/system/flux.service.d" &&
        printf '[Service]\nRestartSec=1s\n' >"$1/etc/systemd/system/flux.service.d/zz-test-restart.conf"
}

flux_boot every --prep restart_fast || bail "node did not boot"
sys_wait_state flux.service active 60
is "$(sys_exec systemctl is-active flux.service)" active "a healthy node: flux is active after boot"
ok "...and reaches run" flux_wait_run 60
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success "...after a passing gate"

# ---- [resource] broken: a host set that is not this node
sys_exec cp "$CONF" /root/system.toml.good
sys_exec sed -i 's/^hosts = "fluxnode"$/hosts = "othernode"/' "$CONF"
like "$(sys_exec cat "$CONF")" 'hosts = "othernode"' "[resource] now names another host"
runs_before=$(gate_runs)
restart_flux
ok "[resource] broken: systemctl restart flux fails (exit $rc)" test "$rc" -ne 0
is "$(last_job_result)" dependency "...flux's start job failed with result 'dependency'"
ok "...the gate ran again for this start" test "$(gate_runs)" -gt "$runs_before"
like "$(status_text)" '^FAIL: config\.resource' "...the Status line names config.resource ($(status_text))"
is "$(sys_exec systemctl is-active flux.service)" inactive "...the broker never started (its start job failed, visibly)"

# ---- fixed: the next restart runs
sys_exec cp /root/system.toml.good "$CONF"
restart_flux
is "$rc" 0 "fixed: systemctl restart flux succeeds"
is "$(sys_exec systemctl is-active flux.service)" active "...flux is active"
ok "...and reaches run" flux_wait_run 60
like "$(status_text)" '^OK: ' "...the Status line says OK"

# ---- the cert readable by others
sys_exec chmod 0644 "$CERT"
restart_flux
ok "cert 0644: systemctl restart flux fails (exit $rc)" test "$rc" -ne 0
is "$(last_job_result)" dependency "...with result 'dependency'"
like "$(status_text)" '^FAIL: .*cert\.perms' "...the Status line names cert.perms"
sys_exec chmod 0400 "$CERT"
restart_flux
is "$rc" 0 "cert 0400 again: flux restarts"
ok "...and reaches run" flux_wait_run 60

# ---- flux.service's own Restart=always: the broker dies while the cert is broken
pid=$(sys_exec systemctl show -p MainPID --value flux.service)
ok "the broker runs (MainPID $pid)" test "${pid:-0}" -gt 0
runs_before=$(gate_runs)
sys_exec chmod 0644 "$CERT"
sys_exec kill -KILL "$pid"
# the automatic restart comes after RestartSec=1s; wait for its outcome
n=0
while [ $n -lt 200 ]; do
    [ "$(gate_runs)" -gt "$runs_before" ] && [ "$(sys_exec systemctl is-active flux.service)" = inactive ] && break
    sleep 0.1; n=$((n + 1))
done
ok "the automatic restart (Restart=always) ran the gate again" test "$(gate_runs)" -gt "$runs_before"
is "$(sys_exec systemctl is-active flux.service)" inactive "...which kept the broker from starting with the broken cert"
is "$(last_job_result)" dependency "...the restart job failed with result 'dependency'"
like "$(status_text)" '^FAIL: .*cert\.perms' "...and the Status line says why"

sys_poweroff
done_testing
