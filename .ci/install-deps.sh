#!/bin/sh
# Install what flux-preflight needs on Debian 12 (bookworm), quietly; run as root.
#   install-deps.sh --build   what building and running the gate needs (.ci/quickstart)
#   install-deps.sh           that and the test toolchain of every tier (.ci/test-all)
# Prints one line: the packages it installed, or that none were missing.
# Idempotent. dpkg's progress goes to a log, shown only when apt fails.
set -e
export DEBIAN_FRONTEND=noninteractive
BUILD_PKGS="build-essential autoconf automake libtool pkg-config
 libsystemd-dev libpam0g-dev libmunge-dev libcurl4-openssl-dev libjansson-dev
 libblkid-dev libssl-dev"
TEST_PKGS="munge systemd systemd-container mmdebstrap dbus iproute2 nftables
 fuse3 libfuse3-dev mandoc python3 openssl jq valgrind clang libclang-rt-14-dev
 hyperfine util-linux bsdutils procps strace bc e2fsprogs passwd curl ca-certificates
 adjtimex"
# packaging, test only (make deb, make rpm, tests/system/t9500-packages.t):
TEST_PKGS="$TEST_PKGS debhelper lintian rpm rpmlint"
case ${1:-} in
--build) PKGS=$BUILD_PKGS ;;
'') PKGS="$BUILD_PKGS $TEST_PKGS" ;;
*) echo "usage: install-deps.sh [--build]" >&2; exit 2 ;;
esac
missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "packages: none missing, none installed"
    exit 0
fi
log=$(mktemp /tmp/fp-install-deps.XXXXXX)
echo "packages: installing$missing"
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 $missing; } >"$log" 2>&1; then
    tail -40 "$log"
    echo "packages: apt-get failed (log: $log)"
    exit 1
fi
rm -f "$log"
