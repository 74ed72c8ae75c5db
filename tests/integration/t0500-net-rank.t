#!/bin/sh
# net.rank: is this host in [bootstrap] hosts, matched the way the broker
# matches it (gethostname() verbatim, or --hostname), and where does it sit
# in the overlay tree?
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0500.XXXXXX)
fp_atexit "rm -rf '$T'"
mkdir -p "$T/conf.d" "$T/sys"
cat >"$T/conf.d/gate.toml" <<EOF
deadline = "5s"
system-config = "$T/sys"
status-file = "$T/status.json"
EOF

system() { cat >"$T/sys/system.toml"; }  # the broker's config, from stdin
# run ARGS... -> $T/out, $T/err, $rc. net.parent is left out ($CHECKS) where
# it would probe the network: that is t0510's business.
CHECKS=net.rank,net.bind,net.parent
run() {
    rc=0
    "$FP_BIN" --config "$T/conf.d" --check "$CHECKS" --json "$@" >"$T/out" 2>"$T/err" || rc=$?
}
jf() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }

# --- a singleton: no [bootstrap]
system <<'EOF'
[resource]
noverify = true
EOF
run --hostname fp-solo
is "$rc" 0 "singleton: exit 0"
is "$(jf net.rank .result)" pass "singleton: net.rank passes"
like "$(jf net.rank .message)" '^singleton: no \[bootstrap\] hosts, fp-solo is rank 0 of 1$' "singleton: the message says so"
is "$(jf net.rank '.facts | "\(.rank) \(.size) \(.hostname)"')" "0 1 fp-solo" "singleton: facts rank 0, size 1, hostname"
is "$(jf net.bind .result)" skip "singleton: net.bind skips"
like "$(jf net.bind .message)" 'binds nothing' "singleton: net.bind says why"
is "$(jf net.parent .message)" "rank 0 has no parent" "singleton: net.parent skips, rank 0 has no parent"

# --- eight hosts in a kary:2 tree: rank 5 hangs under 2, under 0
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = 8050
default_bind = "tcp://eth0:%p"
default_connect = "tcp://%h:%p"
hosts = [ { host = "fp-r0" }, { host = "fp-r[1-7]" } ]
[tbon]
topo = "kary:2"
EOF
CHECKS=net.rank,net.bind
run --hostname fp-r5
is "$rc" 0 "listed host: exit 0"
is "$(jf net.rank .result)" pass "listed host: net.rank passes"
is "$(jf net.rank '.facts | "\(.rank) \(.size) \(.hostname) \(.hostname_source)"')" \
   "5 8 fp-r5 --hostname" "facts: rank 5 of 8, the name and where it came from"
is "$(jf net.rank .facts.path_to_root)" "5 → 2 → 0" "fact path_to_root: 5 → 2 → 0"
is "$(jf net.rank .facts.path_to_root_hosts)" "fp-r5 → fp-r2 → fp-r0" "fact path_to_root_hosts names the hosts"
is "$(jf net.rank .facts.depth)" 2 "fact depth: two hops"
is "$(jf net.rank .message)" "fp-r5 is rank 5 of 8; path to rank 0: 5 → 2 → 0 (kary:2 topology)" \
   "the message gives rank, size and the path"
is "$(jf net.bind .message)" "rank 5 has no children in the kary:2 topology: it does not bind" \
   "a leaf: net.bind skips with the reason"
run --hostname fp-r0
is "$(jf net.rank .facts.path_to_root)" "0" "rank 0: path_to_root is just 0"

