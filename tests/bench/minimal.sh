#!/bin/bash
# minimal.sh: the least an admin could run by hand for the items the gate's cheapest checks
# cover, one command each, with standard tools (the bench's second baseline, beside
# checklist.sh):
#
#   minimal.sh STATEDIR CERT MUNGE_SOCKET USER HOST:PORT
#
#   df          statedir: free space                      (statedir.space)
#   stat x2     statedir and the cert: owner and mode     (statedir.owner, cert.perms)
#   munge|unmunge  a credential round trip               (munge.daemon)
#   id          the flux user exists                      (user.flux)
#   TCP probe   the parent answers (bash /dev/tcp)        (net.parent)
#   adjtimex    the kernel's maximum error (adjtimex -p)  (time.sync)
#
# Each result is tested as tersely as a shell allows; no configs are parsed. Exit 0 when all
# passed, 1 otherwise.
set -u
[ $# -eq 5 ] || { echo "usage: $0 STATEDIR CERT MUNGE_SOCKET USER HOST:PORT" >&2; exit 2; }
statedir=$1 cert=$2 sock=$3 user=$4 parent=$5
fail=0
avail=$(df -P -k "$statedir" | awk 'NR == 2 { print $4 }')
[ "${avail:-0}" -ge 1024 ] || fail=1
[ "$(stat -c '%U %a' "$statedir")" = "$user 700" ] || fail=1
[ "$(stat -c '%U %a' "$cert")" = "$user 400" ] || fail=1
munge -n -S "$sock" | unmunge -S "$sock" >/dev/null 2>&1 || fail=1
id "$user" >/dev/null 2>&1 || fail=1
(exec 3<>"/dev/tcp/${parent%:*}/${parent##*:}") 2>/dev/null || fail=1
maxerror=$(adjtimex -p 2>/dev/null | awk '$1 == "maxerror:" { print $2 }')
[ -e /run/systemd/timesync/synchronized ] || [ "${maxerror:-16000000}" -le 1000000 ] || fail=1
exit $fail
