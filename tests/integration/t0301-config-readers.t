#!/bin/sh
# The three readers of the Flux configs, and what each refuses or loses:
# config.parse (dialect, empty and missing conf.d, split arrays, a FIFO),
# config.security ([sign] as flux-security reads it), config.imp (the IMP's
# [exec] and [run.*], its shallow merge), and config.resource on the live node
# (declared cores and gpus against this machine) and on a follower.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
[ -n "${top_srcdir:-}" ] && [ -n "${FP_BIN:-}" ] || { echo "Bail out! run under make check"; exit 1; }
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/data/config/lib.sh"

T=$(mktemp -d /tmp/fp-t0301.XXXXXX)
fp_atexit "rm -rf '$T'"
config_root "$T/root" vm
cp "$SYS/system.toml" "$T/system.toml"
cp "$SEC/sign.toml" "$T/sign.toml"
cp "$IMP/imp.toml" "$T/imp.toml"
restore() {
    rm -rf "$SYS" "$SEC" "$IMP"
    mkdir -p "$SYS" "$SEC" "$IMP"
    cp "$T/system.toml" "$SYS/"; cp "$T/sign.toml" "$SEC/"; cp "$T/imp.toml" "$IMP/"
}
result_is() { # result_is CHECK RESULT EXIT DESC
    is "$(jfield "$1" .result)" "$2" "$4: $1 $2"
    is "$rc" "$3" "$4: exit $3"
}

# --- config.parse --------------------------------------------------------------
printf '[x]\nts = 1979-05-27T00:32:00-07:00\n' >"$SYS/zz.toml"
gate --check config.parse
result_is config.parse warn 0 "offset datetime (Flux drops the offset)"
contains "$(jfield config.parse .message)" "$SYS/zz.toml:2:6: datetime offset -07:00 is ignored by Flux: 1979-05-27T00:32:00-07:00 becomes 1979-05-27T00:32:00Z" \
    "offset datetime: file:line:col and what Flux makes of it"

printf '[x]\nd = 1979-05-27\n' >"$SYS/zz.toml"
gate --check config.parse,config.bootstrap
result_is config.parse fail 1 "local date (Flux cannot convert it)"
contains "$(jfield config.parse .message)" "$SYS/zz.toml:2:5: 1979-05-27 is a local date" \
    "local date: file:line:col and what is wrong"
contains "$(jfield config.parse .message)" "the broker fails with \"Config file error: /etc/flux/system/conf.d/zz.toml: converting TOML to JSON: Invalid argument\"; the broker exits 1" \
    "local date: the broker's words (no line: tomltk names none)"
is "$(jfield config.bootstrap .result)" skip "local date: config.bootstrap skips (the broker never got that far)"
contains "$(jfield config.bootstrap .message)" "see config.parse" "local date: the skip points at config.parse"

printf '[x]\nd = [1, "a"]\n' >"$SYS/zz.toml"
gate --check config.parse
result_is config.parse fail 1 "mixed array (TOML 0.5)"
contains "$(jfield config.parse .message)" "$SYS/zz.toml:2:" "mixed array: file and line"

printf '[resource]\nconfig = [ { hosts = "vm", cores = "0-1" } ]\n' >"$SYS/zz.toml"
gate --check config.parse
result_is config.parse warn 0 "[[resource.config]] split across files"
contains "$(jfield config.parse .message)" "$SYS/zz.toml:2: resource.config replaces the whole resource.config array of $SYS/system.toml:" \
    "split array: the later file replaces the earlier array, both named"

rm -f "$SYS/zz.toml"
mkfifo "$SYS/fifo.toml"
gate --check config.parse
result_is config.parse fail 1 "a FIFO named *.toml"
contains "$(jfield config.parse .message)" "$SYS/fifo.toml: not a regular file (FIFO)" "FIFO: refused without blocking the gate"
rm -f "$SYS/fifo.toml"

rm -f "$SYS/system.toml"
gate --check config.parse,config.bootstrap
result_is config.parse pass 0 "empty system conf.d"
contains "$(jfield config.parse .message)" "an empty config is valid for the broker" "empty conf.d: a note, not a fault"
contains "$(jfield config.bootstrap .message)" "no [bootstrap] table: the broker starts vm as a singleton" "empty conf.d: config.bootstrap says singleton"

rmdir "$SYS"
gate --check config.parse
result_is config.parse fail 1 "system conf.d missing"
contains "$(jfield config.parse .message)" "\"Config file error: stat: $SYS: No such file or directory\"" \
    "missing conf.d: the broker's --config-path failure"
restore

