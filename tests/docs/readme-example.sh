#!/bin/bash
# The README's example, from a real run: the gate on an image whose CURVE
# certificate is readable by everyone, on a terminal of 100 columns. Prints the
# command and what it printed, as the README shows them between
#   <!-- example: ... -->  and  <!-- end example -->
# Usage: readme-example.sh FLUX-PREFLIGHT   (root: the fixture has owners)
# `make update-readme` writes it into README.md; t0620-cli.t compares.
set -euo pipefail
bin=${1:?usage: readme-example.sh FLUX-PREFLIGHT}
here=$(cd "$(dirname "$0")/../.." && pwd)
# a scratch image whose path is as long as the one shown, so that the lines
# are cut at the same places: /tmp/fpXXXXXX/image = /srv/images/compute
D=$(mktemp -d /tmp/fpXXXXXX)
trap 'rm -rf "$D"' EXIT
shown=/srv/images/compute
[ ${#shown} -eq $((${#D} + 6)) ] || { echo "readme-example: $D: unexpected length" >&2; exit 1; }
. "$here/tests/lib/fixture.sh"
fixture_healthy "$D/image" node17 node18
chmod 0644 "$D/image/etc/flux/system/curve.cert"
checks=user.flux,munge.daemon,time.sync,cert.perms,cert.format,config.bootstrap,net.parent
echo "\$ flux-preflight --root $shown --hostname node17 \\"
echo "      --check $checks"
{ COLUMNS=100 script -qec "$bin --root $D/image --hostname node17 --check $checks" /dev/null </dev/null || :; } |
    sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\r$//' -e "s|$D/image|$shown|g"
echo "\$ echo \$?"
"$bin" --root "$D/image" --hostname node17 --check "$checks" >/dev/null 2>&1 && echo 0 || echo $?
