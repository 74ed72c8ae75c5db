#!/bin/sh
# munge.key: the key file exists, is a regular file owned by munge, private
# (no group/other bits), at least 32 bytes (munged's minimum), below
# directories only root or munge can change. Every fault is real; the key is
# never read (its atime stays put) nor printed; the gate changes nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0460.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
KEY=$R/etc/munge/munge.key
KEYHEX=$(od -An -tx1 "$KEY" | tr -d ' \n' | cut -c1-32)
KEYB64=$(head -c 24 "$KEY" | base64)
cp -p "$KEY" "$T/good.key"
restore() { rm -rf "$KEY"; cp -p "$T/good.key" "$KEY"; }
LEAKED=0
key_gate() { # gate munge.key, and count runs whose output shows key bytes
    gate "$@"
    ! grep -qF -e "$KEYHEX" -e "$KEYB64" "$T/out" "$T/err" || LEAKED=$((LEAKED + 1))
}

# --- healthy: owner munge, 0400, 1 KiB; never opened for reading (an atime
# from 2001 would move on any read, relatime or not; gate's snapshots read it,
# so this run is a plain one)
touch -a -d '2001-01-01 00:00:00' "$KEY"
atime0=$(stat -c %X "$KEY")
"$FP_BIN" --root "$R" --hostname node0 --check munge.key --json >"$T/out" 2>&1
is "$(stat -c %X "$KEY")" "$atime0" "the key was not read (atime unchanged from 2001)"
key_gate munge.key
is "$rc" 0 "healthy key: exit 0"
is "$(result munge.key)" pass "healthy key: pass"
is "$(msg munge.key)" "$KEY owned by munge, mode 0400, 1024 bytes" "...message"
is "$(fact munge.key owner) $(fact munge.key mode) $(fact munge.key size_bytes)" "munge 0400 1024" "...facts owner, mode, size_bytes"
restore
chmod 0600 "$KEY"
key_gate munge.key
is "$(result munge.key)" pass "mode 0600: pass"

# --- readable by group: munged refuses it
chmod 0440 "$KEY"
key_gate --journal "$T/j1.json" munge.key
is "$rc" 1 "group-readable key: exit 1"
is "$(result munge.key)" fail "group-readable key: fail"
is "$(msg munge.key)" "$KEY is readable by group (mode 0440): munged refuses it (\"Keyfile is insecure\"), and whoever can read it can forge credentials for any user, root included: chmod 0400 $KEY" \
    "...message with chmod 0400"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_RESULT)" fail "journal: RESULT=fail"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_SEVERITY)" fail "journal: SEVERITY=fail"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_MODE)" 0440 "journal: FLUX_PREFLIGHT_MODE=0440"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_OWNER)" munge "journal: FLUX_PREFLIGHT_OWNER=munge"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_PATH)" "$KEY" "journal: FLUX_PREFLIGHT_PATH"
is "$(jfield "$T/j1.json" munge.key FLUX_PREFLIGHT_SIZE_BYTES)" 1024 "journal: FLUX_PREFLIGHT_SIZE_BYTES"
ok "journal: the key's bytes are nowhere in the journal" sh -c "! grep -qF -e '$KEYHEX' -e '$KEYB64' '$T/j1.json'"
chmod 0460 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "is readable by group \(mode 0460\)" "group-writable and readable: fail"
chmod 0420 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "is writable by group \(mode 0420\)" "group-writable only: fail"
chmod 0404 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "is readable by other \(mode 0404\)" "other-readable: fail"
chmod 0644 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "is readable by group and other \(mode 0644\)" "0644: readable by group and other"
chmod 0200 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "is not readable by its owner \(mode 0200\): munged cannot read its key" "0200: owner cannot read"
chmod 0400 "$KEY"

# --- wrong owner
chown root:root "$KEY"
key_gate munge.key
is "$rc" 1 "root-owned key: exit 1"
is "$(msg munge.key)" "$KEY is owned by root, not munge: munged runs as munge and refuses it (\"Keyfile is insecure: should be owned by UID 501\"): chown munge:munge $KEY" \
    "root-owned: fail with chown munge:munge"
