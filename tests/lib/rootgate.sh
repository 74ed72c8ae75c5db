# Run the gate on a fixture root and prove it changed nothing there (source
# after tap.sh and journald.sh; needs T, R and CHECKS set).
#
#   snapshot        every path under $R (type, mode, owner, size, mtime, link
#                   target) and the sha256 of every file; not below
#                   $SNAP_PRUNE (./RELATIVE-PATH: a hung mount) if set
#   root_gate [--journal OUT.json] [--hostname H]
#                   flux-preflight --root $R --hostname H (default node0)
#                   --config /etc/flux/preflight/conf.d --check $CHECKS --json
#                   -> $T/out, $T/err, $rc; CHANGED counts the runs that
#                   changed anything under $R (shown as "# changed:" lines)
CHANGED=0
snapshot() {
    local p=${SNAP_PRUNE:-/nonexistent}
    (cd "$R" && find . -path "$p" -prune -o -printf '%p %y %m %u %g %s %T@ %l\n' 2>/dev/null | sort &&
        find . -path "$p" -prune -o -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum)
}
root_gate() {
    local j= host=node0
    while :; do
        case ${1:-} in
            --journal) j=$2; shift 2 ;;
            --hostname) host=$2; shift 2 ;;
            *) break ;;
        esac
    done
    snapshot >"$T/before"
    rc=0
    if [ -n "$j" ]; then
        journald_run "$j" "$FP_BIN" --journal --root "$R" --hostname "$host" \
            --config /etc/flux/preflight/conf.d --check "$CHECKS" --json >"$T/out" 2>"$T/err" || rc=$?
    else
        "$FP_BIN" --root "$R" --hostname "$host" --config /etc/flux/preflight/conf.d \
            --check "$CHECKS" --json >"$T/out" 2>"$T/err" || rc=$?
    fi
    snapshot >"$T/after"
    if ! cmp -s "$T/before" "$T/after"; then
        CHANGED=$((CHANGED + 1))
        diff "$T/before" "$T/after" | sed 's/^/# changed: /'
    fi
}
