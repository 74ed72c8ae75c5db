#!/bin/sh
# valgrind-scan.sh LOGDIR: the verdict of `make check-valgrind` on the logs
# tests/lib/valgrind-gate.sh left (one per process, forked children too).
#
# A log is bad if its ERROR SUMMARY counts errors (memory errors, and
# definitely lost blocks: --errors-for-leak-kinds=definite), or if it holds
# an error report at all: a check child the gate abandoned and killed never
# writes its summary. An error report is a line that is not a Warning
# followed by a stack ("at 0x..."). Bad logs are printed without valgrind's
# own --PID-- notes (up to FP_VALGRIND_SCAN_LINES lines each, default 300).
# Exit 0 clean, 1 not.
dir=${1:?usage: valgrind-scan.sh LOGDIR}
max=${FP_VALGRIND_SCAN_LINES:-300}
[ -d "$dir" ] || { echo "valgrind-scan: no log directory $dir" >&2; exit 1; }

list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT
find "$dir" -type f -name '*.log' | sort >"$list"
total=$(wc -l <"$list")
if [ "$total" -eq 0 ]; then
    echo "valgrind-scan: no valgrind log under $dir: the gate never ran under valgrind" >&2
    exit 1
fi

bad=0 unfinished=0 warned=0
while IFS= read -r f; do
    # errors reported, ERROR SUMMARY count (-1 if none), Warnings
    set -- $(awk '
        /^==[0-9]+== ERROR SUMMARY: / { summary = $4 }
        /^==[0-9]+==    at 0x/ && head != "" { errors++ }
        { head = "" }
        /^==[0-9]+== [^ ]/ && !/^==[0-9]+== (Warning|WARNING)/ { head = $0 }
        /^(==|--)[0-9]+(==|--) (Warning|WARNING): / { warnings++ }
        END { printf "%d %d %d\n", errors, summary == "" ? -1 : summary, warnings }' "$f")
    errors=$1 summary=$2 warnings=$3
    [ "$summary" -ge 0 ] || unfinished=$((unfinished + 1))
    [ "$warnings" -eq 0 ] || warned=$((warned + 1))
    if [ "$errors" -gt 0 ] || [ "$summary" -gt 0 ]; then
        bad=$((bad + 1))
        echo "=== valgrind: errors in ${f#"$dir"/}"
        grep -v -E '^--[0-9]+-- ' "$f" | head -n "$max"   # (valgrind's own notes: counted below)
    fi
done <"$list"

echo "valgrind-scan: $total process logs, $bad with errors, $unfinished without a summary (killed)," \
    "$warned with valgrind warnings"
if [ "$warned" -gt 0 ]; then
    echo "valgrind-scan: warnings (not failures):"
    grep -h -E '^(==|--)[0-9]+(==|--) (Warning|WARNING): ' $(cat "$list") | sed -E 's/^(==|--)[0-9]+(==|--) //' | sort | uniq -c | sort -rn | head -20
fi
[ "$bad" -eq 0 ]
