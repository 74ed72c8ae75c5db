#!/bin/bash
# The real-broker tier: flux-core 0.88.0 + flux-security 0.15.0 from the bundle, a node set up
# by the bundle's setup-node.sh as the admin guide says, flux-core's own flux.service under
# systemd 252, and this build of the gate in front of it.
#
# Without the gate, the node is a working Flux system instance: flux starts at boot, `flux
# uptime` answers, an ordinary user's job runs through the IMP. With the gate, the gate runs
# at boot before the broker, passes (only flux-sched, absent from the bundle, warns), and the
# node works the same. (Nodes the gate must not block: t9310; real failures: t9350.)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/system/flux-lib.sh"
flux_need
T=$(mktemp -d /tmp/fp-t9300.XXXXXX)
fp_atexit "rm -rf '$T'"
[ -n "${FLUX_ROOTFS_SECONDS:-}" ] && diag "flux rootfs ready in ${FLUX_ROOTFS_SECONDS}s: $FLUX_ROOTFS"

layer=$(flux_node_layer default) || bail "setup-node.sh failed"
ok "setup-node.sh made the node layer" test -e "$layer/.fp-node-complete"
flux_uid=$(awk -F: '$1 == "flux" {print $3}' "$layer/etc/passwd")
is "$(stat -c '%u %a' "$layer/etc/flux/system/curve.cert")" "$flux_uid 400" "the node's cert is flux's (uid $flux_uid), 0400 (flux keygen as flux)"
like "$(cat "$layer/etc/flux/system/conf.d/system.toml")" 'host = "fluxnode"' "system.toml names this node"
ok "the flux unit is enabled in the layer" test -L "$layer/etc/systemd/system/multi-user.target.wants/flux.service"

# ---- the broker alone (gate not wired to flux.service)
flux_boot alone --gate off || bail "node did not boot"
diag "booted in ${SYS_BOOT_SECONDS}s"
is "$(sys_exec hostname)" fluxnode "the node's hostname is the one in system.toml"
sys_wait_state flux.service active 60
is "$(sys_exec systemctl is-active flux.service)" active "without the gate: flux.service is active after boot"
ok "flux reaches the run state" flux_wait_run 60
like "$(flux_uptime)" 'run .* owner flux, +depth 0, +size 1' "flux uptime: run, owner flux, size 1"
sys_exec useradd -m alice
like "$(sys_exec runuser -u alice -- env FLUX_URI=local:///run/flux/local flux run id 2>&1)" \
    '^uid=1000\(alice\)' "an ordinary user's job runs as that user, through the IMP"
like "$(flux_broker_journal)" 'quorum-full: quorum->run' "the broker's journal: it reached run"
is "$(sys_exec systemctl is-enabled flux-preflight.service 2>/dev/null)" disabled "the gate is installed but not enabled"
sys_poweroff

# ---- with the gate (issue 14, acceptance 1): it runs at boot before the broker, passes on this
# healthy node with no failure and no warning but flux-sched's (not in the bundle), and flux
# then works as it does alone
flux_boot gated || bail "node did not boot"
sys_wait_state flux.service active 60
gate_start=$(sys_exec systemctl show -p ExecMainStartTimestampMonotonic --value flux-preflight.service)
gate_exit=$(sys_exec systemctl show -p ExecMainExitTimestampMonotonic --value flux-preflight.service)
ok "the gate ran at boot (started at ${gate_start}us)" test "${gate_start:-0}" -gt 0
ok "the gate finished (at ${gate_exit}us)" test "${gate_exit:-0}" -gt 0
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" success "the gate passed"
flux_start=$(sys_exec systemctl show -p ExecMainStartTimestampMonotonic --value flux.service)
ok "the broker started after the gate finished (flux at ${flux_start:-0}us)" \
    test "${flux_start:-0}" -ge "${gate_exit:-0}"
sys_exec cat /run/flux-preflight/status.json >"$T/status.json"
is "$(jq -r '[.results[] | select(.result == "fail" or .result == "error") | .id] | join(",")' "$T/status.json")" "" \
    "healthy node: no check fails"
is "$(jq -r '[.results[] | select(.result == "warn") | .id] | join(",")' "$T/status.json")" packages.sched \
    "healthy node: the only warning is flux-sched's"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" '^OK: [0-9]+ checks passed, 1 with a warning' \
    "the Status line says OK"
ok "the gate left one journal entry per check" \
    test "$(sys_journal -b -u flux-preflight.service FLUX_PREFLIGHT_CHECK=config.bootstrap -o cat | wc -l)" -ge 1
is "$(sys_exec systemctl is-active flux.service)" active "with the gate: flux.service is active after boot"
ok "...reaches the run state" flux_wait_run 60
like "$(flux_uptime)" 'run .* owner flux, +depth 0, +size 1' "...flux uptime answers"
sys_exec useradd -m alice
like "$(sys_exec runuser -u alice -- env FLUX_URI=local:///run/flux/local flux run id 2>&1)" \
    '^uid=1000\(alice\)' "...and an ordinary user's job runs through the IMP"
sys_poweroff

# ---- the variants setup-node.sh offers
layer=$(flux_node_layer nostate) || bail "setup-node.sh --leave-statedir-absent failed"
ok "nostate: /var/lib/flux is not created" test ! -e "$layer/var/lib/flux"
layer=$(flux_node_layer nosecurity) || bail "setup-node.sh --without-security failed"
ok "nosecurity: no IMP config" test ! -e "$layer/etc/flux/imp/conf.d/imp.toml"
ok "nosecurity: no [exec] imp" sh -c "! grep -q '^imp *=' '$layer/etc/flux/system/conf.d/system.toml'"

done_testing
