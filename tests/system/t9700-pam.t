#!/bin/bash
# pam_flux_preflight under real systemd: after the gate failed at boot, su and
# runuser through a pam.d stack with the module deny an ordinary user, with the
# reason, and admit root.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

PAY=$(mktemp -d /tmp/fp-t9700-pay.XXXXXX)
fp_atexit "rm -rf '$PAY'"
make -s -C "$top_builddir" install DESTDIR="$PAY" >"$PAY.log" 2>&1 || { cat "$PAY.log"; bail "make install failed"; }
rm -f "$PAY.log"
mod=$(find "$PAY" -name pam_flux_preflight.so | head -1)
ok "make install staged the PAM module" test -n "$mod"
mkdir -p "$PAY/etc/flux/preflight/conf.d"
{
    echo 'deadline = "2s"'
    echo '[severity]'
    "$FP_BIN" list | awk '$1 != "munge.daemon" { printf "\"%s\" = \"off\"\n", $1 }'
} >"$PAY/etc/flux/preflight/conf.d/test.toml"

sys_boot pam "$PAY" || bail "container did not boot"
sys_install_payload
sys_exec useradd -m fpuser
# the module in the account stack of su and runuser, as a site would add it
sys_sh 'sed -i "1i account required pam_flux_preflight.so" /etc/pam.d/su /etc/pam.d/runuser'

# a failed gate: munged down
sys_exec systemctl stop munge.service
sys_exec systemctl start flux-preflight.service 2>/dev/null
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" fail "the gate failed and recorded it"

rc=0; out=$(sys_exec runuser -u fpuser -- id -un 2>&1) || rc=$?
ok "runuser: an ordinary user is refused" test "$rc" -ne 0
like "$out" "Flux is not available on this node: its preflight failed: munge\.daemon" "runuser: the refusal names the failed check"
rc=0; out=$(sys_exec runuser -u root -- id -un 2>&1) || rc=$?
is "$rc" 0 "runuser: root is admitted"
like "$out" "root" "runuser: root's command ran"
rc=0; out=$(sys_exec su -s /bin/sh -c 'id -un' fpuser 2>&1) || rc=$?
ok "su: an ordinary user is refused" test "$rc" -ne 0
like "$out" "munge\.daemon" "su: the refusal names the failed check"
like "$(sys_journal -t su -t runuser -o cat 2>/dev/null; sys_journal SYSLOG_IDENTIFIER=runuser -o cat 2>/dev/null)" "." "the refusals are logged"

# the gate passes again: the user gets in
sys_exec systemctl start munge.service
sys_exec systemctl restart flux-preflight.service 2>/dev/null
is "$(sys_exec cat /run/flux-preflight/status.json | jq -r .verdict)" pass "the gate passed"
rc=0; out=$(sys_exec runuser -u fpuser -- id -un 2>&1) || rc=$?
is "$rc" 0 "after a passing gate: the user is admitted"
is "$out" fpuser "after a passing gate: the user's command ran"

sys_poweroff
done_testing