# a missing or empty security or imp conf.d is config.security's and config.imp's, once;
# whether it matters depends on who reads it: flux-core built with flux-security (its
# job-ingest module links libflux-security) reads the security config in rc1
J=$R/usr/lib/x86_64-linux-gnu/flux/modules/job-ingest.so
mv "$SEC/sign.toml" "$SEC/sign.toml.rpmsave"
gate --check config.parse,config.security
result_is config.security fail 1 "security conf.d without *.toml, flux-core's job-ingest not found"
contains "$(jfield config.security .message)" "flux-core's job-ingest module was not found, so flux-core is assumed to use flux-security" \
    "no job-ingest.so: assumed to read it (packages.core says what is missing)"
is "$(jfield config.parse .result)" pass "no security files: config.parse passes (not its to report)"
ok "no security files: config.parse does not repeat config.security's text" \
    eval '! jfield config.parse .message | grep -q "matched nothing"'
fixture_job_ingest "$R" with
gate --check config.parse,config.security
result_is config.security fail 1 "security conf.d without *.toml, flux-core built with flux-security"
contains "$(jfield config.security .message)" "flux-core is built with flux-security ($J links libflux-security), so rc1 loads job-ingest, which fails with \"flux_security_configure: pattern /etc/flux/security/conf.d/*.toml matched nothing: Invalid argument\"; rc1 fails and the broker exits 42, which flux.service counts as success" \
    "built with flux-security: job-ingest's words (FLUX-FACTS §13 run) and what systemd shows"
is "$(jfield config.security .facts.read)" true "...fact read=true"
fixture_job_ingest "$R" without
gate --check config.parse,config.security
result_is config.security skip 0 "no security files, flux-core built without flux-security"
contains "$(jfield config.security .message)" "flux-core is built without flux-security ($J does not link libflux-security) and no [exec] imp is set: nothing reads $SEC" \
    "built without: says nothing reads it, and why"
printf '[sign]\nmax-ttl = "x\n' >"$SEC/bad.toml"
gate --check config.parse,config.security
result_is config.parse warn 0 "a broken security file nobody reads: config.parse warns"
contains "$(jfield config.parse .message)" "$SEC/bad.toml:2:" "...at its file and line"
contains "$(jfield config.parse .message)" "but nothing reads it on this node now" "...saying why it does not block"
fixture_job_ingest "$R" with
gate --check config.parse,config.security
result_is config.parse fail 1 "a broken security file, flux-core built with flux-security: config.parse fails"
contains "$(jfield config.parse .message)" "rc1 cannot load job-ingest" "...saying what breaks"
is "$(jfield config.security .result)" skip "...config.security skips, pointing at config.parse"
rm -f "$J" "$SEC/bad.toml"
restore

# the IMP's config matters only when the broker runs the IMP ([exec] imp)
rm -rf "$IMP"
gate --check config.parse,config.imp
result_is config.imp skip 0 "imp conf.d missing, no [exec] imp (a single-user instance)"
contains "$(jfield config.imp .message)" "$IMP: the directory does not exist, and none is needed: the system config sets no [exec] imp" \
    "no imp dir, no [exec] imp: says none is needed"
is "$(jfield config.parse .result)" pass "no imp dir: config.parse passes (not its to report)"
printf '\n[exec]\nimp = "/usr/libexec/flux/flux-imp"\n' >>"$SYS/system.toml"
gate --check config.parse,config.imp
result_is config.imp fail 1 "imp conf.d missing, [exec] imp set"
contains "$(jfield config.imp .message)" "[exec] imp is set, so the broker runs every job of another user through the IMP, which fails (\"/etc/flux/imp/conf.d/*.toml: No config file(s) found\")" \
    "no imp dir, [exec] imp: the IMP's words (its own pattern)"
is "$(jfield config.parse .result)" pass "no imp dir, [exec] imp: config.parse still passes (config.imp says it, once)"
restore

printf '[exec]\nallowed-users = [ "flux", 1 ]\n' >"$IMP/imp.toml"
gate --check config.parse,config.imp
result_is config.parse warn 0 "bad TOML in the IMP config, no [exec] imp: a warning"
contains "$(jfield config.parse .message)" "$IMP/imp.toml:2:" "bad imp TOML: file and line"
contains "$(jfield config.parse .message)" "the IMP refuses this config, but the broker does not run the IMP now (no [exec] imp)" "bad imp TOML, not used: says why it does not block"
is "$(jfield config.imp .result)" skip "bad imp TOML: config.imp skips, pointing at config.parse"
printf '\n[exec]\nimp = "/usr/libexec/flux/flux-imp"\n' >>"$SYS/system.toml"
gate --check config.parse,config.imp
result_is config.parse fail 1 "bad TOML in the IMP config, [exec] imp set"
contains "$(jfield config.parse .message)" "the IMP refuses this config, so no job can run as its user" "bad imp TOML, used: names the IMP as the reader"
restore

