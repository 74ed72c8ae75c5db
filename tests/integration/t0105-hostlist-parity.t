#!/bin/sh
# The gate's hostlist and idset decoders (src/common/hostlist.c, idset.c)
# against flux-core 0.88.0's own libhostlist and libidset, built here from
# the source tarball in $SHARED_DIR/flux (tests/parity/README.md): every
# vector we have, a generated corpus of tricky inputs, and a seeded random
# run. Any input on which the two disagree is printed with both outcomes.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
[ -n "${top_srcdir:-}" ] || { echo "Bail out! run under make check"; exit 1; }
. "$top_srcdir/tests/lib/tap.sh"

T=$(mktemp -d /tmp/fp-t0105.XXXXXX)
fp_atexit "rm -rf '$T'"
# Built without the sanitizers even in a sanitizer build: the comparison
# runs flux-core's side in a fork per input, and ASan's forks made this test
# take 18 minutes instead of 30 s. The decoders' memory safety under ASan and
# UBSan is the sanitizer tier's test-hostlist and test-idset, and the fuzz
# targets (fuzz-hostlist, fuzz-idset, fuzz-parity) built with both.
out=$(GATE_CFLAGS= sh "$top_srcdir/tests/parity/build.sh" "$T/hostlist-parity" 2>&1)
rc=$?
[ "$rc" -eq 77 ] && skip_all "$out"
if ! ok "hostlist-parity builds from flux-core 0.88.0's sources and the gate's" test "$rc" -eq 0; then
    diag "$out"
    done_testing
    exit
fi

args=(--hostlist-vectors "$top_srcdir/tests/data/hostlist/vectors.tsv"
      --idset-vectors "$top_srcdir/tests/data/idset/vectors.tsv")
shared=$SHARED_DIR/testdata/hostlist/vectors.tsv
if [ -f "$shared" ]; then args+=(--shared-vectors "$shared"); else diag "no $shared: the team's shared vectors are not run"; fi
# seeded, so a failure is reproducible: FP_PARITY_SEED=N, FP_PARITY_RANDOM=inputs
args+=(--seed "${FP_PARITY_SEED:-20261203}" --random "${FP_PARITY_RANDOM:-2000}")
diag "hostlist-parity check ${args[*]}"

while IFS= read -r line; do
    case $line in
        "ok "*) ok "${line#ok * - }" true ;;
        "not ok "*) ok "${line#not ok * - }" false ;;
        "#"*) printf '%s\n' "$line" ;;
        "exit "*) ok "hostlist-parity ran to the end (${line})" test "${line#exit }" -le 1 ;;
    esac
done < <("$T/hostlist-parity" check "${args[@]}" 2>&1; echo "exit $?")
done_testing
