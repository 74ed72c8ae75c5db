#!/bin/sh
# The TOML parser against the public toml-test suite (TOML 1.0 cases): the
# gate reads every Flux config through it, so it has to agree with the spec
# on what is and is not TOML. At least 99% of the cases must pass.
. "$top_srcdir/tests/lib/tap.sh"

DECODER=$top_builddir/tests/toml-decode
# The suite and its harness are not part of the project: the team's shared
# test data has both (SHARED_DIR); TOML_TEST_DIR may name another copy of the
# suite (a toml-test checkout's tests/ directory).
HARNESS=${TOML_CONFORMANCE:-$SHARED_DIR/tools/toml-conformance}
SUITE=${TOML_TEST_DIR:-$SHARED_DIR/testdata/toml-test}

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -d "$SUITE" ] ||
    skip_all "no toml-test suite at $SUITE (set SHARED_DIR to the shared test data, or TOML_TEST_DIR to a toml-test tests/ directory)"
[ -x "$HARNESS" ] ||
    skip_all "no toml-conformance harness at $HARNESS (SHARED_DIR/tools, or TOML_CONFORMANCE)"
[ -x "$DECODER" ] || bail "decoder $DECODER was not built"

OUT=$(mktemp /tmp/fp-t0100.XXXXXX)
trap 'rm -f "$OUT"' EXIT

python3 "$HARNESS" "$DECODER" "$SUITE" --verbose >"$OUT" 2>&1
summary=$(tail -n 1 "$OUT")
like "$summary" '^[0-9]+ passed, [0-9]+ failed$' "harness printed its summary"

passed=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
: "${passed:=0}" "${failed:=0}"
diag "toml-test: $passed passed, $failed failed"
# name the first failures, if any, so a regression is visible in the log
grep -E '^ *FAIL ' "$OUT" | head -n 20 | while IFS= read -r l; do
    diag "$l"
done

ok "cases were run" [ $((passed + failed)) -gt 0 ]
# passed / (passed + failed) >= 0.99, in integers
ok "at least 99% of cases pass ($passed of $((passed + failed)))" \
    [ $((passed * 100)) -ge $(((passed + failed) * 99)) ]

done_testing