# --- config.security ---------------------------------------------------------
sign() { printf '%s\n' "$@" >"$SEC/sign.toml"; gate --check config.security; }

gate --check config.security
result_is config.security pass 0 "shipped sign.toml"
is "$(jfield config.security .facts.munge)" true "shipped sign.toml: munge fact"
contains "$(jfield config.security .message)" "munge.daemon checks that munged answers" "shipped: points at munge.daemon"

sign '[sign]' 'max-ttl = 1209600' 'default-type = "none"' 'allowed-types = [ "none" ]'
result_is config.security warn 0 "sign type none"
contains "$(jfield config.security .message)" "$SEC/sign.toml:3: sign.default-type: signing type \"none\" is allowed" "sign none: insecure, at file:line"

sign '[sign]' 'default-type = "munge"' 'allowed-types = [ "munge" ]'
result_is config.security fail 1 "max-ttl missing"
contains "$(jfield config.security .message)" "$SEC/sign.toml:1: sign.max-ttl: [sign] lacks max-ttl" "max-ttl missing: at the [sign] table"
is "$(jfield config.security .facts.key)" sign.max-ttl "max-ttl missing: key fact"

sign '[sign]' 'max-ttl = 0' 'default-type = "munge"' 'allowed-types = [ "munge" ]'
result_is config.security fail 1 "max-ttl = 0"
contains "$(jfield config.security .message)" "$SEC/sign.toml:2: sign.max-ttl: 0: flux-security refuses it (\"sign: max-ttl should be greater than zero\")" "max-ttl 0: flux-security's words"

sign '[sign]' 'max-ttl = 1209600' 'default-type = "munge"' 'allowed-types = [ ]'
result_is config.security fail 1 "allowed-types empty"
contains "$(jfield config.security .message)" "sign: allowed-types array is empty" "allowed-types empty: flux-security's words"

sign '[sign]' 'max-ttl = 1209600' 'default-type = "munge"' 'allowed-types = [ "munge" ]' 'foo = 1'
result_is config.security fail 1 "unknown key in [sign]"
contains "$(jfield config.security .message)" "$SEC/sign.toml:5: sign.foo: unknown key" "unknown key: at its line"

sign '[sign]' 'max-ttl = 1209600' 'default-type = "munge"' 'allowed-types = [ "curve" ]' '[sign.curve]' 'require-ca = false'
result_is config.security fail 1 "default-type not in allowed-types"
contains "$(jfield config.security .message)" "sign.default-type: \"munge\" is not in allowed-types" "default-type not allowed: said"

sign '[sign]' 'max-ttl = 1209600' 'default-type = "rsa"' 'allowed-types = [ "munge" ]'
result_is config.security fail 1 "unknown mechanism"
contains "$(jfield config.security .message)" "sign: unknown mechanism=rsa" "unknown mechanism: flux-security's words"

cp "$T/sign.toml" "$SEC/sign.toml"
printf '[sign.munge]\nsocket-path = "/run/munge/munge.socket.2"\n' >"$SEC/zz-munge.toml"
gate --check config.security
result_is config.security fail 1 "[sign.munge] in a second file (shallow merge)"
contains "$(jfield config.security .message)" "$SEC/sign.toml:2: sign.max-ttl, sign.default-type, sign.allowed-types are silently dropped: $SEC/zz-munge.toml:1 also defines [sign]" \
    "shallow merge: the dropped keys and both files named"
contains "$(jfield config.security .message)" "$SEC/zz-munge.toml:1: sign.max-ttl: [sign] lacks max-ttl, default-type, allowed-types" \
    "shallow merge: what the signing library then sees"
rc=0
journald_run "$T/js.json" "$FP_BIN" --journal --root "$R" --hostname vm --config "$GATE" --check config.security >/dev/null || rc=$?
is "$rc" 1 "journald run, shallow [sign]: exit 1"
journal_fields "$T/js.json" config.security fail "$SEC/zz-munge.toml" 1 sign.max-ttl
like "$(journal_get "$T/js.json" FLUX_PREFLIGHT_PATH FLUX_PREFLIGHT_CHECK=config.security)" "^$SEC\$" "journal config.security: PATH fact"
restore

