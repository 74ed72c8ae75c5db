#!/bin/bash
# A healthy node under the hardened unit: every check passes (or does not
# apply, with the reason) when the gate runs sandboxed by systemd, so the
# hardening takes nothing a check needs.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/lib/fixture.sh"
sys_need

T=$(mktemp -d /tmp/fp-t9200.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
PAY=$T/payload
mkdir -p "$PAY"
make -s -C "$top_builddir" install DESTDIR="$PAY" >"$T/install.log" 2>&1 || { cat "$T/install.log"; bail "make install failed"; }

sys_boot healthy "$PAY" || bail "container did not boot"
host=$(sys_exec hostname)

# A healthy Flux node for this container's name, as the node2 tests build it
# (stub flux-core / flux-security / flux-sched files, flux's Python, configs,
# cert, statedir), copied into the container without its passwd, dpkg database or
# stub PAM modules: the container's own are used.
installed_root "$T/root" >/dev/null 2>&1 || bail "fixture failed"
sed -i "s/\"node0\"/\"$host\"/g" "$R/etc/flux/system/conf.d/system.toml"
(cd "$R" && tar -cf "$T/node.tar" etc/flux etc/pam.d/flux usr/bin/flux usr/libexec/flux \
    usr/lib/$MA/libflux-security.so.1.0.0 usr/lib/$MA/libflux-security.so.1 \
    usr/lib/$MA/pkgconfig usr/lib/$MA/flux var/lib/flux \
    usr/bin/python3 usr/bin/python3.11 usr/lib/python3.11 usr/lib/python3) || bail "tar failed"
cp "$T/node.tar" "$PAY/node.tar"
sys_install_payload
# enabled, as flux-preflight(8) says: a disabled unit that passed is unloaded
# right away, and its status line with it
sys_exec systemctl enable flux-preflight.service >/dev/null 2>&1
sys_exec groupadd -g 500 flux
sys_exec useradd -r -u 500 -g 500 -M -s /usr/sbin/nologin flux
sys_exec tar -C / --keep-directory-symlink -xpf /opt/fp/node.tar
# systemd-timesyncd's flag: this container's clock counts as synchronised
sys_sh 'mkdir -p /run/systemd/timesync && touch /run/systemd/timesync/synchronized'

rc=0; sys_exec systemctl start flux-preflight.service 2>/dev/null || rc=$?
is "$rc" 0 "the hardened unit passes on a healthy node"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" '^OK: [0-9]+ checks passed' \
    "Status: OK"
sys_exec cat /run/flux-preflight/status.json >"$T/status.json"
for id in $("$FP_BIN" list | awk 'NR > 1 {print $1}'); do
    res=$(jq -r --arg id "$id" '.results[] | select(.id == $id) | .result' "$T/status.json")
    msg=$(jq -r --arg id "$id" '.results[] | select(.id == $id) | .message' "$T/status.json")
    case $res in
    pass) ok "$id passes under the hardened unit" true ;;
    skip) ok "$id does not apply here: $msg" true ;;
    *) ok "$id passes under the hardened unit (got $res: $msg)" false ;;
    esac
done
is "$(jq -r '[.results[] | select(.result == "pass")] | length' "$T/status.json")" \
    "$(jq -r '.counts.pass' "$T/status.json")" "the counts agree with the results"
ok "most checks ran (not skipped)" test "$(jq -r '.counts.pass' "$T/status.json")" -ge 20
rc=0; sys_exec systemctl start flux.service 2>/dev/null || rc=$?
is "$rc" 0 "flux starts after the gate"

sys_poweroff
done_testing
