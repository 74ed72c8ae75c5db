#!/bin/sh
# Install everything flux-preflight needs to build and to run every test tier
# on Debian 12 (bookworm). Idempotent; run as root.
set -e
export DEBIAN_FRONTEND=noninteractive
PKGS="build-essential autoconf automake libtool pkg-config
 libsystemd-dev libpam0g-dev libmunge-dev libcurl4-openssl-dev libjansson-dev
 libblkid-dev libssl-dev
 munge systemd systemd-container mmdebstrap dbus iproute2 nftables
 fuse3 libfuse3-dev mandoc python3 openssl jq valgrind clang libclang-rt-14-dev
 hyperfine util-linux procps strace bc e2fsprogs passwd curl ca-certificates"
missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