# --- other schemes: the path follows the broker's parent rule
sed -i 's/^topo = .*/topo = "binomial"/' "$T/sys/system.toml"
run --hostname fp-r7
is "$(jf net.rank .facts.path_to_root)" "7 → 6 → 4 → 0" "binomial: 7 → 6 → 4 → 0"
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = 8050
default_connect = "tcp://%h:%p"
hosts = [
  { host = "fp-r0", bind = "tcp://eth0:%p" },
  { host = "fp-r1", parent = "fp-r0", bind = "tcp://eth0:%p" },
  { host = "fp-r2", parent = "fp-r0" },
  { host = "fp-r3", parent = "fp-r1" },
]
EOF
run --hostname fp-r3
is "$(jf net.rank .facts.path_to_root)" "3 → 1 → 0" "custom topology with parent keys: 3 → 1 → 0"
is "$(jf net.rank .facts.topology)" custom "the topology scheme is reported (custom by default with [bootstrap])"
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
hosts = [ { host = "fp-c[0-19]" } ]
[tbon]
topo = "kary:1"
EOF
run --hostname fp-c19
is "$(jf net.rank .facts.path_to_root)" "19 → 18 → 17 → 16 → 15 → 14 → … → 5 → 4 → 3 → 2 → 1 → 0" \
   "a deep chain: the middle of the path is elided"
is "$(jf net.rank .facts.depth)" 19 "a deep chain: depth 19"

# --- this host is not listed: the broker's own message, and how to fix it
CHECKS=net.rank,net.bind,net.parent
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
hosts = [ { host = "fp-r[0-7]" } ]
EOF
me=$(hostname)
rc=0
journald_run "$T/j1.json" "$FP_BIN" --journal --config "$T/conf.d" --check net.rank,net.bind,net.parent \
    --json >"$T/out" 2>/dev/null || rc=$?
is "$rc" 1 "host not listed (gethostname): exit 1"
is "$(jf net.rank .result)" fail "host not listed: net.rank fails"
like "$(jf net.rank .message)" "^the broker fails with \"Config file error \\[bootstrap\\]: $me not found in hosts\"; the broker exits 1: flux.service fails and systemd starts it again every 30 s" \
    "the broker's message, with gethostname() verbatim, and what systemd does"
like "$(jf net.rank .message)" 'output of hostname\(1\) exactly, with no FQDN or short-name matching' "the hint: hostname(1) must match exactly"
is "$(jf net.rank .facts.hostname_source)" gethostname "the name came from gethostname()"
is "$(jf net.bind .message)" "$me is not in [bootstrap] hosts: see net.rank" "net.bind skips, pointing at net.rank"
is "$(jf net.parent .message)" "$me is not in [bootstrap] hosts: see net.rank" "net.parent skips, pointing at net.rank"
is "$(jq -c .failed "$T/out")" '["net.rank"]' "failed lists net.rank"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=net.rank)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j1.json" PRIORITY FLUX_PREFLIGHT_CHECK=net.rank)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=net.rank)" fail "journal: SEVERITY=fail"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_HOSTNAME FLUX_PREFLIGHT_CHECK=net.rank)" "$me" "journal: FLUX_PREFLIGHT_HOSTNAME"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_SIZE FLUX_PREFLIGHT_CHECK=net.rank)" 8 "journal: FLUX_PREFLIGHT_SIZE"
is "$(journal_get "$T/j1.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=net.rank)" \
   "$("$FP_BIN" explain net.rank | sed -n 's/.*MESSAGE_ID=//p')" "journal: the check's MESSAGE_ID"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" net.rank "journal: the summary names net.rank"

# near misses are named: the broker does not normalise names
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
hosts = [ { host = "fp-a.cluster.example" }, { host = "fp-b" }, { host = "FP-C" } ]
EOF
run --hostname fp-a
is "$rc" 1 "short name, FQDN listed: exit 1"
like "$(jf net.rank .message)" '^the broker fails with "Config file error \[bootstrap\]: fp-a not found in hosts".*hosts lists "fp-a.cluster.example" \(a longer form of this name\)' \
     "short name, FQDN listed: the FQDN is named"
like "$(jf net.rank .message)" 'hostnamectl set-hostname fp-a.cluster.example, or list "fp-a" in \[bootstrap\] hosts' \
     "short name, FQDN listed: both fixes given"
run --hostname fp-b.cluster.example
like "$(jf net.rank .message)" 'hosts lists "fp-b" \(this host.s short name\)' "FQDN, short name listed: named"
run --hostname fp-c
like "$(jf net.rank .message)" 'hosts lists "FP-C" \(the same name in another case\)' "case differs: named (the match is case-sensitive)"

