#!/bin/sh
# What admins read and what systemd loads cannot drift from the code: man
# pages lint-clean and covering every check id, option and config key; the
# catalog explaining every MESSAGE_ID; the units verified, and the gate's
# unit hardened to an exposure of 2.0 or less.
. "$top_srcdir/tests/lib/tap.sh"
MAN8=$top_builddir/man/flux-preflight.8
MAN5=$top_srcdir/man/flux-preflight.toml.5
PAM8=$top_srcdir/man/pam_flux_preflight.8
FAULTS7=$top_srcdir/man/flux-preflight-faults.7
CATALOG=$top_builddir/units/flux-preflight.catalog
UNIT=$top_builddir/units/flux-preflight.service

# --- man pages: lint (STYLE notes about cross-references to pages that are
# not installed on the build machine are not errors)
if command -v mandoc >/dev/null; then
    for page in "$MAN8" "$MAN5" "$PAM8" "$FAULTS7"; do
        out=$(mandoc -Tlint -W warning "$page" 2>&1)
        is "$out" "" "mandoc -Tlint: $(basename "$page") is clean"
    done
else
    skip "mandoc not installed"
fi

# every check id is documented with its own entry in the CHECKS section of
# the man page, and in the catalog
sed -n '/^\.Sh CHECKS/,/^\.Sh /p' "$MAN8" >"${TMPDIR:-/tmp}/fp-t0600-checks.$$"
CHECKS_SECTION=${TMPDIR:-/tmp}/fp-t0600-checks.$$
fp_atexit "rm -f '$CHECKS_SECTION'"
for id in $("$FP_BIN" list | awk 'NR > 1 {print $1}'); do
    ok "flux-preflight(8) documents check $id" grep -q "^\.It Sy $id\$" "$CHECKS_SECTION"
    mid=$("$FP_BIN" explain "$id" | sed -n 's/.*MESSAGE_ID=//p')
    ok "catalog has an entry for $id ($mid)" grep -q "^-- $mid\$" "$CATALOG"
done
is "$("$FP_BIN" list | tail -n +2 | wc -l)" "$(grep -c '^\.It Sy [a-z]*\.[a-z]*$' "$CHECKS_SECTION")" "flux-preflight(8) documents no check that does not exist"

# every option of the usage text is in the man page
for opt in $("$FP_BIN" --help | grep -o -- '--[a-z-]*' | sort -u); do
    ok "flux-preflight(8) documents $opt" grep -q -- "Fl ${opt#-}" "$MAN8"
done

# every gate config key is in flux-preflight.toml(5)
for key in $("$FP_BIN" list --settings | awk 'NR > 1 {print $1}'); do
    case $key in
    *.*) table=${key%%.*}; name=${key#*.}; ok "flux-preflight.toml(5) documents [$table] $name" grep -q "^\.It Cm \[$table\] $name" "$MAN5" ;;
    *) ok "flux-preflight.toml(5) documents $key" grep -Eq "^\.It Cm (\[)?$key(\])?( |\$)" "$MAN5" ;;
    esac
done

# the catalog is well formed and journalctl accepts it
if command -v journalctl >/dev/null; then
    T=$(mktemp -d)
    fp_atexit "rm -rf '$T'"
    mkdir -p "$T/usr/lib/systemd/catalog" "$T/var/lib/systemd"
    cp "$CATALOG" "$T/usr/lib/systemd/catalog/"
    ok "journalctl --update-catalog accepts the catalog" journalctl --root="$T" --update-catalog
    mid=$("$FP_BIN" explain munge.daemon | sed -n 's/.*MESSAGE_ID=//p')
    like "$(journalctl --root="$T" --catalog=$mid 2>/dev/null || journalctl --root="$T" --list-catalog 2>/dev/null)" "$mid|munged" "the catalog lists the munge.daemon entry"
fi

# --- what --root guarantees on an image nobody vetted (issue 16), in both
# pages that promise it: flux-preflight(8) Images, flux-preflight-faults(7)
# UNTRUSTED IMAGES. The section's text with the mdoc macros taken off.
section_text() {
    sed -n "/^\\.S[hs] $2\$/,/^\\.S[hs] /p" "$1" | sed -e '1d;$d' -e 's/^\.[A-Z][a-z]* *//' \
        -e 's/ [,;.)]*$//' | tr '\n' ' ' | tr -s ' '
}
IMAGES8=$(section_text "$MAN8" Images)
IMAGES7=$(section_text "$FAULTS7" 'UNTRUSTED IMAGES')
for page in 8 7; do
    [ $page = 8 ] && text=$IMAGES8 || text=$IMAGES7
    name=$([ $page = 8 ] && echo "flux-preflight(8) Images" || echo "flux-preflight-faults(7) UNTRUSTED IMAGES")
    like "$text" "[Nn]othing outside (dir|the image) is read" "$name: nothing outside the image is read"
    like "$text" "RESOLVE_IN_ROOT|resolved inside it" "$name: ...every path resolved inside the image"
    like "$text" "%2e%2e" "$name: ...a file:// manifest's %2e%2e escapes too"
    like "$text" "[Nn]othing of the image is loaded" "$name: nothing of the image is loaded or executed"
    like "$text" "libpam is not started" "$name: ...libpam is not started on the image"
    like "$text" "FIFO.* is reported as what it is|FIFO.*reported as what it is" "$name: a FIFO or a device is reported, never read"
    like "$text" "size cap|read with a cap" "$name: every read has a cap"
    like "$text" "under the run's deadline" "$name: every file is opened under the run's deadline"
    like "$text" "control character" "$name: control characters are replaced"
done
like "$IMAGES8" "not started on the image's pam.d" "flux-preflight(8): imp.pam judges the stack by reading it"

# --- units
if command -v systemd-analyze >/dev/null; then
    out=$(systemd-analyze security --offline=yes --threshold=20 "$UNIT" 2>&1)
    rc=$?
    is "$rc" 0 "systemd-analyze security: exposure at or below 2.0 ($(printf '%s\n' "$out" | tail -1 | sed 's/.*: //'))"
    T2=$(mktemp -d)
    fp_atexit "rm -rf '$T2'"
    mkdir -p "$T2/usr/lib/systemd" "$T2/etc/systemd/system" "$T2/usr/sbin"
    cp -r /lib/systemd/system "$T2/usr/lib/systemd/"
    cp "$UNIT" "$T2/etc/systemd/system/"
    cp "$top_srcdir/tests/system/flux.service" "$T2/etc/systemd/system/"
    # enabled as the man page says: flux.service then requires it
    systemctl --root="$T2" enable flux-preflight.service >/dev/null 2>&1
    exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
    mkdir -p "$T2$(dirname "$exe")"
    cp "$FP_BIN" "$T2$exe"
    mkdir -p "$T2/bin"
    cp /bin/sleep "$T2/bin/sleep"   # the stand-in flux.service runs it
    out=$(systemd-analyze verify --man=no --root="$T2" flux-preflight.service flux.service 2>&1)
    is "$out" "" "systemd-analyze verify: the units are clean"
else
    skip "systemd-analyze not installed"
fi

done_testing
