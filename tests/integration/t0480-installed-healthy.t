#!/bin/sh
# A healthy image (tests/lib/fixture.sh plus what flux-core, flux-security and
# flux-sched install, the IMP with PAM) passes packages.*, imp.*, munge.key;
# time.sync, a live check, is skipped under --root. The whole tree is the
# same before and after (content, mode, owner, size, mtime, ctime, links).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0480.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
MINE=packages.core,packages.security,packages.sched,packages.optional,imp.setuid,imp.pam,munge.key,time.sync

gate --journal "$T/j.json" "$MINE"
is "$rc" 0 "healthy image: exit 0"
is "$(jq -r .verdict "$T/out")" pass "healthy image: verdict pass"
for id in packages.core packages.security packages.sched packages.optional imp.setuid imp.pam munge.key; do
    is "$(result $id)" pass "healthy image: $id passes ($(msg $id | cut -c1-60)...)"
    is "$(jfield "$T/j.json" $id FLUX_PREFLIGHT_RESULT)" pass "journal: $id RESULT=pass"
done
is "$(result time.sync)" skip "healthy image: time.sync skipped under --root"
is "$(jq -r '.counts | "\(.pass) \(.skip) \(.warn) \(.fail) \(.error)"' "$T/out")" "7 1 0 0 0" "counts: 7 pass, 1 skip"
ok "--json output is valid against the schema" python3 "$top_srcdir/tests/lib/check-status-schema.py" "$T/out"
for id in packages.core packages.security packages.sched packages.optional imp.setuid imp.pam munge.key time.sync; do
    is "$("$FP_BIN" explain $id | sed -n 's/.*MESSAGE_ID=//p' | head -1)" \
        "$(jfield "$T/j.json" $id MESSAGE_ID)" "journal: $id carries its MESSAGE_ID"
done

gate_changed_nothing
done_testing
