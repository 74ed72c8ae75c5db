#!/bin/sh
# imp.setuid: with [exec] imp in the system config, flux-imp must be a regular
# file owned by root, setuid, not writable by group/other, executable by flux,
# and not on a nosuid mount. Each fault is made for real (chown, chmod,
# symlinks, a nosuid tmpfs); the gate changes nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0450.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
IMP=$R$FLUX_IMP
SYSTOML=$R/etc/flux/system/conf.d/system.toml
cp -p "$SYSTOML" "$T/system.toml"

# --- not configured: skipped with the reason
sed -i '/^\[exec\]$/,$d' "$SYSTOML"
gate imp.setuid
is "$(result imp.setuid)" skip "no [exec] imp: skip"
like "$(msg imp.setuid)" "^\[exec\] imp is not set in the system config: .*without the IMP" "...with the reason"
cp -p "$T/system.toml" "$SYSTOML"

# --- healthy: root, 4755 (the Debian package's mode)
gate imp.setuid
is "$rc" 0 "root 4755: exit 0"
is "$(result imp.setuid)" pass "root 4755: pass"
is "$(msg imp.setuid)" "$IMP is owned by root and setuid (mode 4755); any user may run it: flux-imp(8) suggests chgrp flux $IMP; chmod 4750 $IMP" \
    "...and the flux-imp(8) suggestion to restrict execute"
is "$(fact imp.setuid mode) $(fact imp.setuid owner) $(fact imp.setuid setuid)" "4755 root true" "facts mode, owner, setuid"
# flux-imp(8)'s recommendation: execute only for the flux group
chgrp 500 "$IMP"; chmod 4750 "$IMP"
gate imp.setuid
is "$(result imp.setuid)" pass "root:flux 4750: pass"
is "$(msg imp.setuid)" "$IMP is owned by root and setuid (mode 4750, group flux)" "...message"

# --- not setuid: fail with the commands
chgrp 0 "$IMP"; chmod 0755 "$IMP"
gate --journal "$T/j1.json" imp.setuid
is "$rc" 1 "not setuid: exit 1"
is "$(result imp.setuid)" fail "not setuid: fail"
like "$(msg imp.setuid)" "^$IMP is not setuid \(mode 0755\): the IMP cannot switch to the job's user, so every multi-user job fails: chown root $IMP; chmod 4755 $IMP" \
    "...message with chown root; chmod 4755"
like "$(msg imp.setuid)" "chgrp flux $IMP; chmod 4750 $IMP" "...and how to restrict execute to the flux group"
is "$(jfield "$T/j1.json" imp.setuid FLUX_PREFLIGHT_RESULT)" fail "journal: RESULT=fail"
is "$(jfield "$T/j1.json" imp.setuid FLUX_PREFLIGHT_SEVERITY)" fail "journal: SEVERITY=fail"
is "$(jfield "$T/j1.json" imp.setuid FLUX_PREFLIGHT_PATH)" "$IMP" "journal: FLUX_PREFLIGHT_PATH"
is "$(jfield "$T/j1.json" imp.setuid FLUX_PREFLIGHT_MODE)" 0755 "journal: FLUX_PREFLIGHT_MODE=0755"
is "$(jfield "$T/j1.json" imp.setuid FLUX_PREFLIGHT_SETUID)" false "journal: FLUX_PREFLIGHT_SETUID=false"
like "$(jfield "$T/j1.json" imp.setuid MESSAGE)" "^imp.setuid: $IMP is not setuid" "journal: MESSAGE"

# --- setuid, but owned by flux (chown clears the bit: set it again after)
chown 500:500 "$IMP"; chmod 4755 "$IMP"
gate imp.setuid
is "$rc" 1 "setuid but owned by flux: exit 1"
like "$(msg imp.setuid)" "^$IMP is owned by flux, not root: .*: chown root $IMP; chmod 4755 $IMP \(chown clears the setuid bit: chmod after it\)" \
    "owned by flux: fail with chown root; chmod 4755"
is "$(fact imp.setuid owner)" flux "...fact owner=flux"
chown 0:0 "$IMP"; chmod 4755 "$IMP"

