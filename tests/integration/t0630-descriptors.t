#!/bin/sh
# One check, one place: the journal catalog and the CHECKS entries of
# flux-preflight(8) are build products of the check descriptors (fp-gendoc),
# so they cannot drift from them; every check's explanation is in both, and
# is what `explain` prints. The walk-through's sample check
# (tests/sample/sample.c, src/checks/README.md), built into a copy of the
# gate, appears in list, explain, --json, list --settings, the catalog and
# the man page; built with another explanation, both documents change with
# it, and nothing else does.
. "$top_srcdir/tests/lib/tap.sh"
GENDOC=$top_builddir/src/fp-gendoc
CATALOG=$top_builddir/units/flux-preflight.catalog
MAN8=$top_builddir/man/flux-preflight.8
HEAD=$top_srcdir/units/catalog.d/summary.catalog
TEMPLATE=$top_srcdir/man/flux-preflight.8.in
SAMPLE=$top_builddir/tests/sample/flux-preflight-sample
GENDOC1=$top_builddir/tests/sample/fp-gendoc-sample
GENDOC2=$top_builddir/tests/sample/fp-gendoc-sample2
T=$(mktemp -d /tmp/fp-t0630.XXXXXX)
fp_atexit "rm -rf '$T'"

# --- the built documents are what the descriptors generate
"$GENDOC" catalog "$HEAD" >"$T/catalog" || bail "fp-gendoc catalog failed"
"$GENDOC" man "$TEMPLATE" >"$T/man" || bail "fp-gendoc man failed"
ok "the built catalog is what the descriptors generate (no drift)" cmp -s "$T/catalog" "$CATALOG"
ok "the built flux-preflight(8) is what the descriptors generate (no drift)" cmp -s "$T/man" "$MAN8"
ok "the template has no check entry of its own: they are all generated" \
    eval '! sed -n "/^\.Sh CHECKS/,/^\.Sh /p" "$TEMPLATE" | grep -q "^\.It Sy [a-z]*\.[a-z]*\$"'
is "$(grep -c '^-- [0-9a-f]\{32\}$' "$HEAD")" 1 "the catalog's hand-written part is the run summary's entry alone"

# --- every check: explain prints its explanation, the catalog and the man
# page carry it (the man page's text rendered and compared word by word)
if command -v mandoc >/dev/null; then
    mandoc -Tascii -O width=1000 "$MAN8" | col -bx | tr -s ' \n' '  ' >"$T/man.txt"
fi
ids=$("$FP_BIN" list | awk 'NR > 1 {print $1}')
for id in $ids; do
    "$FP_BIN" explain "$id" >"$T/explain" || bail "explain $id failed"
    mid=$(sed -n 's/.*MESSAGE_ID=//p' "$T/explain")
    # the explanation: the paragraphs between the details and "Default severity"
    sed -n "/^-- $mid\$/,/^-- /p" "$CATALOG" | sed '1,/^$/d' | sed '/^-- /d' >"$T/entry"
    # the catalog entry: the journal paragraph, then the explanation
    sed '1,/^$/d' "$T/entry" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$T/entry.explain"
    ok "$id: the catalog carries the explanation explain prints" \
        grep -qxF "$(head -1 "$T/entry.explain")" "$T/explain"
    ok "$id: ...all of it, line for line" sh -c 'grep -vxF -f "$1" "$2" | grep -q . && exit 1 || exit 0' \
        _ "$T/explain" "$T/entry.explain"
    if [ -f "$T/man.txt" ]; then
        words=$(tr -s ' \n' '  ' <"$T/entry.explain" | sed 's/^ //; s/ $//')
        ok "$id: flux-preflight(8) carries the same explanation" grep -qF -- "$words" "$T/man.txt"
    else
        skip "mandoc not installed"
    fi
done

# --- the sample check of the walk-through: the README's code is the sample's
README=$top_srcdir/src/checks/README.md
SAMPLE_C=$top_srcdir/tests/sample/sample.c
sed -n '/^static void check_sample_motd/,/^}/p' "$README" >"$T/readme.run"
sed -n '/^static void check_sample_motd/,/^}/p' "$SAMPLE_C" >"$T/sample.run"
ok "README: the walk-through's run function is the sample's" \
    sh -c 'test -s "$1" && sed "s| */\*.*\*/||" "$1" | cmp -s - "$2"' _ "$T/readme.run" "$T/sample.run"
for field in id message_id summary subject details severity; do
    want=$(grep -o "^ *\.$field = [^,]*" "$SAMPLE_C" | sed 's/^ *//')
    ok "README: the walk-through's descriptor has the sample's .$field" grep -qF -- "$want" "$README"
done
ok "README: ...and its setting" grep -qF '{ "sample.motd", FP_SET_PATH, "/etc/motd", "the file the sample check names" }' "$README"

like "$("$SAMPLE" list | grep '^sample\.motd ')" '^sample\.motd +warns +the sample check of src/checks/README\.md' \
    "sample: list shows the sample check, warns (its default severity)"
