#!/bin/sh
# fleet.sync against a real HTTPS server on loopback (python3 http.server
# wrapped in TLS, with a CA and a server certificate made here by openssl),
# a stalled server, plain http, file://, and the cache in statedir.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0810.XXXXXX)
fp_atexit "rm -rf '$T'"
chmod 0755 "$T"
isnt() { [ "$1" != "$2" ]; }
snapshot() { # metadata and content of every file under DIR
    (cd "$1" && find . -printf '%p %m %u %g %s %T@\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# --- a CA, a server certificate for 127.0.0.1, and a CA that did not sign it
(
    set -e
    cd "$T"
    ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'
    openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=fp-t0810-ca
    openssl req -x509 $ec -keyout wrong-ca.key -out wrong-ca.pem -days 2 -subj /CN=fp-t0810-other-ca
    openssl req $ec -keyout srv.key -out srv.csr -subj /CN=127.0.0.1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >srv.ext
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
) >"$T/openssl.log" 2>&1 || bail "openssl: $(cat "$T/openssl.log")"

# --- the server: files from a directory; redirects from DIR/.redirects ("PATH TARGET"
# lines); /stream/NAME sends NAME without Content-Length; "stall" accepts and never answers
cat >"$T/srv.py" <<'EOF'
import http.server, os, socket, ssl, sys, time
mode, root, portfile = sys.argv[1], sys.argv[2], sys.argv[3]

def ready(port):
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)

if mode == "stall":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    ready(s.getsockname()[1])
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)          # never read, never answer

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a):
        pass
    def do_GET(self):
        redirects = {}
        try:
            for line in open(os.path.join(root, ".redirects")):
                k, v = line.split()
                redirects[k] = v
        except FileNotFoundError:
            pass
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        stream = self.path.startswith("/stream/")
        name = self.path[len("/stream/"):] if stream else self.path.lstrip("/")
        try:
            data = open(os.path.join(root, name), "rb").read()
        except OSError:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if not stream:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for i in range(0, len(data), 65536):
            self.wfile.write(data[i:i + 65536])

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
if mode == "https":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
ready(srv.server_address[1])
srv.serve_forever()
EOF
start_server() { # start_server NAME MODE [CERT KEY]: sets ${NAME}_PID and ${NAME}_PORT
    _n=$1; shift
    rm -f "$T/$_n.port"
    python3 "$T/srv.py" "$1" "$T/www" "$T/$_n.port" "${@:2}" 2>"$T/$_n.log" &
    eval "${_n}_PID=$!"
    fp_atexit "kill $! 2>/dev/null"
    for _i in $(seq 100); do [ -s "$T/$_n.port" ] && break; sleep 0.05; done
    [ -s "$T/$_n.port" ] || bail "server $_n did not start: $(cat "$T/$_n.log")"
    eval "${_n}_PORT=$(cat "$T/$_n.port")"
}
stop_server() { # stop_server NAME
    eval "_p=\$${1}_PID"
    kill "$_p" 2>/dev/null
    wait "$_p" 2>/dev/null
}

# --- the node: a fixture whose paths the gate config names (a live run)
fixture_healthy "$T/root" node1 node0 || bail "fixture"
R=$T/root
sed -i "s|^curve_cert = .*|curve_cert = \"$R/etc/flux/system/curve.cert\"|" "$R/etc/flux/system/conf.d/system.toml"
mkdir -p "$T/state" "$T/www" "$T/conf.d"
chown 500:500 "$T/state"
chmod 0700 "$T/state"
CACHE=$T/state/preflight-manifest.json
mkdir -p "$T/pristine" && cp -a "$R/." "$T/pristine/"

