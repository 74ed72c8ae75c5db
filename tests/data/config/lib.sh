# Helpers for the config.* integration tests (t03*.t); bash; source after
# tests/lib/tap.sh, fixture.sh and journald.sh.
#
#   config_root DIR HOST...   healthy fixture root + a gate config inside it;
#                             sets R (the root), SYS SEC IMP (its three conf.d),
#                             GATE (the gate conf.d, as seen inside the root)
#   gate ARGS...              flux-preflight --root $R --hostname $GATE_HOST
#                             --config $GATE --json ARGS -> $T/out, $rc; counts
#                             in $changed every run that changed anything under $R
#   jfield CHECK JQ-PATH      a field of CHECK's result in $T/out ("" if null)
#   contains GOT WANT DESC    TAP: fixed-substring match
#   journal_fields OUT.json CHECK RESULT FILE LINE [KEY]
#                             TAP: the contract's journald fields of CHECK

config_root() {
    fixture_healthy "$1" "${@:2}" || bail "fixture_healthy failed"
    R=$FIXTURE_ROOT
    [ -d "$R/etc/flux" ] && [ "$R" != / ] || bail "no fixture root"
    GATE_HOST=$FIXTURE_HOST
    SYS=$R/etc/flux/system/conf.d
    SEC=$R/etc/flux/security/conf.d
    IMP=$R/etc/flux/imp/conf.d
    GATE=/etc/flux/preflight/conf.d
    mkdir -p "$R$GATE"
    cat >"$R$GATE/gate.toml" <<'EOT'
system-config = "/etc/flux/system/conf.d"
security-config = "/etc/flux/security/conf.d"
imp-config = "/etc/flux/imp/conf.d"
EOT
}

# Everything under the root, metadata and content: the gate changes nothing.
config_snapshot() {
    (cd "$R" && find . -printf '%p %y %m %U %G %s %T@\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

changed=0
gate() {
    config_snapshot >"$T/before"
    rc=0
    "$FP_BIN" --root "$R" --hostname "$GATE_HOST" --config "$GATE" --json "$@" \
        >"$T/out" 2>"$T/err" || rc=$?
    config_snapshot >"$T/after"
    cmp -s "$T/before" "$T/after" || changed=$((changed + 1))
}

jfield() {
    jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2 // empty" "$T/out"
}

contains() {
    TAP_N=$((TAP_N + 1))
    case $1 in
    *"$2"*) echo "ok $TAP_N - $3" ;;
    *) echo "not ok $TAP_N - $3"; TAP_FAILED=$((TAP_FAILED + 1))
       printf '#   got:  %s\n#   want substring: %s\n' "$1" "$2" ;;
    esac
}

journal_fields() {
    local j=$1 c=$2 res=$3 file=$4 line=$5 key=${6:-}
    local prio=3
    [ "$res" = warn ] && prio=4
    is "$(journal_get "$j" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=$c)" "$res" "journal $c: FLUX_PREFLIGHT_RESULT=$res"
    is "$(journal_get "$j" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=$c)" fail "journal $c: FLUX_PREFLIGHT_SEVERITY=fail"
    is "$(journal_get "$j" PRIORITY FLUX_PREFLIGHT_CHECK=$c)" $prio "journal $c: PRIORITY=$prio"
    is "$(journal_get "$j" MESSAGE_ID FLUX_PREFLIGHT_CHECK=$c)" \
        "$("$FP_BIN" explain $c | sed -n 's/.*MESSAGE_ID=//p')" "journal $c: the check's MESSAGE_ID"
    is "$(journal_get "$j" FLUX_PREFLIGHT_FILE FLUX_PREFLIGHT_CHECK=$c)" "$file" "journal $c: FLUX_PREFLIGHT_FILE"
    [ -z "$line" ] || is "$(journal_get "$j" FLUX_PREFLIGHT_LINE FLUX_PREFLIGHT_CHECK=$c)" "$line" "journal $c: FLUX_PREFLIGHT_LINE"
    [ -z "$key" ] || is "$(journal_get "$j" FLUX_PREFLIGHT_KEY FLUX_PREFLIGHT_CHECK=$c)" "$key" "journal $c: FLUX_PREFLIGHT_KEY"
}
