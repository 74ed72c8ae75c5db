#!/bin/sh
# user.manager on fixture roots: flux-core 0.88.0's own flux.service
# (ExecStartPre= loginctl enable-linger flux; systemctl start user@UID.service)
# with systemd-logind, dbus and user@.service units, the systemd-user PAM
# service in /usr/lib/pam.d as Debian 12 ships it, its modules beside the
# image's libpam.so.0 (found through the image's ld.so cache from the user
# manager's own ELF file). Each thing the ExecStartPre= commands need is
# really removed, masked or overridden; nothing in the image is run or loaded.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
command -v jq >/dev/null || skip_all "jq is not installed"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0446.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
fixture_elf_runtime "$R"
case $? in
0) ;;
2) skip_all "no C compiler or ldconfig to build ELF files" ;;
*) bail "fixture_elf_runtime" ;;
esac
LIB=$R/usr/lib/$MA
SEC=$LIB/security
UNITS=$R/usr/lib/systemd/system

# the units and programs flux.service's ExecStartPre= reach
cp "$top_srcdir/tests/data/flux-core/flux.service" "$UNITS/flux.service"
printf '[Service]\nExecStart=/lib/systemd/systemd-logind\n' >"$UNITS/systemd-logind.service"
printf '[Service]\nExecStart=/usr/bin/dbus-daemon --system --address=systemd: --nofork\n' \
    >"$UNITS/dbus.service"
cat >"$UNITS/user@.service" <<'EOF'
[Unit]
Description=User Manager for UID %i
[Service]
User=%i
PAMName=systemd-user
Type=notify
ExecStart=/lib/systemd/systemd --user
EOF
mkdir -p "$R/lib/systemd" "$SEC" "$R/usr/lib/pam.d"
for p in usr/bin/loginctl usr/bin/systemctl usr/bin/bash usr/bin/id usr/bin/dbus-daemon \
    lib/systemd/systemd-logind; do
    printf '#!/bin/sh\n' >"$R/$p"
    chmod 0755 "$R/$p"
done
# the user manager: an ELF program that needs libpam.so.0, which the cache knows
echo 'int fp_stub(void) { return 0; }' >"$T/lib.c"
echo 'int main(void) { return 0; }' >"$T/main.c"
${CC:-cc} -shared -fPIC -Wl,-soname,libpam.so.0 -o "$T/libpam.so.0" "$T/lib.c"
${CC:-cc} -Wl,--no-as-needed -o "$T/systemd" "$T/main.c" "$T/libpam.so.0"
install -m 0644 "$T/libpam.so.0" "$LIB/libpam.so.0"
install -m 0755 "$T/systemd" "$R/lib/systemd/systemd"
ldconfig -r "$R"
# Debian 12's systemd-user PAM service (systemd 252) and its modules
cat >"$R/usr/lib/pam.d/systemd-user" <<'EOF'
# This file is part of systemd.
#
# Used by systemd --user instances.

@include common-account

session  required pam_selinux.so close
session  required pam_selinux.so nottys open
session  required pam_loginuid.so
session  required pam_limits.so
@include common-session-noninteractive
session  optional pam_keyinit.so force revoke
session  optional pam_systemd.so
EOF
printf 'account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\naccount requisite pam_deny.so\naccount required pam_permit.so\n' \
    >"$R/etc/pam.d/common-account"
printf 'session [default=1] pam_permit.so\nsession requisite pam_deny.so\nsession required pam_permit.so\nsession required pam_unix.so\n' \
    >"$R/etc/pam.d/common-session-noninteractive"
for m in pam_unix pam_deny pam_permit pam_selinux pam_loginuid pam_limits pam_keyinit pam_systemd; do
    printf 'ELF stub\n' >"$SEC/$m.so"
done

# --- healthy
gate user.manager
is "$rc" 0 "healthy: exit 0"
is "$(result user.manager)" pass "healthy: pass"
like "$(msg user.manager)" "^flux.service's 2 ExecStartPre= commands can run; loginctl enable-linger: systemd-logind and D-Bus are installed; the flux user's manager: user@.service, its PAM stack with pam_systemd.so and their libraries are there$" \
    "healthy: says what was followed"
is "$(fact user.manager user_unit)" user@500.service "user_unit: the flux user's (uid 500)"
is "$(fact user.manager pam_file)" "$R/usr/lib/pam.d/systemd-user" "pam_file: the vendor directory's (no /etc/pam.d/systemd-user)"
is "$(fact user.manager pam_module_dir)" "/usr/lib/$MA/security" "pam_module_dir: beside the image's libpam.so.0"
is "$(fact user.manager exec_start_pre)" 2 "exec_start_pre: flux-core's two commands"

# --- libpam-systemd removed: what FLUX-FACTS §13 saw the real node do
mv "$SEC/pam_systemd.so" "$T/"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' >"$R/etc/os-release"
gate --journal "$T/j1.json" user.manager
is "$rc" 1 "no pam_systemd.so: exit 1"
is "$(result user.manager)" fail "no pam_systemd.so: fail"
like "$(msg user.manager)" "^ExecStartPre=bash -c 'systemctl start user@\\\$\(id -u flux\).service' starts user@500.service, whose PAM stack \($R/usr/lib/pam.d/systemd-user\) needs pam_systemd.so, which is not installed \(looked in /usr/lib/$MA/security\)" \
    "...names the command, the unit, the PAM file and where the module was looked for"
