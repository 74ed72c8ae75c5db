# Shell TAP helpers for integration and system tests. Source it, call plan-less
# ok/is/..., then `done_testing` at the end.
#   ok "description" command args...      passes when the command exits 0
#   is "$got" "$want" "description"
#   like "$got" "regex" "description"     grep -E match
#   skip_all "reason"                      whole test skipped
TAP_N=0
TAP_FAILED=0

ok() {
    _d=$1; shift
    TAP_N=$((TAP_N + 1))
    if "$@"; then echo "ok $TAP_N - $_d"; else echo "not ok $TAP_N - $_d"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}
not_ok() {
    _d=$1; shift
    TAP_N=$((TAP_N + 1))
    if "$@"; then echo "not ok $TAP_N - $_d"; TAP_FAILED=$((TAP_FAILED + 1)); else echo "ok $TAP_N - $_d"; fi
}
is() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" = "$2" ]; then echo "ok $TAP_N - $3"
    else
        echo "not ok $TAP_N - $3"; TAP_FAILED=$((TAP_FAILED + 1))
        printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
    fi
}
like() {
    TAP_N=$((TAP_N + 1))
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $TAP_N - $3"
    else
        echo "not ok $TAP_N - $3"; TAP_FAILED=$((TAP_FAILED + 1))
        printf '#   got:  %s\n#   want match: %s\n' "$1" "$2"
    fi
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $1"; }
diag() { printf '# %s\n' "$*"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
bail() { echo "Bail out! $*"; exit 1; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }

# Cleanup registry. fp_atexit 'CMD' runs CMD when the test exits (EXIT, or
# HUP/INT/TERM), the last registered first, keeping the exit code. Use it
# instead of `trap ... EXIT` (a later trap would replace this one). Register
# only from the main shell, not inside $(...) or a background subshell (reset
# FP_ATEXIT= there first: the subshell would run the parent's list too).
FP_ATEXIT=
fp_atexit() {
    FP_ATEXIT="$1
$FP_ATEXIT"
    trap fp_run_atexit EXIT
    trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
}
fp_run_atexit() {
    _fp_rc=$?
    trap - EXIT
    set +e
    _fp_todo=$FP_ATEXIT; FP_ATEXIT=
    eval "$_fp_todo"
    exit $_fp_rc
}

# Under `make check-valgrind` (tests/valgrind.am) every run of the gate is
# much slower. slack_ms N: the wall-clock bound N ms plus FP_TIME_SLACK_MS
# (0 in make check), for an upper bound on how long a run may take:
#   ok "ended within deadline + 1 s ($ms ms)" test "$ms" -lt "$(slack_ms 4000)"
slack_ms() { echo $(( $1 + ${FP_TIME_SLACK_MS:-0} )); }
