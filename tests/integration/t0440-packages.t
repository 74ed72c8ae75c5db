#!/bin/sh
# packages.core / packages.security / packages.sched / packages.optional on
# fixture roots: the files flux-core, flux-security and flux-sched install,
# really removed, moved to /usr/local, made non-executable or masked; versions
# from dpkg's status file and .pc files; nothing executed, nothing changed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0440.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
ALL=packages.core,packages.security,packages.sched,packages.optional
LIB=$R/usr/lib/$MA

# --- a healthy install: everything found, versions reported
gate "$ALL"
is "$rc" 0 "healthy: exit 0"
is "$(result packages.core)" pass "healthy: packages.core passes"
is "$(msg packages.core)" "flux-core 0.88.0-1 (dpkg): $R/usr/bin/flux, $R/usr/libexec/flux/cmd/flux-broker, $R/usr/lib/systemd/system/flux.service" \
    "packages.core names version, source and the files"
is "$(fact packages.core version) $(fact packages.core version_source)" "0.88.0-1 dpkg" "packages.core: version from dpkg's status file"
is "$(result packages.security)" pass "healthy: packages.security passes"
is "$(fact packages.security version) $(fact packages.security version_source)" "0.15.0 pkg-config" \
    "packages.security: dpkg has only config-files left, so the version comes from flux-security.pc"
is "$(fact packages.security library)" "$LIB/libflux-security.so.1.0.0" "packages.security: the versioned library file"
is "$(fact packages.security imp)" "$R$FLUX_IMP" "packages.security: flux-imp"
is "$(result packages.sched)" pass "healthy: packages.sched passes"
like "$(msg packages.sched)" "^flux-sched 0.45.0-1 \(dpkg\): $LIB/flux/modules/sched-fluxion-resource.so, $LIB/flux/modules/sched-fluxion-qmanager.so$" \
    "packages.sched names both fluxion modules"
is "$(result packages.optional)" pass "packages.optional passes without the optional packages"
like "$(msg packages.optional)" "^flux-pam not installed .*; flux-accounting not installed " "...and says neither is installed"
is "$(fact packages.optional flux_pam) $(fact packages.optional flux_accounting)" "false false" "...facts flux_pam/flux_accounting false"

# --- the optional packages installed
mkdir -p "$LIB/security"
printf 'ELF stub\n' >"$LIB/security/pam_flux.so"
printf '#!/usr/bin/python3\n' >"$R/usr/libexec/flux/cmd/flux-account.py"
chmod 0755 "$R/usr/libexec/flux/cmd/flux-account.py"
printf '\nPackage: flux-accounting\nStatus: install ok installed\nVersion: 0.30.0-1\n' >>"$R/var/lib/dpkg/status"
gate packages.optional
is "$(result packages.optional)" pass "optional packages present: pass"
like "$(msg packages.optional)" "^flux-pam installed \($LIB/security/pam_flux.so\); flux-accounting installed 0.30.0-1 \(dpkg\) \($R/usr/libexec/flux/cmd/flux-account.py\)$" \
    "...says both are installed, with where and the dpkg version"
rm -f "$R/usr/libexec/flux/cmd/flux-account.py"
mkdir -p "$LIB/flux/job-manager/plugins"
printf 'ELF stub\n' >"$LIB/flux/job-manager/plugins/mf_priority.so"
gate packages.optional
like "$(msg packages.optional)" "flux-accounting installed .*mf_priority.so" "flux-accounting recognised by its priority plugin too"

# --- flux-core missing: fail, with what was looked for and the remedy
mkdir -p "$T/aside"
mv "$R/usr/bin/flux" "$R/usr/libexec/flux/cmd/flux-broker" "$T/aside/"
gate --journal "$T/j1.json" "$ALL"
is "$rc" 1 "flux-core missing: exit 1"
is "$(result packages.core)" fail "flux-core missing: packages.core fails"
like "$(msg packages.core)" "^flux-core is not installed \(dpkg lists it as installed, but its files are gone\): no flux command \(looked for $R/usr/bin/flux and $R/usr/local/bin/flux\)" \
    "the message says what was looked for"
like "$(msg packages.core)" "no flux-broker \(looked in $R/usr/libexec/flux/cmd, $R/usr/lib/flux/cmd, $R/usr/local/libexec/flux/cmd, $R/usr/local/lib/flux/cmd\)" \
    "...and where flux-broker was looked for"
like "$(msg packages.core)" "install flux-core on every node \(install flux-core from this system's packages, or build it from the release tarball" \
    "...and the remedy (no os-release: no distribution to name)"
