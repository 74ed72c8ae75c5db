#!/bin/bash
# System-tier infrastructure: real systemd 252 as PID 1 in systemd-nspawn, the shipped unit
# (enabled: RequiredBy=flux.service) before the stand-in flux.service, and a dummy gate.
# Proves: boot, payload install, gate pass -> flux starts, gate fail -> flux's start job fails
# with 'dependency', StatusText from systemd-notify, NotifyAccess semantics, the kernel command
# line escape hatch (ConditionKernelCommandLine) via nspawn init arguments, clean poweroff,
# the container journal readable on the host. Prints timings as diagnostics.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/system/lib.sh"

need_root
sys_need
[ -n "${SYS_ROOTFS_SECONDS:-}" ] && diag "rootfs ready in ${SYS_ROOTFS_SECONDS}s: $SYS_ROOTFS"

# Payload: a DESTDIR-style tree as `make install` would stage it (units under lib/systemd/system
# like Debian's systemdsystemunitdir), with a dummy gate in place of the real one.
PAY=$(mktemp -d "${TMPDIR:-/tmp}/fp-t9000-pay.XXXXXX")
fp_atexit "rm -rf '$PAY'"
mkdir -p "$PAY/lib/systemd/system" "$PAY/usr/sbin"
cat >"$PAY/usr/sbin/flux-preflight" <<'EOF'
#!/bin/sh
# dummy gate: verdict from /run/fp-dummy-verdict, else /etc/fp-dummy-verdict, else pass
v=$(cat /run/fp-dummy-verdict 2>/dev/null || cat /etc/fp-dummy-verdict 2>/dev/null || echo pass)
if [ "$v" = pass ]; then systemd-notify --status="OK: dummy gate passed"; exit 0; fi
systemd-notify --status="FAIL: dummy gate failed"; exit 1
EOF
chmod 0755 "$PAY/usr/sbin/flux-preflight"
# the shipped unit's shape, with the dummy gate: the escape hatch condition, oneshot, notify
sed -e 's|@sbindir@|/usr/sbin|g' -e 's|^NotifyAccess=.*|NotifyAccess=all|' \
    "$top_srcdir/units/flux-preflight.service.in" >"$PAY/lib/systemd/system/flux-preflight.service"

# NotifyAccess probes: the notification comes from a grandchild of the main process
mkdir -p "$PAY/usr/local/bin" "$PAY/etc/systemd/system"
cat >"$PAY/usr/local/bin/fp-notify-child" <<'EOF'
#!/bin/sh
sh -c 'systemd-notify --status="from a child: $0"; true' "$1"
EOF
chmod 0755 "$PAY/usr/local/bin/fp-notify-child"
for a in main all; do
    printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nNotifyAccess=%s\nExecStart=/usr/local/bin/fp-notify-child %s\n' \
        "$a" "$a" >"$PAY/etc/systemd/system/fp-notify-$a.service"
done
printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nNotifyAccess=main\nExecStart=/bin/sh -c "systemd-notify --status=from-main-script"\n' \
    >"$PAY/etc/systemd/system/fp-notify-script.service"

# ---- boot 1: default command line
sys_boot infra "$PAY" || bail "container did not boot"
like "$SYS_STATE" '^(running|degraded)$' "container booted: is-system-running=$SYS_STATE"
diag "boot: ${SYS_BOOT_SECONDS}s (nspawn pid $SYS_NSPAWN_PID, leader $SYS_LEADER)"
is "$(sys_exec cat /proc/1/comm)" systemd "systemd is PID 1 in the container"

ok "payload installed (tar onto /, daemon-reload)" sys_install_payload
is "$(sys_exec readlink -f /lib/systemd/system/flux-preflight.service)" \
   /usr/lib/systemd/system/flux-preflight.service "staged lib/ landed in merged /usr"
sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1
like "$(sys_exec systemctl show -p Requires,After --value flux.service | tr '\n' ' ')" \
     'flux-preflight\.service.*flux-preflight\.service' "enabled, the gate is required by (and ordered before) the stand-in flux.service"

# gate passes -> flux starts
sys_exec systemctl start flux.service
is "$?" 0 "systemctl start flux succeeds when the gate passes"
is "$(sys_exec systemctl is-active flux.service)" active "flux active"
is "$(sys_exec systemctl is-active flux-preflight.service)" inactive "gate inactive after its run (RemainAfterExit=no)"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" \
   "OK: dummy gate passed" "StatusText from systemd-notify kept after the oneshot exited"

# gate fails -> flux start job fails with 'dependency'
sys_exec systemctl stop flux.service
sys_sh 'echo fail >/run/fp-dummy-verdict'
sys_exec systemctl start flux.service 2>/dev/null
is "$?" 1 "systemctl start flux exits 1 when the gate fails"
is "$(sys_exec systemctl is-active flux.service)" inactive "flux stays inactive"
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" exit-code "gate Result=exit-code"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" \
   "FAIL: dummy gate failed" "StatusText of the failed gate visible"
is "$(sys_journal -u flux.service JOB_RESULT=dependency -o cat | tail -n1)" \
   "flux.service: Job flux.service/start failed with result 'dependency'." \
   "journal: flux.service JOB_RESULT=dependency"