chown 500:500 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "owned by flux, not munge" "flux-owned: fail"
restore

# --- too short for munged (32 bytes minimum, as munged says)
head -c 31 "$T/good.key" >"$KEY"; chown 501:501 "$KEY"; chmod 0400 "$KEY"
key_gate munge.key
is "$rc" 1 "31-byte key: exit 1"
is "$(msg munge.key)" "$KEY is 31 bytes, shorter than the 32 munged requires (\"Keyfile must be at least 32 bytes\"): create a new key and install it on every node, then restart munged everywhere: mungekey -c -f -k $KEY (1024 bits by default)" \
    "31 bytes: fail with mungekey"
head -c 32 "$T/good.key" >"$KEY"
key_gate munge.key
is "$(result munge.key)" pass "32 bytes: pass"
: >"$KEY"
key_gate munge.key
like "$(msg munge.key)" "is 0 bytes, shorter than the 32" "empty key: fail"
restore

# --- missing, a symlink, a FIFO (never opened: no hang)
rm -f "$KEY"
key_gate munge.key
is "$rc" 1 "missing key: exit 1"
like "$(msg munge.key)" "^$KEY does not exist: munged does not start without its key.*mungekey -c -k $KEY; chown munge:munge $KEY; chmod 0400 $KEY" \
    "missing: fail with how to create one"
cp -p "$T/good.key" "$R/etc/munge/munge.key.real"
ln -s munge.key.real "$KEY"
key_gate munge.key
like "$(msg munge.key)" "^$KEY is a symbolic link to munge.key.real: munged refuses it \(\"Keyfile is insecure: should not be a symbolic link\"\)" "symlink: fail"
rm -f "$KEY" "$R/etc/munge/munge.key.real"
mkfifo -m 0400 "$KEY"; chown 501:501 "$KEY"
key_gate munge.key
like "$(msg munge.key)" "^$KEY is a FIFO, not a regular file: munged refuses it" "a FIFO: fail, without blocking"
restore

# --- the directories above it
chmod 0770 "$R/etc/munge"
key_gate munge.key
is "$rc" 1 "group-writable /etc/munge: exit 1"
like "$(msg munge.key)" "directory $R/etc/munge is writable by group \(mode 0770\): munged refuses the key below it .*chmod go-w $R/etc/munge" \
    "group-writable key dir: fail"
chmod 1777 "$R/etc/munge"
key_gate munge.key
is "$(result munge.key)" pass "world-writable but sticky (like /tmp): munged accepts it"
chmod 0700 "$R/etc/munge"
chown 500 "$R/etc/munge"
key_gate munge.key
like "$(msg munge.key)" "directory $R/etc/munge is owned by flux, not root or munge" "key dir owned by flux: fail"
chown 501 "$R/etc/munge"
chmod 0777 "$R/etc"
key_gate munge.key
like "$(msg munge.key)" "directory $R/etc is writable by other \(mode 0777\)" "world-writable /etc above it: fail"
chmod 0755 "$R/etc"

# --- no munge user in the image
cp -p "$R/etc/passwd" "$T/passwd"
sed -i '/^munge:/d' "$R/etc/passwd"
key_gate munge.key
like "$(msg munge.key)" "^user munge does not exist in the image's /etc/passwd: .*install munge" "no munge user: fail"
cp -p "$T/passwd" "$R/etc/passwd"

# --- [munge] key names another file
mkdir -p "$R/srv/munge"; chmod 0755 "$R/srv" "$R/srv/munge"
cp -p "$T/good.key" "$R/srv/munge/cluster.key"
printf '[munge]\nkey = "/srv/munge/cluster.key"\n' >"$R/etc/flux/preflight/conf.d/gate.toml"
chmod 0644 "$R/srv/munge/cluster.key"
key_gate munge.key
like "$(msg munge.key)" "^$R/srv/munge/cluster.key is readable by group and other" "[munge] key: the configured file is checked"
: >"$R/etc/flux/preflight/conf.d/gate.toml"

is "$LEAKED" 0 "no run printed the key's bytes"
gate_changed_nothing
done_testing