like "$(msg user.manager)" "libpam logs \"PAM unable to dlopen\(pam_systemd.so\)\", the user manager gets no XDG_RUNTIME_DIR and stops \(\"Trying to run as user instance, but \\\$XDG_RUNTIME_DIR is not set.\"\)" \
    "...quotes libpam and systemd --user"
like "$(msg user.manager)" "fails its start before the broker runs \(Result=exit-code\) and retries every 30 s \(Restart=always\); apt-get install libpam-systemd$" \
    "...says what systemd does and the package"
is "$(jfield "$T/j1.json" user.manager PRIORITY)" 3 "journal: PRIORITY=3"
# a "-" line: libpam stays silent, the manager still fails
mkdir -p "$R/etc/pam.d"
sed 's/^session  optional pam_systemd.so/-session optional pam_systemd.so/' \
    "$R/usr/lib/pam.d/systemd-user" >"$R/etc/pam.d/systemd-user"
gate user.manager
is "$(result user.manager)" fail "'-session optional pam_systemd.so', module absent: still fail"
like "$(msg user.manager)" "not installed \(looked in /usr/lib/$MA/security\): the user manager gets no XDG_RUNTIME_DIR" \
    "...without claiming libpam logs anything"
mv "$T/pam_systemd.so" "$SEC/"
# /etc/pam.d overrides the vendor file: one without pam_systemd
grep -v pam_systemd "$R/usr/lib/pam.d/systemd-user" >"$R/etc/pam.d/systemd-user"
gate user.manager
is "$(result user.manager)" fail "/etc/pam.d/systemd-user without pam_systemd.so: fail"
is "$(fact user.manager pam_file)" "$R/etc/pam.d/systemd-user" ".../etc/pam.d's file is the one read"
like "$(msg user.manager)" "has no session line for pam_systemd.so" "...says so"
rm "$R/etc/pam.d/systemd-user"

# --- other modules of the stack: a required one missing fails, an optional one warns
mv "$SEC/pam_limits.so" "$T/"
gate user.manager
is "$(result user.manager)" fail "required pam_limits.so missing: fail"
like "$(msg user.manager)" "names session required pam_limits.so, which is not installed" "...names the line"
mv "$T/pam_limits.so" "$SEC/"
mv "$SEC/pam_keyinit.so" "$T/"
gate user.manager
is "$(result user.manager)" warn "optional pam_keyinit.so missing: warn"
is "$rc" 0 "...does not block"
mv "$T/pam_keyinit.so" "$SEC/"

# --- logind and D-Bus
mkdir -p "$R/etc/systemd/system"
ln -s /dev/null "$R/etc/systemd/system/systemd-logind.service"
gate user.manager
is "$(result user.manager)" fail "systemd-logind masked: fail"
like "$(msg user.manager)" "^ExecStartPre=/usr/bin/loginctl enable-linger flux needs systemd-logind, but systemd-logind.service is masked" \
    "...says it is masked"
rm "$R/etc/systemd/system/systemd-logind.service"
mv "$UNITS/dbus.service" "$T/"
gate user.manager
like "$(msg user.manager)" "reaches systemd-logind over the D-Bus system bus, but dbus.service is not installed" \
    "no dbus.service: fail"
mv "$T/dbus.service" "$UNITS/"
mv "$R/usr/bin/loginctl" "$T/"
gate user.manager
like "$(msg user.manager)" "^ExecStartPre=/usr/bin/loginctl enable-linger flux: /usr/bin/loginctl is not installed" \
    "no loginctl: fail"

# --- drop-ins: a '-' prefix only warns; an empty ExecStartPre= resets the list
mkdir -p "$R/etc/systemd/system/flux.service.d"
printf '[Service]\nExecStartPre=\nExecStartPre=-/usr/bin/loginctl enable-linger flux\n' \
    >"$R/etc/systemd/system/flux.service.d/pre.conf"
gate user.manager
is "$(result user.manager)" warn "'-' prefix (failure ignored): warn"
printf '[Service]\nExecStartPre=\n' >"$R/etc/systemd/system/flux.service.d/pre.conf"
gate user.manager
is "$(result user.manager)" pass "ExecStartPre= reset by a drop-in: pass"
like "$(msg user.manager)" "has no ExecStartPre=" "...nothing runs before the broker"
rm "$R/etc/systemd/system/flux.service.d/pre.conf"
mv "$T/loginctl" "$R/usr/bin/"

# --- no user@.service; no flux user
mv "$UNITS/user@.service" "$T/"
gate user.manager
like "$(msg user.manager)" "starts user@500.service, but user@500.service is not installed" "no user@.service: fail"
mv "$T/user@.service" "$UNITS/"
sed -i '/^flux:/d' "$R/etc/passwd"
gate user.flux,user.manager
is "$(result user.manager)" skip "no flux user: the user manager part skips (user.flux reports it)"
gate user.manager
is "$(result user.manager)" error "...selected alone: error, naming user.flux"
like "$(msg user.manager)" "user.flux" "...the message names it"

gate_changed_nothing
done_testing
