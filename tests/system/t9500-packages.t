#!/bin/bash
# The packages, as sites install them: `make deb` and `make rpm` from the release
# tarball, lintian and rpmlint; the .deb installed with dpkg into a fresh Debian 12
# container under real systemd (unit enabled and nothing started, flux.service
# requiring it, the catalog in place, a working gate, the package's version), its PAM
# profile switched on and off with pam-auth-update (su refused after a failing gate,
# admitted after a passing one), an upgrade, a remove and a reinstall, then a purge:
# every file of ours gone, PAM and a running flux untouched. The RPM must hold the
# same files as the .deb.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
[ -z "${FP_TEST_SKIP_SYSTEM:-}" ] || skip_all "system tier skipped (FP_TEST_SKIP_SYSTEM is set)"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    skip_all "dpkg-dev or debhelper not installed (.ci/install-deps.sh installs them)"
. "$top_srcdir/tests/system/lib.sh"

T=$(mktemp -d /tmp/fp-t9500.XXXXXX)
fp_atexit "rm -rf '$T'"
V=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
ARCH=$(dpkg --print-architecture)
tarball=$top_builddir/flux-preflight-$V.tar.xz
# a make of our own, not the jobserver of the `make check` running this test
pmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" "$@"; }
secs() { echo $((SECONDS - $1)); }

# --- the .deb ---------------------------------------------------------------
t0=$SECONDS
pmake deb DEBBUILD="$T/deb" >"$T/deb.log" 2>&1
rc=$?
deb=$T/deb/flux-preflight_${V}_$ARCH.deb
ok "make deb built flux-preflight_${V}_$ARCH.deb from the tarball ($(secs $t0) s)" test "$rc" = 0 -a -f "$deb"
[ -f "$deb" ] || { tail -40 "$T/deb.log" | sed 's/^/# /'; bail "no .deb"; }
is "$(dpkg-deb -f "$deb" Version)" "$V" "the package's version is configure's"
like "$(dpkg-deb -f "$deb" Depends)" "libsystemd0.*" "Depends: the libraries it links (\${shlibs:Depends})"
# (libmunge2 libpam0g libblkid1 libssl3: dlopen()ed, named in debian/control)
for lib in libmunge2 libjansson4 libpam0g libblkid1 libssl3 libc6; do
    like "$(dpkg-deb -f "$deb" Depends)" "(^|, )$lib( |,|$)" "Depends: $lib"
done
like "$(dpkg-deb -f "$deb" Recommends)" "libcurl4" "Recommends: libcurl4 (dlopen()ed by fleet.sync)"
dpkg-deb -c "$deb" | awk '{ print substr($6, 2) }' | sed 's|/$||' | grep . >"$T/deb.files"
for f in /usr/share/pam-configs/flux-preflight /usr/lib/systemd/catalog/flux-preflight.catalog \
         /usr/sbin/flux-preflight /usr/libexec/flux/cmd/flux-preflight; do
    ok "the .deb ships $f" grep -qx "$f" "$T/deb.files"
done
ok "the .deb ships the unit and the generator" \
    test "$(grep -cE '/systemd/system/flux-preflight\.service$|/system-generators/flux-preflight-generator$' "$T/deb.files")" = 2
# the files `make install` installs, all in the package
pmake install DESTDIR="$T/inst" >"$T/inst.log" 2>&1 || { sed 's/^/# /' "$T/inst.log"; bail "make install failed"; }
(cd "$T/inst" && find . ! -type d ! -name '*.la' | sed 's|^\.||') | sort >"$T/inst.files"
is "$(comm -23 "$T/inst.files" <(sed 's/\.gz$//' "$T/deb.files" | sort))" "" \
    "the .deb holds every file make install installs ($(wc -l <"$T/inst.files"), man pages compressed)"
ok "the .deb ships the PAM module beside Debian's own, without libtool's .la" \
    sh -c "grep -qx '/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security/pam_flux_preflight.so' '$T/deb.files' && ! grep -q '\.la$' '$T/deb.files'"
