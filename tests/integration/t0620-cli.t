#!/bin/bash
# The command line a newcomer meets: --help and help, list and list
# --settings (effective values and where they came from), a relative --root,
# usage errors; the table on a terminal of 100 columns (fits, problems first,
# skips folded, -v in full) and piped (complete, stable, the documented
# format); and the README's example, which must be what a real run prints.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
command -v script >/dev/null 2>&1 || skip_all "script (util-linux) is not installed"
. "$top_srcdir/tests/lib/fixture.sh"

T=$(mktemp -d /tmp/fp-t0610.XXXXXX)
fp_atexit "rm -rf '$T'"
unset COLUMNS NO_COLOR

# --- --help and help -----------------------------------------------------------
help=$("$FP_BIN" --help); rc=$?
is "$rc" 0 "--help exits 0"
is "$("$FP_BIN" help; echo "rc=$?")" "$help${help:+
}rc=0" "help prints the same and exits 0"
for c in run list explain status fingerprint manifest help; do
    like "$help" "^  $c( |\$)" "--help lists the command $c on a line of its own"
done
like "$help" "^  list --settings " "--help lists list --settings"
# every long option the program accepts (its getopt table), one line each
opts=$(sed -n '/^static const struct option longopts/,/^};/s/^ *{ "\([a-z-]*\)".*/\1/p' \
    "$top_srcdir/src/cmd/flux-preflight.c")
ok "the getopt table has options ($(echo $opts))" test "$(echo "$opts" | wc -w)" -ge 10
for o in $opts; do
    is "$(printf '%s\n' "$help" | grep -cE -- "^ +(-[a-zA-Z] +)?--$o([= ]|\$)")" 1 "--help lists --$o on exactly one line"
done
ok "--help: no line wider than 80 columns" \
    test "$(printf '%s\n' "$help" | awk '{ if (length > m) m = length } END { print m+0 }')" -le 80
# --version: configure's version (build-aux/git-version-gen), in any position
v=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
is "$("$FP_BIN" --version; echo "rc=$?")" "flux-preflight $v
rc=0" "--version prints flux-preflight $v and exits 0"
is "$("$FP_BIN" status --version)" "flux-preflight $v" "--version after a command prints it too"

err=$("$FP_BIN" frobnicate 2>&1 >/dev/null); rc=$?
is "$rc" 2 "an unknown command exits 2"
is "$err" "flux-preflight: unknown command 'frobnicate'
See 'flux-preflight --help'." "an unknown command says so, and where to look"
err=$("$FP_BIN" explain 2>&1 >/dev/null); rc=$?
is "$rc" 2 "explain without an id exits 2"
like "$err" "explain needs a check id" "explain without an id says what is missing"
err=$("$FP_BIN" --no-such-option 2>&1 >/dev/null); rc=$?
is "$rc" 2 "an unknown option exits 2"
like "$err" "See 'flux-preflight --help'" "an unknown option points at --help"

# --- list --------------------------------------------------------------------------
list=$("$FP_BIN" list); rc=$?
is "$rc" 0 "list exits 0"
like "$(printf '%s\n' "$list" | head -1)" '^CHECK +IF IT FAILS +WHAT IT PROVES$' "list has a header"
n=$(printf '%s\n' "$list" | tail -n +2 | wc -l)
ok "list: $n checks" test "$n" -ge 20
is "$(printf '%s\n' "$list" | tail -n +2 | awk '$2 != "blocks" && $2 != "warns"' | wc -l)" 0 \
    "list: every check either blocks or warns by default (no 'fail'/'warn', which read like results)"
is "$(printf '%s\n' "$list" | awk '$1 == "munge.daemon" { print $2 }')" blocks "list: munge.daemon blocks"
is "$(printf '%s\n' "$list" | awk '$1 == "packages.sched" { print $2 }')" warns "list: packages.sched warns"

mkdir -p "$T/conf.d"
cat >"$T/conf.d/10-site.toml" <<'EOF'
mode = "warn"
deadline = "10s"

