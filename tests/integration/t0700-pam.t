#!/bin/sh
# t0700-pam: pam_flux_preflight keeps ordinary users off a node whose preflight
# failed, tells them why, and lets root and the admin group in with a warning.
#
# Real libpam (pam_start_confdir, a private config dir naming the module by
# absolute path), real users and groups (useradd/groupadd, removed at exit),
# real status files with the owner and mode of each scenario. What the module
# sends to syslog is read back through a /dev/log socket that the driver binds
# inside a private mount namespace.
#
# FP_PAM_MODULE and FP_PAM_DRIVER override the built module and driver.

. "$top_srcdir/tests/lib/tap.sh"
need_root

MODULE=${FP_PAM_MODULE:-$top_builddir/pam/.libs/pam_flux_preflight.so}
DRIVER=${FP_PAM_DRIVER:-$top_builddir/tests/pam/pam-driver}
[ -f "$MODULE" ] || bail "no module at $MODULE"
[ -x "$DRIVER" ] || bail "no driver at $DRIVER"
for tool in useradd userdel groupadd groupdel mkfifo; do
    command -v $tool >/dev/null || skip_all "$tool not found"
done

T=$(mktemp -d /tmp/t0700-pam.XXXXXX) || bail "mktemp failed"
USER_=fpt-user-$$       # an ordinary user
ADMIN=fpt-admin-$$      # admin group as a supplementary group, among many
PADMIN=fpt-padmin-$$    # admin group as the primary group
AG=fpt-adm-$$           # the admin group
NGROUPS=80              # more than the module's first getgrouplist() buffer
created_users=
created_groups=

