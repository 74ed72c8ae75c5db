#!/bin/sh
# The overlay certificate as the broker (user flux) will load it: configured
# when size > 1, a regular file, readable by flux and nobody else, and in the
# ZPL subset with a matching keypair. FIFOs and devices are never opened; the
# secret key is never printed; the gate changes nothing it looks at.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/rootgate.sh"

T=$(mktemp -d /tmp/fp-t0410.XXXXXX)
fp_atexit "rm -rf '$T'"
fixture_healthy "$T/root" node0 node1 || bail "fixture root"
R=$FIXTURE_ROOT
SYS=$R/etc/flux/system
CERT=$SYS/curve.cert
CHECKS=cert.present,cert.perms,cert.format
SECRET=$(sed -n 's/.*secret-key = "\(.*\)"/\1/p' "$CERT")
cp -p "$CERT" "$T/good.cert"

mkdir -p "$R/etc/flux/preflight/conf.d"
chmod 0755 "$R/etc/flux/preflight" "$R/etc/flux/preflight/conf.d"
: >"$R/etc/flux/preflight/conf.d/gate.toml"

SECRET_SEEN=0
# gate [--journal OUT.json] -> $T/out (JSON), $rc
gate() {
    local j=
    [ "${1:-}" != --journal ] || j=$2
    root_gate "$@"
    [ -z "$j" ] || ! grep -qF -- "$SECRET" "$j" || SECRET_SEEN=$((SECRET_SEEN + 1))
    ! grep -qF -- "$SECRET" "$T/out" "$T/err" || SECRET_SEEN=$((SECRET_SEEN + 1))
}
res() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }
result() { res "$1" .result; }
msg() { res "$1" .message; }
restore_cert() {
    rm -rf "$CERT"
    cp -p "$T/good.cert" "$CERT"
}
set_curve_cert() { # set_curve_cert VALUE|"" (empty: no curve_cert line)
    sed -i '/^curve_cert = /d' "$SYS/conf.d/system.toml"
    [ -z "$1" ] || sed -i "s|^\\[bootstrap\\]\$|[bootstrap]\\ncurve_cert = \"$1\"|" "$SYS/conf.d/system.toml"
}
FIX="chown flux $CERT; chmod 0400 $CERT"

# --- healthy
gate --journal "$T/j-ok.json"
is "$rc" 0 "healthy cert: exit 0"
for c in ${CHECKS//,/ }; do
    is "$(result $c)" pass "healthy cert: $c passes"
done
like "$(msg cert.format)" "a valid CURVE certificate \\(name \"node0\"\\), public key " "cert.format names the cert and its public key"
is "$(res cert.format .facts.public_key)" "$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$CERT")" "cert.format: public_key fact"
is "$(journal_get "$T/j-ok.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=cert.format)" pass "journal: cert.format RESULT=pass"
is "$(journal_get "$T/j-ok.json" PRIORITY FLUX_PREFLIGHT_CHECK=cert.perms)" 6 "journal: cert.perms PRIORITY=6"

# --- no curve_cert: a singleton needs none; two hosts do
fixture_healthy "$T/single" node0 >/dev/null || bail "singleton fixture"
sed -i '/^curve_cert = /d' "$T/single/etc/flux/system/conf.d/system.toml"
rc=0
"$FP_BIN" --root "$T/single" --hostname node0 --check "$CHECKS" --json >"$T/out" || rc=$?
is "$rc" 0 "singleton without curve_cert: exit 0"
is "$(result cert.present)" skip "singleton: cert.present skipped"
is "$(msg cert.present)" "singleton: no cert needed (bootstrap.curve_cert not set, size 1)" "singleton: the reason"
is "$(result cert.format)" skip "singleton: cert.format skipped"
set_curve_cert ""
gate
is "$rc" 1 "two hosts, no curve_cert: exit 1"
is "$(result cert.present)" fail "two hosts, no curve_cert: cert.present fails"
like "$(msg cert.present)" "curve_cert must be defined for size > 1" "no curve_cert: the broker's words"
is "$(result cert.perms)" skip "no curve_cert: cert.perms skipped"
set_curve_cert /etc/flux/system/curve.cert

# --- missing
rm "$CERT"
gate --journal "$T/j-missing.json"
is "$rc" 1 "missing cert: exit 1"
is "$(result cert.present)" fail "missing cert: cert.present fails"
like "$(msg cert.present)" "$CERT does not exist: the broker fails with \"Error loading certificate: /etc/flux/system/curve.cert: No such file or directory\"; the broker exits 42 before it is ready: flux.service \(Type=notify\) fails with Result=protocol" \
    "missing: the broker's words (the path it names, not the image's) and what systemd shows"