# --- a [bootstrap] the broker rejects: not this check's finding
system <<'EOF'
[bootstrap]
hosts = "fp-r0"
EOF
# --check without config.bootstrap: its failure is not waved through unseen
run --hostname fp-r0
is "$rc" 1 "invalid [bootstrap], config.bootstrap not selected: blocked, not 'OK: 0 checks passed'"
is "$(jf net.rank .result)" error "invalid [bootstrap], config.bootstrap not selected: net.rank is an error"
like "$(jf net.rank .message)" 'prerequisite config\.bootstrap \(not selected\) failed: .*must be array type' \
    "invalid [bootstrap], config.bootstrap not selected: names it and the broker's reason"
# with config.bootstrap selected, it blocks and the net checks skip, naming it
checks_saved=$CHECKS; CHECKS=config.bootstrap,$CHECKS
run --hostname fp-r0
is "$rc" 1 "invalid [bootstrap]: config.bootstrap blocks"
is "$(jf net.rank .result)" skip "invalid [bootstrap]: net.rank skips"
like "$(jf net.rank .message)" '\[bootstrap\] is invalid \(must be array type\): see config.bootstrap' "invalid [bootstrap]: names config.bootstrap and the broker's reason"
like "$(jf net.bind .message)" 'see config.bootstrap' "invalid [bootstrap]: net.bind skips naming config.bootstrap"
like "$(jf net.parent .message)" 'see config.bootstrap' "invalid [bootstrap]: net.parent skips naming config.bootstrap"
CHECKS=config.parse,$checks_saved
printf '[bootstrap\n' >"$T/sys/system.toml"
run --hostname fp-r0
is "$(jf net.rank .message)" "the system config did not load (see config.parse)" "unparsable system config: net.rank skips naming config.parse"
CHECKS=$checks_saved
run --hostname fp-r0
like "$(jf net.rank .message)" 'prerequisite config\.parse \(not selected\) failed' "unparsable system config, config.parse not selected: net.rank is an error naming it"

# --- journald fields of a pass
system <<'EOF'
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
hosts = [ { host = "fp-r[0-7]" } ]
[tbon]
topo = "kary:2"
EOF
rc=0
journald_run "$T/j2.json" "$FP_BIN" --journal --config "$T/conf.d" --hostname fp-r6 --check net.rank >/dev/null 2>&1 || rc=$?
is "$rc" 0 "journal run of a listed host: exit 0"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=net.rank)" pass "journal: RESULT=pass"
is "$(journal_get "$T/j2.json" PRIORITY FLUX_PREFLIGHT_CHECK=net.rank)" 6 "journal: PRIORITY=6"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_RANK FLUX_PREFLIGHT_CHECK=net.rank)" 6 "journal: FLUX_PREFLIGHT_RANK"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_SIZE FLUX_PREFLIGHT_CHECK=net.rank)" 8 "journal: FLUX_PREFLIGHT_SIZE"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_PATH_TO_ROOT FLUX_PREFLIGHT_CHECK=net.rank)" "6 → 2 → 0" "journal: FLUX_PREFLIGHT_PATH_TO_ROOT"

# --- offline image: net.rank is pure and runs; the live checks skip
mkdir -p "$T/img/etc/flux/system/conf.d" "$T/img/etc/flux/preflight/conf.d"
cp "$T/sys/system.toml" "$T/img/etc/flux/system/conf.d/"
rc=0
"$FP_BIN" --root "$T/img" --hostname fp-r3 --check net.rank,net.bind,net.parent --json >"$T/out" 2>"$T/err" || rc=$?
is "$rc" 0 "--root: exit 0"
is "$(jf net.rank .message)" "fp-r3 is rank 3 of 8; path to rank 0: 3 → 1 → 0 (kary:2 topology)" "--root: net.rank reads the image's config"
like "$(jf net.bind .message)" 'not run under --root' "--root: net.bind skips with the reason"
like "$(jf net.parent .message)" 'not run under --root' "--root: net.parent skips with the reason"

done_testing