cleanup() {
    for u in $created_users; do userdel "$u" 2>/dev/null; done
    for g in $created_groups; do groupdel "$g" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

groupadd "$AG" && created_groups="$AG" || bail "groupadd $AG failed"
extra=
i=1
while [ $i -le $NGROUPS ]; do
    groupadd "fpt-g$$-$i" || bail "groupadd fpt-g$$-$i failed"
    created_groups="fpt-g$$-$i $created_groups"
    extra="$extra,fpt-g$$-$i"
    i=$((i + 1))
done
useradd -M -s /usr/sbin/nologin "$USER_" && created_users="$USER_" || bail "useradd failed"
useradd -M -s /usr/sbin/nologin -G "${extra#,},$AG" "$ADMIN" && created_users="$ADMIN $created_users" \
    || bail "useradd $ADMIN failed"
useradd -M -s /usr/sbin/nologin -N -g "$AG" "$PADMIN" && created_users="$PADMIN $created_users" \
    || bail "useradd $PADMIN failed"
# admin_group's default is the distribution's administrators group: wheel
# (RHEL), else sudo (Debian); a user in it, when this machine has one
DEFAG=
for g in wheel sudo; do getent group "$g" >/dev/null && { DEFAG=$g; break; }; done
DADMIN=fpt-dadmin-$$
if [ -n "$DEFAG" ]; then
    useradd -M -s /usr/sbin/nologin -G "$DEFAG" "$DADMIN" && created_users="$DADMIN $created_users" \
        || bail "useradd $DADMIN failed"
fi

# --- the node ---------------------------------------------------------------

mkdir -p "$T/run" "$T/pam.d" "$T/dev"
chmod 0755 "$T/run"
ST=$T/run/status.json
BOOT=$(cat /proc/sys/kernel/random/boot_id)
OTHER_BOOT=0123456789abcdef0123456789abcdef
HOST=$(uname -n)

# pam.d/SERVICE with the module in auth, account and session, given OPTIONS
service() {
    _name=$1; shift
    {
        echo "auth     required $MODULE status=$ST $*"
        echo "auth     required pam_permit.so"
        echo "account  required $MODULE status=$ST $*"
        echo "session  required $MODULE status=$ST $*"
    } >"$T/pam.d/$_name"
}
printf '%s required pam_deny.so\n' auth account password session >"$T/pam.d/other"
service fp-allow admin_group=$AG                 # missing=allow is the default
service fp-deny admin_group=$AG missing=deny
service fp-warn admin_group=$AG mode=warn
service fp-noadm admin_group=                    # no admin group: only root
service fp-defadm                                # the default: wheel, else sudo
service fp-badopt admin_group=$AG frobnicate=yes
service fp-nogroup admin_group=fpt-nosuchgroup-$$
service fp-debug admin_group=$AG debug

# install stdin as the status file, as the gate does: root-owned 0644, renamed into place
put() {
    cat >"$ST.tmp" && chown 0:0 "$ST.tmp" && chmod 0644 "$ST.tmp" && mv -f "$ST.tmp" "$ST"
}

# status VERDICT [BOOT_ID [MODE]]: two failed checks when VERDICT is fail
status() {
    if [ "$1" = fail ]; then
        _failed='"munge.daemon", "statedir.space"'
        _counts='"pass": 20, "warn": 2, "fail": 2, "skip": 3, "error": 0'
    else
        _failed=
        _counts='"pass": 22, "warn": 2, "fail": 0, "skip": 3, "error": 0'
    fi
    cat <<EOF
{ "version": 1, "host": "node17", "boot_id": "${2:-$BOOT}", "time": "2026-11-23T20:01:02Z",
  "mode": "${3:-enforce}", "verdict": "$1",
  "counts": { $_counts },
  "failed": [ $_failed ],
  "results": [
    { "id": "munge.daemon", "result": "$1", "severity": "fail",
      "message": "no answer from /run/munge/munge.socket.2 within 5s",
      "duration_us": 5000123, "facts": { "socket": "/run/munge/munge.socket.2" } },
    { "id": "statedir.space", "result": "$1", "severity": "fail",
      "message": "only 200 MiB free on /var/lib/flux, need 1 GiB",
      "duration_us": 412, "facts": { "path": "/var/lib/flux", "free_bytes": 209715200 } },
    { "id": "time.sync", "result": "pass", "severity": "fail", "message": "synchronised",
      "duration_us": 35, "facts": {} } ] }
EOF
}

# drive SERVICE USER OP: $out = conversation + rc lines, $log = what reached syslog
LOGNS=no
: >"$T/dev/null" && : >"$T/dev/urandom" && : >"$T/dev/zero"
if unshare --mount sh -c 'for n in null urandom zero; do mount --bind /dev/$n "$1/$n" || exit 1; done
                          mount --rbind "$1" /dev' sh "$T/dev" 2>/dev/null; then
    LOGNS=yes
else
    diag "no private mount namespace here: syslog text is not checked"
fi
drive() {
    if [ $LOGNS = yes ]; then
        _raw=$(unshare --mount sh -c '
            d=$1; shift
            for n in null urandom zero; do mount --bind /dev/$n "$d/$n"; done
            mount --rbind "$d" /dev && PAM_DRIVER_LOG_SOCKET=/dev/log exec "$@"' \
            sh "$T/dev" "$DRIVER" "$1" "$2" "$T/pam.d" "$3" 2>&1)
    else
        _raw=$("$DRIVER" "$1" "$2" "$T/pam.d" "$3" 2>&1)
    fi
    out=$(printf '%s\n' "$_raw" | grep -v '^log: ')
    log=$(printf '%s\n' "$_raw" | grep '^log: ')
}
like_log() {
    if [ $LOGNS = yes ]; then like "$log" "$1" "$2"; else skip "$2 (no syslog capture)"; fi
}

NL='
'
FAILED="its preflight failed: munge.daemon (no answer from /run/munge/munge.socket.2 within 5s), statedir.space (only 200 MiB free on /var/lib/flux, need 1 GiB)"
USER_REFUSED="error: node17: Flux is not available on this node: $FAILED. Contact your administrators.${NL}rc=6 Permission denied"
ADMIN_WARNED="info: node17: WARNING: Flux is not available on this node: $FAILED. Ordinary users are refused.${NL}rc=0 Success"
USER_WARNED="info: node17: Flux is not available on this node: $FAILED.${NL}rc=0 Success"
NO_RESULT="there is no preflight result for this boot"
MISSING_REFUSED="error: $HOST: Flux is not available on this node: $NO_RESULT. Contact your administrators.${NL}rc=6 Permission denied"
ALLOWED="rc=0 Success"

# --- a failed node ------------------------------------------------------------

status fail | put

drive fp-allow "$USER_" acct
is "$out" "$USER_REFUSED" "failed node: account refuses an ordinary user, naming the node and the failed checks"
like_log "refusing $USER_: its preflight failed: munge.daemon" "failed node: the refusal is logged"

drive fp-allow "$USER_" auth
is "$out" "$USER_REFUSED" "failed node: auth refuses an ordinary user the same way"

drive fp-allow root acct
is "$out" "$ADMIN_WARNED" "failed node: root gets in, with a warning naming the failures"
like_log "admitting root as an administrator" "failed node: the admission of root is logged"

drive fp-allow root auth
is "$out" "$ADMIN_WARNED" "failed node: auth lets root through (pam_permit decides)"

drive fp-allow "$ADMIN" acct
is "$out" "$ADMIN_WARNED" "failed node: a member of the admin group (one of $((NGROUPS + 2)) groups) gets in with the warning"

drive fp-allow "$PADMIN" acct
is "$out" "$ADMIN_WARNED" "failed node: a user whose primary group is the admin group gets in with the warning"

drive fp-noadm "$ADMIN" acct
is "$out" "$USER_REFUSED" "failed node, no admin_group: group members are ordinary users"

drive fp-noadm root acct
is "$out" "$ADMIN_WARNED" "failed node, no admin_group: root still gets in"

if [ -n "$DEFAG" ]; then
    drive fp-defadm "$DADMIN" acct
    is "$out" "$ADMIN_WARNED" "failed node, admin_group not given: a member of $DEFAG (the default here) gets in"
    drive fp-defadm "$ADMIN" acct
    is "$out" "$USER_REFUSED" "failed node, admin_group not given: members of other groups are ordinary users"
else
    skip "neither wheel nor sudo exists here: the default admin group cannot be tried"
    skip "neither wheel nor sudo exists here"
fi

drive fp-allow root session
is "$out" "$ADMIN_WARNED" "failed node: session shows root the warning at login"

drive fp-allow "$ADMIN" acct,session
is "$out" "$ADMIN_WARNED${NL}rc=0 Success" "failed node: account then session on one handle warn once, not twice"

drive fp-allow "$USER_" session
is "$out" "$USER_WARNED" "failed node: session alone never refuses; it tells an ordinary user why"

drive fp-allow nosuchuser-$$ acct
like "$out" "^rc=10 " "failed node: an unknown user is refused with PAM_USER_UNKNOWN"

drive fp-warn "$USER_" acct
is "$out" "$USER_WARNED" "mode=warn: an ordinary user gets in, told about the failure"

drive fp-warn root acct
is "$out" "info: node17: WARNING: Flux is not available on this node: $FAILED.${NL}rc=0 Success" \
    "mode=warn: root's warning does not claim users are refused"

drive fp-badopt "$USER_" acct
is "$out" "$USER_REFUSED" "an unknown option is ignored"
like_log "ignoring unknown or invalid option: frobnicate=yes" "an unknown option is logged"

drive fp-nogroup "$ADMIN" acct
is "$out" "$USER_REFUSED" "an admin_group that does not exist admits no one"
like_log "admin_group=fpt-nosuchgroup-$$: no such group: only root is admitted as an administrator" "a missing admin group is logged, with what it means"

status fail "$BOOT" warn | put
drive fp-allow "$USER_" acct
is "$out" "info: node17: Flux may not work correctly on this node: $FAILED.${NL}rc=0 Success" \
    "gate in warn mode (broker started): users are told, not refused"

status fail "$(printf %s "$BOOT" | tr -d -)" | put
drive fp-allow "$USER_" acct
is "$out" "$USER_REFUSED" "a boot id without dashes is the same boot"

status fail "$(printf %s "$BOOT" | tr a-f A-F)" | put
drive fp-allow "$USER_" acct
is "$out" "$USER_REFUSED" "a boot id in upper case is the same boot"

# many failures: five are named, the rest counted; hostile text is defanged
{
    printf '{ "version": 1, "host": "node\\u001b[2J17", "boot_id": "%s", "verdict": "fail",\n' "$BOOT"
    printf '  "failed": ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], "results": [\n'
    printf '  { "id": "c1", "message": "bell\\u0007 and csi\\u009b here" },\n'
    printf '  { "id": "c2", "message": "%s" } ] }\n' "$(printf '%0300d' 0 | tr 0 x)"
} | put
drive fp-allow "$USER_" acct
like "$out" "^error: node\?\[2J17: Flux is not available on this node: its preflight failed: c1 \(bell\? and csi\? here\), c2 \(x{92}\.\.\.\), c3, c4, c5, and 3 more\. Contact your administrators\.$" \
    "eight failures: five named, three counted, control characters shown as '?', long messages cut"
like "$out" "^rc=6 " "eight failures: refused"

# a long message is cut between words, not in the middle of a path
{
    printf '{ "version": 1, "host": "node17", "boot_id": "%s", "verdict": "fail",\n' "$BOOT"
    printf '  "failed": ["munge.daemon"], "results": [\n'
    printf '  { "id": "munge.daemon", "message": "cannot get a credential from munged on /run/munge/munge.socket.2: Failed to access \\"/run/munge/munge.socket.2\\": No such file or directory (Did you start munged?)" } ] }\n'
} | put
drive fp-allow "$USER_" acct
like "$out" "^error: node17: Flux is not available on this node: its preflight failed: munge\.daemon \(cannot get a credential from munged on /run/munge/munge\.socket\.2: Failed to access\.\.\.\)\. Contact your administrators\.$" \
    "a long message is cut after a whole word (not '/run/mun...')"
ok "eight failures: the message stays under PAM_MAX_MSG_SIZE (512)" \
    [ "$(printf '%s' "$out" | head -n 1 | wc -c)" -lt 512 ]

# --- a gate that has not finished, or was killed: "running" is not a pass ----------

running() {
    printf '{ "version": 1, "host": "node17", "boot_id": "%s", "time": "2026-12-03T10:00:00Z",
' "$BOOT"
    printf '  "mode": "%s", "verdict": "running", "summary": "RUNNING: checks started (pid 412)",
' "${1:-enforce}"
    printf '  "failed": [], "demoted": [], "results": [] }
'
}
RUNNING="its preflight has not finished (started 2026-12-03T10:00:00Z)"
running | put
drive fp-allow "$USER_" acct
is "$out" "error: node17: Flux is not available on this node: $RUNNING. Contact your administrators.${NL}rc=6 Permission denied" \
    "running (or killed) gate: an ordinary user is refused, told the preflight has not finished"
drive fp-allow "$USER_" auth
like "$out" "^rc=6 " "running gate: auth refuses too"
drive fp-allow root acct
is "$out" "info: node17: WARNING: Flux is not available on this node: $RUNNING. Ordinary users are refused.${NL}rc=0 Success" \
    "running gate: root gets in, warned"
drive fp-allow "$ADMIN" acct
like "$out" "^rc=0 " "running gate: the admin group gets in"
running warn | put
drive fp-allow "$USER_" acct
like "$out" "^rc=0 " "running gate in warn mode: users are told, not refused"

# --- the gate could not run (its own config is broken): fail, with its reason ------

printf '{ "version": 1, "host": "node17", "boot_id": "%s", "mode": "enforce", "verdict": "fail",
  "summary": "ERROR: gate config: /etc/flux/preflight/conf.d/a.toml:1: unknown key '"'"'x'"'"'",
  "failed": [], "results": [] }
' "$BOOT" | put
drive fp-allow "$USER_" acct
is "$out" "error: node17: Flux is not available on this node: its preflight failed: ERROR: gate config: /etc/flux/preflight/conf.d/a.toml:1: unknown key 'x'. Contact your administrators.${NL}rc=6 Permission denied" \
    "broken gate config: an ordinary user is refused with the gate's reason"

# --- the gate is off: everyone gets in, also with missing=deny ----------------------

printf '{ "version": 1, "host": "node17", "boot_id": "%s", "verdict": "off",
  "summary": "OFF: flux.preflight=off is on the kernel command line: the gate does not run",
  "failed": [], "results": [] }
