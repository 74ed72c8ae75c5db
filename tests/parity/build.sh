#!/bin/sh
# Build hostlist-parity (or, with --fuzz, the libFuzzer target fuzz-parity):
# flux-core 0.88.0's libhostlist and libidset, compiled from the source
# tarball with the system compiler, against the gate's hostlist.c/idset.c.
#
#   build.sh [--fuzz] OUTPUT
#
# Environment: SHARED_DIR (the tarball is $SHARED_DIR/flux/
# flux-core-0.88.0-src.tar.xz, or FLUX_CORE_TARBALL), CC (default cc, clang
# for --fuzz), GATE_CFLAGS (extra flags for the gate's side, e.g. the
# sanitizers of the build under test).  Exit 77 with the reason when the
# tarball is not there; the sources are unpacked beside OUTPUT, never into
# the checkout (flux-core is LGPL-3.0: it is used, not copied).
set -eu
fuzz=
[ "${1:-}" = --fuzz ] && { fuzz=1; shift; }
[ $# -eq 1 ] || { echo "usage: build.sh [--fuzz] OUTPUT" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tarball=${FLUX_CORE_TARBALL:-${SHARED_DIR:-$top/../shared}/flux/flux-core-0.88.0-src.tar.xz}
[ -f "$tarball" ] || { echo "no flux-core source tarball ($tarball; set SHARED_DIR)"; exit 77; }
if [ -n "$fuzz" ]; then cc=${CC:-clang}; else cc=${CC:-cc}; fi
command -v "${cc%% *}" >/dev/null || { echo "no C compiler ($cc)"; exit 77; }

work=$out.d
rm -rf "$work"
mkdir -p "$work"
src=flux-core-0.88.0/src/common
tar -xJf "$tarball" -C "$work" \
    "$src/libhostlist/hostlist.c" "$src/libhostlist/hostlist.h" \
    "$src/libhostlist/hostrange.c" "$src/libhostlist/hostrange.h" \
    "$src/libhostlist/hostname.c" "$src/libhostlist/hostname.h" \
    "$src/libhostlist/util.c" "$src/libhostlist/util.h" \
    "$src/libidset/idset.c" "$src/libidset/idset.h" "$src/libidset/idset_private.h" \
    "$src/libidset/idset_decode.c" "$src/libidset/idset_encode.c" "$src/libidset/idset_format.c" \
    "$src/libidset/veb.c" "$src/libidset/veb.h" "$src/libidset/veb_mach.c" \
    "$src/libutil/errno_safe.h"
flux=$work/flux-core-0.88.0

# The reference, as flux-core builds it (no config.h, GNU extensions), with
# coverage for libFuzzer but no sanitizer: a finding in flux-core's own code
# is not this project's to fix.  Only ref_* stay global.
refcflags="-O1 -g -std=gnu11 -D_GNU_SOURCE -w"
[ -n "$fuzz" ] && refcflags="$refcflags -fsanitize=fuzzer-no-link"
objs=
for f in libhostlist/hostlist libhostlist/hostrange libhostlist/hostname libhostlist/util \
         libidset/idset libidset/idset_decode libidset/idset_encode libidset/idset_format libidset/veb; do
    o=$work/$(echo "$f" | tr / _).o
    $cc $refcflags -I"$flux" -c "$flux/src/common/$f.c" -o "$o"
    objs="$objs $o"
done
$cc $refcflags -I"$flux" -I"$here" -c "$here/ref.c" -o "$work/ref.o"
ld -r -o "$work/flux-all.o" $objs "$work/ref.o"
keep=
for s in ref_hostlist ref_hostlist_append ref_idset ref_hostlist_row ref_idset_row; do
    keep="$keep --keep-global-symbol=$s"
done
objcopy $keep "$work/flux-all.o" "$work/flux-ref.o"

# The gate's side, compiled from the checkout.
gatecflags="-O1 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter ${GATE_CFLAGS:-}"
[ -n "$fuzz" ] && gatecflags="$gatecflags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
jansson=$(pkg-config --cflags jansson 2>/dev/null || true)
main=$here/hostlist-parity.c
[ -n "$fuzz" ] && main=$top/tests/fuzz/fuzz-parity.c
link=
[ -n "$fuzz" ] && link="-fsanitize=fuzzer,address,undefined"
$cc $gatecflags $jansson -I"$top/src" -I"$here" -o "$out" $link "$main" "$here/compare.c" "$here/gate.c" \
    "$top/src/common/hostlist.c" "$top/src/common/idset.c" "$top/src/common/errbuf.c" \
    "$work/flux-ref.o"
