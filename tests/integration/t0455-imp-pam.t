#!/bin/sh
# imp.pam: with exec.pam-support = true, /etc/pam.d/flux needs auth and session
# lines whose modules exist in the image's module directories. Under --root
# the stack is judged by reading it: libpam is never started on an image
# (nothing of it is loaded into the gate; t1200 proves it with a module that
# writes a marker). Real files; the gate changes nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0455.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
PAMF=$R/etc/pam.d/flux
IMPTOML=$R/etc/flux/imp/conf.d/imp.toml
cp -p "$IMPTOML" "$T/imp.toml"
pam() { printf "$@" >"$PAMF"; }

# --- pam-support off or absent: skipped
sed -i '/^pam-support/d' "$IMPTOML"
gate imp.pam
is "$(result imp.pam)" skip "pam-support not set: skip"
is "$(msg imp.pam)" "exec.pam-support is not set in the IMP config: the IMP does not use PAM" "...with the reason"
printf 'pam-support = false\n' >>"$IMPTOML"
gate imp.pam
is "$(msg imp.pam)" "exec.pam-support is false in the IMP config: the IMP does not use PAM" "pam-support = false: skip"
cp -p "$T/imp.toml" "$IMPTOML"

# --- healthy
gate imp.pam
is "$rc" 0 "auth + session: exit 0"
is "$(result imp.pam)" pass "auth + session: pass"
is "$(msg imp.pam)" "$PAMF: 1 auth and 1 session line, every module found in the image's module directories (judged by reading the stack; not tried: libpam is not started under --root, so no module of the image was loaded)" \
    "...message (under --root libpam is not started, and it says so)"
is "$(fact imp.pam pam_start)" false "...fact pam_start=false"

# --- no session line (only a commented one)
pam 'auth required pam_localuser.so\n# session required pam_limits.so\naccount required pam_limits.so\n'
gate --journal "$T/j1.json" imp.pam
is "$rc" 1 "no session line: exit 1"
is "$(result imp.pam)" fail "no session line: fail"
is "$(msg imp.pam)" "$PAMF has no usable session line: the IMP calls pam_open_session, which fails on an empty session stack, so every multi-user job fails: add one, e.g. echo 'session required pam_limits.so' >>$PAMF" \
    "...message with the line to add"
is "$(jfield "$T/j1.json" imp.pam FLUX_PREFLIGHT_RESULT)" fail "journal: RESULT=fail"
is "$(jfield "$T/j1.json" imp.pam FLUX_PREFLIGHT_SESSION_LINES)" 0 "journal: FLUX_PREFLIGHT_SESSION_LINES=0"
is "$(jfield "$T/j1.json" imp.pam FLUX_PREFLIGHT_AUTH_LINES)" 1 "journal: FLUX_PREFLIGHT_AUTH_LINES=1"
is "$(jfield "$T/j1.json" imp.pam FLUX_PREFLIGHT_PATH)" "$PAMF" "journal: FLUX_PREFLIGHT_PATH"
is "$(jfield "$T/j1.json" imp.pam PRIORITY)" 3 "journal: PRIORITY=3"

# --- no auth line
pam 'session required pam_limits.so\n'
gate imp.pam
is "$(result imp.pam)" fail "no auth line: fail"
like "$(msg imp.pam)" "^$PAMF has no usable auth line: the IMP calls pam_setcred" "...names auth and pam_setcred"

# --- an empty file: both
pam ''
gate imp.pam
like "$(msg imp.pam)" "no usable auth line.*; .*no usable session line" "empty file: both missing"

# --- the file missing: fail (and libpam would fall back to "other")
rm -f "$PAMF"
gate imp.pam
is "$rc" 1 "no /etc/pam.d/flux: exit 1"
like "$(msg imp.pam)" "^$PAMF does not exist, but exec.pam-support is on: .*\"other\" stack" "...message"
mkdir "$PAMF"
gate imp.pam
like "$(msg imp.pam)" "^$PAMF is a directory, not a regular file: libpam cannot read" "a directory there: fail"
rmdir "$PAMF"

# --- a module that does not exist; "-" lines may miss theirs
pam 'auth required pam_localuser.so\nsession required pam_fp_nonexistent.so\n'
gate imp.pam
is "$(result imp.pam)" fail "a missing session module: fail"
like "$(msg imp.pam)" "names modules or files that do not exist in the image: 'session required pam_fp_nonexistent.so'" "...names it"
like "$(msg imp.pam)" "no usable session line" "...and the session stack is empty"
is "$(fact imp.pam missing)" "'session required pam_fp_nonexistent.so'" "...fact missing"
pam 'auth required pam_localuser.so\n-session optional pam_fp_nonexistent.so\nsession required pam_limits.so\n'
gate imp.pam
is "$(result imp.pam)" pass "a '-session' line with an absent module is tolerated"
pam 'auth [success=1 default=ignore] pam_localuser.so\nsession  required \\\n    pam_limits.so debug\n'
gate imp.pam
is "$(result imp.pam)" pass "bracket controls and a continued line parse"
pam 'auth required %s/pam_localuser.so\nsession required pam_limits.so\n' "$PAMDIR"
gate imp.pam
is "$(result imp.pam)" pass "a module by absolute path (in the image)"

# --- include, substack and @include pull lines from other files in pam.d
printf 'auth required pam_localuser.so\n' >"$R/etc/pam.d/fp-common-auth"
printf 'session required pam_limits.so\n' >"$R/etc/pam.d/fp-common-session"
pam 'auth include fp-common-auth\nsession substack fp-common-session\n'
gate imp.pam
is "$(result imp.pam)" pass "auth include + session substack: pass"
is "$(fact imp.pam auth_lines) $(fact imp.pam session_lines)" "1 1" "...counted from the included files"
pam 'auth include fp-common-session\nsession include fp-common-session\n'
gate imp.pam
like "$(msg imp.pam)" "no usable auth line" "an auth include of a file without auth lines gives no auth"
pam 'auth include fp-missing-file\nsession include fp-common-session\n'
gate imp.pam
like "$(msg imp.pam)" "do not exist in the image: 'auth include fp-missing-file'" "an include of a missing file: named"

# --- an @include of a missing file (libpam would abort pam_start: "Critical
# error - immediate abort"): named, and libpam is not started to find out
pam 'auth required pam_localuser.so\nsession required pam_limits.so\n@include fp-n2-missing-%s\n' "$$"
gate --journal "$T/j2.json" imp.pam
is "$rc" 1 "@include of a missing file: exit 1"
like "$(msg imp.pam)" "'@include fp-n2-missing-$$'" "...the missing include named"
is "$(jfield "$T/j2.json" imp.pam FLUX_PREFLIGHT_PAM_START)" false "journal: FLUX_PREFLIGHT_PAM_START=false"
pam 'auth required pam_localuser.so\nsession required pam_limits.so\n'

gate_changed_nothing
done_testing
