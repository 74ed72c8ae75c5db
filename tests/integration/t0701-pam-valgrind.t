#!/bin/sh
# t0701-pam-valgrind: the module lives inside sshd for months; 100,000
# pam_acct_mgmt calls in one process, under valgrind, must show no memory
# error, no leak, and no growth of what is still reachable at exit.
#
# The main run takes the longest path (a failed node, an ordinary user, an
# admin group to check: status file, JSON, passwd, group list, message,
# syslog). Shorter runs cover the admin path, the passing path and the
# untrusted-file path. Each is compared with a 10-call run of the same path:
# memory still reachable at exit must not depend on the number of calls.
#
# FP_PAM_MODULE / FP_PAM_DRIVER override the built module and driver;
# FP_PAM_VALGRIND_CALLS (default 100000) and FP_PAM_VALGRIND_SIDE_CALLS
# (default 10000) the number of calls. On a 2-core machine the main run took
# 4 minutes idle and 8 under load; the whole test, 5 to 9 minutes.

. "$top_srcdir/tests/lib/tap.sh"
need_root
command -v valgrind >/dev/null || skip_all "valgrind not found"
[ -z "${FP_SANITIZERS:-}" ] || skip_all "built with sanitizers: valgrind cannot run an ASan binary (the default build runs this)"
[ -z "${FP_VALGRIND:-}" ] || skip_all "check-valgrind runs the gate under valgrind: this test runs valgrind itself (make check runs it)"
[ -z "${FP_TEST_QUICK:-}" ] || skip_all "quick run (FP_TEST_QUICK, e.g. distcheck): the default tier runs it"

MODULE=${FP_PAM_MODULE:-$top_builddir/pam/.libs/pam_flux_preflight.so}
DRIVER=${FP_PAM_DRIVER:-$top_builddir/tests/pam/pam-driver}
CALLS=${FP_PAM_VALGRIND_CALLS:-100000}
SIDE_CALLS=${FP_PAM_VALGRIND_SIDE_CALLS:-10000}
[ -f "$MODULE" ] || bail "no module at $MODULE"
[ -x "$DRIVER" ] || bail "no driver at $DRIVER"

