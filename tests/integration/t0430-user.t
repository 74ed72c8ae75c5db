#!/bin/sh
# user.flux: the user flux.service runs the broker as (User=flux,
# Group=flux) exists, is not root, and has its group: from the image's
# /etc/passwd and /etc/group under --root, and through NSS on the live node
# (a real user made with useradd, removed at exit).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/rootgate.sh"

T=$(mktemp -d /tmp/fp-t0430.XXXXXX)
fp_atexit "rm -rf '$T'"
fixture_healthy "$T/root" node0 node1 || bail "fixture root"
R=$FIXTURE_ROOT
mkdir -p "$R/etc/flux/preflight/conf.d"
chmod 0755 "$R/etc/flux/preflight" "$R/etc/flux/preflight/conf.d"
: >"$R/etc/flux/preflight/conf.d/gate.toml"
cp -p "$R/etc/passwd" "$T/passwd"
cp -p "$R/etc/group" "$T/group"

# gate [--journal OUT.json] -> $T/out (JSON), $rc
CHECKS=user.flux
gate() { root_gate "$@"; }
res() { jq -r ".results[] | select(.id == \"user.flux\") | $1" "$T/out"; }
reset_ids() { cp -p "$T/passwd" "$R/etc/passwd"; cp -p "$T/group" "$R/etc/group"; }

# --- a healthy fixture root passes every check of this area
ALL=statedir.present,statedir.owner,statedir.fs,statedir.restore,cert.present,cert.perms,cert.format,config.perms,user.flux
rc=0
"$FP_BIN" --root "$R" --hostname node0 --config /etc/flux/preflight/conf.d --check "$ALL" --json >"$T/out" || rc=$?
is "$rc" 0 "healthy fixture: exit 0"
is "$(jq -r '[.results[] | select(.result != "pass") | .id] | join(",")' "$T/out")" "" "healthy fixture: every statedir, cert, config.perms and user.flux check passes"
is "$(jq -r '.results | length' "$T/out")" 9 "healthy fixture: all nine ran"
ok "--json output is valid against the schema" python3 "$top_srcdir/tests/lib/check-status-schema.py" "$T/out"

# --- healthy image
gate
is "$rc" 0 "flux user in the image: exit 0"
is "$(res .result)" pass "user.flux passes"
is "$(res .message)" "user flux: uid 500, gid 500 (flux)" "the pass message gives uid and gid"
is "$(res .facts.uid)" 500 "uid fact"
is "$(res .facts.gid)" 500 "gid fact"

# --- no flux user
sed -i '/^flux:/d' "$R/etc/passwd"
gate --journal "$T/j-missing.json"
is "$rc" 1 "no flux user: exit 1"
is "$(res .result)" fail "no flux user: user.flux fails"
like "$(res .message)" "user flux does not exist in $R/etc/passwd: flux.service runs the broker as User=flux and fails to start" "no flux user: says where it looked and what breaks"
like "$(res .message)" "useradd --system --no-create-home --shell /usr/sbin/nologin flux \\(with the same uid on every node: add -u UID\\)" "no flux user: the fix"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=user.flux)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j-missing.json" PRIORITY FLUX_PREFLIGHT_CHECK=user.flux)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=user.flux)" fail "journal: SEVERITY=fail"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_USER FLUX_PREFLIGHT_CHECK=user.flux)" flux "journal: USER=flux"
is "$(journal_get "$T/j-missing.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=user.flux)" 732ca877c91e4265bd14a5c86cf17b35 "journal: user.flux MESSAGE_ID"
reset_ids

# --- flux is root
sed -i 's/^flux:x:500:500:/flux:x:0:500:/' "$R/etc/passwd"
gate --journal "$T/j-root.json"
is "$rc" 1 "flux with uid 0: exit 1"
like "$(res .message)" "user flux has uid 0: the broker would run as root" "uid 0: says why"
is "$(journal_get "$T/j-root.json" FLUX_PREFLIGHT_UID FLUX_PREFLIGHT_CHECK=user.flux)" 0 "journal: UID=0"
reset_ids

