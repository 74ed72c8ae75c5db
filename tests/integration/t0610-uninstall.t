#!/bin/sh
# `make uninstall` after the gate was turned on as flux-preflight(8) says
# (`systemctl enable flux-preflight`, here offline into the DESTDIR root with
# the real systemctl) leaves no unit file and no symlink of ours: flux.service
# must not be left requiring a unit that is gone.
. "$top_srcdir/tests/lib/tap.sh"
command -v systemctl >/dev/null || skip_all "systemctl not installed"
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$top_builddir/Makefile")
[ "$sysconfdir" = /etc ] || skip_all "configured with sysconfdir=$sysconfdir: systemctl enable links in /etc/systemd/system"

D=$(mktemp -d /tmp/fp-t0610.XXXXXX)
fp_atexit "rm -rf '$D'"
make -s -C "$top_builddir" install DESTDIR="$D" >"$D.log" 2>&1 || { cat "$D.log"; rm -f "$D.log"; bail "make install failed"; }
unit=$(find "$D" -name flux-preflight.service -path '*/systemd/system/*' | head -1)
ok "make install staged the unit" test -n "$unit"
ok "...and no flux.service drop-in" test -z "$(find "$D" -path '*flux.service.d*')"
# what is installed is what the check descriptors generate (fp-gendoc)
cat=$(find "$D" -name flux-preflight.catalog -path '*/systemd/catalog/*' | head -1)
"$top_builddir/src/fp-gendoc" catalog "$top_srcdir/units/catalog.d/summary.catalog" >"$D.gen"
ok "make install: the installed catalog is what the descriptors generate" cmp -s "$cat" "$D.gen"
man8=$(find "$D" -name flux-preflight.8 -path '*/man8/*' | head -1)
"$top_builddir/src/fp-gendoc" man "$top_srcdir/man/flux-preflight.8.in" >"$D.gen"
ok "make install: the installed flux-preflight(8) is what the descriptors generate" cmp -s "$man8" "$D.gen"
rm -f "$D.gen"
rc=0; systemctl --root="$D" enable flux-preflight.service >"$D.log" 2>&1 || rc=$?
is "$rc" 0 "systemctl enable flux-preflight (offline, --root)"
ok "...made flux.service require it" test -L "$D/etc/systemd/system/flux.service.requires/flux-preflight.service"
ok "...and multi-user.target want it" test -L "$D/etc/systemd/system/multi-user.target.wants/flux-preflight.service"
make -s -C "$top_builddir" uninstall DESTDIR="$D" >"$D.log" 2>&1 || { cat "$D.log"; rm -f "$D.log"; bail "make uninstall failed"; }
rm -f "$D.log"
is "$(find "$D" ! -type d | sed "s|^$D||")" "" "make uninstall: no file and no symlink is left"
is "$(find "$D" -path '*flux.service.requires*')" "" "...not even the flux.service.requires directory"
done_testing
