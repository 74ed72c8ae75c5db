#!/bin/sh
# The gate under valgrind memcheck, for `make check-valgrind` (tests/valgrind.am,
# tests/lib/README.md). It is a file, not a function, so that journald_run,
# notify-capture.py, setpriv, unshare, timeout and tests/lib/guard-gate can
# run it.
#
#   FP_BIN_REAL         the real binary
#   FP_VALGRIND_LOGDIR  each run gets a directory of its own below it (pids
#                       are reused during a test), with one log per process:
#                       the forked check children too (valgrind follows fork)
#   FP_VALGRIND_SUPP    a suppressions file (tests/lib/valgrind.supp)
#
# A memory error or a definitely lost block makes a process exit 97 (the gate
# never exits 97 by itself); tests/lib/valgrind-scan.sh reads every log after
# the run, as an abandoned check child is killed before it can say anything.
#
# --run-libc-freeres=no: a check child may _exit while a glibc thread still
# resolves a name for it (net.parent gives up on a DNS server that does not
# answer); freeing libc's resolver state under that thread makes memcheck
# report errors and leaks in glibc that the program never had.
#
# valgrind 3.19 does not implement openat2(2): under it the gate gets ENOSYS
# and resolves paths in a --root image by hand (src/checks/fsutil.c), so this
# tier runs that path, not the kernel's.
: "${FP_BIN_REAL:?FP_BIN_REAL is not set (run through make check-valgrind)}"
: "${FP_VALGRIND_LOGDIR:?FP_VALGRIND_LOGDIR is not set (run through make check-valgrind)}"
dir=$(mktemp -d "$FP_VALGRIND_LOGDIR/run.XXXXXX") || exit 125
supp=
if [ -n "${FP_VALGRIND_SUPP:-}" ]; then
    supp=--suppressions=$FP_VALGRIND_SUPP
fi
exec valgrind --tool=memcheck --error-exitcode=97 \
    --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --track-origins=no --num-callers=30 --run-libc-freeres=no \
    --log-file="$dir/%p.log" $supp \
    "$FP_BIN_REAL" "$@"