# --- config.imp ----------------------------------------------------------------
# the IMP is used when the system config names it
printf '\n[exec]\nimp = "/usr/libexec/flux/flux-imp"\n' >>"$SYS/system.toml"
cp "$T/system.toml" "$T/system-noimp.toml"
cp "$SYS/system.toml" "$T/system.toml"
install -d -m 0755 "$R/usr/libexec/flux/cmd"
for n in prolog epilog; do
    printf '#!/bin/sh\nexit 0\n' >"$R/usr/libexec/flux/cmd/flux-run-$n"
    chmod 0755 "$R/usr/libexec/flux/cmd/flux-run-$n"
done
imp() { printf '%s\n' "$@" >"$IMP/imp.toml"; gate --check config.imp; }

gate --check config.imp
result_is config.imp pass 0 "fixture imp.toml with [exec] imp set"
is "$(jfield config.imp .facts.imp)" /usr/libexec/flux/flux-imp "the system config's [exec] imp as a fact"

imp '[exec]' 'allowed-users = [ "alice" ]' 'allowed-shells = [ "/usr/libexec/flux/flux-shell" ]'
result_is config.imp fail 1 "flux not in allowed-users"
contains "$(jfield config.imp .message)" "$IMP/imp.toml:2: exec.allowed-users: flux is not in allowed-users" "flux not allowed: at file:line"
rc=0
journald_run "$T/ji.json" "$FP_BIN" --journal --root "$R" --hostname vm --config "$GATE" --check config.imp >/dev/null || rc=$?
is "$rc" 1 "journald run, flux not allowed: exit 1"
journal_fields "$T/ji.json" config.imp fail "$IMP/imp.toml" 2 exec.allowed-users
is "$(journal_get "$T/ji.json" FLUX_PREFLIGHT_IMP FLUX_PREFLIGHT_CHECK=config.imp)" /usr/libexec/flux/flux-imp "journal config.imp: IMP fact"

cp "$T/system-noimp.toml" "$SYS/system.toml"
gate --check config.imp
result_is config.imp warn 0 "flux not in allowed-users, but no [exec] imp: the IMP is not used yet"
cp "$T/system.toml" "$SYS/system.toml"

imp '[exec]' 'allowed-users = [ "flux" ]' 'allowed-shells = [ "/usr/libexec/flux/flux-shell", "/opt/flux/bin/flux-shell" ]'
result_is config.imp fail 1 "allowed-shells names a missing file"
contains "$(jfield config.imp .message)" "exec.allowed-shells[1]: $R/opt/flux/bin/flux-shell does not exist" "missing shell: the entry and the path"

imp '[exec]' 'allowed-users = [ "flux" ]' 'allowed-shells = [ "flux-shell" ]'
result_is config.imp fail 1 "allowed-shells entry not absolute"
contains "$(jfield config.imp .message)" "\"flux-shell\" is not absolute" "relative shell: said"

imp '[exec]' 'allowed-users = [ "flux" ]' 'pam-support = true'
result_is config.imp pass 0 "pam-support on"
is "$(jfield config.imp .facts.pam_support)" true "pam-support: fact"
contains "$(jfield config.imp .message)" "imp.pam checks /etc/pam.d/flux" "pam-support: points at imp.pam"

imp 'allow-sudo = true' '[exec]' 'allowed-users = [ "flux" ]'
result_is config.imp warn 0 "allow-sudo (testing only)"

# [run.prolog] in one file, [run.epilog] in another: the IMP keeps one
printf '[run.prolog]\npath = "/usr/libexec/flux/cmd/flux-run-prolog"\nallowed-users = [ "flux" ]\n' >"$IMP/run-a.toml"
printf '[run.epilog]\npath = "/usr/libexec/flux/cmd/flux-run-epilog"\nallowed-users = [ "flux" ]\n' >"$IMP/run-b.toml"
cp "$T/imp.toml" "$IMP/imp.toml"
gate --check config.imp
result_is config.imp warn 0 "[run.*] split across two files"
contains "$(jfield config.imp .message)" "$IMP/run-a.toml:1: run.prolog is silently dropped: $IMP/run-b.toml:1 also defines [run], and the IMP merges conf.d files shallowly" \
    "split [run]: the dropped table and both files named"