' "$BOOT" | put
drive fp-deny "$USER_" acct
is "$out" "$ALLOWED" "gate off: an ordinary user gets in, silently, also with missing=deny"
drive fp-deny "$USER_" session
is "$out" "$ALLOWED" "gate off: session is silent"
drive fp-debug "$USER_" acct
like_log "$ST: verdict off" "gate off, debug: the decision is logged"

# --- a passing node -------------------------------------------------------------

status pass | put
drive fp-deny "$USER_" acct
is "$out" "$ALLOWED" "passed node: account lets an ordinary user in, silently"
drive fp-deny "$USER_" auth
is "$out" "$ALLOWED" "passed node: auth lets an ordinary user through, silently"
drive fp-deny "$USER_" session
is "$out" "$ALLOWED" "passed node: session is silent"
drive fp-deny root acct
is "$out" "$ALLOWED" "passed node: root gets in, silently"
drive fp-debug "$USER_" acct
is "$out" "$ALLOWED" "passed node, debug: silent for the user"
like_log "$ST: verdict pass" "passed node, debug: the decision is logged"

# --- no current result --------------------------------------------------------

rm -f "$ST"
drive fp-allow "$USER_" acct
is "$out" "$ALLOWED" "no status file, missing=allow: an ordinary user gets in, silently"
drive fp-debug "$USER_" acct
like_log "no current result: $ST does not exist" "no status file, debug: the reason is logged"
drive fp-deny "$USER_" acct
is "$out" "$MISSING_REFUSED" "no status file, missing=deny: an ordinary user is refused"
drive fp-deny root acct
is "$out" "info: $HOST: WARNING: Flux is not available on this node: $NO_RESULT ($ST does not exist). Ordinary users are refused.${NL}rc=0 Success" \
    "no status file, missing=deny: root gets in, told why"
