#!/bin/sh
# config.parse, config.bootstrap, config.tbon and config.resource against what
# flux-core 0.88.0's broker was seen to refuse (FLUX-FACTS §12.b, §12.d) and to
# accept but then trip over (§12.e): one fixture root for a node named vm, one
# system.toml per case (tests/data/config/broker-parity.cases), and the
# broker's own words in the check's message, placed at file:line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
[ -n "${top_srcdir:-}" ] && [ -n "${FP_BIN:-}" ] || { echo "Bail out! run under make check"; exit 1; }
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/data/config/lib.sh"

CASES=$top_srcdir/tests/data/config/broker-parity.cases
CHECKS=config.parse,config.bootstrap,config.tbon,config.resource

T=$(mktemp -d /tmp/fp-t0300.XXXXXX)
fp_atexit "rm -rf '$T'"
config_root "$T/root" vm
cp "$SYS/system.toml" "$T/healthy.toml"
# the R that resource.path cases load
cat >"$R/etc/flux/system/R.json" <<'EOT'
{"version": 1, "execution": {"R_lite": [{"rank": "0", "children": {"core": "0-1"}}], "starttime": 0.0, "expiration": 0.0, "nodelist": ["vm"]}}
EOT
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# --- the table --------------------------------------------------------------
run_case() { # run_case HEADER BODY
    local id want sub where key line res msg desc failed fkey floc
    IFS='|' read -r id want sub where <<<"$1"
    id=$(trim "$id"); want=$(trim "$want"); sub=$(trim "$sub"); where=$(trim "$where")
    sub=${sub//SYSTEM_TOML/$SYS/system.toml}
    sub=${sub//ROOT/$R}
    printf '%s' "$2" >"$SYS/system.toml"
    gate --check "$CHECKS"
    # one jq per case: result, failed, key, file:line, then the message
    { IFS= read -r res; IFS= read -r failed; IFS= read -r fkey; IFS= read -r floc; IFS= read -r msg; } < <(
        jq -r --arg id "$id" '(.results[] | select(.id == $id)) as $r |
            $r.result, (.failed | tojson), ($r.facts.key // ""),
            "\($r.facts.file // ""):\($r.facts.line // "")", $r.message' "$T/out")
    desc="$id $want (${sub:0:70})"
    is "$res" "$want" "$desc: result"
    contains "$msg" "$sub" "$desc: the message has the reader's words"
    if [ "$want" = fail ]; then
        is "$rc" 1 "$desc: exit 1"
        is "$failed" "[\"$id\"]" "$desc: the only failed check"
    else
        is "$rc" 0 "$desc: exit 0"
        is "$failed" "[]" "$desc: nothing failed"
    fi
    if [ -n "$where" ]; then
        key=${where%:*} line=${where##*:}
        is "$fkey" "$key" "$desc: key fact"
        is "$floc" "$SYS/system.toml:$line" "$desc: file and line facts"
        contains "$msg" "$SYS/system.toml:$line: $key: " "$desc: message starts at file:line: key"
    fi
}

header= body= ncases=0
while IFS= read -r l || [ -n "$l" ]; do
    case $l in
    '=== '*)
        [ -z "$header" ] || { run_case "$header" "$body"; ncases=$((ncases + 1)); }
        header=${l#=== } body= ;;
    *) [ -z "$header" ] || body+="$l"$'\n' ;;
    esac
done <"$CASES"
[ -z "$header" ] || { run_case "$header" "$body"; ncases=$((ncases + 1)); }
ok "all $ncases cases ran" test "$ncases" -ge 37

# --- what the table's rows imply, said once --------------------------------
printf '[bootstrap]\nhosts = [ { host = "vm" } ]\n[tbon]\ntopo = "foo:2"\n' >"$SYS/system.toml"
gate --check config.tbon
contains "$(jfield config.tbon .message)" "the broker exits 42 before it is ready: flux.service (Type=notify) fails with Result=protocol" \
    "config.tbon: an overlay failure is a failed start (Result=protocol, FLUX-FACTS §13), not a silent success"
printf '[bootstrap]\nhosts = [ { host = "vm" } ]\n[tbon]\nthis is not toml\n' >"$SYS/system.toml"
gate --check "$CHECKS"
is "$(jfield config.parse .facts.file):$(jfield config.parse .facts.line)" "$SYS/system.toml:4" \
    "config.parse: the syntax error's file and line as facts"
like "$(jfield config.parse .message)" "^$SYS/system.toml:4:[0-9]+: " "config.parse: the message starts with file:line:col"
for c in config.bootstrap config.tbon config.resource; do
    is "$(jfield $c .result)" skip "$c skips when the system config does not parse"
done

# --- healthy: the fixture passes every config check --------------------------
cp "$T/healthy.toml" "$SYS/system.toml"
gate --check config.parse,config.bootstrap,config.tbon,config.resource,config.security,config.imp
is "$rc" 0 "healthy fixture: exit 0"
is "$(jq -r '[.results[].result] | unique | join(",")' "$T/out")" pass "healthy fixture: all six config checks pass"
is "$(jfield config.bootstrap .facts.rank)/$(jfield config.bootstrap .facts.size)" 0/1 "healthy: rank 0 of 1"
is "$(jfield config.bootstrap .facts.curve_cert)" /etc/flux/system/curve.cert "healthy: curve_cert fact"
is "$(jfield config.tbon .facts.topo)" custom "healthy: [bootstrap] makes the topology custom"
is "$(jfield config.resource .facts.cores)" 0 "healthy: this host's declared cores"
contains "$(jfield config.resource .message)" "not compared with hardware: checking an image (--root)" \
    "healthy: under --root the hardware comparison is skipped, saying why"
is "$(jfield config.parse .facts.files)" 3 "healthy: three files parsed"

# --- journald: one failing case per check, with its fields -----------------
cat >"$SYS/system.toml" <<'EOT'
[bootstrap]
default_port = "8050"
hosts = [ { host = "vm" } ]
[tbon]
torpid_max = 5
[resource]
config = [ { hosts = "vm", cores = "a-b" } ]
EOT
rc=0
journald_run "$T/j1.json" "$FP_BIN" --journal --root "$R" --hostname vm --config "$GATE" --check "$CHECKS" >/dev/null || rc=$?
is "$rc" 1 "three faults at once: exit 1"
journal_fields "$T/j1.json" config.bootstrap fail "$SYS/system.toml" 2 bootstrap.default_port
like "$(journal_get "$T/j1.json" MESSAGE FLUX_PREFLIGHT_CHECK=config.bootstrap)" \
    'Config file error \[bootstrap\]: Expected integer, got string' "journal config.bootstrap: MESSAGE has the broker's text"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_HOSTNAME FLUX_PREFLIGHT_CHECK=config.bootstrap)" vm "journal config.bootstrap: HOSTNAME fact"
journal_fields "$T/j1.json" config.tbon fail "$SYS/system.toml" 5 tbon.torpid_max
journal_fields "$T/j1.json" config.resource fail "$SYS/system.toml" 7 resource.config
like "$(journal_get "$T/j1.json" MESSAGE FLUX_PREFLIGHT_CHECK=config.resource)" \
    "invalid idset cores='a-b'" "journal config.resource: MESSAGE has flux-R's text"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" \
    config.bootstrap,config.tbon,config.resource "journal summary: the three failed checks"
printf '[bootstrap]\nhosts = [ { host = "vm" } ]\n[tbon]\nthis is not toml\n' >"$SYS/system.toml"
rc=0
journald_run "$T/j2.json" "$FP_BIN" --journal --root "$R" --hostname vm --config "$GATE" --check "$CHECKS" >/dev/null || rc=$?
is "$rc" 1 "TOML syntax error: exit 1"
journal_fields "$T/j2.json" config.parse fail "$SYS/system.toml" 4
like "$(journal_get "$T/j2.json" MESSAGE FLUX_PREFLIGHT_CHECK=config.parse)" \
    "Config file error: /etc/flux/system/conf.d/system.toml:4: missing =" \
    "journal config.parse: MESSAGE has the broker's words"

is "$changed" 0 "no gate run changed anything under the root (modes, owners, sizes, times, content)"
done_testing