gate_config() { # gate_config [MANIFEST_URL] : extra TOML lines on stdin
    {
        cat <<EOT
deadline = "20s"
statedir = "$T/state"
status-file = "$T/status.json"
system-config = "$R/etc/flux/system/conf.d"
security-config = "$R/etc/flux/security/conf.d"
imp-config = "$R/etc/flux/imp/conf.d"
flux-user = "root"
EOT
        [ -z "${1:-}" ] || echo "manifest = \"$1\""
        cat <<EOT
[munge]
key = "$R/etc/munge/munge.key"
EOT
        cat
    } >"$T/conf.d/gate.toml"
}
CHANGED=
run_sync() { # run_sync [ARGS...] -> $T/out (--json), $T/err, $rc, $elapsed (ms)
    _pre=$(snapshot "$R")
    rc=0
    _t0=$(date +%s%N)
    "$FP_BIN" --config "$T/conf.d" --check fleet.sync --json "$@" >"$T/out" 2>"$T/err" || rc=$?
    elapsed=$(( ($(date +%s%N) - _t0) / 1000000 ))
    # the gate never changes what it checks
    [ "$(snapshot "$R")" = "$_pre" ] || CHANGED="$CHANGED after-test-$TAP_N"
    # nothing on stderr (a sanitizer report would land there)
    [ ! -s "$T/err" ] || STDERR="$STDERR after-test-$TAP_N: $(head -c 300 "$T/err")"
}
STDERR=
res() { jq -r ".results[] | select(.id == \"fleet.sync\") | $1" "$T/out"; }
nocache() { rm -f "$CACHE"; }

# The reference, written by the leader (here: from the same files)
gate_config </dev/null
rc=0
"$FP_BIN" manifest --config "$T/conf.d" --hostname node0 -o "$T/www/manifest.json" || rc=$?
is "$rc" 0 "the leader writes the manifest"
MTIME=$(jq -r .time "$T/www/manifest.json")

start_server S https "$T/srv.pem" "$T/srv.key"
URL=https://127.0.0.1:$S_PORT/manifest.json

# --- no manifest configured
gate_config </dev/null
run_sync
is "$rc" 0 "no manifest configured: exit 0"
is "$(res .result)" skip "no manifest configured: skip"
like "$(res .message)" "^no manifest configured" "...with the reason"

# --- match
gate_config "$URL" <<EOF
[fleet]
ca-path = "$T/ca.pem"
timeout = "3s"
EOF
run_sync
is "$rc" 0 "https manifest, same files: exit 0"
is "$(res .result)" pass "same files: pass"
is "$(res .message)" "all 8 items match the manifest (generated on node0 at $MTIME)" "...the message names the manifest's host and time"
is "$(res .facts.source)" fetched "...fact source=fetched"
ok "the cache was written in statedir" test -f "$CACHE"
is "$(stat -c '%a %U %G' "$CACHE")" "644 root root" "...root-owned 0644"
ok "...byte for byte the server's copy" cmp -s "$CACHE" "$T/www/manifest.json"
is "$(ls -A "$T/state")" "preflight-manifest.json" "...and nothing else in statedir (no temp file)"
ino=$(stat -c '%i %Y' "$CACHE")
journald_run "$T/j1.json" "$FP_BIN" --journal --config "$T/conf.d" --check fleet.sync >/dev/null 2>&1
jrc=$?
is "$jrc" 0 "under journald: exit 0"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=fleet.sync)" pass "journal: FLUX_PREFLIGHT_RESULT=pass"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=fleet.sync)" fail "journal: FLUX_PREFLIGHT_SEVERITY=fail (the default)"
is "$(journal_get "$T/j1.json" PRIORITY FLUX_PREFLIGHT_CHECK=fleet.sync)" 6 "journal: PRIORITY=6"
is "$(journal_get "$T/j1.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=fleet.sync)" "$("$FP_BIN" explain fleet.sync | sed -n 's/.*MESSAGE_ID=//p')" "journal: the check's MESSAGE_ID"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_MANIFEST FLUX_PREFLIGHT_CHECK=fleet.sync)" "$URL" "journal: FLUX_PREFLIGHT_MANIFEST=<url>"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_SOURCE FLUX_PREFLIGHT_CHECK=fleet.sync)" fetched "journal: FLUX_PREFLIGHT_SOURCE=fetched"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_MANIFEST_HOST FLUX_PREFLIGHT_CHECK=fleet.sync)" node0 "journal: FLUX_PREFLIGHT_MANIFEST_HOST=node0"
is "$(journal_get "$T/j1.json" FLUX_PREFLIGHT_MANIFEST_TIME FLUX_PREFLIGHT_CHECK=fleet.sync)" "$MTIME" "journal: FLUX_PREFLIGHT_MANIFEST_TIME"
is "$(stat -c '%i %Y' "$CACHE")" "$ino" "an unchanged manifest does not rewrite the cache"

