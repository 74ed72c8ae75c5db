#!/bin/bash
# A gate killed mid-run under real systemd leaves a refusal behind: with
# munged frozen (SIGSTOP) the gate hangs on it, the status file already says
# "running"; SIGKILL the gate, and pam_flux_preflight (through su's real PAM
# stack) refuses an ordinary user and admits an administrator and root.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

sys_payload t9340
sys_gate_only 30s munge.daemon statedir.space

sys_boot killed "$PAY" || bail "container did not boot"
sys_install_payload
sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1
sys_exec groupadd fpadm
sys_exec useradd -m fpuser
sys_exec useradd -m -G fpadm fpadmin
sys_sh 'sed -i -e "1i auth requisite pam_flux_preflight.so admin_group=fpadm" -e "1i account required pam_flux_preflight.so admin_group=fpadm" /etc/pam.d/su'
verdict() { sys_exec cat /run/flux-preflight/status.json 2>/dev/null | jq -r .verdict; }

sys_exec systemctl start flux-preflight.service
is "$(verdict)" pass "munged running: the gate passes"
rc=0; sys_exec su -s /bin/sh -c true fpuser || rc=$?
is "$rc" 0 "...and an ordinary user gets in"

sys_exec systemctl kill -s SIGSTOP munge.service
sys_exec systemctl start --no-block flux-preflight.service
# the check's own 5 s timeout would end the run: look, and kill, before that
n=40
while [ $n -gt 0 ] && [ "$(verdict)" != running ]; do sleep 0.1; n=$((n - 1)); done
is "$(sys_exec systemctl is-active flux-preflight.service)" activating "munged frozen: the gate is still running"
is "$(verdict)" running "...and the status file already says running"
sys_exec systemctl kill -s SIGKILL flux-preflight.service
n=50
while [ $n -gt 0 ] && [ "$(sys_exec systemctl is-active flux-preflight.service)" = activating ]; do sleep 0.1; n=$((n - 1)); done
is "$(sys_exec systemctl show -p Result --value flux-preflight.service)" signal "the gate was killed (Result=signal)"
is "$(verdict)" running "the status file still says running: not a pass"
rc=0; sys_exec flux-preflight status >/dev/null 2>&1 || rc=$?
is "$rc" 1 "flux-preflight status: exit 1"

rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpuser 2>&1) || rc=$?
ok "su: an ordinary user is refused" test "$rc" -ne 0
like "$out" "Flux is not available on this node: its preflight has not finished" "...told the preflight has not finished"
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpadmin 2>&1) || rc=$?
is "$rc" 0 "su: a member of the admin group is admitted"
like "$out" "WARNING: Flux is not available on this node: its preflight has not finished" "...with a warning"
like "$out" "fpadmin" "...and the command ran"
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' root 2>&1) || rc=$?
is "$rc" 0 "su: root is admitted"

sys_exec systemctl kill -s SIGCONT munge.service
sys_exec systemctl start flux-preflight.service
is "$(verdict)" pass "munged thawed: the re-check passes"
rc=0; sys_exec su -s /bin/sh -c true fpuser || rc=$?
is "$rc" 0 "...and the ordinary user gets in again"

sys_poweroff
done_testing