# no maintainer script starts or restarts anything; the only stop is the
# postrm's, of a gate left active after removal (checked below: the broker
# stays up)
dpkg-deb -e "$deb" "$T/ctrl"
not_ok "no maintainer script starts or restarts a unit" \
    grep -snE '(deb-systemd-invoke|systemctl).*(start|restart|reload-or)' "$T"/ctrl/preinst "$T"/ctrl/postinst "$T"/ctrl/prerm "$T"/ctrl/postrm
not_ok "no preinst or prerm stops one" grep -snE '(deb-systemd-invoke|systemctl).*stop' "$T"/ctrl/preinst "$T"/ctrl/prerm
if command -v lintian >/dev/null; then
    t0=$SECONDS
    rc=0; lintian --fail-on error,warning --pedantic "$deb" >"$T/lintian.log" 2>&1 || rc=$?
    ok "lintian: no error and no warning that is not overridden with a reason ($(secs $t0) s)" test "$rc" = 0
    grep -v 'running with root privileges' "$T/lintian.log" | sed 's/^/# lintian: /'
else
    skip "lintian not installed (.ci/install-deps.sh installs it)"
fi

# --- the RPM ------------------------------------------------------------------
if command -v rpmbuild >/dev/null; then
    t0=$SECONDS
    pmake rpm RPMBUILD="$T/rpm" >"$T/rpm.log" 2>&1
    rc=$?
    rpm=$(ls "$T"/rpm/RPMS/*/flux-preflight-"$V"-1*.rpm 2>/dev/null | head -1)
    ok "make rpm: rpmbuild -ta of the tarball built the RPM ($(secs $t0) s)" test "$rc" = 0 -a -n "$rpm"
    [ -n "$rpm" ] || tail -40 "$T/rpm.log" | sed 's/^/# /'
    grep -q -- '--nodeps' "$T/rpm.log" && diag "rpmbuild ran with --nodeps (rpm's database here is not the system's)"
    is "$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)" "$V" "the RPM's version is configure's"
    # the dlopen()ed libraries, which rpm's automatic requires cannot see
    for so in libmunge.so.2 libblkid.so.1 libpam.so.0 libcrypto.so.3; do
        ok "Requires: $so (dlopen()ed by a check)" \
            sh -c "rpm -qp --requires '$rpm' 2>/dev/null | grep -qF '$so()'"
    done
    # the same files, paths mapped: /lib -> /usr/lib (merged /usr), the PAM
    # directories, man pages without the compression suffix; without the
    # directories, RPM's build-id links and what each packaging's conventions
    # add (Debian: changelog.gz, lintian overrides, the pam-auth-update profile;
    # copyright = RPM's %license LICENSE)
    ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
    norm() {
        sed -e 's|^/lib/|/usr/lib/|' -e "s|^/usr/lib/$ma/security/|@pamdir@/|" \
            -e 's|^/usr/lib64/security/|@pamdir@/|' -e 's|\.gz$||' \
            -e 's|^/usr/share/doc/flux-preflight/copyright$|@license@|' \
            -e 's|^/usr/share/licenses/flux-preflight[^/]*/LICENSE$|@license@|' |
        grep -vE '^/usr/lib/\.build-id(/|$)|^/usr/share/doc/flux-preflight/changelog$|^/usr/share/lintian/|^/usr/share/pam-configs/' |
        sort
    }
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print substr($6, 2) }' | norm >"$T/deb.cmp"
    # shellcheck disable=SC2016
    rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null | awk '$1 !~ /^d/ { print $2 }' | norm >"$T/rpm.cmp"
    is "$(diff "$T/deb.cmp" "$T/rpm.cmp")" "" "rpm -qlp lists the same files as the .deb ($(wc -l <"$T/deb.cmp") files, paths mapped)"
    scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
    like "$scripts" "systemctl --no-reload preset flux-preflight.service" "%post: the unit is preset, not started"
    not_ok "no scriptlet holds an unexpanded macro or starts the unit" \
        sh -c 'printf "%s\n" "$1" | grep -E "%[a-z{]|systemctl (start|restart|try-restart)"' sh "$scripts"
    tar -xJOf "$tarball" "flux-preflight-$V/flux-preflight.spec" >"$T/flux-preflight.spec" 2>/dev/null
    ok "the tarball carries flux-preflight.spec" test -s "$T/flux-preflight.spec"
    if command -v rpmlint >/dev/null; then
        rc=0; rpmlint "$T/flux-preflight.spec" >"$T/rpmlint-spec.log" 2>&1 || rc=$?
        like "$(tail -1 "$T/rpmlint-spec.log")" " 0 errors," "rpmlint on the spec: no error (rc $rc)"
        grep -E ': [EW]: ' "$T/rpmlint-spec.log" | sed 's/^/# /'
        # the warnings, the spec's and the RPM's, each filtered with its reason
        rc=0; rpmlint -r "$top_srcdir/flux-preflight.rpmlintrc" "$T/flux-preflight.spec" "$rpm" >"$T/rpmlint.log" 2>&1 || rc=$?
        like "$(tail -1 "$T/rpmlint.log")" " 0 errors, 0 warnings" \
            "rpmlint -r flux-preflight.rpmlintrc on the spec and the RPM: no error, no warning (rc $rc)"
        grep -E ': [EW]: ' "$T/rpmlint.log" | sed 's/^/# /'
    else
        skip "rpmlint not installed (.ci/install-deps.sh installs it)"
    fi