T=$(mktemp -d /tmp/t0701-pam.XXXXXX) || bail "mktemp failed"
USER_=fpt-vuser-$$
AG=fpt-vadm-$$
created_user= created_group=
cleanup() {
    [ -n "$created_user" ] && userdel "$USER_" 2>/dev/null
    [ -n "$created_group" ] && groupdel "$AG" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
groupadd "$AG" && created_group=1 || bail "groupadd failed"
useradd -M -s /usr/sbin/nologin "$USER_" && created_user=1 || bail "useradd failed"

mkdir -p "$T/run" "$T/pam.d" "$T/dev"
ST=$T/run/status.json
BOOT=$(cat /proc/sys/kernel/random/boot_id)
printf '%s required pam_deny.so\n' auth account password session >"$T/pam.d/other"
for svc in allow:missing=allow deny:missing=deny; do
    echo "account required $MODULE status=$ST admin_group=$AG ${svc#*:}" >"$T/pam.d/fp-${svc%%:*}"
done

put() { # VERDICT: a root-owned 0644 status file for this boot
    cat >"$ST.tmp" <<EOF
{ "version": 1, "host": "node17", "boot_id": "$BOOT", "time": "2026-11-23T20:01:02Z",
  "mode": "enforce", "verdict": "$1",
  "counts": { "pass": 24, "warn": 0, "fail": 2, "skip": 1, "error": 0 },
  "failed": [ "munge.daemon", "statedir.space" ],
  "results": [
    { "id": "munge.daemon", "result": "fail", "severity": "fail",
      "message": "no answer from /run/munge/munge.socket.2 within 5s",
      "duration_us": 5000123, "facts": { "socket": "/run/munge/munge.socket.2" } },
    { "id": "statedir.space", "result": "fail", "severity": "fail",
      "message": "only 200 MiB free on /var/lib/flux, need 1 GiB",
      "duration_us": 412, "facts": { "path": "/var/lib/flux", "free_bytes": 209715200 } } ] }
EOF
    chown 0:0 "$ST.tmp" && chmod 0644 "$ST.tmp" && mv -f "$ST.tmp" "$ST"
}

# Run in a private mount namespace whose /dev has no log socket, so 100,000
# refusals are not sent to this machine's syslog.
PRIVATE=no
: >"$T/dev/null" && : >"$T/dev/urandom" && : >"$T/dev/zero"
if unshare --mount sh -c 'for n in null urandom zero; do mount --bind /dev/$n "$1/$n" || exit 1; done
                          mount --rbind "$1" /dev' sh "$T/dev" 2>/dev/null; then
    PRIVATE=yes
else
    diag "no private mount namespace: the module's log lines go to this machine's syslog"
fi

# vg NAME SERVICE USER CALLS: $out (driver output), $rc (exit), $T/NAME.vg (valgrind log)
vg() {
    set -- "$1" valgrind --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --log-file="$T/$1.vg" "$DRIVER" "$2" "$3" "$T/pam.d" "acct-loop:$4"
    _name=$1; shift
    if [ $PRIVATE = yes ]; then
        out=$(unshare --mount sh -c '
            d=$1; shift
            for n in null urandom zero; do mount --bind /dev/$n "$d/$n"; done
            mount --rbind "$d" /dev && exec "$@"' sh "$T/dev" "$@" 2>&1)
    else
        out=$("$@" 2>&1)
    fi
    rc=$?
}
# reachable NAME: bytes still reachable at exit (0 when none)
reachable() {
    _r=$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$T/$1.vg" | tr -d ,)
    echo "${_r:-0}"
}
clean() { # NAME DESCRIPTION
    _log=$(cat "$T/$1.vg")
    like "$_log" "ERROR SUMMARY: 0 errors from 0 contexts" "$2: no memory errors"
    like "$_log" "(definitely lost: 0 bytes in 0 blocks|All heap blocks were freed)" "$2: nothing definitely lost"
    like "$_log" "(indirectly lost: 0 bytes in 0 blocks|All heap blocks were freed)" "$2: nothing indirectly lost"
    like "$_log" "(possibly lost: 0 bytes in 0 blocks|All heap blocks were freed)" "$2: nothing possibly lost"
}
# path NAME SERVICE USER CALLS RC MESSAGES DESCRIPTION
path() {
    vg "$1-base" "$2" "$3" 10
    vg "$1" "$2" "$3" "$4"
    like "$out" "calls=$4 messages=$6" "$7: $4 calls, $6 messages to the user"
    like "$out" "rc=$5 " "$7: the last call returned $5"
    is "$rc" "$([ "$5" = 0 ] && echo 0 || echo 1)" "$7: valgrind found nothing to fail on (exit 99 if it did)"
    clean "$1" "$7"
    is "$(reachable "$1")" "$(reachable "$1-base")" "$7: still reachable at exit is the same after 10 and $4 calls"
    diag "$7: $(grep -E 'total heap usage' "$T/$1.vg" | sed 's/^==[0-9]*== *//')"
}

put fail
start=$(date +%s)
path refuse fp-allow "$USER_" "$CALLS" 6 "$CALLS" "failed node, ordinary user refused"
diag "$CALLS calls under valgrind took $(($(date +%s) - start)) s"
path admin fp-allow root "$SIDE_CALLS" 0 1 "failed node, root admitted (warned once per handle)"
put pass
path pass fp-allow "$USER_" "$SIDE_CALLS" 0 0 "passed node, ordinary user admitted"
chmod 0666 "$ST"
path untrusted fp-deny "$USER_" "$SIDE_CALLS" 6 "$SIDE_CALLS" "world-writable status file, missing=deny"

done_testing