drive fp-deny "$ADMIN" acct
like "$out" "^rc=0 " "no status file, missing=deny: the admin group gets in"

status fail "$OTHER_BOOT" | put
drive fp-allow "$USER_" acct
is "$out" "$ALLOWED" "failed result from an earlier boot, missing=allow: counts as none, user gets in"
drive fp-deny "$USER_" acct
is "$out" "$MISSING_REFUSED" "failed result from an earlier boot, missing=deny: refused as having no result"
status pass "$OTHER_BOOT" | put
drive fp-deny "$USER_" acct
is "$out" "$MISSING_REFUSED" "passed result from an earlier boot, missing=deny: refused as having no result"
drive fp-deny root acct
like "$out" "^info: .*$NO_RESULT \($ST is from an earlier boot \(boot id $OTHER_BOOT\)\)" \
    "earlier boot: root is told the result is stale"

# --- status files not to be trusted: treated as missing, reason logged ----------
# Each is tried twice: a failing verdict with missing=allow (user gets in: the
# content was not used) and a passing one with missing=deny (user refused as
# having no result: again, the content was not used).

untrusted() { # NAME LOG-REGEX MAKE-COMMAND...  (MAKE reads the content on stdin)
    _name=$1 _re=$2; shift 2
    rm -rf "$ST" "$T/target"
    status fail | "$@"
    drive fp-allow "$USER_" acct
    is "$out" "$ALLOWED" "$_name status file (failing), missing=allow: treated as missing"
    like_log "ignoring status file: $_re; treating it as missing" "$_name status file: the reason is logged"
    rm -rf "$ST" "$T/target"
    status pass | "$@"
    drive fp-deny "$USER_" acct
    is "$out" "$MISSING_REFUSED" "$_name status file (passing), missing=deny: treated as missing"
}
mk_symlink() { cat >"$T/target"; chmod 0644 "$T/target"; ln -s "$T/target" "$ST"; }
mk_mode() { cat >"$ST"; chown 0:0 "$ST"; chmod "$1" "$ST"; }
mk_owner() { cat >"$ST"; chmod 0644 "$ST"; chown "$1" "$ST"; }
mk_big() {
    cat >"$ST"
    head -c 1048576 /dev/zero | tr '\0' ' ' >>"$ST"
    chown 0:0 "$ST"; chmod 0644 "$ST"
}
mk_fifo() { cat >/dev/null; mkfifo -m 0644 "$ST"; }
mk_dir() { cat >/dev/null; mkdir -m 0755 "$ST"; }

