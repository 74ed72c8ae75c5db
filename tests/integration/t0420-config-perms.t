#!/bin/sh
# config.perms: the system, security, imp and preflight conf.d, and the
# directories above them, are root's and writable by root only; their *.toml
# files are root-owned regular files, no symlinks; the broker (flux) can read
# the system config. The IMP's own words for what it refuses. Every fault is
# made for real; the gate changes nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/rootgate.sh"

T=$(mktemp -d /tmp/fp-t0420.XXXXXX)
fp_atexit "rm -rf '$T'"
fixture_healthy "$T/root" node0 node1 || bail "fixture root"
R=$FIXTURE_ROOT
SYSD=$R/etc/flux/system/conf.d
SECD=$R/etc/flux/security/conf.d
IMPD=$R/etc/flux/imp/conf.d
PFD=$R/etc/flux/preflight/conf.d

mkdir -p "$PFD"
chmod 0755 "$R/etc/flux/preflight" "$PFD"
: >"$PFD/gate.toml"
chmod 0644 "$PFD/gate.toml"

# gate [--journal OUT.json] -> $T/out (JSON), $rc
CHECKS=config.perms
gate() { root_gate "$@"; }
res() { jq -r ".results[] | select(.id == \"config.perms\") | $1" "$T/out"; }

# --- healthy: four conf.d, root 0755, files root 0644
gate
is "$rc" 0 "healthy configs: exit 0"
is "$(res .result)" pass "healthy configs: config.perms passes"
is "$(res .facts.dirs)" 4 "four directories judged (system, security, imp, preflight)"
is "$(res .facts.files)" 4 "four files judged"
like "$(res .message)" "4 files in 4 directories: owned by root, writable by root only, system config readable by flux" "the pass message"

# --- system config owned by someone else
chown 1234 "$SYSD/system.toml"
gate --journal "$T/j-owner.json"
is "$rc" 1 "system.toml owned by uid 1234: exit 1"
is "$(res .result)" fail "system.toml not root's: config.perms fails"
like "$(res .message)" "$SYSD/system.toml: not owned by root \\(owner 1234\\): its owner can change the broker's configuration: chown root:root $SYSD/system.toml" "not root's: who and the fix"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=config.perms)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j-owner.json" PRIORITY FLUX_PREFLIGHT_CHECK=config.perms)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=config.perms)" fail "journal: SEVERITY=fail"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_PATH FLUX_PREFLIGHT_CHECK=config.perms)" "$SYSD/system.toml" "journal: PATH names the file"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_PROBLEMS FLUX_PREFLIGHT_CHECK=config.perms)" 1 "journal: PROBLEMS=1"
is "$(journal_get "$T/j-owner.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=config.perms)" 4f049d4f9ff54dc586731e5f3b186748 "journal: config.perms MESSAGE_ID"
chown root "$SYSD/system.toml"

# --- the system config unreadable by flux, or only through its group
chmod 0600 "$SYSD/system.toml"
gate
is "$rc" 1 "system.toml 0600: exit 1"
like "$(res .message)" "$SYSD/system.toml \\(mode 0600\\) is not readable by flux: the broker runs as flux and cannot load it: chmod 0644" "0600: flux cannot read it"
chgrp 500 "$SYSD/system.toml"; chmod 0640 "$SYSD/system.toml"
gate
is "$rc" 0 "system.toml root:flux 0640: exit 0"
is "$(res .result)" warn "root:flux 0640: readable by flux, not public: warn"
like "$(res .message)" "$SYSD/system.toml is mode 0640, not publicly readable: chmod 0644" "0640: says so"
chgrp root "$SYSD/system.toml"; chmod 0644 "$SYSD/system.toml"
chmod 0750 "$SYSD"
gate
is "$rc" 1 "system conf.d 0750: exit 1"
like "$(res .message)" "$SYSD \\(mode 0750\\) is not readable by flux: the broker cannot load the system configuration" "conf.d 0750: flux cannot list it"
chmod 0775 "$SYSD"
gate
is "$(res .result)" fail "system conf.d 0775: fails"
like "$(res .message)" "$SYSD is writable by group/other \\(mode 0775\\): they can add or replace system configuration files: chmod 0755 $SYSD" "conf.d 0775: says why"
chmod 0755 "$SYSD"
chown 500 "$R/etc/flux"
gate
is "$(res .result)" fail "/etc/flux owned by flux: fails"
like "$(res .message)" "$R/etc/flux is owned by flux: whoever owns it can replace the system configuration below it: chown root:root $R/etc/flux" "ancestor owned by flux: says why"
is "$(res .message | grep -o "$R/etc/flux is owned by flux" | wc -l)" 1 "ancestor owned by flux: reported once, not once per config space below it"
chown root "$R/etc/flux"

