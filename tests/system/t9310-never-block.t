#!/bin/bash
# Never block a healthy node (issue 14, acceptance 2-5), with the real broker: flux-core 0.88.0
# + flux-security 0.15.0 from the bundle, a node set up by setup-node.sh, flux-core's own
# flux.service under systemd 252, and this build of the gate enabled in front of it. Each node
# boots; the gate runs at boot under its hardened unit (ProtectSystem=strict), then flux.
#
#   first boot without /var/lib/flux   the gate passes (statedir.fs sees through its own
#                                      sandbox), flux starts, systemd made statedir flux 0700
#   --without-security                 the gate passes (no IMP config needed), flux starts
#   statedir root:root, or mode 0500   the gate warns that systemd repairs it; flux starts
#   the container's clock              time.sync does not block and does not wait: the gate's
#                                      run, from systemd's own timestamps, is under 5 s
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/system/flux-lib.sh"
flux_need

# the gate's journal entry for CHECK: FIELD (e.g. FLUX_PREFLIGHT_RESULT), this boot
gate_field() {
    sys_journal -b -o json FLUX_PREFLIGHT_CHECK="$1" | jq -r --arg f "$2" '.[$f] // empty' | tail -1
}
# the checks that failed at boot (the gate's summary), "" when none
gate_failed() {
    sys_journal -b -o json FLUX_PREFLIGHT_RESULT=fail | jq -r '.FLUX_PREFLIGHT_CHECK // empty' | sort -u | tr '\n' ' '
}
# wait for the gate's run at boot to end (the unit is inactive again after each run:
# RemainAfterExit=no); its Result: success, or exit-code when it blocked flux
gate_done() {
    local i=0 e
    while [ $i -lt 240 ]; do
        e=$(sys_exec systemctl show -p ExecMainExitTimestampMonotonic --value flux-preflight.service)
        [ "${e:-0}" -gt 0 ] && break
        sleep 0.5
        i=$((i + 1))
    done
    sys_exec systemctl show -p Result --value flux-preflight.service
}
# the gate's run at boot, in ms, from systemd's timestamps of its main process
gate_ms() {
    local s e
    s=$(sys_exec systemctl show -p ExecMainStartTimestampMonotonic --value flux-preflight.service)
    e=$(sys_exec systemctl show -p ExecMainExitTimestampMonotonic --value flux-preflight.service)
    echo $(( (${e:-0} - ${s:-0}) / 1000 ))
}
# flux.service started after the gate and reached run; statedir as the broker left it
broker_runs() { # DESC
    sys_wait_state flux.service active 60
    is "$(sys_exec systemctl is-active flux.service)" active "$1: flux.service is active"
    ok "$1: flux reaches the run state" flux_wait_run 60
    like "$(flux_uptime)" 'run .* owner flux, +depth 0, +size 1' "$1: flux uptime answers (owner flux)"
}

# ---- acceptance 2: first boot without /var/lib/flux (setup-node.sh --leave-statedir-absent)
layer=$(flux_node_layer nostate) || bail "setup-node.sh --leave-statedir-absent failed"
ok "nostate layer: no /var/lib/flux" test ! -e "$layer/var/lib/flux"
flux_boot nostate --variant nostate || bail "node did not boot"
is "$(gate_done)" success "first boot without statedir: the gate passes at boot"
is "$(gate_failed)" "" "...no check failed"
is "$(gate_field statedir.present FLUX_PREFLIGHT_RESULT)" pass "statedir.present passes: flux.service's StateDirectory= creates it"
like "$(gate_field statedir.present MESSAGE)" "systemd creates it when flux.service starts, owned by flux:flux, mode 0700" \
    "...and says so"
is "$(gate_field statedir.fs FLUX_PREFLIGHT_RESULT)" pass "statedir.fs passes: /var/lib is read-only only in the gate's sandbox"
like "$(gate_field statedir.fs MESSAGE)" "read-only only inside flux-preflight.service \\(ProtectSystem=strict\\)" \
    "...and says why the sandbox's read-only /var/lib does not count"
is "$(gate_field statedir.fs FLUX_PREFLIGHT_FS_READ_ONLY)" false "...the filesystem itself is writable (superblock)"
broker_runs "first boot"
is "$(sys_exec stat -c '%U:%G %a' /var/lib/flux)" "flux:flux 700" "first boot: systemd made /var/lib/flux flux:flux 0700"
sys_poweroff

# ---- acceptance 3: flux-core without flux-security's configuration (--without-security)
flux_boot nosec --variant nosecurity || bail "node did not boot"
is "$(gate_done)" success "--without-security: the gate passes at boot"
is "$(gate_failed)" "" "...no check failed"
is "$(gate_field config.imp FLUX_PREFLIGHT_RESULT)" skip "config.imp: no [exec] imp, no IMP config needed (skip)"
like "$(gate_field config.imp MESSAGE)" "none is needed: the system config sets no \\[exec\\] imp" "...and says so"
is "$(gate_field config.parse FLUX_PREFLIGHT_RESULT)" pass "config.parse: no missing-directory text of its own"
broker_runs "--without-security"
sys_poweroff

# ---- acceptance 4: statedir owned by root, or mode 0500: systemd repairs it before the broker
sd_root() { chown root:root "$1/var/lib/flux"; }
sd_0500() { chmod 0500 "$1/var/lib/flux"; }
for how in root 0500; do
    flux_boot "sd$how" --prep "sd_$how" || bail "node did not boot"
    is "$(gate_done)" success "statedir $how: the gate does not block"
    is "$(gate_field statedir.owner FLUX_PREFLIGHT_RESULT)" warn "statedir $how: statedir.owner warns"
    like "$(gate_field statedir.owner MESSAGE)" "systemd repairs this when flux.service starts: $([ $how = root ] && echo 'owner root:root -> flux:flux' || echo 'mode 0500 -> 0700')" \
        "statedir $how: ...saying what systemd changes"
    broker_runs "statedir $how"
    is "$(sys_exec stat -c '%U:%G %a' /var/lib/flux)" "flux:flux 700" "statedir $how: systemd repaired it (flux:flux 0700)"
    sys_poweroff
done

# ---- acceptance 5: the container's clock (systemd-timesyncd does not run in a container)
flux_boot clock || bail "node did not boot"
is "$(gate_done)" success "container clock: the gate does not block"
ms=$(gate_ms)
ok "container clock: the gate's run at boot took ${ms} ms (systemd's timestamps), under 5 s" test "$ms" -lt 5000
t=$(gate_field time.sync FLUX_PREFLIGHT_RESULT)
is "$(gate_field time.sync FLUX_PREFLIGHT_VIRTUALIZATION)" container "time.sync knows it runs in a container"
is "$(gate_field time.sync FLUX_PREFLIGHT_VIRTUALIZATION_NAME)" systemd-nspawn "...named as systemd names it"
like "$t" '^(pass|skip)$' "time.sync: $t (skip when the host's clock is not synchronised: not the node's to fix)"
if [ "$t" = skip ]; then
    like "$(gate_field time.sync MESSAGE)" "this is a container \\(systemd-nspawn\\): its clock is the host's kernel clock" \
        "time.sync says why it does not apply"
else
    skip "the host's clock is synchronised: nothing to explain"
fi
d=$(gate_field time.sync FLUX_PREFLIGHT_DURATION_USEC)
ok "time.sync did not wait: one attempt of ${d} us (its timeout is 2 s)" test "${d:-9999999}" -lt 2000000
broker_runs "container clock"
sys_poweroff

done_testing