else
    skip "rpmbuild not installed (rpm; .ci/install-deps.sh installs it)"
fi

# --- the .deb on a fresh Debian 12 node -----------------------------------
if ! command -v systemd-nspawn >/dev/null || { ! command -v mmdebstrap >/dev/null && [ -z "${SYS_ROOTFS:-}" ]; }; then
    skip "install, PAM and purge in a container: systemd-nspawn or mmdebstrap not installed"
    done_testing; exit
fi
sys_need
PAY=$T/payload
mkdir -p "$PAY"
cp "$deb" "$PAY/"
debin=/opt/fp/$(basename "$deb")
sys_boot pkg "$PAY" || bail "container did not boot"
apt() { sys_exec env DEBIAN_FRONTEND=noninteractive "$@"; }
su_user() { sys_exec su -s /bin/sh -c 'id -un' "$1" 2>&1; }
verdict() { sys_exec cat /run/flux-preflight/status.json | jq -r .verdict; }
# the site's side, before the package: flux.service (the stand-in), a user,
# munged once restarted (it writes its seed file then)
sys_exec cp /opt/fp-tests/flux.service /etc/systemd/system/flux.service
sys_exec systemctl daemon-reload
sys_exec useradd -m fpuser
sys_exec systemctl restart munge.service
snapshot() { # every path on the root filesystem (not /run, /proc, binds)
    sys_exec find / -xdev | sort
}
snapshot >"$T/before"
for f in common-account common-session common-auth; do sys_exec cat /etc/pam.d/$f >"$T/pam-$f.before"; done
pam_as_before() { # what
    for f in common-account common-session common-auth; do
        is "$(sys_exec cat /etc/pam.d/$f)" "$(cat "$T/pam-$f.before")" "$1: $f as before the install"
    done
}
sys_exec journalctl --list-catalog >"$T/catalog.before"

t0=$SECONDS
rc=0; apt dpkg -i "$debin" >"$T/dpkg-i.log" 2>&1 || rc=$?
ok "dpkg -i installs the package ($(secs $t0) s)" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/dpkg-i.log"
rc=0; out=$(apt apt-get -f install -y 2>&1) || rc=$?
ok "apt-get -f install: the dependencies are satisfied" test "$rc" = 0
like "$out" "0 newly installed" "apt-get -f install had nothing to add"
is "$(sys_exec dpkg-query -W -f='${Status} ${Version}' flux-preflight)" "install ok installed $V" "dpkg: installed, version $V"
missing=$(sys_sh 'dpkg -L flux-preflight | while read -r f; do [ -e "$f" ] || echo "$f"; done')
ok "every file of the package is in place ($(sys_exec dpkg -L flux-preflight | wc -l) paths)" test -z "$missing"

# the units: enabled as [Install] says, nothing started, systemd reloaded
is "$(sys_exec systemctl is-enabled flux-preflight.service)" enabled "the unit is enabled"
is "$(sys_exec systemctl is-active flux-preflight.service)" inactive "installing started nothing: the gate did not run"
is "$(sys_exec systemctl is-active flux.service)" inactive "installing started nothing: flux did not start"
not_ok "no status file was written at install" sys_exec test -e /run/flux-preflight/status.json
is "$(sys_exec systemctl show -p NeedDaemonReload --value flux.service flux-preflight.service | grep . | sort -u)" no "systemd was reloaded"
like "$(sys_exec systemctl show -p FragmentPath --value flux-preflight.service)" '^(/usr)?/lib/systemd/system/flux-preflight\.service$' \
    "systemd loaded the packaged unit"
