#!/bin/bash
# pam_flux_preflight under real systemd: after the gate failed, su through a
# pam.d stack with the module denies an ordinary user, with the reason, and
# admits root with a warning.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

sys_payload t9700
mod=$(find "$PAY" -name pam_flux_preflight.so | head -1)
ok "make install staged the PAM module" test -n "$mod"
sys_gate_only 2s munge.daemon

sys_boot pam "$PAY" || bail "container did not boot"
sys_install_payload
sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1
sys_exec useradd -m fpuser
# the module as a site adds it to su: auth and account (before pam_rootok,
# which would end the auth stack for root's own su). (runuser runs no auth
# or account stack; the module's session hook only informs.)
sys_sh 'sed -i -e "1i auth requisite pam_flux_preflight.so" -e "1i account required pam_flux_preflight.so" /etc/pam.d/su'

# a failed gate: munged down
sys_exec systemctl stop munge.service
sys_exec systemctl start flux-preflight.service 2>/dev/null
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" fail "the gate failed and recorded it"

rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpuser 2>&1) || rc=$?
ok "su: an ordinary user is refused" test "$rc" -ne 0
like "$out" "Flux is not available on this node: its preflight failed: munge\.daemon" "su: the refusal names the failed check"
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' root 2>&1) || rc=$?
is "$rc" 0 "su: root is admitted"
like "$out" "munge\.daemon" "su: root is warned about the failure"
like "$out" "root" "su: root's command ran"

# the gate passes again: the user gets in
sys_exec systemctl start munge.service
sys_exec systemctl start flux-preflight.service 2>/dev/null
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" pass "the gate passed"
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpuser 2>&1) || rc=$?
is "$rc" 0 "after a passing gate: the user is admitted"
is "$out" fpuser "after a passing gate: the user's command ran"

sys_poweroff
done_testing
