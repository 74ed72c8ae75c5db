# Standalone journald for tests (POSIX sh; source it; needs root, unshare, jq).
#
#   journald_run [--stream[=IDENT]] OUT.json CMD [ARGS...]
#       Runs CMD inside a private mount namespace (unshare --mount --propagation private) with
#       tmpfs on /run/systemd, /run/log and /var/log/journal and its own systemd-journald, so
#       libsystemd's fixed socket paths reach that journald and nothing of the host's journal is
#       seen or touched. After CMD: `journalctl --sync` (journald has processed everything CMD
#       sent), `--flush`, export with `journalctl -D /var/log/journal -o json` to OUT.json (one
#       JSON object per line, journald's own entries included), stop journald.
#       Returns CMD's exit code (125 if the journald setup itself failed).
#       Default mode: CMD's stdout/stderr are the caller's and JOURNAL_STREAM is unset, so a
#       program logs to the journal only when asked (its option/env that forces journald output).
#       --stream[=IDENT]: CMD's stderr is a journald stream connection (via systemd-cat -t IDENT,
#       default IDENT "stream") and JOURNAL_STREAM=<st_dev>:<st_ino> of that socket is exported,
#       exactly what systemd sets for StandardError=journal; stdout stays the caller's.
#       (systemd-cat 252 itself does NOT set JOURNAL_STREAM; the wrapper computes it with
#       `stat -L -c %d:%i /proc/self/fd/2`.) Lines CMD writes to stderr become entries with
#       _TRANSPORT=stdout and SYSLOG_IDENTIFIER=IDENT.
#       Paths CMD and OUT.json use must not be under /run/systemd, /run/log or /var/log/journal
#       (hidden inside). `logger` has no /dev/log here: use `logger --journald` (fields from
#       stdin) or `logger -u /run/systemd/journal/dev-log`.
#
#   Queries on an exported OUT.json; MATCH is FIELD=VALUE (exact) or FIELD~REGEX (jq test());
#   all MATCHes must hold; a field sent several times matches if any value does; binary fields
#   (byte arrays in the JSON) are decoded.
#   journal_get OUT.json FIELD [MATCH...]     values of FIELD of matching entries, one per line
#   journal_count OUT.json [MATCH...]         number of matching entries
#   journal_select OUT.json [MATCH...]        matching entries, one compact JSON object per line

JOURNALD_BIN=${JOURNALD_BIN:-/lib/systemd/systemd-journald}

_journald_inner='
out=$1 ident=$2 jlog=$3; shift 3
for d in /run/systemd /run/log; do [ -d $d ] || mkdir -p $d; done
mount -t tmpfs -o mode=0755 tmpfs /run/systemd || exit 125
mount -t tmpfs -o mode=0755 tmpfs /run/log || exit 125
if [ -d /var/log/journal ]; then mount -t tmpfs -o mode=2755 tmpfs /var/log/journal || exit 125
else mount -t tmpfs -o mode=0755 tmpfs /var/log && mkdir /var/log/journal || exit 125; fi
mkdir -p /run/systemd/journal /run/systemd/journald.conf.d
printf "[Journal]\nStorage=persistent\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\nForwardToConsole=no\nRateLimitBurst=0\n" \
    >/run/systemd/journald.conf.d/fp-test.conf
unset NOTIFY_SOCKET JOURNAL_STREAM
"$JOURNALD_BIN" >"$jlog" 2>&1 </dev/null & J=$!
n=250
while [ ! -S /run/systemd/journal/socket ] || [ ! -S /run/systemd/journal/stdout ]; do
    n=$((n - 1)); if [ $n -le 0 ] || ! kill -0 $J 2>/dev/null; then
        echo "journald_run: journald did not start" >&2; cat "$jlog" >&2; kill $J 2>/dev/null; exit 125; fi
    sleep 0.02
done
if [ -n "$ident" ]; then
    systemd-cat -t "$ident" sh -c '\''exec 1>&3 3>&-; JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) || exit 125; export JOURNAL_STREAM; exec "$@"'\'' fp-stream "$@" 3>&1
else
    "$@"
fi
rc=$?
journalctl --sync >/dev/null 2>&1
journalctl --flush >/dev/null 2>&1
journalctl -D /var/log/journal -o json --no-pager >"$out" 2>/dev/null || rc=125
kill $J; wait $J
exit $rc
'

journald_run() {
    _jr_ident=
    case ${1:-} in
        --stream) _jr_ident=stream; shift ;;
        --stream=*) _jr_ident=${1#--stream=}; shift ;;
    esac
    _jr_out=${1:?journald_run [--stream[=IDENT]] OUT.json CMD...}; shift
    [ $# -gt 0 ] || { echo "journald_run: no command" >&2; return 125; }
    case $_jr_out in /*) ;; *) _jr_out=$(pwd)/$_jr_out ;; esac
    _jr_log=$(mktemp "${TMPDIR:-/tmp}/fp-journald.XXXXXX") || return 125
    JOURNALD_BIN=$JOURNALD_BIN unshare --mount --propagation private \
        sh -c "$_journald_inner" journald_run "$_jr_out" "$_jr_ident" "$_jr_log" "$@"
    _jr_rc=$?
    rm -f "$_jr_log"
    return $_jr_rc
}

_journal_jq='
def vals: if type == "array" then
              (if length > 0 and (.[0] | type) == "number" then implode else .[] | vals end)
          else . end;
def m($e): ($e | index("=")) as $i | ($e | index("~")) as $j |
    if $i != null and ($j == null or $i < $j) then
        ($e[:$i]) as $k | ($e[$i+1:]) as $v | any(.[$k] | select(. != null) | vals; . == $v)
    elif $j != null then
        ($e[:$j]) as $k | ($e[$j+1:]) as $r | any(.[$k] | select(. != null) | vals; test($r))
    else error("bad match: " + $e) end;
. as $x | select(all($ARGS.positional[] as $e | ($x | m($e)); .))
'

journal_select() {
    _js_f=${1:?journal_select OUT.json [MATCH...]}; shift
    jq -c "$_journal_jq" --args "$@" <"$_js_f"
}
journal_get() {
    _jg_f=${1:?journal_get OUT.json FIELD [MATCH...]}; _jg_k=${2:?FIELD}; shift 2
    jq -r --arg k "$_jg_k" "$_journal_jq"' | .[$k] | select(. != null) | vals' --args "$@" <"$_jg_f"
}
journal_count() {
    _jc_f=${1:?journal_count OUT.json [MATCH...]}; shift
    journal_select "$_jc_f" "$@" | wc -l | tr -d ' '
}
