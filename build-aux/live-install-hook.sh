#!/bin/sh
# After `make install` or `make uninstall` on a live system: make the install
# take effect now. journalctl -x explains the gate's entries only once the
# catalog database is rebuilt, and systemd sees new or changed units only after
# a reload. Under DESTDIR (a package build), or into directories that
# journald and systemd do not read (distcheck's scratch prefix), it does
# nothing: the package's own scripts do the same on the target (packaging may
# run this script there with no arguments).
#
#   live-install-hook.sh [DESTDIR [CATALOGDIR [UNITDIR]]]
set -u
destdir=${1:-}
catalogdir=${2:-/usr/lib/systemd/catalog}
unitdir=${3:-/usr/lib/systemd/system}
[ -z "$destdir" ] || exit 0
live_catalog=no live_units=no
case ${catalogdir%/} in
/usr/lib/systemd/catalog | /lib/systemd/catalog | /usr/local/lib/systemd/catalog | /etc/systemd/catalog) live_catalog=yes ;;
esac
case ${unitdir%/} in
/usr/lib/systemd/system | /lib/systemd/system | /usr/local/lib/systemd/system | /etc/systemd/system) live_units=yes ;;
esac
[ $live_catalog = yes ] || [ $live_units = yes ] || exit 0
if [ "$(id -u)" != 0 ]; then
    echo "flux-preflight: not root: run 'journalctl --update-catalog' and 'systemctl daemon-reload' as root"
    exit 0
fi
if [ $live_catalog = yes ] && command -v journalctl >/dev/null 2>&1; then
    if journalctl --update-catalog; then
        echo "flux-preflight: journal catalog updated (journalctl -x explains each check)"
    else
        echo "flux-preflight: journalctl --update-catalog failed" >&2
    fi
fi
if [ $live_units = yes ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    if systemctl daemon-reload; then
        echo "flux-preflight: systemd reloaded (systemctl daemon-reload)"
    else
        echo "flux-preflight: systemctl daemon-reload failed" >&2
    fi
fi
# pam_flux_preflight's default admin_group is wheel, else sudo: say so when
# this system has neither (only root would get onto a failed node)
if command -v getent >/dev/null 2>&1 && ! getent group wheel >/dev/null 2>&1 &&
    ! getent group sudo >/dev/null 2>&1; then
    echo "flux-preflight: note: no wheel or sudo group here: pam_flux_preflight admits only root" \
        "onto a failed node unless admin_group= names your administrators' group"
fi
exit 0