is "$("$FP_BIN" list | grep -c '^sample\.')" 0 "...and the real gate has no such check"
"$SAMPLE" explain sample.motd >"$T/sexplain"
like "$(head -1 "$T/sexplain")" '^sample\.motd: the sample check of src/checks/README\.md' "sample: explain shows its summary"
ok "sample: explain shows its explanation" grep -q '^node; this sample check only shows the shape of a check\.$' "$T/sexplain"
ok "sample: explain shows its MESSAGE_ID" grep -q 'MESSAGE_ID=5a3b1e0c2f8d4e6a9b7c1d2e3f405162$' "$T/sexplain"
like "$("$SAMPLE" list --settings | grep '^sample\.motd ')" '^sample\.motd +/etc/motd +default$' \
    "sample: its own setting is in list --settings, with its default"
CONFD=$T/root/etc/flux/preflight/conf.d   # the gate's config, in the image
mkdir -p "$CONFD"
printf '[sample]\nmotd = "/srv/motd"\n' >"$CONFD/a.toml"
"$SAMPLE" --root "$T/root" --check sample.motd --json >"$T/run.json" 2>"$T/run.err"
is "$(jq -r '.results[] | select(.id == "sample.motd") | "\(.result) \(.severity) \(.facts.path)"' "$T/run.json")" \
    "pass warn /srv/motd" "sample: --json has its result, severity and fact, from its setting"
printf '[sample]\nmotd = "srv/motd"\n' >"$CONFD/a.toml"
err=$("$SAMPLE" --root "$T/root" --check sample.motd 2>&1 >/dev/null); rc=$?
is "$rc" 2 "sample: a bad value of its setting is a config error (exit 2)"
like "$err" "a\.toml:2: sample\.motd: expected an absolute path" "...naming file, line and the setting's type"

"$GENDOC1" catalog "$HEAD" >"$T/scatalog"
"$GENDOC1" man "$TEMPLATE" >"$T/sman.8"
ok "sample: the catalog has its entry" grep -qx -- '-- 5a3b1e0c2f8d4e6a9b7c1d2e3f405162' "$T/scatalog"
ok "sample: ...with its subject" grep -qx 'Subject: flux-preflight sample.motd: @FLUX_PREFLIGHT_PATH@' "$T/scatalog"
ok "sample: ...and its explanation" grep -qx 'node; this sample check only shows the shape of a check.' "$T/scatalog"
ok "sample: the man page has its entry" grep -qx '\.It Sy sample\.motd' "$T/sman.8"
ok "sample: ...with its explanation" grep -qx 'node; this sample check only shows the shape of a check\.' "$T/sman.8"
ok "sample: ...and its setting" grep -qx '\.Cm sample\.motd :' "$T/sman.8"
if command -v mandoc >/dev/null; then
    is "$(mandoc -Tlint -W warning "$T/sman.8" 2>&1)" "" "sample: the generated man page is lint-clean"
else
    skip "mandoc not installed"
fi
# the real checks' entries are the same with the sample added
ok "sample: the real checks' catalog entries are unchanged by it" \
    sh -c 'sed "/^-- 5a3b1e0c2f8d4e6a9b7c1d2e3f405162\$/,\$d" "$1" | sed -e :a -e "/^\n*\$/{\$d;N;ba" -e "}" | cmp -s - "$2"' _ "$T/scatalog" "$CATALOG"

# one changed explanation: both documents change, in that entry only
"$GENDOC2" catalog "$HEAD" >"$T/scatalog2"
"$GENDOC2" man "$TEMPLATE" >"$T/sman2.8"
ok "changed explanation: the catalog has it" grep -qx 'A changed explanation of the sample check.' "$T/scatalog2"
ok "changed explanation: the man page has it" grep -qx 'A changed explanation of the sample check\.' "$T/sman2.8"
is "$(diff "$T/scatalog" "$T/scatalog2" | grep '^[<>]' | grep -v -e 'this sample check\|message of the day\|^. node; \|Check and fix\|cat /etc/motd\|A changed explanation\|^[<>] *$')" "" \
    "changed explanation: nothing else in the catalog changed"
is "$(diff "$T/sman.8" "$T/sman2.8" | grep '^[<>]' | grep -v -e 'this sample check\|message of the day\|^. node; \|Check and fix\|cat /etc/motd\|A changed explanation\|^[<>] \.\(Pp\|Bd\|Ed\)\|^[<>] *$')" "" \
    "changed explanation: nothing else in the man page changed"

# --- the shape of the tree (issue 19): the engine and the outputs know no
# check (no check id in their sources), and no file of src/ is over 1,000
# lines but the TOML 1.0 parser (src/common/README.md says why)
ids_re=$(printf '%s\n' $ids | sed 's/\./\\./g' | paste -sd '|')
[ -n "$ids_re" ] || bail "no check ids from list"
is "$(grep -rnoE "\"($ids_re)\"" "$top_srcdir/src/engine" "$top_srcdir/src/output" | head -5)" "" \
    "no check id string in src/engine or src/output"
is "$(cd "$top_srcdir" && find src pam -name '*.[ch]' -exec wc -l {} + | awk '$2 != "total" && $1 > 1000 {print $2}' | sort | tr '\n' ' ')" \
    "src/common/toml.c " "no file of src/ or pam/ over 1,000 lines but src/common/toml.c"

done_testing