[severity]
"munge.daemon" = "warn"
fleet.sync = "off"
[munge]
socket = "/run/munge/other.socket"
EOF
cat >"$T/conf.d/20-later.toml" <<'EOF'
# a later file replaces the deadline
deadline = "20s"
EOF
list=$("$FP_BIN" list --config "$T/conf.d")
is "$(printf '%s\n' "$list" | awk '$1 == "munge.daemon" { print $2 }')" warns \
    "list: the effective severity ([severity] munge.daemon = warn)"
like "$(printf '%s\n' "$list" | grep '^fleet.sync ')" '^fleet\.sync +is not run ' "list: a check turned off is not run"

# --- list --settings: effective values and their origin -------------------------------
set=$("$FP_BIN" list --settings --config "$T/conf.d"); rc=$?
is "$rc" 0 "list --settings exits 0"
row() { printf '%s\n' "$set" | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print }'; }
like "$(printf '%s\n' "$set" | head -1)" '^SETTING +VALUE +ORIGIN$' "list --settings has a header"
like "$(row mode)" "^warn +$T/conf.d/10-site.toml:1\$" "mode: the file's value and its file:line"
like "$(row deadline)" "^20s +$T/conf.d/20-later.toml:2\$" "deadline: the later file's value wins, with its line"
like "$(row munge.socket)" "^/run/munge/other.socket +$T/conf.d/10-site.toml:8\$" "munge.socket: a value in a table, with its line"
like "$(row severity.munge.daemon)" "^warn +$T/conf.d/10-site.toml:5\$" "[severity] \"munge.daemon\": a quoted id, with its line"
like "$(row severity.fleet.sync)" "^off +$T/conf.d/10-site.toml:6\$" "[severity] fleet.sync: a dotted id, with its line"
like "$(row statedir)" '^/var/lib/flux +default$' "statedir: the default, said to be the default"
like "$(row manifest)" '^- +default \(unset\)$' "manifest: unset"
like "$(row timeout)" '^- +default' "no [timeout]: each check's own"
set=$(FLUX_PREFLIGHT_MODE=warn "$FP_BIN" list --settings --config /nonexistent-$$ 2>&1); rc=$?
is "$rc" 2 "list --settings with a config path that does not exist: exit 2"
set=$(FLUX_PREFLIGHT_MODE=warn "$FP_BIN" list --settings --config "$T/conf.d/20-later.toml")
like "$(row mode)" '^warn +FLUX_PREFLIGHT_MODE=warn' "mode turned to warn from outside the config says so"
is "$(printf '%s\n' "$set" | tail -n +2 | awk '{print $1}' | grep -v -e '^severity' -e '^timeout' | sort | tr '\n' ' ')" \
    "$(sed -n 's/^ *{ "\([a-z.-]*\)", FP_SET_.*/\1/p' "$top_srcdir/src/engine/settings.c" "$top_srcdir"/src/checks/*.c | grep -v -e '^severity$' -e '^timeout$' | sort | tr '\n' ' ')" \
    "list --settings shows every setting the gate knows (the gate's own and each check's)"

# --- an image: relative --root, the table piped and on a terminal ----------------------
mkdir -p "$T/imgs"
fixture_healthy "$T/imgs/broken" node17 node18 || bail "fixture_healthy failed"
R=$T/imgs/broken
chmod 0644 "$R/etc/flux/system/curve.cert"          # cert.perms fails
rm -f "$R/etc/flux/imp/conf.d/imp.toml"            # config.imp: a long message
printf '[exec]\nimp = "/usr/libexec/flux/flux-imp"\n' >>"$R/etc/flux/system/conf.d/system.toml"
CHK=user.flux,munge.key,munge.daemon,time.sync,cert.present,cert.perms,cert.format,config.parse,config.bootstrap,config.imp,imp.setuid,net.rank,net.bind,net.parent

abs=$(cd "$T/imgs" && "$FP_BIN" --root "$R" --hostname node17 --check "$CHK" 2>&1)
rel=$(cd "$T/imgs" && "$FP_BIN" --root broken --hostname node17 --check "$CHK" 2>&1); rc=$?
is "$rc" 1 "a relative --root is accepted (the image is judged: exit 1)"
is "$rel" "$abs" "a relative --root is taken from the current directory"