like "$(msg cert.present)" "sudo -u flux flux keygen /tmp/curve.cert; install -o flux -m 0400 /tmp/curve.cert $CERT" "missing: how to make one"
is "$(result cert.perms)" skip "missing: cert.perms skipped"
is "$(result cert.format)" skip "missing: cert.format skipped"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=cert.present)" fail "journal: cert.present RESULT=fail"
is "$(journal_get "$T/j-missing.json" PRIORITY FLUX_PREFLIGHT_CHECK=cert.present)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=cert.present)" fail "journal: SEVERITY=fail"
is "$(journal_get "$T/j-missing.json" FLUX_PREFLIGHT_PATH FLUX_PREFLIGHT_CHECK=cert.present)" "$CERT" "journal: PATH"
is "$(journal_get "$T/j-missing.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=cert.present)" 4389b7ef4fc4433ba662b7b5e6276541 "journal: cert.present MESSAGE_ID"

# --- not a regular file: each reported as what it is, none opened
mkfifo -m 0400 "$CERT"; chown 500:500 "$CERT"
gate
is "$rc" 1 "cert is a FIFO: exit 1 (and the run did not block on it)"
like "$(msg cert.present)" "$CERT is a FIFO, not a regular file: the broker's read would block" "FIFO: reported as a FIFO"
is "$(result cert.format)" skip "FIFO: cert.format skipped, not read"
is "$(result cert.perms)" skip "FIFO: cert.perms skipped"
rm "$CERT"
mknod -m 0400 "$CERT" c 1 5; chown 500:500 "$CERT"     # /dev/zero
gate
like "$(msg cert.present)" "$CERT is a character device, not a regular file" "/dev/zero node: reported as a character device"
is "$(result cert.format)" skip "character device: never read"
rm "$CERT"
mkdir "$CERT"
gate
like "$(msg cert.present)" "$CERT is a directory, not a regular file" "directory: reported as a directory"
rmdir "$CERT"
ln -s /etc/flux/system/gone.cert "$CERT"
gate
is "$(result cert.present)" fail "dangling symlink: cert.present fails"
like "$(msg cert.present)" "$CERT is a dangling symbolic link to /etc/flux/system/gone.cert \\(No such file or directory\\)" "dangling symlink: says so"
rm "$CERT"
# an absolute link inside the image resolves inside the image (no /etc/flux/system here on the host is needed)
cp -p "$T/good.cert" "$SYS/real.cert"
ln -s /etc/flux/system/real.cert "$CERT"
gate
is "$rc" 0 "symlink to a good cert inside the image: exit 0"
like "$(msg cert.present)" "$CERT is a symbolic link to /etc/flux/system/real.cert, a regular file" "symlink: followed like the broker does, inside the root"
is "$(result cert.perms)" pass "symlink: cert.perms judges the target (flux, 0400)"
is "$(result cert.format)" pass "symlink: cert.format reads the target"
rm "$CERT" "$SYS/real.cert"
restore_cert

# --- a relative curve_cert resolves against / (the broker's cwd)
set_curve_cert etc/flux/system/curve.cert
gate
is "$(result cert.present)" pass "relative curve_cert: found relative to /"
is "$(res cert.present .facts.path)" "$CERT" "relative curve_cert: path fact"
set_curve_cert /etc/flux/system/curve.cert

# --- permissions
chmod 0644 "$CERT"
gate --journal "$T/j-perms.json"
is "$rc" 1 "cert mode 0644: exit 1"
is "$(result cert.perms)" fail "0644: cert.perms fails"
like "$(msg cert.perms)" "$CERT is readable by group/other \\(mode 0644\\): the broker refuses it \\(\"Error loading certificate: /etc/flux/system/curve.cert: readable by group/other\"\\); the broker exits 42 before it is ready: flux.service \\(Type=notify\\) fails with Result=protocol" "0644: the broker's words (its own path) and what systemd shows (FLUX-FACTS §13)"
like "$(msg cert.perms)" "$FIX" "0644: the exact fix"
is "$(journal_get "$T/j-perms.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=cert.perms)" fail "journal: cert.perms RESULT=fail"
is "$(journal_get "$T/j-perms.json" FLUX_PREFLIGHT_MODE FLUX_PREFLIGHT_CHECK=cert.perms)" 0644 "journal: MODE=0644"
is "$(journal_get "$T/j-perms.json" FLUX_PREFLIGHT_OWNER FLUX_PREFLIGHT_CHECK=cert.perms)" flux "journal: OWNER=flux"
is "$(journal_get "$T/j-perms.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=cert.perms)" 4380ea53828e49fc94ad7bd443b82b9d "journal: cert.perms MESSAGE_ID"
chmod 0440 "$CERT"
gate
is "$(result cert.perms)" fail "0440 (group-readable): cert.perms fails"
chown root:root "$CERT"; chmod 0400 "$CERT"
gate
is "$rc" 1 "cert root-owned 0400: exit 1"
like "$(msg cert.perms)" "flux cannot read $CERT \\(owner root, mode 0400\\): the broker runs as flux and fails with \"Error loading certificate: /etc/flux/system/curve.cert: Permission denied\"; .*: $FIX" "root 0400: flux cannot read it, and the fix"
chown 500:500 "$CERT"; chmod 0600 "$CERT"
gate
is "$rc" 0 "cert flux 0600 (as flux keygen makes it): exit 0"
is "$(result cert.perms)" pass "flux 0600: cert.perms passes (the broker accepts it, FLUX-FACTS §13)"
is "$(msg cert.perms)" "$CERT owned by flux, mode 0600: readable by flux alone" "0600: readable by flux alone"
chmod 0620 "$CERT"
gate
is "$rc" 0 "cert flux 0620: exit 0 (the broker accepts it)"
is "$(result cert.perms)" warn "0620: group can write it: cert.perms warns"
like "$(msg cert.perms)" "$CERT is mode 0620: group/other can write it .*: chmod 0400 $CERT" "0620: says why, and the fix"
chmod 0400 "$CERT"
chmod 0700 "$SYS"
gate
is "$(result cert.perms)" fail "/etc/flux/system 0700: flux cannot reach the cert"
like "$(msg cert.perms)" "flux cannot reach $CERT: no search permission on $SYS" "unreachable: names the directory"
chmod 0755 "$SYS"
cp "$R/etc/passwd" "$T/passwd"
sed -i '/^flux:/d' "$R/etc/passwd"
gate
is "$(result cert.perms)" skip "no flux user: cert.perms skipped, naming user.flux"
like "$(msg cert.perms)" "see user.flux" "no flux user: points at user.flux"
cp -p "$T/passwd" "$R/etc/passwd"