# the brief's literal case: gate replaced by ExecStart=/bin/false
sys_exec systemctl reset-failed flux-preflight.service
sys_sh 'rm -f /run/fp-dummy-verdict; mkdir -p /run/systemd/system/flux-preflight.service.d
printf "[Service]\nExecStart=\nExecStart=/bin/false\n" >/run/systemd/system/flux-preflight.service.d/false.conf
systemctl daemon-reload'
sys_exec systemctl start flux.service 2>/dev/null
is "$?" 1 "ExecStart=/bin/false gate: systemctl start flux fails"
is "$(sys_exec systemctl is-active flux.service)" inactive "ExecStart=/bin/false gate: flux inactive"
is "$(sys_journal -u flux.service JOB_RESULT=dependency -o cat | grep -c "failed with result 'dependency'")" 2 \
   "journal has a second 'dependency' job result"
sys_sh 'rm -rf /run/systemd/system/flux-preflight.service.d; systemctl daemon-reload; systemctl reset-failed'

# NotifyAccess: systemd-notify in the main process's own script is accepted even with
# NotifyAccess=main (systemd-notify 252 sends its parent's pid as credentials); a notification
# from any other process of the unit needs NotifyAccess=all. (Units and helper are in PAY.)
sys_exec systemctl start fp-notify-main.service fp-notify-all.service fp-notify-script.service
is "$(sys_exec systemctl show -p StatusText --value fp-notify-all.service)" "from a child: all" \
   "NotifyAccess=all: STATUS from a child process accepted"
is "$(sys_exec systemctl show -p StatusText --value fp-notify-main.service)" "" \
   "NotifyAccess=main: STATUS from a child process dropped"
like "$(sys_journal -u fp-notify-main.service -o cat)" "reception only permitted for main PID" \
   "journal says why it was dropped"
is "$(sys_exec systemctl show -p StatusText --value fp-notify-script.service)" "from-main-script" \
   "NotifyAccess=main: sh -c 'systemd-notify --status=...' accepted"

# kernel command line: what PID 1 sees
is "$(sys_exec sh -c 'tr "\0" " " </proc/1/cmdline')" "/usr/lib/systemd/systemd " \
   "default: PID 1 has no extra arguments"

sys_exec journalctl --flush
sys_poweroff
is "$SYS_NSPAWN_RC" 0 "clean poweroff (nspawn exit 0)"
diag "shutdown: ${SYS_SHUTDOWN_SECONDS}s"
is "$(journalctl -D "$SYS_OUT/journal" --no-pager -u flux.service JOB_RESULT=dependency -o cat | grep -c "failed with result 'dependency'")" 2 \
   "host: journalctl -D \$SYS_OUT/journal reads the container journal after poweroff"

# ---- boot 2: flux.preflight=off on the "kernel command line" (init arguments)
SYS_CMDLINE="flux.preflight=off" SYS_PROC_CMDLINE=1 sys_boot cmdline "$PAY" || bail "container (cmdline) did not boot"
diag "boot with SYS_CMDLINE: ${SYS_BOOT_SECONDS}s"
is "$(sys_exec sh -c 'tr "\0" " " </proc/1/cmdline')" "/usr/lib/systemd/systemd flux.preflight=off " \
   "init arguments become PID 1's command line"
is "$(sys_exec cat /proc/cmdline)" "flux.preflight=off" "SYS_PROC_CMDLINE=1: /proc/cmdline stand-in bound"
ok "payload installed" sys_install_payload
sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1
sys_sh 'echo fail >/run/fp-dummy-verdict'
sys_exec systemctl start flux.service
is "$?" 0 "flux.preflight=off: systemctl start flux succeeds although the gate would fail"
is "$(sys_exec systemctl is-active flux.service)" active "flux.preflight=off: flux active"
is "$(sys_exec systemctl show -p ConditionResult --value flux-preflight.service)" no \
   "flux.preflight=off: gate skipped by ConditionKernelCommandLine"
like "$(sys_journal -u flux-preflight.service -o cat)" "unmet condition check \(ConditionKernelCommandLine=!flux.preflight=off\)" \
   "journal: gate skipped because of the condition"
sys_poweroff
is "$SYS_NSPAWN_RC" 0 "clean poweroff"
diag "shutdown: ${SYS_SHUTDOWN_SECONDS}s"

# ---- boot 3: payload present and enabled before systemd starts; the gate fails at boot
mkdir -p "$PAY/etc"
echo fail >"$PAY/etc/fp-dummy-verdict"
SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" sys_boot atboot "$PAY" ||
    bail "container (payload at boot) did not boot"
diag "boot with the payload layer: ${SYS_BOOT_SECONDS}s"
is "$SYS_STATE" degraded "gate failed at boot: system degraded"
is "$(sys_exec systemctl is-active flux.service)" inactive "gate failed at boot: flux not started"
is "$(sys_exec systemctl is-failed flux-preflight.service)" failed "gate failed at boot: gate failed"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" "FAIL: dummy gate failed" \
   "gate failed at boot: StatusText"
is "$(sys_journal -b -u flux.service JOB_RESULT=dependency -o cat | grep -c "failed with result 'dependency'")" 1 \
   "gate failed at boot: flux start job failed with 'dependency'"
is "$(sys_exec readlink /lib)" usr/lib "payload layer kept the merged-usr symlinks"
sys_poweroff
is "$SYS_NSPAWN_RC" 0 "clean poweroff"
rm -f "$PAY/etc/fp-dummy-verdict"

done_testing