untrusted "symlinked" "$ST is a symbolic link" mk_symlink
untrusted "world-writable" "$ST is world-writable \(mode 0646\)" mk_mode 0646
untrusted "group-writable" "$ST is group-writable \(mode 0664\)" mk_mode 0664
untrusted "non-root-owned" "$ST is owned by uid [0-9]+, not root" mk_owner nobody:root
untrusted "oversized" "$ST is [0-9]+ bytes, over the 1048576 byte limit" mk_big
untrusted "FIFO" "$ST is not a regular file" mk_fifo
untrusted "directory" "$ST is not a regular file" mk_dir
# the file as the gate writes it, in a directory others can write (they could
# delete it, or put their own there): not trusted either
mk_dirmode() { mk_mode 0644; chmod "$1" "$T/run"; }
mk_dirowner() { mk_mode 0644; chown "$1" "$T/run"; }
untrusted "0777-directory" "directory $T/run is writable by everyone \(mode 0777\): whoever can write there can replace or delete $ST" mk_dirmode 0777
chmod 0755 "$T/run"
untrusted "sticky 1777-directory" "directory $T/run is writable by everyone \(mode 1777\)[^;]*" mk_dirmode 1777
chmod 0755 "$T/run"
untrusted "0775-directory" "directory $T/run is writable by its group \(mode 0775\)[^;]*" mk_dirmode 0775
chmod 0755 "$T/run"
untrusted "user-owned-directory" "directory $T/run is owned by uid [0-9]+, not root[^;]*" mk_dirowner nobody
chown 0:0 "$T/run"