# --- security and imp: the IMP's path rules and words
chmod 0664 "$SECD/sign.toml"
gate
is "$rc" 1 "sign.toml 0664: exit 1"
like "$(res .message)" "$SECD/sign.toml: bad file permissions \\(0664\\): writable by group root, whose members can change the security configuration \\(the IMP refuses it unless that is its own group\\): chmod 0644 $SECD/sign.toml" "0664: the IMP's words"
chmod 0646 "$SECD/sign.toml"
gate
like "$(res .message)" "$SECD/sign.toml: bad file permissions \\(0646\\): writable by anyone, the IMP refuses it: chmod 0644 $SECD/sign.toml" "0646: the IMP's words"
chmod 0644 "$SECD/sign.toml"
chown 500 "$IMPD/imp.toml"
gate
like "$(res .message)" "$IMPD/imp.toml: insecure file ownership \\(owner flux\\): the IMP refuses it: chown root:root $IMPD/imp.toml" "imp.toml owned by flux: the IMP's words"
chown root "$IMPD/imp.toml"
mv "$IMPD/imp.toml" "$R/etc/flux/imp/real-imp.toml"
ln -s ../real-imp.toml "$IMPD/imp.toml"
gate
is "$rc" 1 "imp.toml a symlink: exit 1"
like "$(res .message)" "$IMPD/imp.toml: symbolic link \\(to ../real-imp.toml\\): the IMP refuses it \\(\"symbolic link\"\\)" "symlink: the IMP's words"
rm "$IMPD/imp.toml"
mv "$R/etc/flux/imp/real-imp.toml" "$IMPD/imp.toml"
mv "$IMPD" "$R/etc/flux/imp/conf.real"
ln -s conf.real "$IMPD"
gate
is "$(res .result)" fail "imp conf.d a symlink: fails"
like "$(res .message)" "$IMPD: symbolic link \\(to conf.real\\): the IMP refuses the files in it" "imp conf.d symlink: says why"
rm "$IMPD"
mv "$R/etc/flux/imp/conf.real" "$IMPD"

# --- not regular files: reported, never opened
mkfifo -m 0644 "$SYSD/zz-fifo.toml"
gate
is "$rc" 1 "a FIFO named *.toml: exit 1 (and the run did not block on it)"
like "$(res .message)" "$SYSD/zz-fifo.toml is a FIFO, not a regular file" "FIFO: reported as a FIFO"
rm "$SYSD/zz-fifo.toml"
mkdir "$SECD/dir.toml"
gate
like "$(res .message)" "$SECD/dir.toml is a directory, not a regular file" "a directory named *.toml: reported"
rmdir "$SECD/dir.toml"
# what flux does not load is not judged
printf 'x\n' >"$SYSD/notes.txt"; chmod 0666 "$SYSD/notes.txt"
printf 'x\n' >"$SYSD/.hidden.toml"; chmod 0666 "$SYSD/.hidden.toml"
gate
is "$(res .result)" pass "non-*.toml files and dotfiles are not loaded by flux: not judged"
rm "$SYSD/notes.txt" "$SYSD/.hidden.toml"

# --- the gate's own config
chmod 0664 "$PFD/gate.toml"
gate
like "$(res .message)" "$PFD/gate.toml: insecure permissions \\(0664\\): writable by group root" "preflight conf.d: group-writable file fails"
chmod 0644 "$PFD/gate.toml"

# --- a missing conf.d is skipped (config.parse reports missing configs)
mv "$IMPD" "$T/imp-conf.d"
gate
is "$rc" 0 "no imp conf.d: exit 0"
is "$(res .result)" pass "no imp conf.d: the others still pass"
is "$(res .facts.dirs)" 3 "no imp conf.d: three directories judged"
is "$(res .facts.missing)" "$IMPD" "no imp conf.d: named in the missing fact"
mv "$T/imp-conf.d" "$IMPD"

gate
is "$rc" 0 "healthy again: exit 0"
is "$CHANGED" 0 "the gate changed nothing under the root in any run (type, mode, owner, size, mtime, content)"

like "$("$FP_BIN" explain config.perms | tr "\n" " ")" "^config.perms: .*Fix: '?chown -R root:root" "flux-preflight explain config.perms"

done_testing
