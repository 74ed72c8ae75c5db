#!/bin/bash
# `make install` on a live system (no DESTDIR), under real systemd in an nspawn
# container: the install takes effect at once: the journal catalog is rebuilt
# (journalctl --list-catalog lists every check's MESSAGE_ID, so journalctl -x
# explains them), systemd is reloaded, and no libtool .la is left beside the
# PAM module; `make uninstall` takes it all back.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/system/lib.sh"
sys_need

# The container sees this build and source tree at the same paths (read-only:
# everything is built already) and gets the host's make (Debian's has no
# dependency but libc). The headers the objects were compiled from are bound
# too: make would take a missing one for a change and rebuild (no compiler in
# the container).
src=$(cd "$top_srcdir" && pwd -P)
bld=$(cd "$top_builddir" && pwd -P)
PAY=$(mktemp -d /tmp/fp-t9800-pay.XXXXXX)
fp_atexit "rm -rf '$PAY'"
# (CI builds in SRC/build-default: then binding the source tree binds both)
binds="--bind-ro=$src --bind-ro=/usr/include"
[ ! -d /usr/lib/gcc ] || binds="$binds --bind-ro=/usr/lib/gcc"
case $bld/ in "$src"/*) ;; *) binds="$binds --bind-ro=$bld" ;; esac
SYS_NSPAWN_ARGS=$binds sys_boot live "$PAY" || bail "container did not boot"
sys_exec sh -c 'cat >/usr/local/bin/make && chmod 0755 /usr/local/bin/make' </usr/bin/make ||
    bail "cannot copy make into the container"

ids=$("$FP_BIN" list | awk 'NR > 1 { print $1 }')
before=$(sys_journal --list-catalog 2>/dev/null)
for id in $ids; do
    mid=$("$FP_BIN" explain "$id" | sed -n 's/.*MESSAGE_ID=//p')
    case $before in *"$mid"*) bail "the container's catalog already knows $mid" ;; esac
done

out=$(sys_exec make -s -C "$bld" install 2>&1); rc=$?
is "$rc" 0 "make install (no DESTDIR) on a live system: exit 0"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/# /'
like "$out" "^flux-preflight: journal catalog updated" "make install says it updated the journal catalog"
like "$out" "^flux-preflight: systemd reloaded" "make install says it reloaded systemd"

cat=$(sys_journal --list-catalog 2>/dev/null)
for id in $ids; do
    mid=$("$FP_BIN" explain "$id" | sed -n 's/.*MESSAGE_ID=//p')
    like "$cat" "^$mid " "journalctl --list-catalog lists $id ($mid), with no step but make install"
done
like "$(sys_journal --catalog=$("$FP_BIN" explain munge.daemon | sed -n 's/.*MESSAGE_ID=//p') 2>/dev/null || sys_journal -x --list-catalog)" \
    "munge" "journalctl shows the munge.daemon entry's text"

pamdir=$(sed -n 's/^pamlibdir = //p' "$bld/Makefile")
is "$(sys_exec sh -c "ls $pamdir/pam_flux_preflight.* 2>/dev/null")" "$pamdir/pam_flux_preflight.so" \
    "the PAM module is installed, without libtool's .la"
is "$(sys_exec systemctl show -p LoadState --value flux-preflight.service)" loaded "systemd knows the unit"
is "$(sys_exec systemctl show -p NeedDaemonReload --value flux-preflight.service)" no \
    "systemd has the installed unit, no daemon-reload needed"

out=$(sys_exec make -s -C "$bld" uninstall 2>&1); rc=$?
is "$rc" 0 "make uninstall: exit 0"
is "$(sys_exec sh -c "ls $pamdir/pam_flux_preflight.* /usr/sbin/flux-preflight 2>/dev/null")" "" \
    "make uninstall removes the PAM module and the program"
cat=$(sys_journal --list-catalog 2>/dev/null)
mid=$("$FP_BIN" explain munge.daemon | sed -n 's/.*MESSAGE_ID=//p')
is "$(printf '%s\n' "$cat" | grep -c "^$mid ")" 0 "after make uninstall the catalog no longer lists munge.daemon"

done_testing