# --- mismatch: another munge key and another default_port on this node
dd if=/dev/urandom of="$R/etc/munge/munge.key" bs=1024 count=1 conv=notrunc 2>/dev/null
sed -i 's/^default_port = 8050$/default_port = 8051/' "$R/etc/flux/system/conf.d/system.toml"
run_sync
is "$rc" 1 "config and munge key differ: exit 1"
is "$(res .result)" fail "...fail"
like "$(res .message)" "^config.system and munge.key differ from the manifest \(generated on node0 at $MTIME\)" \
    "...the message names the differing items, the manifest's host and time"
like "$(res .message)" "munge.key: copy $R/etc/munge/munge.key from node0 \(owner munge, mode 0400\), then systemctl restart munge" \
    "...and says what to copy from where"
like "$(res .message)" "config.system: copy $R/etc/flux/system/conf.d from node0" "...for the config too"
is "$(res .facts.different)" "config.system,munge.key" "...fact different=config.system,munge.key"
ok "...the --json document is valid against the schema" python3 "$top_srcdir/tests/lib/check-status-schema.py" "$T/out"
rc=0
journald_run "$T/j2.json" "$FP_BIN" --journal --config "$T/conf.d" --check fleet.sync >/dev/null 2>&1 || rc=$?
is "$rc" 1 "under journald: exit 1"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=fleet.sync)" fail "journal: FLUX_PREFLIGHT_RESULT=fail"
is "$(journal_get "$T/j2.json" PRIORITY FLUX_PREFLIGHT_CHECK=fleet.sync)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_DIFFERENT FLUX_PREFLIGHT_CHECK=fleet.sync)" "config.system,munge.key" "journal: FLUX_PREFLIGHT_DIFFERENT=config.system,munge.key"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_MANIFEST_HOST FLUX_PREFLIGHT_CHECK=fleet.sync)" node0 "journal: FLUX_PREFLIGHT_MANIFEST_HOST=node0"
like "$(journal_get "$T/j2.json" MESSAGE FLUX_PREFLIGHT_CHECK=fleet.sync)" "^fleet.sync: config.system and munge.key differ" "journal: MESSAGE"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" fleet.sync "journal: the summary names fleet.sync"
cp -a "$T/pristine/etc/munge/munge.key" "$R/etc/munge/munge.key"
cp -a "$T/pristine/etc/flux/system/conf.d/system.toml" "$R/etc/flux/system/conf.d/system.toml"
sed -i "s|^curve_cert = .*|curve_cert = \"$R/etc/flux/system/curve.cert\"|" "$R/etc/flux/system/conf.d/system.toml"
run_sync
is "$(res .result)" pass "files restored: pass again"

# a different key pair: one item, one hint (cert and cert.file are one file)
cp -a "$R/etc/flux/system/curve.cert" "$T/cert.save"
fixture_curve_cert "$R/etc/flux/system/curve.cert" node1
run_sync
like "$(res .message)" "^cert and cert.file differ from the manifest" "another key pair: cert and cert.file differ"
is "$(res .message | grep -o 'copy [^ ]*curve.cert' | wc -l)" 1 "...one copy hint for the one file"
cp -a "$T/cert.save" "$R/etc/flux/system/curve.cert"

# --- TLS: a CA that did not sign the server's certificate (the cache exists)
sed -i "s|^ca-path = .*|ca-path = \"$T/wrong-ca.pem\"|" "$T/conf.d/gate.toml"
run_sync
is "$rc" 1 "wrong CA: exit 1"
is "$(res .result)" fail "wrong CA: fail, although a cached copy exists"
like "$(res .message)" "cannot verify the manifest server $URL: SSL certificate problem" "...with the TLS reason"
like "$(res .message)" "set \[fleet\] ca-path" "...and the fix"
# a hashed CA directory works the same way
mkdir -p "$T/cadir" "$T/wrongdir"
cp "$T/ca.pem" "$T/cadir/"
cp "$T/wrong-ca.pem" "$T/wrongdir/"
openssl rehash "$T/cadir" "$T/wrongdir" 2>/dev/null || c_rehash "$T/cadir" "$T/wrongdir" >/dev/null
sed -i "s|^ca-path = .*|ca-path = \"$T/wrongdir\"|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" fail "ca-path a hashed directory without the server's CA: fail"
like "$(res .message)" "SSL certificate problem" "...with the TLS reason"
sed -i "s|^ca-path = .*|ca-path = \"$T/cadir\"|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" pass "ca-path a hashed directory with the server's CA: pass"
sed -i "s|^ca-path = .*|ca-path = \"$T/ca.pem\"|" "$T/conf.d/gate.toml"