like "$(sys_exec systemctl show -p Requires --value flux.service)" '(^| )flux-preflight\.service( |$)' \
    "flux.service requires the gate"
like "$(sys_exec systemctl show -p After --value flux.service)" '(^| )flux-preflight\.service( |$)' \
    "flux.service is ordered after the gate"
ok "the generator ran at the reload" sys_exec test -d /run/systemd/generator/flux-preflight.service.d

# the catalog: systemd's dpkg trigger updated it
sys_exec journalctl --list-catalog >"$T/catalog"
n=0 missing=
for id in $(sys_exec flux-preflight list | awk 'NR > 1 { print $1 }'); do
    mid=$(sys_exec flux-preflight explain "$id" | sed -n 's/.*MESSAGE_ID=\([0-9a-f]\{32\}\).*/\1/p')
    n=$((n + 1))
    { [ -n "$mid" ] && grep -q "^$mid " "$T/catalog"; } || missing="$missing $id($mid)"
done
ok "journalctl --list-catalog lists the MESSAGE_ID of each of the $n checks" test -z "$missing" -a "$n" -gt 20
[ -z "$missing" ] || diag "missing:$missing"
ids=$(sys_exec sed -n 's/^-- \([0-9a-f]\{32\}\)$/\1/p' /usr/lib/systemd/catalog/flux-preflight.catalog)
missing=
for mid in $ids; do grep -q "^$mid " "$T/catalog" || missing="$missing $mid"; done
ok "... and every entry of the packaged catalog ($(echo $ids | wc -w))" test -z "$missing"

is "$(sys_exec flux-preflight --version)" "flux-preflight $V" "flux-preflight --version prints the package's version"
is "$(sys_exec /usr/libexec/flux/cmd/flux-preflight --version)" "flux-preflight $V" "flux preflight (libexec/flux/cmd) is the same program"

# a working gate: flux is kept out while munged is down, starts once it is up
sys_sh 'mkdir -p /etc/flux/preflight/conf.d'
{
    echo 'deadline = "2s"'
    echo '[severity]'
    sys_exec flux-preflight list | awk 'NR > 1 && $1 != "munge.daemon" { printf "\"%s\" = \"off\"\n", $1 }'
} | sys_exec sh -c 'cat >/etc/flux/preflight/conf.d/test.toml'
sys_exec systemctl stop munge.service
rc=0; sys_exec systemctl start flux.service 2>"$T/start.err" || rc=$?
ok "munged down: systemctl start flux fails" test "$rc" -ne 0
like "$(cat "$T/start.err")" "dependency" "... through its dependency on the gate"
is "$(sys_exec systemctl is-active flux.service)" inactive "the broker did not start"
is "$(verdict)" fail "the gate recorded its failure"
like "$(sys_exec systemctl show -p StatusText --value flux-preflight.service)" "munge\.daemon" "the status line names munge.daemon"

# PAM: the profile is shipped off; pam-auth-update switches it on
pam_as_before "installed, the module is off"
rc=0; apt pam-auth-update --enable flux-preflight || rc=$?
is "$rc" 0 "pam-auth-update --enable flux-preflight"
like "$(sys_exec cat /etc/pam.d/common-account)" '^account[[:space:]]+required[[:space:]]+pam_flux_preflight\.so admin_group=sudo' \
    "common-account now requires pam_flux_preflight"
rc=0; out=$(su_user fpuser) || rc=$?
ok "su to an ordinary user after the failing gate is refused" test "$rc" -ne 0
like "$out" "Flux is not available on this node: its preflight failed: munge\.daemon" "... naming the failed check"
rc=0; out=$(su_user root) || rc=$?
is "$rc" 0 "su to root is admitted"

