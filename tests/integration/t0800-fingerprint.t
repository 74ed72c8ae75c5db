#!/bin/sh
# flux-preflight fingerprint and manifest: one stable line per item, equal on
# nodes whose files are the same in substance, different in exactly the line
# of the item that changed; --format=flux reproduces `flux config get | md5sum`.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"

T=$(mktemp -d /tmp/fp-t0800.XXXXXX)
fp_atexit "rm -rf '$T'"
chmod 0755 "$T"

fpr() { # fpr OUT ARGS... : fingerprint into $T/OUT, stderr in $T/OUT.err, exit code in $rc
    _out=$1; shift
    rc=0
    "$FP_BIN" fingerprint "$@" >"$T/$_out" 2>"$T/$_out.err" || rc=$?
}
without() { # without ITEM FILE: every line but ITEM's
    grep -v "^$1 " "$2"
}
line() { # line ITEM FILE
    grep "^$1 " "$2"
}
snapshot() { # snapshot DIR: metadata and content of every file
    (cd "$1" && find . -printf '%p %m %u %g %s %T@\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
not_grep() { ! grep -q "$@"; }
isnt() { [ "$1" != "$2" ]; }
ITEMS='cert cert.file config.system config.security config.imp munge.key flux.uid flux.gid'

fixture_healthy "$T/a" node0 node1 || bail "fixture A"
cp -a "$T/a" "$T/b"
before_a=$(snapshot "$T/a")

# --- the format
fpr a.out --root "$T/a"
is "$rc" 0 "healthy fixture: exit 0"
is "$(cut -d' ' -f1 "$T/a.out" | tr '\n' ' ')" "$ITEMS " "one line per item, in a fixed order"
is "$(grep -Evc '^(cert|cert\.file|config\.(system|security|imp)|munge\.key) sha256:[0-9a-f]{64}$|^flux\.(uid|gid) [0-9]+$' "$T/a.out")" 0 \
    "every line is '<item> sha256:<64 hex>' or '<item> <number>'"
is "$(line flux.uid "$T/a.out")" "flux.uid 500" "flux.uid is the uid from the root's passwd"
is "$(line flux.gid "$T/a.out")" "flux.gid 500" "flux.gid is its gid"
is "$(cat "$T/a.out.err")" "" "nothing on stderr"
ok "no host name in the lines (pdsh adds it)" not_grep -e node0 -e "$(hostname)" "$T/a.out"
pub=$(sed -n 's/^ *public-key = "\(.*\)"$/\1/p' "$T/a/etc/flux/system/curve.cert")
sec=$(sed -n 's/^ *secret-key = "\(.*\)"$/\1/p' "$T/a/etc/flux/system/curve.cert")
mkey=$(od -An -tx1 "$T/a/etc/munge/munge.key" | tr -d ' \n' | cut -c1-32)
ok "no key material printed (cert keys, munge key bytes)" not_grep -F -e "$pub" -e "$sec" -e "$mkey" "$T/a.out"
is "$(line cert "$T/a.out")" "cert sha256:$(printf '%s' "$pub" | sha256sum | cut -d' ' -f1)" \
    "cert is sha256 of the public key's 40 Z85 characters"
is "$(line cert.file "$T/a.out")" "cert.file sha256:$(sha256sum <"$T/a/etc/flux/system/curve.cert" | cut -d' ' -f1)" \
    "cert.file is sha256sum of the file"
is "$(line munge.key "$T/a.out")" "munge.key sha256:$(sha256sum <"$T/a/etc/munge/munge.key" | cut -d' ' -f1)" \
    "munge.key is sha256sum of the key"
fpr a2.out --root "$T/a"
ok "stable: a second run prints the same bytes" cmp -s "$T/a.out" "$T/a2.out"

# --- the same system config split across two files and written differently
rm "$T/b/etc/flux/system/conf.d/system.toml"
cat >"$T/b/etc/flux/system/conf.d/10-bootstrap.toml" <<'EOF'
# the same [bootstrap], keys reordered, other spellings
[bootstrap]
hosts = [ { host = "node0" }, { host = "node1" } ]
default_connect = 'tcp://%h:%p'
default_bind    = "tcp://eth0:%p"
default_port = 8_050
curve_cert = "/etc/flux/system/curve.cert"
EOF
cat >"$T/b/etc/flux/system/conf.d/20-resource.toml" <<'EOF'
resource.config = [
    {cores="0", hosts="node0"},
    { hosts = "node1", cores = "0" },
]
EOF
chmod 0644 "$T/b/etc/flux/system/conf.d/"*.toml
fpr b.out --root "$T/b"
is "$rc" 0 "split config: exit 0"
is "$(line config.system "$T/b.out")" "$(line config.system "$T/a.out")" \
    "config.system: same config split over two files, reordered and reformatted: equal"
ok "split config: every line equal (dshbak -c would group the two nodes)" cmp -s "$T/a.out" "$T/b.out"
fpr a.flux --root "$T/a" --format=flux
fpr b.flux --root "$T/b" --format=flux
ok "...while flux config get's md5 differs (key order follows the files)" \
    isnt "$(line config.system "$T/a.flux" | grep flux-md5)" "$(line config.system "$T/b.flux" | grep flux-md5)"

# --- one changed value
sed -i 's/^default_port = 8_050$/default_port = 8051/' "$T/b/etc/flux/system/conf.d/10-bootstrap.toml"
fpr b.out --root "$T/b"
ok "default_port 8050 -> 8051: config.system differs" \
    isnt "$(line config.system "$T/b.out")" "$(line config.system "$T/a.out")"
is "$(without config.system "$T/b.out")" "$(without config.system "$T/a.out")" "...and no other line changed"

# --- the certificate: metadata only, then a new key pair
cp -a "$T/a" "$T/c"
sed -i 's/^\(    keygen.time = \).*/\1"2001-01-01T00:00:00"/' "$T/c/etc/flux/system/curve.cert"
fpr c.out --root "$T/c"
ok "cert metadata edited: cert.file differs" isnt "$(line cert.file "$T/c.out")" "$(line cert.file "$T/a.out")"
is "$(without cert.file "$T/c.out")" "$(without cert.file "$T/a.out")" "...cert (the key) and every other line unchanged"
fixture_curve_cert "$T/c/etc/flux/system/curve.cert" node0 || bail "new cert"
fpr c.out --root "$T/c"
ok "new key pair: cert differs" isnt "$(line cert "$T/c.out")" "$(line cert "$T/a.out")"
ok "new key pair: cert.file differs" isnt "$(line cert.file "$T/c.out")" "$(line cert.file "$T/a.out")"
is "$(without cert "$T/c.out" | grep -v '^cert.file ')" "$(without cert "$T/a.out" | grep -v '^cert.file ')" \
    "...and no other line changed"

# --- the munge key
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
dd if=/dev/urandom of="$T/c/etc/munge/munge.key" bs=1024 count=1 conv=notrunc 2>/dev/null
fpr c.out --root "$T/c"
ok "another munge key: munge.key differs" isnt "$(line munge.key "$T/c.out")" "$(line munge.key "$T/a.out")"
is "$(without munge.key "$T/c.out")" "$(without munge.key "$T/a.out")" "...and no other line changed"

# --- the flux uid, then gid
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
sed -i 's/^flux:x:500:500:/flux:x:600:500:/' "$T/c/etc/passwd"
fpr c.out --root "$T/c"
is "$(line flux.uid "$T/c.out")" "flux.uid 600" "flux uid 600: flux.uid 600"
is "$(without flux.uid "$T/c.out")" "$(without flux.uid "$T/a.out")" "...and no other line changed"
sed -i 's/^flux:x:600:500:/flux:x:500:700:/' "$T/c/etc/passwd"
fpr c.out --root "$T/c"
is "$(line flux.gid "$T/c.out")" "flux.gid 700" "flux gid 700: flux.gid 700"
is "$(without flux.gid "$T/c.out")" "$(without flux.gid "$T/a.out")" "...and no other line changed"
sed -i '/^flux:/d' "$T/c/etc/passwd"
fpr c.out --root "$T/c"
is "$(line flux.uid "$T/c.out") / $(line flux.gid "$T/c.out")" "flux.uid missing / flux.gid missing" \
    "no flux user: flux.uid missing, flux.gid missing"
is "$rc" 0 "missing items are a state, not an error: exit 0"

# --- missing, invalid and unreadable items
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
rm "$T/c/etc/flux/system/curve.cert"
fpr c.out --root "$T/c"
is "$(line cert "$T/c.out")" "cert missing" "no certificate file: 'cert missing'"
is "$(line cert.file "$T/c.out")" "cert.file missing" "...and 'cert.file missing'"
is "$rc" 0 "...exit 0"
echo 'not a certificate' >"$T/c/etc/flux/system/curve.cert"
fpr c.out --root "$T/c"
is "$(line cert "$T/c.out")" "cert invalid" "garbage certificate: 'cert invalid'"
like "$(line cert.file "$T/c.out")" '^cert.file sha256:' "...its file still has a digest"
is "$rc" 1 "...exit 1"
like "$(cat "$T/c.out.err")" "cert invalid: /etc/flux/system/curve.cert: not a certificate the broker accepts" \
    "...stderr says why"
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
printf '[bootstrap\n' >"$T/c/etc/flux/system/conf.d/zz.toml"
fpr c.out --root "$T/c"
is "$(line config.system "$T/c.out")" "config.system invalid" "a TOML syntax error: 'config.system invalid'"
is "$rc" 1 "...exit 1"
like "$(cat "$T/c.out.err")" "config.system invalid: .*zz.toml:1" "...stderr names the file and line"
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
rm "$T/c/etc/flux/security/conf.d/sign.toml"
rm -r "$T/c/etc/flux/imp"
fpr c.out --root "$T/c"
is "$(line config.security "$T/c.out")" "config.security missing" "security conf.d without *.toml: 'config.security missing'"
is "$(line config.imp "$T/c.out")" "config.imp missing" "no imp conf.d: 'config.imp missing'"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$FP_BIN" fingerprint --root "$T/a" >"$T/n.out" 2>"$T/n.err" || rc=$?
is "$(line munge.key "$T/n.out")" "munge.key unreadable" "as nobody: the 0400 munge key is 'munge.key unreadable'"
is "$rc" 1 "...exit 1"
like "$(cat "$T/n.err")" "munge.key unreadable: /etc/munge/munge.key: Permission denied" "...stderr says why"

# --- security and imp are digested as flux-security merges them (shallow)
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
rm "$T/c/etc/flux/imp/conf.d/imp.toml"
printf '[exec]\nallowed-users = [ "flux" ]\n' >"$T/c/etc/flux/imp/conf.d/a.toml"
printf '[exec]\nallowed-shells = [ "/usr/libexec/flux/flux-shell" ]\n' >"$T/c/etc/flux/imp/conf.d/b.toml"
fpr c.flux --root "$T/c" --format=flux
ok "[exec] split over two imp files: config.imp differs (the IMP keeps only the later [exec])" \
    isnt "$(line config.imp "$T/c.flux" | grep sha256)" "$(line config.imp "$T/a.flux" | grep sha256)"
is "$(line config.imp "$T/c.flux" | grep flux-md5)" "$(line config.imp "$T/a.flux" | grep flux-md5)" \
    "...while flux config get -c imp (recursive merge) prints the same bytes"

# --- --format=flux: the bytes of `flux config get --config-path=...`
# FLUX-FACTS §12.b: this sample config, and what flux-core 0.88.0 printed (248 bytes)
mkdir -p "$T/d/etc/flux/system/conf.d"
cat >"$T/d/etc/flux/system/conf.d/system.toml" <<'EOF'
[bootstrap]
curve_cert = "/tmp/x/curve.cert"
default_port = 8050
default_bind = "tcp://eth0:%p"
default_connect = "tcp://%h:%p"
hosts = [
  { host = "test[0-7]" },
]

[tbon]
topo = "kary:2"

[resource]
config = [
  { hosts = "test[0-7]", cores = "0-3" },
]
EOF
expected='{"bootstrap":{"curve_cert":"/tmp/x/curve.cert","default_port":8050,"default_bind":"tcp://eth0:%p","default_connect":"tcp://%h:%p","hosts":[{"host":"test[0-7]"}]},"tbon":{"topo":"kary:2"},"resource":{"config":[{"hosts":"test[0-7]","cores":"0-3"}]}}'
is "$(printf '%s\n' "$expected" | wc -c)" 248 "(the expected output is the 248 bytes of FLUX-FACTS §12.b)"
fpr d.flux --root "$T/d" --format=flux
is "$(line config.system "$T/d.flux" | grep flux-md5)" \
    "config.system flux-md5:$(printf '%s\n' "$expected" | md5sum | cut -d' ' -f1)" \
    "--format=flux: config.system flux-md5 = md5sum of flux config get's exact output"
is "$(line config.security "$T/a.flux" | grep flux-md5)" "config.security flux-md5:1c53f68eea714a1b0641f201130e0d29" \
    "--format=flux: the shipped sign.toml gives the checklist's own md5 for security"
is "$(grep -c flux-md5 "$T/a.flux")" 3 "--format=flux: one flux-md5 line per config"
is "$(grep -v flux-md5 "$T/a.flux")" "$(cat "$T/a.out")" "--format=flux: the other lines are the default ones"
fpr d.flux --root "$T/d" --format=flux
is "$(line config.security "$T/d.flux")" "config.security missing" "no security conf.d: no flux-md5 line, just 'missing'"

# --- --config: the gate config names other paths (under --root, inside the root)
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
mkdir -p "$T/c/etc/flux/alt/conf.d" "$T/gate.d"
cp "$T/b/etc/flux/system/conf.d/"*.toml "$T/c/etc/flux/alt/conf.d/"
printf 'system-config = "/etc/flux/alt/conf.d"\n' >"$T/c/etc/flux/alt/gate.toml"
fpr e.out --root "$T/c" --config /etc/flux/alt/gate.toml
is "$(line config.system "$T/e.out")" "$(line config.system "$T/b.out")" \
    "--root + --config: system-config resolved inside the root"
cat >"$T/gate.d/gate.toml" <<EOF
system-config = "$T/a/etc/flux/system/conf.d"
security-config = "$T/a/etc/flux/security/conf.d"
imp-config = "$T/a/etc/flux/imp/conf.d"
flux-user = "root"
[munge]
key = "$T/a/etc/munge/munge.key"
EOF
fpr f.out --config "$T/gate.d"
is "$rc" 0 "live node with --config: exit 0"
is "$(line config.system "$T/f.out") $(line munge.key "$T/f.out")" \
    "$(line config.system "$T/a.out") $(line munge.key "$T/a.out")" "live + --config: configs and munge key from the configured paths"
is "$(line flux.uid "$T/f.out")" "flux.uid 0" "live: the user comes from NSS (flux-user = root)"

# --- manifest
rc=0
"$FP_BIN" manifest --root "$T/a" --hostname node0 >"$T/m.json" 2>"$T/m.err" || rc=$?
is "$rc" 0 "manifest: exit 0"
is "$(jq -r .version "$T/m.json")" 1 "manifest: version 1"
like "$(jq -r .generated_by "$T/m.json")" '^flux-preflight [0-9]' "manifest: generated_by flux-preflight VERSION"
is "$(jq -r .host "$T/m.json")" node0 "manifest: host (--hostname)"
like "$(jq -r .time "$T/m.json")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "manifest: time in UTC"
is "$(jq -r '.items | to_entries[] | "\(.key) \(.value)"' "$T/m.json")" "$(cat "$T/a.out")" \
    "manifest: the items are the fingerprint lines"
rc=0
"$FP_BIN" manifest --root "$T/a" -o "$T/ref.json" >"$T/m2.out" || rc=$?
is "$rc" 0 "manifest -o FILE: exit 0"
is "$(cat "$T/m2.out")" "" "manifest -o FILE: nothing on stdout"
is "$(stat -c '%a %U %G' "$T/ref.json")" "644 root root" "manifest -o FILE: root-owned 0644"
is "$(jq -c .items "$T/ref.json")" "$(jq -c .items "$T/m.json")" "manifest -o FILE: the same items"
is "$(ls "$T" | grep -c 'ref.json.')" 0 "manifest -o FILE: no temp file left"
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
rm -r "$T/c/etc/flux/imp"
rc=0
"$FP_BIN" manifest --root "$T/c" >"$T/m3.json" || rc=$?
is "$rc $(jq -r '.items["config.imp"]' "$T/m3.json")" "0 missing" "manifest: an item missing on the leader is recorded as \"missing\""
rm -rf "$T/c" && cp -a "$T/a" "$T/c"
printf '[bootstrap\n' >"$T/c/etc/flux/system/conf.d/zz.toml"
rc=0
"$FP_BIN" manifest --root "$T/c" -o "$T/bad.json" 2>"$T/bad.err" || rc=$?
is "$rc" 1 "manifest from an invalid config: exit 1"
ok "...and nothing written" test ! -e "$T/bad.json"
like "$(cat "$T/bad.err")" "no manifest written" "...stderr says so"

# --- usage
rc=0; "$FP_BIN" fingerprint --format=json >/dev/null 2>&1 || rc=$?
is "$rc" 2 "fingerprint --format=json: usage error"
rc=0; "$FP_BIN" manifest --format=flux >/dev/null 2>&1 || rc=$?
is "$rc" 2 "manifest --format=flux: usage error"
rc=0; "$FP_BIN" fingerprint --root "$T/nonexistent" >/dev/null 2>&1 || rc=$?
is "$rc" 2 "fingerprint --root on a missing dir: usage error"

is "$(snapshot "$T/a")" "$before_a" "nothing under the root was changed"

done_testing