# a real, trusted file reached through a symlinked *name* is still refused
rm -rf "$ST" "$T/target"
status fail | put
mv "$ST" "$T/run/real.json"
ln -s real.json "$ST"
drive fp-deny root acct
like "$out" "\($ST is a symbolic link\)" "root is told the status file is a symlink"

# NAME LOG-REGEX < CONTENT (a redirect, not a pipe: TAP counters live in this shell)
malformed() {
    rm -rf "$ST"
    put
    drive fp-deny "$USER_" acct
    is "$out" "$MISSING_REFUSED" "$1 status file, missing=deny: treated as missing"
    like_log "ignoring status file: $2.*; treating it as missing" "$1 status file: the reason is logged"
}
IN=$T/content
printf 'not json\n' >"$IN"; malformed "non-JSON" "$ST:1: '\[' or '\{' expected" <"$IN"
status fail | head -n 3 >"$IN"; malformed "truncated" "$ST:[0-9]+: .* expected near end of file" <"$IN"
: >"$IN"; malformed "empty" "$ST:1: .* expected near end of file" <"$IN"
status fail | sed 's/"version": 1/"version": 2/' >"$IN"
malformed "version 2" "$ST: unsupported version 2" <"$IN"
status fail | sed 's/"verdict": "fail"/"verdict": "maybe"/' >"$IN"
malformed "bad verdict" "$ST: \"verdict\" is missing or not" <"$IN"
status fail | sed 's/"boot_id": "[^"]*"/"boot_id": "xyz"/' >"$IN"
malformed "bad boot id" "$ST: \"boot_id\" is missing or not a boot id" <"$IN"
status fail | sed 's/"mode": "enforce"/"mode": "truewarn"/' >"$IN"
malformed "unknown mode" "$ST: \"mode\" is not \"enforce\" or \"warn\"" <"$IN"
status fail | sed 's/"failed": \[/"failed": [ 7, /' >"$IN"
malformed "bad failed list" "$ST: \"failed\" is not an array" <"$IN"
status fail | sed 's/"host": "node17"/"host": "a", "host": "b"/' >"$IN"
malformed "duplicate key" "$ST:1: duplicate object key" <"$IN"
printf '[1, 2, 3]\n' >"$IN"; malformed "array" "$ST: not a JSON object" <"$IN"

done_testing