# --- writable by group or other
chmod 4775 "$IMP"
gate imp.setuid
is "$(result imp.setuid)" fail "group-writable setuid IMP: fail"
like "$(msg imp.setuid)" "^$IMP is writable by group \(mode 4775\): whoever can write a setuid-root program is root: chmod go-w $IMP" "...chmod go-w"
chmod 4757 "$IMP"
gate imp.setuid
like "$(msg imp.setuid)" "is writable by other \(mode 4757\)" "other-writable: fail"
chmod 4755 "$IMP"

# --- not executable by flux (root-only)
chmod 4750 "$IMP"
gate imp.setuid
is "$(result imp.setuid)" fail "root:root 4750: flux cannot run it: fail"
like "$(msg imp.setuid)" "is not executable by flux, which the broker runs as: chgrp flux $IMP; chmod 4750 $IMP" "...message"
chmod 4755 "$IMP"

# --- missing, a dangling link, a directory
mv "$IMP" "$T/flux-imp"
gate imp.setuid
is "$rc" 1 "missing flux-imp: exit 1"
like "$(msg imp.setuid)" "^$IMP does not exist: \[exec\] imp names it, .*install flux-security \(.*make install does not: chown root, then chmod 4755" "missing: fail with the remedy"
ln -s /usr/libexec/flux/flux-imp-0.15 "$IMP"
gate imp.setuid
like "$(msg imp.setuid)" "^$IMP is a symbolic link to /usr/libexec/flux/flux-imp-0.15, which does not exist" "dangling symlink: fail"
# a link to a good file is followed (inside the image)
mv "$T/flux-imp" "$R/usr/libexec/flux/flux-imp-0.15"
gate imp.setuid
is "$(result imp.setuid)" pass "a symlink to a root-owned setuid flux-imp: pass"
is "$(fact imp.setuid link)" /usr/libexec/flux/flux-imp-0.15 "...fact link"
rm "$IMP"; mv "$R/usr/libexec/flux/flux-imp-0.15" "$IMP"
mv "$IMP" "$T/flux-imp"; mkdir "$IMP"
gate imp.setuid
like "$(msg imp.setuid)" "^$IMP is a directory, not a regular file" "a directory: fail"
rmdir "$IMP"; mv "$T/flux-imp" "$IMP"

# --- [exec] imp at a custom path
mkdir -p "$R/opt/flux/libexec"
cp -p "$IMP" "$R/opt/flux/libexec/flux-imp"
chmod 0755 "$R/opt/flux/libexec/flux-imp"
sed -i "s|^imp = .*|imp = \"/opt/flux/libexec/flux-imp\"|" "$SYSTOML"
gate imp.setuid
like "$(msg imp.setuid)" "^$R/opt/flux/libexec/flux-imp is not setuid" "the configured path is the one checked"
cp -p "$T/system.toml" "$SYSTOML"
rm -rf "$R/opt"

# --- live: a setuid flux-imp on a nosuid mount is not setuid at all
mkdir -p "$T/suid" "$T/nosuid" "$T/sys.d" "$T/live.d"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$T/nosuid" || bail "tmpfs"
fp_atexit "umount -l '$T/nosuid' 2>/dev/null"
mount -t tmpfs -o mode=0755 tmpfs "$T/suid" || bail "tmpfs"
fp_atexit "umount -l '$T/suid' 2>/dev/null"
for d in suid nosuid; do
    printf '#!/bin/sh\nexit 0\n' >"$T/$d/flux-imp"; chmod 4755 "$T/$d/flux-imp"
done
printf '[exec]\nimp = "%s"\n' "$T/nosuid/flux-imp" >"$T/sys.d/system.toml"
printf 'deadline = "5s"\nsystem-config = "%s"\n' "$T/sys.d" >"$T/live.d/gate.toml"
SNAP_EXTRA="$T/suid $T/nosuid"
gate --live imp.setuid
is "$rc" 1 "live, nosuid mount: exit 1"
like "$(msg imp.setuid)" "^$T/nosuid/flux-imp is setuid, but its filesystem is mounted nosuid, so the bit is ignored" "nosuid: fail"
is "$(fact imp.setuid nosuid)" true "...fact nosuid=true"
printf '[exec]\nimp = "%s"\n' "$T/suid/flux-imp" >"$T/sys.d/system.toml"
gate --live imp.setuid
is "$(result imp.setuid)" pass "live, the same file on a suid mount: pass"

gate_changed_nothing
done_testing
