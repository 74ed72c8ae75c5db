#!/bin/bash
# long-run.sh FUZZ-BUILDDIR [SECONDS] [OUTDIR]: the documented long fuzz run.
# Runs every libFuzzer target of a `CC=clang ./configure --enable-fuzz` build
# one after the other for SECONDS each (default 610: at least 10 minutes), on
# a scratch corpus in OUTDIR (default /tmp/fp-fuzz-long) seeded read-only from
# tests/fuzz/corpus/<target>, and prints one Markdown table row per target
# (time, executions, exec/s, new units, peak RSS, coverage, findings), the
# rows of the "Long runs" table in tests/fuzz/README.md. A crash leaves its
# input in OUTDIR/art-<target>/ and counts as a finding; the script exits 1.
set -u
B=${1:?usage: long-run.sh FUZZ-BUILDDIR [SECONDS] [OUTDIR]}
SECS=${2:-610}
OUT=${3:-/tmp/fp-fuzz-long}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT"
findings=0
echo "| target | time | execs | exec/s | new units | peak RSS | cov / ft | findings |"
echo "|---|---|---|---|---|---|---|---|"
for t in $(cd "$B" && make -s print-fuzz-targets); do
    name=$(basename "$t"); name=${name#fuzz-}
    mkdir -p "$OUT/scratch-$name" "$OUT/art-$name"
    start=$(date +%s)
    "$B/$t" -max_total_time="$SECS" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/art-$name/" "$OUT/scratch-$name" "$SRC/tests/fuzz/corpus/$name" \
        >"$OUT/log-$name.txt" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    st() { sed -n "s/^stat::$1: *//p" "$OUT/log-$name.txt" | tail -1; }
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$OUT/log-$name.txt" | tail -1 | awk '{print $2 " / " $4}')
    n=$(find "$OUT/art-$name" -type f | wc -l)
    [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] || findings=$((findings + 1))
    echo "| \`fuzz-$name\` | $secs s | $(st number_of_executed_units) | $(st average_exec_per_sec) | $(st new_units_added) | $(st peak_rss_mb) MB | $cov | $n (exit $rc) |"
done
[ "$findings" -eq 0 ]
