#!/bin/sh
# T_LOG_COMPILER: timed.sh SHELL TEST [ARGS]: run one test script, then append
# its wall time as a TAP comment ("# elapsed: N s"), so that CI can say which
# tests take the time.
sh=$1; shift
start=$(date +%s)
"$sh" "$@"
rc=$?
echo "# elapsed: $(( $(date +%s) - start )) s"
exit $rc