# --- groups
sed -i '/^flux:/d' "$R/etc/group"
gate
is "$rc" 1 "no flux group: exit 1"
like "$(res .message)" "the primary group of flux \\(gid 500\\) does not exist: groupadd -g 500 flux" "no group: primary gid unknown"
like "$(res .message)" "group flux does not exist: flux.service runs the broker with Group=flux and fails to start \\(status=216/GROUP\\)" "no group: Group=flux would fail"
reset_ids
sed -i 's/^flux:x:500:500:/flux:x:500:0:/' "$R/etc/passwd"
gate
is "$rc" 0 "flux with primary group root: exit 0"
is "$(res .result)" warn "primary group root: a warning"
reset_ids

# --- another user name, from the gate config
sed -i 's/^flux:/fluxsvc:/' "$R/etc/passwd" "$R/etc/group"
printf 'flux-user = "fluxsvc"\n' >"$R/etc/flux/preflight/conf.d/gate.toml"
gate
is "$(res .result)" pass "flux-user = fluxsvc: resolved from the image"
is "$(res .facts.user)" fluxsvc "the user fact follows the config"
: >"$R/etc/flux/preflight/conf.d/gate.toml"
reset_ids

# --- the live node, through NSS: a real user
U=fpu$$
G=fpg$$
groupadd "$G" || bail "groupadd"
fp_atexit "groupdel '$G' 2>/dev/null"
useradd --system --no-create-home --shell /usr/sbin/nologin -g "$G" "$U" || bail "useradd"
fp_atexit "userdel '$U' 2>/dev/null"
mkdir -p "$T/live"
printf 'flux-user = "%s"\n' "$U" >"$T/live/gate.toml"
rc=0
"$FP_BIN" --config "$T/live" --check user.flux --json >"$T/out" || rc=$?
is "$(res .result)" fail "live: a user whose group is not named like it: fails (Group=$U would fail)"
like "$(res .message)" "group $U does not exist" "live: says the group is missing"
is "$(res .facts.uid)" "$(id -u "$U")" "live: uid from NSS"
groupmod -n "$U" "$G" || bail "groupmod"
fp_atexit "groupdel '$U' 2>/dev/null"
rc=0
"$FP_BIN" --config "$T/live" --check user.flux --json >"$T/out" || rc=$?
is "$rc" 0 "live: user and group present: exit 0"
is "$(res .result)" pass "live: user.flux passes"
like "$(res .message)" "user $U: uid $(id -u "$U"), gid $(id -g "$U")" "live: uid and gid reported"
userdel "$U"
rc=0
"$FP_BIN" --config "$T/live" --check user.flux --json >"$T/out" || rc=$?
is "$rc" 1 "live: user removed: exit 1"
like "$(res .message)" "user $U does not exist in NSS \\(getent passwd $U\\)" "live: says it asked NSS"

is "$CHANGED" 0 "the gate changed nothing under the root in any run"

like "$("$FP_BIN" explain user.flux | tr "\n" " ")" "^user.flux: .*Fix: '?useradd --system --no-create-home --shell /usr/sbin/nologin flux" "flux-preflight explain user.flux"

# --- the cluster's uid and gid pinned in the gate config (flux-uid, flux-gid)
G=$R/etc/flux/preflight/conf.d/ids.toml
printf 'flux-uid = 500\nflux-gid = 500\n' >"$G"
gate
is "$rc" 0 "flux-uid/flux-gid match the image's flux user: exit 0"
is "$(res .result)" pass "flux-uid/flux-gid match: pass"
printf 'flux-uid = 600\nflux-gid = 700\n' >"$G"
gate
is "$rc" 1 "another uid than the cluster's: exit 1"
is "$(res .result)" fail "another uid than the cluster's: fail"
like "$(res .message)" "user flux has uid 500, the cluster's is 600 \\(flux-uid\\).*usermod -u 600 flux" "the message names both uids and the fix"
like "$(res .message)" "user flux has gid 500, the cluster's is 700 \\(flux-gid\\)" "the gid mismatch is reported too"
rm -f "$G"

done_testing