cat >"$IMP/run-b.toml" <<'EOT'
[run.prolog]
path = "/usr/libexec/flux/cmd/flux-run-prolog"
allowed-users = [ "flux" ]
[run.epilog]
path = "/usr/libexec/flux/cmd/flux-run-epilog"
allowed-users = [ "flux" ]
EOT
rm -f "$IMP/run-a.toml"
gate --check config.imp
result_is config.imp pass 0 "[run.*] in one file"
P=$R/usr/libexec/flux/cmd/flux-run-prolog
chown 500:500 "$P"
gate --check config.imp
result_is config.imp fail 1 "run.prolog path owned by flux"
contains "$(jfield config.imp .message)" "$IMP/run-b.toml:2: run.prolog.path: $P is owned by uid 500, not root" "run path owner: at file:line, with the fix"
chown 0:0 "$P"; chmod 0775 "$P"
gate --check config.imp
result_is config.imp fail 1 "run.prolog path group-writable"
contains "$(jfield config.imp .message)" "$P is mode 0775, writable by group/other" "run path mode: said"
chmod 0755 "$P"
mv "$P" "$P.real"; ln -s flux-run-prolog.real "$P"
gate --check config.imp
result_is config.imp fail 1 "run.prolog path is a symlink"
contains "$(jfield config.imp .message)" "$P is a symbolic link (to flux-run-prolog.real)" "run path symlink: said"
rm -f "$P"; mv "$P.real" "$P"
sed -i 's|^path = "/usr/libexec/flux/cmd/flux-run-epilog"|path = "flux-run-epilog"|' "$IMP/run-b.toml"
gate --check config.imp
result_is config.imp fail 1 "run.epilog path relative"
contains "$(jfield config.imp .message)" "$IMP/run-b.toml:5: run.epilog.path: \"flux-run-epilog\" is not absolute" "relative run path: at file:line"
rm -f "$IMP/run-b.toml"

rm -f "$IMP"/*.toml
gate --check config.imp
result_is config.imp fail 1 "no imp *.toml"
contains "$(jfield config.imp .message)" "\"/etc/flux/imp/conf.d/*.toml: No config file(s) found\"" "no imp files: the IMP's words"
restore

# --- config.resource on a follower: the leader is the one that fails -----------
config_root "$T/root2" vm node1
printf '\n[resource]\nconfig = [ { hosts = "vm,node2", cores = "0" } ]\n' >"$T/res.toml"
sed -i '/^\[resource\]/,$d' "$SYS/system.toml"
cat "$T/res.toml" >>"$SYS/system.toml"
GATE_HOST=node1 gate --check config.resource
result_is config.resource warn 0 "follower with a [resource] host set that differs from [bootstrap]"
contains "$(jfield config.resource .message)" "Host node1 not found in resources" "follower: the rerank error"
contains "$(jfield config.resource .message)" "this follower starts, but the leader" "follower: says who fails"
gate --check config.resource
result_is config.resource fail 1 "the leader, same config"

# --- config.resource on the live node: declared cores and gpus vs this machine ----
L=$T/live
mkdir -p "$L/system" "$L/gate"
cat >"$L/gate/gate.toml" <<EOT
system-config = "$L/system"
security-config = "$L/security"
imp-config = "$L/imp"
EOT
# hwloc numbers the physical cores of the online CPUs 0..N-1
ncores=$(lscpu -p=CORE,SOCKET --online | grep -v '^#' | sort -u | wc -l)
live() { # live CORES GPUS [VERIFY-LINE]
    {
        printf '[bootstrap]\nhosts = [ { host = "vm" } ]\n[resource]\n'
        [ -z "${3:-}" ] || printf '%s\n' "$3"
        printf 'config = [ { hosts = "vm", cores = "%s"%s } ]\n' "$1" "${2:+, gpus = \"$2\"}"
    } >"$L/system/system.toml"
    rc=0
    "$FP_BIN" --hostname vm --config "$L/gate" --check config.resource --json >"$T/out" 2>"$T/err" || rc=$?
}
live 0 ""
result_is config.resource pass 0 "live: core 0 exists"
is "$(jfield config.resource .facts.cores_present)" "$ncores" "live: cores_present is this machine's core count"
live "0-1023" ""
result_is config.resource warn 0 "live: declared cores this machine does not have"
contains "$(jfield config.resource .message)" "vm is declared with core $ncores-1023, but this node has $ncores core" "live: the missing cores named"
contains "$(jfield config.resource .message)" "resource verify drains it" "live: the consequence"
live "0-1023" "" 'verify = { core = "allow-missing" }'
result_is config.resource pass 0 "live: missing cores tolerated by verify core=allow-missing"
gpus=$(ls /dev | grep -cE '^nvidia[0-9]+$' || true)
live 0 "0-63"
result_is config.resource pass 0 "live: declared gpus missing, verify ignores gpus by default"
contains "$(jfield config.resource .message)" "has $gpus NVIDIA GPU device" "live: the gpu count noted"
live 0 "0-63" 'verify = { gpu = "strict" }'
result_is config.resource warn 0 "live: declared gpus missing, verify gpu=strict drains"

is "$changed" 0 "no --root run changed anything under the root"
done_testing