# --- documents the gate refuses (no cache: an error that blocks)
nocache
head -c 2097152 /dev/zero | tr '\0' ' ' >"$T/www/big.json"
echo '{}' >>"$T/www/big.json"
gate_config "https://127.0.0.1:$S_PORT/big.json" <<EOF
[fleet]
ca-path = "$T/ca.pem"
timeout = "3s"
max-size = "64K"
EOF
run_sync
is "$rc" 1 "2 MiB manifest, max-size 64K: exit 1"
is "$(res .result)" error "...error"
like "$(res .message)" "cannot get the manifest https://[^ ]*/big.json: larger than the 64(\.0)? KiB limit \(fleet.max-size\)" "...the message says it is too large"
sed -i "s|/big.json|/stream/big.json|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" error "the same without Content-Length: error"
like "$(res .message)" "larger than the 64(\.0)? KiB limit" "...aborted by the size cap while receiving"
printf '{"version": 1, "items": {' >"$T/www/bad.json"
sed -i "s|/stream/big.json|/bad.json|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" error "truncated JSON: error"
like "$(res .message)" "bad.json: not a usable manifest: not valid JSON: line 1" "...the message says it is not valid JSON"
jq '.version = 2' "$T/www/manifest.json" >"$T/www/v2.json"
sed -i "s|/bad.json|/v2.json|" "$T/conf.d/gate.toml"
run_sync
like "$(res .message)" "unsupported version 2 \(this flux-preflight reads version 1\)" "version 2: error naming the version"
sed -i "s|/v2.json|/nonexistent.json|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" error "404: error"
like "$(res .message)" "the server answered HTTP 404" "...naming the HTTP status"
is "$(res .facts.http_status)" 404 "...fact http_status=404"
ok "a refused document is not cached" test ! -e "$CACHE"

# --- redirects: followed (3 at most), never from https to plain http
start_server P http
cat >"$T/www/.redirects" <<EOF
/moved /manifest.json
/loop /loop
/downgrade http://127.0.0.1:$P_PORT/manifest.json
EOF
sed -i "s|/nonexistent.json|/moved|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" pass "a redirect to the manifest: pass"
nocache
sed -i "s|/moved|/loop|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" error "a redirect loop: error"
like "$(res .message)" "Maximum \(3\) redirects followed" "...after 3 redirects"
sed -i "s|/loop|/downgrade|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" error "a redirect from https to http: refused"
like "$(res .message)" "[Pp]rotocol .*http.* not supported|disabled" "...curl says the protocol is not allowed"
rm -f "$T/www/.redirects"

# --- plain http and file://
sed -i "s|^manifest = .*|manifest = \"http://127.0.0.1:$P_PORT/manifest.json\"|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" pass "http:// manifest: pass"
sed -i "s|^manifest = .*|manifest = \"file://$T/www/manifest.json\"|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" pass "file:// manifest: pass"
jq '.items["flux.uid"] = "500" | .items["flux.gid"] = "500"' "$T/www/manifest.json" >"$T/www/uid.json"
sed -i "s|^manifest = .*|manifest = \"file://$T/www/uid.json\"|" "$T/conf.d/gate.toml"
run_sync
is "$(res .result)" fail "flux uid/gid 0 here, 500 in the manifest: fail"
like "$(res .message)" "^flux.uid and flux.gid differ from the manifest" "...naming both items"
like "$(res .message)" "the flux user has uid 0 here, 500 on node0: give it the same uid on every node \(usermod -u" \
    "...and giving both values and the fix"
stop_server P

# --- a server that accepts and never answers
start_server Z stall
gate_config "https://127.0.0.1:$Z_PORT/manifest.json" <<EOF
[fleet]
ca-path = "$T/ca.pem"
timeout = "2s"
EOF
nocache
run_sync
is "$rc" 1 "stalled server, no cache: exit 1"
is "$(res .result)" error "...error"
like "$(res .message)" "no complete answer within 2s" "...the message says it timed out"
ok "...within the 2s timeout plus 2s ($elapsed ms)" test "$elapsed" -lt "$(slack_ms 4000)"
cp -a "$T/www/manifest.json" "$CACHE"
chmod 0644 "$CACHE"
run_sync
is "$rc" 0 "stalled server, with a cache: exit 0"
is "$(res .result)" pass "...pass from the cache"
like "$(res .message)" "used the cached copy: .* could not be fetched: no complete answer within 2s" "...saying so"
ok "...also within the timeout plus 2s ($elapsed ms)" test "$elapsed" -lt "$(slack_ms 4000)"
stop_server Z