sys_exec systemctl start munge.service
rc=0; sys_exec systemctl start flux.service || rc=$?
is "$rc" 0 "munged up: systemctl start flux runs the gate, which passes, and flux starts"
is "$(verdict)" pass "the gate recorded a pass"
rc=0; out=$(su_user fpuser) || rc=$?
is "$rc/$out" "0/fpuser" "su to the ordinary user after the passing gate is admitted"

# an upgrade (the same package again) leaves the broker and PAM alone
pid=$(sys_exec systemctl show -p MainPID --value flux.service)
rc=0; apt dpkg -i "$debin" >"$T/dpkg-up.log" 2>&1 || rc=$?
ok "dpkg -i over the installed package (an upgrade)" test "$rc" = 0
is "$(sys_exec systemctl show -p MainPID --value flux.service)" "$pid" "... left the running broker alone"
like "$(sys_exec cat /etc/pam.d/common-account)" 'pam_flux_preflight\.so' "... kept the module switched on"
is "$(sys_exec systemctl is-enabled flux-preflight.service)" enabled "... kept the unit enabled"

rc=0; apt pam-auth-update --disable flux-preflight || rc=$?
is "$rc" 0 "pam-auth-update --disable flux-preflight"
pam_as_before "--disable"

# remove (not purge) with the module switched on
apt pam-auth-update --enable flux-preflight
t0=$SECONDS
rc=0; apt apt-get remove -y flux-preflight >"$T/remove.log" 2>&1 || rc=$?
ok "apt-get remove flux-preflight ($(secs $t0) s)" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/remove.log"
pam_as_before "remove took the module out"
rc=0; out=$(su_user fpuser) || rc=$?
is "$rc/$out" "0/fpuser" "su works after the remove"
is "$(sys_exec systemctl show -p MainPID --value flux.service)" "$pid" "removing the gate left the running broker alone"
is "$(sys_exec find /etc/systemd/system -name flux-preflight.service)" "" "no link to the removed unit is left"
rc=0; sys_exec systemctl restart flux.service 2>"$T/restart.err" || rc=$?
is "$rc" 0 "flux restarts without the removed gate"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/restart.err"
rc=0; apt dpkg -i "$debin" >"$T/dpkg-re.log" 2>&1 || rc=$?
ok "installed again after the remove" test "$rc" = 0
is "$(sys_exec systemctl is-enabled flux-preflight.service)" enabled "... the unit is enabled again"
pam_as_before "installed again, the module is off"

# purge with the module switched on: every file of ours goes
apt pam-auth-update --enable flux-preflight
sys_exec rm -rf /etc/flux          # the test's config (the admin's files are not the package's)
pid=$(sys_exec systemctl show -p MainPID --value flux.service)
t0=$SECONDS
rc=0; apt apt-get purge -y flux-preflight >"$T/purge.log" 2>&1 || rc=$?
ok "apt-get purge flux-preflight ($(secs $t0) s)" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/purge.log"
is "$(sys_exec dpkg-query -W -f='${Status}' flux-preflight 2>/dev/null)" "" "dpkg no longer knows the package"
pam_as_before "purge took the module out"
rc=0; out=$(su_user fpuser) || rc=$?
is "$rc/$out" "0/fpuser" "su works after the purge"
is "$(sys_exec systemctl show -p MainPID --value flux.service)" "$pid" "purging left the running broker alone"
sys_exec journalctl --list-catalog >"$T/catalog.after"
is "$(diff "$T/catalog.before" "$T/catalog.after")" "" "the catalog is as before the install"
not_ok "the status directory is gone" sys_exec test -e /run/flux-preflight
is "$(sys_exec systemctl list-units --all --plain --no-legend 'flux-preflight*')" "" "systemd has forgotten the unit"
snapshot >"$T/after"
# dpkg's, apt's and debconf's own records and logs change with every package
book='^/var/(lib/dpkg|lib/apt|cache/apt|cache/debconf|log)(/|$)'
is "$(comm -13 "$T/before" "$T/after" | grep -vE "$book")" "" "purge left no file behind: nothing new since before the install"
is "$(comm -23 "$T/before" "$T/after" | grep -vE "$book")" "" "... and removed nothing that was there before"
is "$(grep -E 'flux-preflight|flux_preflight' "$T/after")" "" "no path anywhere names flux-preflight"

sys_poweroff
done_testing