# --- format
bad_cert() { # bad_cert < content: install as the cert, flux 0400
    rm -f "$CERT"; cat >"$CERT"; chown 500:500 "$CERT"; chmod 0400 "$CERT"
}
printf 'this is not a certificate\n' | bad_cert
gate --journal "$T/j-format.json"
is "$rc" 1 "garbage cert: exit 1"
is "$(result cert.format)" fail "garbage: cert.format fails"
like "$(msg cert.format)" "the broker fails with \"Error loading certificate: /etc/flux/system/curve.cert: Invalid argument\"; the broker exits 42 before it is ready" "garbage: the broker's words"
is "$(res cert.format .facts.line)" 1 "garbage: the offending line"
is "$(journal_get "$T/j-format.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=cert.format)" fail "journal: cert.format RESULT=fail"
is "$(journal_get "$T/j-format.json" FLUX_PREFLIGHT_LINE FLUX_PREFLIGHT_CHECK=cert.format)" 1 "journal: LINE"
is "$(journal_get "$T/j-format.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=cert.format)" 450c20dd9f4746d1ad3e244d8f2d2a5a "journal: cert.format MESSAGE_ID"
: | bad_cert
gate
is "$(result cert.format)" fail "empty cert: cert.format fails"
# another key pair's public key with this secret key
fixture_curve_cert "$T/other.cert" other
other_pub=$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$T/other.cert")
python3 -c 'import re, sys; sys.stdout.write(re.sub(r"public-key = \".*\"", lambda m: "public-key = \"%s\"" % sys.argv[2], open(sys.argv[1]).read()))' "$T/good.cert" "$other_pub" | bad_cert
gate
is "$(result cert.format)" fail "mismatched key pair: cert.format fails"
like "$(msg cert.format)" "public-key is not the public key of secret-key" "mismatched pair: says so"
# a key one character short
sed 's|\(secret-key = "\).|\1|' "$T/good.cert" | bad_cert
gate
is "$(result cert.format)" fail "a 39-character secret key: cert.format fails"
# a duplicate metadata key
sed 's|^\(    name = .*\)$|\1\n\1|' "$T/good.cert" | bad_cert
gate
like "$(msg cert.format)" "\"Error loading certificate: /etc/flux/system/curve.cert: File exists\"" "duplicate metadata key: the broker's 'File exists'"
# 70 KiB of comments in front of a good cert: read with a cap, not whole
{ head -c 71680 /dev/zero | tr '\0' '#'; echo; cat "$T/good.cert"; } | bad_cert
gate
is "$(result cert.format)" fail "a 70 KiB file: cert.format fails"
like "$(msg cert.format)" "$CERT is larger than 64 KiB: not a flux keygen certificate" "huge file: says so"
restore_cert

gate
is "$rc" 0 "healthy again: exit 0"
is "$SECRET_SEEN" 0 "the secret key never appeared in any output or journal entry"
is "$CHANGED" 0 "the gate changed nothing under the root in any run (type, mode, owner, size, mtime, content)"

for c in ${CHECKS//,/ }; do
    like "$("$FP_BIN" explain "$c" | tr "\n" " ")" "^$c: .*Fix" "flux-preflight explain $c: summary, why and the fix"
done

done_testing