# piped: the documented format, from the JSON of the same run
"$FP_BIN" --root "$R" --hostname node17 --check "$CHK" >"$T/piped" 2>&1
"$FP_BIN" --root "$R" --hostname node17 --check "$CHK" --json >"$T/json" 2>/dev/null
python3 - "$T/json" "$R" >"$T/expect" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
res = doc["results"]
w = max([5] + [len(r["id"]) for r in res])
print("flux-preflight on node17 (image %s), rank 0 of 2" % sys.argv[2])
print("%-*s  %-6s %s" % (w, "CHECK", "RESULT", "DETAILS"))
for r in res:
    st = r["result"]
    if r["severity"] == "fail" and st in ("fail", "error"):
        st = st.upper()
    print("%-*s  %-6s %s" % (w, r["id"], st, r["message"]))
EOF
is "$(head -n -1 "$T/piped")" "$(cat "$T/expect")" \
    "piped: every check in registry order, its whole message, the documented columns"
like "$(tail -1 "$T/piped")" '^FAIL: cert\.perms(, [a-z]+\.[a-z]+)* \([0-9]+ of [0-9]+ failed\)$' "piped: the verdict last"
ok "piped: some message is longer than a terminal (so the next tests mean something)" \
    test "$(awk '{ if (length > m) m = length } END { print m+0 }' "$T/piped")" -gt 100

tty_run() { # OUT ARGS...: the gate on a 100-column terminal; plain text in OUT
    local out=$1; shift
    script -qec "stty cols 100 rows 50; $(printf '%q ' "$FP_BIN" "$@")" /dev/null </dev/null >"$out.raw" 2>&1
    sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\r$//' "$out.raw" >"$out"
}
widest() { python3 -c 'import sys; print(max([0] + [len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")]))' "$1"; }

tty_run "$T/tty" --root "$R" --hostname node17 --check "$CHK"
ok "terminal: coloured (ANSI escapes)" grep -q $'\x1b\\[' "$T/tty.raw"
ok "terminal of 100 columns: no line wider than 100 ($(widest "$T/tty"))" test "$(widest "$T/tty")" -le 100
ids=$(awk 'NR > 2 && /^[a-z]+\.[a-z]+ / { print $1 }' "$T/tty" | tr '\n' ' ')
bad=$(python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(open(sys.argv[1]))["results"] if r["result"] in ("fail", "error")))' "$T/json")
ok "the run has failures to put first ($bad)" test "$(echo $bad | wc -w)" -ge 2
like "$ids" "^$bad " "terminal: the failures first ($ids)"
nskip=$(python3 -c 'import json,sys; print(sum(r["result"] == "skip" for r in json.load(open(sys.argv[1]))["results"]))' "$T/json")
ok "the run has skips to fold ($nskip)" test "$nskip" -ge 2
like "$(cat "$T/tty")" "^$nskip more +skip +[a-z]" "terminal: the $nskip skipped checks folded into one line"
is "$(awk 'NR > 2 && $2 == "skip"' "$T/tty" | wc -l)" 0 "terminal: no other skip line"
ok "terminal: a long DETAILS ends in ..." grep -q '^[a-z]*\.[a-z]* .*\.\.\.$' "$T/tty"
ok "terminal: a long DETAILS was shortened, and the table says so" grep -q -- '-v shows every check in full' "$T/tty"
n_tty=$(awk 'NR > 2 && /^[a-z]+\.[a-z]+ /' "$T/tty" | wc -l)
is "$n_tty" "$(( $(tail -n +3 "$T/piped" | head -n -1 | wc -l) - nskip ))" "terminal: one line per check that did not skip"

tty_run "$T/ttyv" -v --root "$R" --hostname node17 --check "$CHK"
ok "terminal -v: no line wider than 100 ($(widest "$T/ttyv"))" test "$(widest "$T/ttyv")" -le 100
python3 - "$T/ttyv" "$T/json" <<'EOF' >"$T/vcheck"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[2:]
doc = json.load(open(sys.argv[2]))
ids = {r["id"] for r in doc["results"]}
text, cur = {}, None
for l in lines:
    m = re.match(r"^(\S+)\s+(\S+)\s(.*)$", l)
    if m and m.group(1) in ids:
        cur = m.group(1); text[cur] = m.group(3)
    elif cur and l.startswith(" "):
        text[cur] += " " + l.strip()
    else:
        cur = None