# --- the server is down
stop_server S
gate_config "$URL" <<EOF
[fleet]
ca-path = "$T/ca.pem"
timeout = "3s"
EOF
run_sync
is "$rc" 0 "server down, cache present: exit 0"
is "$(res .result)" pass "...pass"
is "$(res .message)" "all 8 items match the cached manifest in $CACHE (generated on node0 at $MTIME); used the cached copy: $URL could not be fetched: $(res .facts.fetch_error)" \
    "...the message says the cache was used, and why"
like "$(res .facts.fetch_error)" "[Cc]ould not connect|Connection refused|Failed to connect" "...fact fetch_error: connection refused"
is "$(res .facts.source)" cache "...fact source=cache"
sed -i 's/^default_port = 8050$/default_port = 8051/' "$R/etc/flux/system/conf.d/system.toml"
run_sync
is "$(res .result)" fail "server down, cache present, config changed: fail"
like "$(res .message)" "^config.system differs from the cached manifest in $CACHE \(generated on node0 at $MTIME\)" "...against the cached copy"
like "$(res .message)" "; used the cached copy: $URL could not be fetched: " "...and says why the cache was used"
sed -i 's/^default_port = 8051$/default_port = 8050/' "$R/etc/flux/system/conf.d/system.toml"
chown 65534 "$CACHE"
run_sync
is "$(res .result)" error "a cached copy not owned by root: not trusted (error)"
like "$(res .message)" "cached copy $CACHE ignored: not a regular file owned by root" "...saying why"
nocache
run_sync
is "$rc" 1 "server down, no cache: exit 1 (severity fail)"
is "$(res .result)" error "...error"
like "$(res .message)" "cannot get the manifest $URL: .*; no cached copy at $CACHE" "...the message says what failed and that there is no cache"
printf '[severity]\n"fleet.sync" = "warn"\n' >"$T/conf.d/zz-sev.toml"
run_sync
is "$rc" 0 "server down, no cache, [severity] fleet.sync = warn: exit 0"
is "$(res .result) $(res .severity)" "error warn" "...reported as error, not blocking"
rm -f "$T/conf.d/zz-sev.toml"
printf '[fleet]\nallow-unreachable = true\n' >"$T/conf.d/zz-allow.toml"
run_sync
is "$rc" 0 "server down, no cache, allow-unreachable: exit 0"
is "$(res .result)" warn "...warn"
rm -f "$T/conf.d/zz-allow.toml"

# --- --root: file:// inside the root; no network; no cache in the image
fixture_healthy "$T/img" node1 node0 || bail "image fixture"
mkdir -p "$T/img/srv" "$T/img/etc/flux/preflight/conf.d"
"$FP_BIN" manifest --root "$T/img" --hostname node0 -o "$T/img/srv/manifest.json"
printf 'manifest = "file:///srv/manifest.json"\n' >"$T/img/etc/flux/preflight/conf.d/fleet.toml"
img_before=$(snapshot "$T/img")
rc=0
"$FP_BIN" --root "$T/img" --hostname node1 --check fleet.sync --json >"$T/out" 2>"$T/err" || rc=$?
is "$(res .result)" pass "--root: a file:// manifest is read inside the root: pass"
is "$(snapshot "$T/img")" "$img_before" "--root: nothing in the image changed (no cache written)"
printf 'manifest = "%s"\n' "$URL" >"$T/img/etc/flux/preflight/conf.d/fleet.toml"
"$FP_BIN" --root "$T/img" --hostname node1 --check fleet.sync --json >"$T/out" 2>"$T/err"
is "$(res .result)" skip "--root: an https manifest is not fetched (skip)"
like "$(res .message)" "not fetched under --root" "...saying why"

is "$CHANGED" "" "no run of the gate changed the node's files"
is "$STDERR" "" "no run of the gate wrote to stderr"
is "$(ls -A "$T/state")" "" "statedir holds nothing but the cache (removed above)"

done_testing
