#!/bin/bash
# Operating the gate under real systemd: the catalog behind journalctl -x,
# the kernel command line escape hatches, and waiting at boot for a munged
# that comes up late.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

sys_payload t9600
gate_conf() { sys_gate_only "$1" munge.daemon statedir.space; }
gate_conf 3s

# ---- munged stopped: the gate fails, journalctl -x explains it
SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" \
    sys_boot catalog "$PAY" || bail "boot failed"
sys_exec systemctl stop flux.service munge.service
sys_exec journalctl --update-catalog
sys_exec systemctl start flux.service 2>/dev/null
out=$(sys_journal -x -u flux-preflight.service FLUX_PREFLIGHT_CHECK=munge.daemon)
like "$out" "Flux authenticates users and signs jobs with munge" "journalctl -x shows the catalog text for the failed check"
like "$out" "systemctl restart munge" "the catalog text says how to fix it"
like "$(sys_journal -x -u flux-preflight.service MESSAGE_ID=$("$FP_BIN" explain munge.daemon | sed -n 's/.*MESSAGE_ID=//p' | head -1) -o cat)" "munge.daemon" "the entry carries the check's MESSAGE_ID"
sys_poweroff

# ---- flux.preflight=off: the unit is skipped by its Condition, flux runs
gate_conf 3s
SYS_CMDLINE="flux.preflight=off" SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" \
    sys_boot off "$PAY" || bail "boot failed"
sys_wait_state flux.service active 20
is "$(sys_exec systemctl is-active flux.service)" active "flux.preflight=off: flux runs"
like "$(sys_exec systemctl show -p ConditionResult --value flux-preflight.service)" "no" "flux.preflight=off: the gate was skipped by its condition"
is "$(sys_journal FLUX_PREFLIGHT_CHECK=munge.daemon -o cat | wc -l)" 0 "flux.preflight=off: no check ran"
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" off \
    "flux.preflight=off: the generator recorded verdict off"
like "$(sys_exec cat /run/flux-preflight/status.json | jq -r .summary)" "flux\.preflight=off is on the kernel command line" \
    "...saying why"
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .boot_id | tr -d -)" \
    "$(sys_exec cat /proc/sys/kernel/random/boot_id | tr -d -)" "...for this boot"
rc=0; sys_exec flux-preflight status >/dev/null 2>&1 || rc=$?
is "$rc" 0 "flux.preflight=off: flux-preflight status exits 0"
sys_exec useradd -m fpuser
sys_sh 'sed -i -e "1i auth requisite pam_flux_preflight.so missing=deny" -e "1i account required pam_flux_preflight.so missing=deny" /etc/pam.d/su'
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpuser 2>&1) || rc=$?
is "$rc" 0 "flux.preflight=off, pam_flux_preflight missing=deny: an ordinary user gets in"
is "$out" fpuser "...silently"
sys_poweroff

# ---- flux.preflight=warn with munged down: reported, flux starts anyway
printf '[Unit]\nConditionPathExists=/nonexistent\n' >"$PAY/munge-off.conf"
mkdir -p "$PAY/etc/systemd/system/munge.service.d"
mv "$PAY/munge-off.conf" "$PAY/etc/systemd/system/munge.service.d/off.conf"
SYS_CMDLINE="flux.preflight=warn" SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service" \
    sys_boot warn "$PAY" || bail "boot failed"
sys_wait_state flux.service active 30
is "$(sys_exec systemctl is-active flux.service)" active "flux.preflight=warn: flux starts despite the failure"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" '^WARN: munge\.daemon' "flux.preflight=warn: the status reports the failure"
is "$(sys_journal FLUX_PREFLIGHT_CHECK=munge.daemon -o json | tail -1 | jq -r .FLUX_PREFLIGHT_RESULT)" fail "flux.preflight=warn: the journal has the failing check"
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .mode)" warn "flux.preflight=warn: the status file says mode warn"
sys_poweroff
rm -rf "$PAY/etc/systemd/system/munge.service.d"

# ---- munged 3 s late: the gate waits, then flux starts
gate_conf 20s
mkdir -p "$PAY/etc/systemd/system/munge.service.d"
printf '[Unit]\nConditionPathExists=/nonexistent\n' >"$PAY/etc/systemd/system/munge.service.d/off.conf"
cat >"$PAY/etc/systemd/system/late-munge.service" <<'EOT'
[Unit]
Description=munged, 3 seconds late
[Service]
Type=simple
RuntimeDirectory=munge
RuntimeDirectoryPreserve=yes
User=munge
ExecStart=/bin/sh -c 'sleep 3; exec /usr/sbin/munged -F'
[Install]
WantedBy=multi-user.target
EOT
seen=
watch_status() {
    _st=$(sys_exec systemctl show -p StatusText --value flux-preflight.service 2>/dev/null)
    case $_st in "waiting for munged"*) seen=$_st ;; esac
}
SYS_BOOT_POLL=watch_status SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE="flux.service flux-preflight.service late-munge.service" \
    sys_boot late "$PAY" || bail "boot failed"
like "$seen" "^waiting for munged on /run/munge/munge\.socket\.2" "the status line showed the wait ($seen)"
sys_wait_state flux.service active 30
is "$(sys_exec systemctl is-active flux.service)" active "munged 3 s late: flux started"
is "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" "OK: 2 checks passed; re-check: systemctl start flux-preflight" \
    "the gate passed after waiting"
sys_poweroff

done_testing