for r in doc["results"]:
    want = " ".join(r["message"].split())
    got = " ".join(text.get(r["id"], "").split())
    # a word longer than a line is split across lines: compare without spaces
    if want.replace(" ", "") != got.replace(" ", ""):
        print("differs: %s: %r" % (r["id"], got[:80]))
print("checked %d" % len(doc["results"]))
EOF
is "$(cat "$T/vcheck")" "checked $(( $(tail -n +3 "$T/piped" | head -n -1 | wc -l) ))" \
    "terminal -v: every check, skips too, with its whole message (wrapped)"

# --- --check and prerequisites: a failure nobody selected is not a pass ---------------
B=$T/imgs/badboot
fixture_healthy "$B" node17 node18 || bail "fixture_healthy failed"
printf '[bootstrap]\ncurve_cert = "/etc/flux/system/curve.cert"\nhosts = [ { host = "node[1-" } ]\n' \
    >"$B/etc/flux/system/conf.d/system.toml"
like "$("$FP_BIN" explain net.rank)" '^Requires: config\.parse, config\.bootstrap ' "explain names what a check requires"
out=$("$FP_BIN" --root "$B" --hostname node17 --check net.rank,cert.perms 2>&1); rc=$?
is "$rc" 1 "--check net.rank,cert.perms on an invalid [bootstrap]: blocked (exit 1), not 'OK: 0 checks passed'"
like "$out" '^net\.rank +ERROR +not checked: its prerequisite config\.bootstrap \(not selected\) failed: .*not a valid RFC 29 hostlist' \
    "the selected check is an error naming the failed prerequisite and why"
like "$out" '^FAIL: cert\.perms, net\.rank \(2 of 2 failed\)$' "the verdict counts the selected checks only"
is "$(printf '%s\n' "$out" | grep -c '^config\.')" 0 "the prerequisites that were not selected are not shown"
json=$("$FP_BIN" --root "$B" --hostname node17 --check net.rank --json 2>/dev/null)
is "$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(r["id"] + ":" + r["result"] for r in d["results"]), d["verdict"])')" \
    "net.rank:error fail" "--json: only the selected check, an error, and the verdict fail"
out=$("$FP_BIN" --root "$B" --hostname node17 --check net.rank,config.bootstrap 2>&1)
like "$out" '^config\.bootstrap +FAIL ' "a selected prerequisite shows its own failure"
like "$out" '^net\.rank +skip +.*see config\.bootstrap' "...and the check that requires it skips, pointing at it"
out=$("$FP_BIN" --root "$R" --hostname node17 --check net.rank 2>&1); rc=$?
is "$rc" 0 "--check net.rank on a valid [bootstrap]: the prerequisites pass unseen (exit 0)"
is "$(printf '%s\n' "$out" | awk 'NR > 2' | awk '{print $1}' | tr '\n' ' ')" "net.rank OK: " "...and only net.rank is shown"

# --- README and man page agree with a real run ---------------------------------------
bash "$top_srcdir/tests/docs/readme-example.sh" "$FP_BIN" >"$T/example" 2>"$T/example.err" ||
    { cat "$T/example.err"; bail "tests/docs/readme-example.sh failed"; }
sed -n '/^<!-- example: /,/^<!-- end example -->/p' "$top_srcdir/README.md" | sed -e '1,2d' -e '$d' | sed '$d' >"$T/readme"
if cmp -s "$T/example" "$T/readme"; then ok "README's example is what the gate prints (tests/docs/readme-example.sh)"
else ok "README's example is what the gate prints: run make update-readme" false; diff "$T/readme" "$T/example" | sed 's/^/# /'; fi
verdict=$(grep -E '^(FAIL|OK): ' "$T/example")
like "$verdict" '^FAIL: ' "the example ends in a failing verdict"
# the status lines the docs show (systemctl status) are that run's verdict too
for doc in README.md man/flux-preflight.8.in; do
    shown=$(grep -oE 'Status: "(FAIL|OK): [^"(]*\([0-9]+ of [0-9]+ failed\)' "$top_srcdir/$doc" | sed 's/^Status: "//' | sort -u)
    is "$shown" "$verdict" "$doc shows the real run's verdict as the status line ($verdict)"
done

done_testing
