# Private munged for tests (POSIX sh; source it). Never touches /run/munge or the system munged.
#
#   munged_start DIR      create DIR (mode 0755: munged refuses a 0700 socket dir), a fresh key
#                         DIR/munge.key, start `munged -F` in the background on DIR/munge.sock and
#                         wait (max MUNGED_WAIT s, default 10) until a munge|unmunge round trip works.
#                         Sets MUNGE_SOCKET, MUNGE_KEY, MUNGED_PID, MUNGED_DIR; log in DIR/munged.log.
#                         Registers munged_stop with fp_atexit.  Returns 1 if it did not come up.
#   munged_roundtrip      0 if `munge -n | unmunge` works on $MUNGE_SOCKET (client default timeouts)
#   munged_stop           kill and reap munged (idempotent); the socket file is removed by munged.
#   munged_sigstop / munged_sigcont    freeze / thaw it (clients then hang ~10 s on their own)
#   munged_kill_stale     SIGKILL munged: leaves a stale socket file behind (refused connections)
#
# One munged per shell (the variables are global); start another after munged_stop.

# fp_atexit (cleanup at exit) comes from tests/lib/tap.sh, sourced first.

munged_start() {
    _md=${1:?munged_start DIR}
    mkdir -p "$_md" && chmod 0755 "$_md" || return 1
    _md=$(cd "$_md" && pwd -P)
    rm -f "$_md/munge.key"
    if command -v mungekey >/dev/null 2>&1; then
        mungekey -c -k "$_md/munge.key" || return 1
    else
        dd if=/dev/urandom of="$_md/munge.key" bs=1024 count=1 2>/dev/null || return 1
    fi
    chmod 0400 "$_md/munge.key"
    MUNGED_DIR=$_md
    MUNGE_SOCKET=$_md/munge.sock
    MUNGE_KEY=$_md/munge.key
    munged -F --force --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" \
        --pid-file="$_md/munged.pid" --seed-file="$_md/munged.seed" \
        >"$_md/munged.log" 2>&1 </dev/null &
    MUNGED_PID=$!
    export MUNGE_SOCKET MUNGE_KEY MUNGED_PID MUNGED_DIR
    fp_atexit munged_stop
    _mw=$(( ${MUNGED_WAIT:-10} * 20 ))
    while [ "$_mw" -gt 0 ]; do
        if ! kill -0 "$MUNGED_PID" 2>/dev/null; then
            echo "munged_start: munged exited:" >&2; cat "$_md/munged.log" >&2; munged_stop; return 1
        fi
        [ -S "$MUNGE_SOCKET" ] && munged_roundtrip 2>/dev/null && return 0
        sleep 0.05; _mw=$((_mw - 1))
    done
    echo "munged_start: no round trip on $MUNGE_SOCKET within ${MUNGED_WAIT:-10}s" >&2
    cat "$_md/munged.log" >&2
    munged_stop
    return 1
}

munged_roundtrip() {
    munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET" >/dev/null
}

munged_stop() {
    [ -n "${MUNGED_PID:-}" ] || return 0
    kill -CONT "$MUNGED_PID" 2>/dev/null
    kill -TERM "$MUNGED_PID" 2>/dev/null
    _mw=100
    while kill -0 "$MUNGED_PID" 2>/dev/null && [ "$_mw" -gt 0 ]; do sleep 0.05; _mw=$((_mw - 1)); done
    kill -KILL "$MUNGED_PID" 2>/dev/null
    wait "$MUNGED_PID" 2>/dev/null
    MUNGED_PID=
    return 0
}

munged_sigstop() { kill -STOP "${MUNGED_PID:?no munged}"; }
munged_sigcont() { kill -CONT "${MUNGED_PID:?no munged}"; }

munged_kill_stale() {
    [ -n "${MUNGED_PID:-}" ] || return 1
    kill -KILL "$MUNGED_PID"; wait "$MUNGED_PID" 2>/dev/null
    MUNGED_PID=
}