is "$(jq -c .failed "$T/out")" '["packages.core"]' "only packages.core blocks"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n' >"$R/etc/os-release"
gate packages.core
like "$(msg packages.core)" "Debian GNU/Linux 12 \(bookworm\) has no flux-core package: build it from the release tarball \(https://github.com/flux-framework/flux-core/releases: ./configure" \
    "Debian 12 (os-release): no apt-get, build from the release tarball"
printf 'NAME="TOSS"\nID="toss"\nID_LIKE="rhel fedora"\n' >"$R/etc/os-release"
gate packages.core
like "$(msg packages.core)" "on every node \(dnf install flux-core;" "TOSS (ID_LIKE rhel): dnf install flux-core"
rm -f "$R/etc/os-release"
is "$(jfield "$T/j1.json" packages.core FLUX_PREFLIGHT_RESULT)" fail "journal: FLUX_PREFLIGHT_RESULT=fail"
is "$(jfield "$T/j1.json" packages.core FLUX_PREFLIGHT_SEVERITY)" fail "journal: FLUX_PREFLIGHT_SEVERITY=fail"
is "$(jfield "$T/j1.json" packages.core PRIORITY)" 3 "journal: PRIORITY=3"
is "$(jfield "$T/j1.json" packages.core FLUX_PREFLIGHT_VERSION)" 0.88.0-1 "journal: FLUX_PREFLIGHT_VERSION (dpkg still lists it)"
is "$(jfield "$T/j1.json" packages.core MESSAGE_ID)" "$("$FP_BIN" explain packages.core | sed -n 's/.*MESSAGE_ID=//p' | head -1)" \
    "journal: the check's MESSAGE_ID"

# --- only the broker missing: incomplete
mv "$T/aside/flux" "$R/usr/bin/flux"
gate packages.core
is "$rc" 1 "flux-broker missing: exit 1"
like "$(msg packages.core)" "^flux-core is incomplete: $R/usr/bin/flux is there but flux-broker is not" "flux-broker missing: incomplete, named"
mv "$T/aside/flux-broker" "$R/usr/libexec/flux/cmd/flux-broker"

# --- a flux that is not executable is not a flux command
chmod 0644 "$R/usr/bin/flux"
gate packages.core
is "$(result packages.core)" fail "flux not executable: fail"
like "$(msg packages.core)" "^flux-core is broken: $R/usr/bin/flux is not executable: .*chmod 0755 $R/usr/bin/flux" "...says it is not executable, and the fix"
chmod 0755 "$R/usr/bin/flux"

# --- a source build in /usr/local, with no version anywhere
mkdir -p "$R/usr/local/bin" "$R/usr/local/libexec/flux/cmd"
mv "$R/usr/bin/flux" "$R/usr/local/bin/flux"
mv "$R/usr/libexec/flux/cmd/flux-broker" "$R/usr/local/libexec/flux/cmd/flux-broker"
cp -p "$R/var/lib/dpkg/status" "$T/status"
sed -i '/^Package: flux-core$/,/^$/d' "$R/var/lib/dpkg/status"
mv "$LIB/pkgconfig/flux-core.pc" "$T/aside/"
gate packages.core
is "$(result packages.core)" pass "flux-core under /usr/local: pass"
is "$(msg packages.core)" "flux-core: $R/usr/local/bin/flux, $R/usr/local/libexec/flux/cmd/flux-broker, $R/usr/lib/systemd/system/flux.service" \
    "...found there, and no version claimed"
is "$(fact packages.core version)" "" "no dpkg record, no .pc: no version fact"
mv "$R/usr/local/bin/flux" "$R/usr/bin/flux"
mv "$R/usr/local/libexec/flux/cmd/flux-broker" "$R/usr/libexec/flux/cmd/flux-broker"
cp -p "$T/status" "$R/var/lib/dpkg/status"
mv "$T/aside/flux-core.pc" "$LIB/pkgconfig/"

# --- flux.service missing, or masked: warn
mv "$R/usr/lib/systemd/system/flux.service" "$T/aside/"
gate packages.core
is "$rc" 0 "flux.service missing: exit 0 (a warning)"
is "$(result packages.core)" warn "flux.service missing: warn"
like "$(msg packages.core)" "^flux.service not found in /etc/systemd/system, .*: systemd cannot start the broker" "...says so"
mv "$T/aside/flux.service" "$R/usr/lib/systemd/system/"
mkdir -p "$R/etc/systemd/system"
ln -s /dev/null "$R/etc/systemd/system/flux.service"
gate packages.core
is "$(result packages.core)" warn "flux.service masked: warn"
like "$(msg packages.core)" "flux.service is masked .*: systemctl unmask flux" "...with systemctl unmask flux"
rm -rf "$R/etc/systemd"

