#!/bin/bash
# Build (once) and print the path of the Debian bookworm rootfs the system tests boot.
#
#   tests/system/rootfs.sh            build if missing, print the path on stdout
#   tests/system/rootfs.sh --path     print the path it would use, build nothing
#
# Cached at $FP_ROOTFS_CACHE/rootfs-<hash> (default /var/cache/flux-preflight-tests), the
# hash covering suite, variant and package list, so a new package list is a new rootfs and
# an old one is never modified. Built into a temp dir beside it and renamed into place; an
# flock serialises concurrent builders (the second one waits, then uses the first's result),
# and the rename is atomic anyway: a rootfs that exists is complete.
#
# Apt sources: the host's own (/etc/apt/sources.list and sources.list.d/*.list|*.sources),
# restricted to files whose every URI is a Debian archive (*.debian.org), since only
# Debian's archive is reachable; a host without any falls back to mmdebstrap's default
# (deb.debian.org + updates + security). Override with FP_ROOTFS_SOURCES=FILE (one file,
# one-line or deb822 format). Extra packages: FP_ROOTFS_EXTRA="pkg pkg".
#
# The real-broker flavour: FP_ROOTFS_FLUX=BUNDLE_DIR (../shared/flux: flux-core + flux-security
# built for Debian 12, packages.txt, setup-node.sh) adds the bundle's run-time packages and
# extracts its binary tarball at / (then ldconfig), with setup-node.sh in /root; the hash covers
# the bundle's SHA256SUMS, so a new bundle is a new rootfs.
# Logs go to stderr.
set -eu

SUITE=bookworm
VARIANT=apt
PKGS="systemd systemd-sysv dbus munge libcurl4 libjansson4 libmunge2 libblkid1 libpam0g
 libsystemd0 libssl3 util-linux passwd login ${FP_ROOTFS_EXTRA:-}"
CACHE=${FP_ROOTFS_CACHE:-/var/cache/flux-preflight-tests}
# bump when the build recipe (not the package list) changes
RECIPE=1

FLUX=${FP_ROOTFS_FLUX:-}
flavour=
hooks=()
if [ -n "$FLUX" ]; then
    FLUX=$(cd "$FLUX" && pwd) || { echo "rootfs.sh: no bundle at $FP_ROOTFS_FLUX" >&2; exit 1; }
    tarball=$(ls "$FLUX"/flux-*-bookworm-amd64.tar.xz 2>/dev/null | head -1)
    for f in "$tarball" "$FLUX/packages.txt" "$FLUX/setup-node.sh" "$FLUX/SHA256SUMS"; do
        [ -f "$f" ] || { echo "rootfs.sh: the bundle $FLUX lacks ${f:-flux-*-bookworm-amd64.tar.xz}" >&2; exit 1; }
    done
    PKGS="$PKGS $(grep -v '^#' "$FLUX/packages.txt")"
    flavour="flux=$(sha256sum <"$FLUX/SHA256SUMS" | cut -c1-16)"
    hooks=(--customize-hook="tar -C \"\$1\" -xJf '$tarball'"
           --customize-hook="install -m 0755 '$FLUX/setup-node.sh' \"\$1/root/setup-node.sh\""
           --customize-hook='chroot "$1" ldconfig')
fi

pkglist=$(printf '%s\n' $PKGS | sort -u | paste -sd, -)
hash=$(printf 'recipe=%s suite=%s variant=%s pkgs=%s%s\n' "$RECIPE" "$SUITE" "$VARIANT" "$pkglist" \
       "${flavour:+ $flavour}" | sha256sum | cut -c1-16)
final=$CACHE/rootfs-$hash

if [ "${1:-}" = --path ]; then echo "$final"; exit 0; fi
if [ -e "$final/.fp-rootfs-complete" ]; then echo "$final"; exit 0; fi

[ "$(id -u)" = 0 ] || { echo "rootfs.sh: needs root" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "rootfs.sh: mmdebstrap not installed" >&2; exit 1; }
mkdir -p "$CACHE"

exec 9>"$CACHE/.lock-$hash"
flock 9                                 # concurrent builders queue here
if [ -e "$final/.fp-rootfs-complete" ]; then echo "$final"; exit 0; fi

# the host's Debian sources
mirrors=()
if [ -n "${FP_ROOTFS_SOURCES:-}" ]; then
    mirrors=("$FP_ROOTFS_SOURCES")
else
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uris=$(sed -n -e 's/^[[:space:]]*URIs:[[:space:]]*//p' \
                      -e 's/^[[:space:]]*deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\3/p' "$f" |
               tr ' ' '\n' | grep . || true)
        [ -n "$uris" ] || continue
        if printf '%s\n' "$uris" | grep -qvE '^https?://([a-z0-9.-]+\.)?debian\.org(/|$)'; then
            echo "rootfs.sh: not using $f (non-Debian URIs)" >&2; continue
        fi
        mirrors+=("$f")
    done
fi
[ ${#mirrors[@]} -gt 0 ] || echo "rootfs.sh: no host Debian sources found, using mmdebstrap's default" >&2

# leftovers of a builder that was killed (we hold the lock: none is running)
rm -rf --one-file-system "$CACHE/.build-$hash".*
tmp=$(mktemp -d "$CACHE/.build-$hash.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
chmod 0755 "$tmp"                       # apt's _apt user must reach the lists dir inside
t0=$(date +%s.%N)
echo "rootfs.sh: building $final (mirrors: ${mirrors[*]:-default})" >&2
mmdebstrap --variant="$VARIANT" --include="$pkglist" --mode=root \
    --customize-hook='echo "fp-test" >"$1/etc/hostname"' \
    --customize-hook='rm -f "$1/etc/machine-id"; : >"$1/etc/machine-id"' \
    "${hooks[@]}" \
    "$SUITE" "$tmp" "${mirrors[@]}" >&2
printf 'suite=%s variant=%s\npackages=%s\n%sbuilt=%s\n' "$SUITE" "$VARIANT" "$pkglist" \
    "${flavour:+$flavour
}" "$(date -Is)" \
    >"$tmp/.fp-rootfs-complete"
# atomic: rename(2) onto an existing non-empty directory fails, leaving the winner intact
if ! mv -T "$tmp" "$final" 2>/dev/null; then
    [ -e "$final/.fp-rootfs-complete" ] || { echo "rootfs.sh: cannot install $final" >&2; exit 1; }
else
    trap - EXIT
fi
echo "rootfs.sh: built in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}")s" >&2
echo "$final"
