#!/bin/sh
# The gate quotes the broker's own words for a TOML config it refuses
# ("Config file error: FILE:LINE: unterminated quote") and judges each file
# as the broker will. Proof: flux-core's real reader -- tomlc99, tomltk and
# timestamp.c compiled from the flux-core 0.88.0 source tarball -- and the
# gate's (src/common/fluxtoml.c, through tests/fluxtoml-decode) read every
# TOML case the project knows, and must print the same line for each: the
# same object (key order included), or the same error text, byte for byte,
# or both hang.
. "$top_srcdir/tests/lib/tap.sh"

TARBALL=$SHARED_DIR/flux/flux-core-0.88.0-src.tar.xz
CC=${CC:-cc}
OURS=$top_builddir/tests/fluxtoml-decode

[ -n "$SHARED_DIR" ] && [ -r "$TARBALL" ] ||
    skip_all "flux-core source tarball not found ($TARBALL; set SHARED_DIR)"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC) to build flux-core's tomlc99"
command -v xz >/dev/null 2>&1 || skip_all "xz is not installed (needed to unpack $TARBALL)"
[ -x "$OURS" ] || bail "$OURS was not built"

T=$(mktemp -d /tmp/fp-t0110.XXXXXX)
fp_atexit "rm -rf '$T'"

# ---- flux-core's reader, from its own sources --------------------------------
F=$T/flux-core-0.88.0
src=src/common
s=flux-core-0.88.0/$src
tar -xJf "$TARBALL" -C "$T" "$s/libtomlc99" "$s/libutil/tomltk.c" "$s/libutil/tomltk.h" \
    "$s/libutil/timestamp.c" "$s/libutil/timestamp.h" "$s/libccan/ccan/str" 2>"$T/tar.err" ||
    bail "cannot unpack $TARBALL: $(cat "$T/tar.err")"
: >"$T/config.h" # ccan's str.h includes config.h; nothing in it is needed here
# compiled in its own directory, as flux-core's build does, so that __FILE__
# (in "internal error (toml.c:1180)") reads as in the broker
if (cd "$F/$src/libtomlc99" && "$CC" -O1 -c toml.c -o "$T/toml.o") 2>"$T/cc.err" &&
   "$CC" -O1 -o "$T/tomlc99-verdict" -I"$T" -I"$F" -I"$F/$src/libccan" -I"$F/$src/libutil" \
       "$top_srcdir/tests/lib/tomlc99-verdict.c" "$T/toml.o" "$F/$src/libutil/tomltk.c" \
       "$F/$src/libutil/timestamp.c" -ljansson 2>>"$T/cc.err"; then
    ok "flux-core's tomlc99 and tomltk built from $TARBALL" true
else
    ok "flux-core's tomlc99 and tomltk built from $TARBALL" false
    sed 's/^/# /' "$T/cc.err" | head -n 20
    done_testing
    exit 1
fi

# ---- the cases -----------------------------------------------------------------
find "$top_srcdir/tests" -name '*.toml' -type f >"$T/cases"
find "$top_srcdir/tests/fuzz/corpus/toml" "$top_srcdir/tests/fuzz/corpus/rlist" -type f \
    >>"$T/cases"
find "$F/$src/libtomlc99/BurntSushi_input" -name '*.toml' -type f >>"$T/cases"
if [ -d "$SHARED_DIR/testdata/toml-test" ]; then
    find "$SHARED_DIR/testdata/toml-test" -name '*.toml' -type f >>"$T/cases"
else
    diag "no toml-test suite under $SHARED_DIR/testdata: its cases are not compared"
fi
# a "key K exists" message cut where flux-core's 160-byte error buffer cuts
# it (159, 160 and 161 bytes: a '+' marks a cut, but not at exactly 160), and
# a key longer than tomlc99's own 200-byte buffer
mkdir -p "$T/cut"
for want in 159 160 161 400; do
    f=$T/cut/k$want.toml
    fixed=$(printf '%s:2: key  exists' "$f" | wc -c)
    key=$(printf "%$((want - fixed))s" '' | tr ' ' k)
    printf '%s = 1\n%s = 2\n' "$key" "$key" >"$f"
    echo "$f" >>"$T/cases"
done
n=$(wc -l <"$T/cases")
ok "there are cases to compare ($n)" [ "$n" -gt 100 ]

# ---- compare -------------------------------------------------------------------
tr '\n' '\0' <"$T/cases" | xargs -0 "$OURS" >"$T/ours" 2>"$T/ours.err"
is "$(wc -l <"$T/ours")" "$n" "the gate's reader gave one verdict per case"
# flux-core's reader, one process per case: where the gate says it never
# returns, 1 s of spinning on a few lines shows it; anything else gets all the
# time it needs
: >"$T/real"
paste -d '\n' "$T/cases" "$T/ours" | while IFS= read -r f && IFS= read -r mine; do
    limit=60
    [ "$mine" = HANG ] && limit=1
    line=$(timeout "$limit" "$T/tomlc99-verdict" "$f")
    [ $? -eq 124 ] && line=HANG
    printf '%s\n' "$line" >>"$T/real"
done

paste -d '\n' "$T/cases" "$T/real" "$T/ours" | awk '
    NR % 3 == 1 { file = $0 } NR % 3 == 2 { real = $0 }
    NR % 3 == 0 && $0 != real { printf "%s\n  broker: %s\n  gate:   %s\n", file, real, $0 }' \
    >"$T/diff"
bad=$(grep -c '^  broker:' "$T/diff")
head -n 30 "$T/diff" | sed 's/^/# /'
is "$bad" 0 "every case: the gate's verdict is the broker's, byte for byte"

# the comparison means something only if it covers what the broker says
for msg in 'unterminated quote' 'key a exists' 'extra chars after value' 'invalid key' \
    'bad escape char' 'missing =' 'newline not allowed in inline table' \
    'array type mismatch while processing array of values' 'syntax error' \
    'table path is too deep; max allowed is 10.' 'expects ]]' 'unterminated s-quote' \
    'converting TOML to JSON: Invalid argument' 'converting TOML to JSON: Cannot allocate memory' \
    'internal error (toml.c:1180)'; do
    ok "the cases include one the broker refuses with \"$msg\"" grep -qF ": $msg" "$T/real"
done
ok "the cases include one the broker's parser never returns from" grep -qx HANG "$T/real"
ok "a message of more than 160 bytes is cut with a '+'" grep -q '^ERR .*k+$' "$T/real"
ok "the cases include documents the broker accepts" \
    [ "$(grep -c '^OK ' "$T/real")" -gt 100 ]

done_testing