# --- flux-security missing: warn without [exec] imp, fail with it
mv "$LIB/libflux-security.so.1.0.0" "$LIB/libflux-security.so.1" "$R$FLUX_IMP" "$T/aside/"
gate --journal "$T/j2.json" packages.security
is "$rc" 1 "flux-security missing with [exec] imp set: exit 1"
is "$(result packages.security)" fail "flux-security missing with [exec] imp set: fail"
like "$(msg packages.security)" "^flux-security is not installed \(no libflux-security.so\* in the library directories and no flux-imp; looked in $R/usr/libexec/flux/flux-imp, " \
    "...says what is missing and where it looked"
like "$(msg packages.security)" "\[exec\] imp is set in the system config, so every multi-user job needs the IMP" "...and why it blocks"
is "$(jfield "$T/j2.json" packages.security FLUX_PREFLIGHT_RESULT)" fail "journal: packages.security RESULT=fail"
is "$(jfield "$T/j2.json" packages.security FLUX_PREFLIGHT_IMP_ENABLED)" true "journal: FLUX_PREFLIGHT_IMP_ENABLED=true"
cp -p "$R/etc/flux/system/conf.d/system.toml" "$T/system.toml"
sed -i '/^\[exec\]$/,$d' "$R/etc/flux/system/conf.d/system.toml"
gate packages.security
is "$rc" 0 "flux-security missing, no [exec] imp: exit 0"
is "$(result packages.security)" warn "flux-security missing, no [exec] imp: warn"
like "$(msg packages.security)" "only run jobs as the flux user \(no \[exec\] imp is configured, so this only warns\)" "...and why only a warning"
cp -p "$T/system.toml" "$R/etc/flux/system/conf.d/system.toml"
# only the library back: the IMP is still missing
mv "$T/aside/libflux-security.so.1.0.0" "$T/aside/libflux-security.so.1" "$LIB/"
gate packages.security
is "$(result packages.security)" fail "flux-imp missing with [exec] imp set: fail"
like "$(msg packages.security)" "^flux-security is incomplete \(no flux-imp; " "...incomplete: no flux-imp"
mv "$T/aside/flux-imp" "$R$FLUX_IMP"
# a dangling soname link alone is no library
mv "$LIB/libflux-security.so.1.0.0" "$T/aside/"
gate packages.security
is "$(result packages.security)" fail "only a dangling libflux-security.so.1 link: not installed"
mv "$T/aside/libflux-security.so.1.0.0" "$LIB/"
gate packages.security
is "$(result packages.security)" pass "flux-security back: pass"

# --- flux-sched: missing or half there warns (sched-simple is used)
mv "$LIB/flux/modules/sched-fluxion-qmanager.so" "$T/aside/"
gate packages.sched
is "$rc" 0 "one fluxion module missing: exit 0"
is "$(result packages.sched)" warn "one fluxion module missing: warn"
like "$(msg packages.sched)" "^flux-sched is incomplete: $LIB/flux/modules/sched-fluxion-resource.so is there but sched-fluxion-qmanager.so is not" \
    "...names the missing module"
mv "$LIB/flux/modules/sched-fluxion-resource.so" "$T/aside/"
gate --journal "$T/j3.json" packages.sched
is "$(result packages.sched)" warn "flux-sched missing: warn"
like "$(msg packages.sched)" "^flux-sched is not installed although dpkg lists it .*falls back to sched-simple" "...sched-simple is used"
is "$(jfield "$T/j3.json" packages.sched FLUX_PREFLIGHT_RESULT)" warn "journal: packages.sched RESULT=warn"
is "$(jfield "$T/j3.json" packages.sched PRIORITY)" 4 "journal: PRIORITY=4"
is "$(jfield "$T/j3.json" packages.sched FLUX_PREFLIGHT_SEVERITY)" warn "journal: severity warn (never blocks)"
# fluxion in lib64 (an RPM layout)
mkdir -p "$R/usr/lib64/flux/modules"
mv "$T/aside/sched-fluxion-resource.so" "$T/aside/sched-fluxion-qmanager.so" "$R/usr/lib64/flux/modules/"
gate packages.sched
is "$(result packages.sched)" pass "fluxion modules in /usr/lib64/flux/modules: pass"

# --- packages.optional's journal entry
gate --journal "$T/j4.json" packages.optional
is "$(jfield "$T/j4.json" packages.optional FLUX_PREFLIGHT_FLUX_PAM)" true "journal: FLUX_PREFLIGHT_FLUX_PAM=true"
is "$(jfield "$T/j4.json" packages.optional FLUX_PREFLIGHT_FLUX_ACCOUNTING_VERSION)" 0.30.0-1 "journal: FLUX_PREFLIGHT_FLUX_ACCOUNTING_VERSION"
is "$(jfield "$T/j4.json" packages.optional PRIORITY)" 6 "journal: PRIORITY=6 (pass)"

gate_changed_nothing
done_testing
