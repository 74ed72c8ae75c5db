#!/bin/bash
# checklist.sh: what an admin writes instead of flux-preflight: the seed pre-flight
# checklist (flux-admin-preflight-checklist.rst) for ONE node, with standard tools. The
# benchmark runs it against the same node state as the gate, as the baseline.
#
#   checklist.sh --statedir DIR --cert FILE --system DIR --security DIR --imp DIR
#                --munge-socket SOCK --flux-user USER --parent HOST:PORT
#                [--reference FILE | --print-digests] [--packages-warn]
#
# What it checks (the checklist's commands, one node instead of pdsh | dshbak):
#   packages    dpkg-query: flux-core, flux-security, flux-sched (flux-pam and
#               flux-accounting are optional: reported only)
#   statedir    stat: owned by the flux user, mode 700; df/df -i: >= 1 GiB and >= 1 %
#               inodes free
#   munge       munge -n | unmunge on the socket (the checklist's spot check; there
#               is no `systemctl is-active munge` without systemd as PID 1)
#   clock       timedatectl when systemd is PID 1, else adjtimex(2) through python3
#               ctypes (what timedatectl reports), plus timesyncd's flag file
#   users       id USER
#   cert        md5sum; stat -c '%U %A' = "USER -r--------"
#   configs     md5sum of each conf.d's *.toml (the stand-in for `flux config get
#               --config-path=X | md5sum`, which needs flux-core); stat -c '%U %A' of
#               the three conf.d = "root drwxr-xr-x"
#   network     TCP connect to the parent (bash /dev/tcp under timeout 3)
#   sync        the digests (cert, 3 configs, `id USER`) against --reference, the
#               output of --print-digests on the reference node
# Not covered (the checklist needs a running Flux or another node for them): resource
# config, TBON topology, bootstrap validity, IMP, PAM, restore, cert format.
# --packages-warn reports missing packages without failing (the bench's machine has no Flux,
# and the gate's packages.* checks are demoted to warn there too).
# Exit 0 when everything passed, 1 otherwise; one line per failure on stdout.
set -u
statedir= cert= sysconf= secconf= impconf= sock= user= parent= ref= print= pkgwarn=
while [ $# -gt 0 ]; do
    case $1 in
        --statedir) statedir=$2; shift ;;
        --cert) cert=$2; shift ;;
        --system) sysconf=$2; shift ;;
        --security) secconf=$2; shift ;;
        --imp) impconf=$2; shift ;;
        --munge-socket) sock=$2; shift ;;
        --flux-user) user=$2; shift ;;
        --parent) parent=$2; shift ;;
        --reference) ref=$2; shift ;;
        --print-digests) print=1 ;;
        --packages-warn) pkgwarn=1 ;;
        *) echo "usage: see the header of $0" >&2; exit 2 ;;
    esac
    shift
done

fail=0
bad() { echo "FAIL: $*"; fail=1; }

digests() {
    echo "cert $(md5sum <"$cert" | cut -d' ' -f1)"
    for d in "$sysconf" "$secconf" "$impconf"; do
        echo "config $(cat "$d"/*.toml | md5sum | cut -d' ' -f1)"
    done
    echo "user $(id "$user")"
}
if [ -n "$print" ]; then
    digests
    exit 0
fi

# Do I have all the right packages installed?
for p in flux-core flux-security flux-sched; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        if [ -n "$pkgwarn" ]; then echo "warn: package $p is not installed"
        else bad "package $p is not installed"; fi
    fi
done
for p in flux-pam flux-accounting; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        echo "info: optional package $p is not installed"
done

# Does /var/lib/flux have plenty of space on the leader node?
[ "$(stat -c '%U %a' "$statedir")" = "$user 700" ] || bad "statedir $statedir: not $user 700"
read -r avail pct < <(df -P -k "$statedir" | awk 'NR == 2 { print $4, 100 - $5 }')
[ "${avail:-0}" -ge 1048576 ] && [ "${pct:-0}" -ge 1 ] || bad "statedir: ${avail:-?} KiB free"
ifree=$(df -P -i "$statedir" | awk 'NR == 2 { print $4 }')
[ "${ifree:-0}" -ge 10000 ] || bad "statedir: ${ifree:-?} inodes free"

# Is Munge working?
munge -n -S "$sock" | unmunge -S "$sock" >/dev/null 2>&1 || bad "munge round trip on $sock"
if [ -d /run/systemd/system ] && command -v timedatectl >/dev/null; then
    timedatectl | grep -q 'synchronized: yes' || bad "clock not synchronized"
else
    python3 - <<'EOF' || bad "clock not synchronized"
import ctypes, os, sys
class timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long),
                ("status", ctypes.c_int)] + [("pad%d" % i, ctypes.c_long) for i in range(20)]
t = timex()
ctypes.CDLL(None, use_errno=True).adjtimex(ctypes.byref(t))
ok = os.path.exists("/run/systemd/timesync/synchronized") or t.maxerror <= 1000000
sys.exit(0 if ok else 1)
EOF
fi

# Are users set up properly?
id "$user" >/dev/null 2>&1 || bad "no user $user"

# Is the Flux network certificate synced? (readable by flux only)
[ "$(stat -c '%U %A' "$cert")" = "$user -r--------" ] || bad "cert $cert: not $user -r--------"

# Is the Flux configuration synced? (owned by root, publicly readable)
for d in "$sysconf" "$secconf" "$impconf"; do
    [ "$(stat -c '%U %A' "$d")" = "root drwxr-xr-x" ] || bad "$d: not root drwxr-xr-x"
done

# Will the network be able to wire up?
timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}"' sh "$parent" 2>/dev/null ||
    bad "parent $parent does not answer"

# ... and is this node identical to the others?
if [ -n "$ref" ]; then
    digests | cmp -s - "$ref" || bad "digests differ from $ref"
fi
exit $fail
