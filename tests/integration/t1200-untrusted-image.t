#!/bin/sh
# t1200: `flux-preflight --root IMAGE` on an image nobody vetted (issue 16).
#
#  1. PAM modules of the image are never loaded: an /etc/pam.d/flux naming a
#     module by absolute path and by a ../ path, each a real .so whose
#     constructor writes a marker (libpam does load them: checked first with
#     the real libpam); after the gate, no marker, and imp.pam says what it
#     judged without loading.
#  2. Nothing outside the image is read: conf.d files, passwd, group, the
#     gate's config, the cert, the munge key and a file:// manifest as
#     absolute symlinks, ".." chains and %2e%2e URLs to host files holding a
#     unique token: the token is in no output, and `strace -f -y` (which shows
#     the file each descriptor really is) shows no open of a host file. The
#     same under the no-openat2 fallback (valgrind, which lacks openat2: the
#     hook the check-valgrind tier uses).
#  3. A FIFO and /dev/zero (a character device made with mknod in the image)
#     in place of every file the gate reads in an image: the run ends within
#     its deadline + 1 s, with a clear message for each (the ELF files the
#     loader's view reads too); where the file is a hint only (ld.so.cache,
#     os-release, dpkg status, .pc), the healthy image still passes.
#  4. /etc/pam.d/flux with 30 "@include flux" lines, a two-file include
#     cycle, and an include tree too big to read: bounded, accurate messages.
#  5. ESC sequences in a manifest's "host" and in an image's file name: no raw
#     control byte in the table, `flux-preflight status`, stderr or journald's
#     MESSAGE.
#  6. A status directory 0777 or owned by a user: the gate refuses to write
#     there, with a clear error, and `flux-preflight status` does not trust
#     it (the PAM module's side: t0700).
#  7. libcurl: a restriction the loaded libcurl refuses means no fetch (not
#     one request reaches the server); an older libcurl (< 7.85) gets
#     CURLOPT_PROTOCOLS, a newer one CURLOPT_PROTOCOLS_STR. The libcurl the
#     gate loads is the real one behind a shim (LD_LIBRARY_PATH) that refuses
#     one option, or reports another version, as an old or restricted build
#     would.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t1200.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/base" || bail "fixture root"
BASE=$R
GATED=etc/flux/preflight/conf.d
mkdir -p "$BASE/$GATED" "$BASE/srv"
chmod 0755 "$BASE/etc/flux/preflight" "$BASE/$GATED" "$BASE/srv"
# the run's deadline: 3 s, or 20 s under check-valgrind, where the gate's
# loader alone can take seconds (a FIFO or /dev/zero still ends a run at once)
DL=3; [ -z "${FP_VALGRIND:-}" ] || DL=20
printf 'deadline = "%ss"\n' "$DL" >"$BASE/$GATED/gate.toml"
chmod 0644 "$BASE/$GATED/gate.toml"
REAL=${FP_BIN_REAL:?}
DEADLINE_MS=$((DL * 1000))

# a fresh copy of the healthy image: R
image() { rm -rf "$T/img"; cp -a "$BASE" "$T/img"; R=$T/img; }

# run [ARGS...]: the gate on $R with its table on stdout; $T/out, $T/err, $rc, $ms
run() {
    local t0 t1
    rc=0
    t0=$(date +%s%N)
    timeout 60 "$FP_BIN" --root "$R" --hostname node0 "$@" >"$T/out" 2>"$T/err" || rc=$?
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
}
jrun() { run --json "$@"; }
# live_conf LINE: the gate config of a live run ($T/live.d), its statedir a
# path that does not exist (fleet.sync keeps no cache of this test's manifests)
live_conf() {
    mkdir -p "$T/live.d"
    printf 'deadline = "%ss"\nstatedir = "%s/no-statedir"\n%s\n' "$DL" "$T" "$1" >"$T/live.d/gate.toml"
}
res() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }
result() { res "$1" .result; }
msg() { res "$1" .message; }
fact() { res "$1" ".facts[\"$2\"] | if . == null then \"\" else tostring end"; }

# the control: the healthy image passes, so each fault below is the fault's doing
image
jrun
is "$rc" 0 "the healthy image passes (exit 0)"
is "$(jq -r '[.results[] | select(.result == "fail" or .result == "error") | .id] | join(",")' "$T/out")" "" \
    "...no check fails or errors"

# ---------------------------------------------------------------------------
# 1. PAM modules of the image are never loaded
# ---------------------------------------------------------------------------
DRIVER=$top_builddir/tests/pam/pam-driver
cc=${CC:-cc}
command -v "$cc" >/dev/null || cc=gcc
image
mkdir -p "$R/opt/evil"
# mkmod SO MARKER: a PAM module whose constructor creates MARKER
mkmod() {
    cat >"$T/evil.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
#include <security/pam_modules.h>
__attribute__((constructor)) static void mark(void)
{
    int fd = open("$2", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
}
int pam_sm_authenticate(pam_handle_t *h, int f, int c, const char **v) { return PAM_SUCCESS; }
int pam_sm_setcred(pam_handle_t *h, int f, int c, const char **v) { return PAM_SUCCESS; }
int pam_sm_acct_mgmt(pam_handle_t *h, int f, int c, const char **v) { return PAM_SUCCESS; }
int pam_sm_open_session(pam_handle_t *h, int f, int c, const char **v) { return PAM_SUCCESS; }
int pam_sm_close_session(pam_handle_t *h, int f, int c, const char **v) { return PAM_SUCCESS; }
EOF
    "$cc" -shared -fPIC -o "$1" "$T/evil.c"
}
mkmod "$R/opt/evil/pam_abs.so" "$T/marker-abs" || bail "cannot build a PAM module with $cc"
mkmod "$R/opt/evil/pam_dotdot.so" "$T/marker-dotdot" || bail "cannot build a PAM module"
# libpam prefixes a relative name with its module directory: climb out of it
DOTDOT=../../../../../../../../ # more than enough: ".." stops at /
{
    echo "auth     required $R/opt/evil/pam_abs.so"
    echo "auth     required ${DOTDOT}${R#/}/opt/evil/pam_dotdot.so"
    echo "session  required pam_limits.so"
} >"$R/etc/pam.d/flux"

# the control: libpam, pointed at this pam.d, loads both (as the gate did)
if [ -x "$DRIVER" ]; then
    "$DRIVER" flux root "$R/etc/pam.d" auth >/dev/null 2>&1
    ok "control: libpam on the image's pam.d runs the absolute-path module's constructor" \
        test -e "$T/marker-abs"
    ok "control: ...and the ../ module's" test -e "$T/marker-dotdot"
else
    skip "control: no pam-driver built"
    skip "control: no pam-driver built"
fi
rm -f "$T/marker-abs" "$T/marker-dotdot"

ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -y -e trace=open,openat,openat2 -o "$T/pam.strace" \
    "$REAL" --root "$R" --hostname node0 --check imp.pam --json >"$T/out" 2>"$T/err"
rc=$?
ok "no marker: the absolute-path module was not loaded" test ! -e "$T/marker-abs"
ok "no marker: the ../ module was not loaded" test ! -e "$T/marker-dotdot"
not_ok "strace: no pam_*.so of the image was opened" grep -q 'pam_abs\.so\|pam_dotdot\.so' "$T/pam.strace"
is "$rc" 1 "imp.pam under --root with modules outside the module directories: exit 1"
is "$(result imp.pam)" fail "...imp.pam fails"
like "$(msg imp.pam)" "names modules outside the image's module directories: 'auth required $R/opt/evil/pam_abs.so \(an absolute path outside the module directories\)', 'auth required ${DOTDOT}.*pam_dotdot.so \(a path with \"..\"\)'" \
    "...naming both lines and why"
like "$(msg imp.pam)" "under --root nothing of the image is loaded \(libpam is not started\)" \
    "...saying what was not tried"
is "$(fact imp.pam pam_start)" false "...fact pam_start=false"
# a healthy stack: judged by reading, and the pass says libpam was not started
printf 'auth required pam_localuser.so\nsession required pam_limits.so\n' >"$R/etc/pam.d/flux"
jrun --check imp.pam
is "$(result imp.pam)" pass "a healthy stack passes without libpam"
like "$(msg imp.pam)" "not tried: libpam is not started under --root, so no module of the image was loaded" \
    "...and says what it did not try"

# ---------------------------------------------------------------------------
# 2. Nothing outside the image is read
# ---------------------------------------------------------------------------
TOKEN=fp_host_token_$$
H=$T/host
mkdir -p "$H"
printf '[tbon]\n%s = 1\n' "$TOKEN" >"$H/conf.toml"
printf '%s = 1\n' "$TOKEN" >"$H/gate.toml"
printf 'flux:x:4242:4242:%s:/:/bin/false\n' "$TOKEN" >"$H/passwd"
printf 'flux:x:4242:%s\n' "$TOKEN" >"$H/group"
printf '%s\n' "$TOKEN" >"$H/cert"
printf '%s\n' "$TOKEN" >"$H/key"
printf '{"version": 1, "host": "%s", "time": "%s", "items": {"cert": "sha256:00"}}\n' \
    "$TOKEN" "$TOKEN" >"$H/manifest.json"
chmod 0644 "$H"/*

# links STYLE: every file the gate reads, a symlink to the host's file.
# abs: an absolute link to the host path; dotdot: "../" enough times to reach
# the top, then the host path.
target() { # STYLE LINK-DIR-IN-IMAGE HOSTFILE
    case $1 in
        abs) echo "$H/$3" ;;
        dotdot) echo "$(echo "$2" | sed 's|[^/]*|..|g')/../../..$H/$3" ;;
    esac
}
# the run's deadline in these images: more under valgrind (it is slow, and
# what is proven here is where files are read, not how fast)
LINK_DEADLINE=${DL}s
link_image() {
    image
    sed -i "s/^deadline = .*/deadline = \"$LINK_DEADLINE\"/" "$R/$GATED/gate.toml"
}
links_conf() { # STYLE: a conf.d entry of each Flux config, a link to the host's file
    local s=$1
    link_image
    ln -s "$(target "$s" etc/flux/system/conf.d conf.toml)" "$R/etc/flux/system/conf.d/zz-host.toml"
    ln -s "$(target "$s" etc/flux/security/conf.d conf.toml)" "$R/etc/flux/security/conf.d/zz-host.toml"
    ln -s "$(target "$s" etc/flux/imp/conf.d conf.toml)" "$R/etc/flux/imp/conf.d/zz-host.toml"
}
links_files() { # STYLE: passwd, group, the cert, the munge key and the manifest
    local s=$1
    link_image
    rm "$R/etc/passwd" "$R/etc/group" "$R/etc/flux/system/curve.cert" "$R/etc/munge/munge.key"
    ln -s "$(target "$s" etc passwd)" "$R/etc/passwd"
    ln -s "$(target "$s" etc group)" "$R/etc/group"
    ln -s "$(target "$s" etc/flux/system cert)" "$R/etc/flux/system/curve.cert"
    ln -s "$(target "$s" etc/munge key)" "$R/etc/munge/munge.key"
    ln -s "$(target "$s" srv manifest.json)" "$R/srv/manifest.json"
    printf 'manifest = "file:///srv/manifest.json"\n' >>"$R/$GATED/gate.toml"
}
# traced LABEL CMD...: run under strace -f -y; $T/trace.out, $T/trace.err, $T/trace
traced() {
    local label=$1
    shift
    # (LeakSanitizer cannot run under ptrace: no leak check in a sanitizer build)
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -qq -y -e trace=open,openat,openat2,execve -o "$T/trace" "$@" \
        >"$T/trace.out" 2>"$T/trace.err"
    trc=$?
    not_ok "$label: the token is in no output" grep -q "$TOKEN" "$T/trace.out" "$T/trace.err"
    # -y: a descriptor shows the file it really is ("= 5</tmp/...>")
    not_ok "$label: strace -f -y: no host file opened" grep -Eq "= [0-9]+<$H/" "$T/trace"
    if grep -Eq "= [0-9]+<$H/" "$T/trace"; then grep -E "= [0-9]+<$H/" "$T/trace" | head -5 | sed 's/^/# /'; fi
}
no_host_reads() { # STYLE WRAPPER...
    local s=$1
    shift
    links_conf "$s"
    traced "$s conf.d links, the whole run (table)" "$@" "$REAL" --root "$R" --hostname node0
    is "$trc" 1 "$s conf.d links: blocked (exit 1)"
    traced "$s conf.d links, the whole run (JSON)" "$@" "$REAL" --root "$R" --hostname node0 --json
    cp "$T/trace.out" "$T/out"
    like "$(msg config.parse)" "zz-host.toml: No such file or directory" \
        "$s conf.d links: config.parse says a conf.d link leads nowhere in the image"
    traced "$s conf.d links, fingerprint" "$@" "$REAL" fingerprint --root "$R"
    like "$(cat "$T/trace.out")" "config.system unreadable" "$s conf.d links: fingerprint: config.system unreadable"

    links_files "$s"
    traced "$s file links, the whole run (table)" "$@" "$REAL" --root "$R" --hostname node0
    is "$trc" 1 "$s file links: blocked (exit 1)"
    traced "$s file links, the whole run (JSON)" "$@" "$REAL" --root "$R" --hostname node0 --json
    cp "$T/trace.out" "$T/out"
    like "$(msg user.flux)" "does not exist in $R/etc/passwd" "$s file links: user.flux: no flux user in the image"
    like "$(msg cert.present)" "$R/etc/flux/system/curve.cert is a dangling symbolic link to .* \(No such file or directory\)" \
        "$s file links: cert.present: the link leads nowhere in the image"
    like "$(msg fleet.sync)" "$R/srv/manifest.json: No such file or directory" \
        "$s file links: fleet.sync: the manifest link leads nowhere in the image"
    traced "$s file links, fingerprint" "$@" "$REAL" fingerprint --root "$R"
    like "$(cat "$T/trace.out")" "munge.key missing" "$s file links: fingerprint: munge.key missing in the image"
    # the gate's own config as a link
    rm "$R/$GATED/gate.toml"
    ln -s "$(target "$s" "$GATED" gate.toml)" "$R/$GATED/gate.toml"
    traced "$s links, the gate config" "$@" "$REAL" --root "$R" --hostname node0
    is "$trc" 2 "$s links: a gate config that leads nowhere in the image: exit 2"
    like "$(cat "$T/trace.err")" "gate config error: $R/$GATED/gate.toml: No such file or directory" \
        "$s links: ...saying so"
}
no_host_reads abs
no_host_reads dotdot

# %2e%2e in a file:// manifest URL: decoded, then resolved inside the image
image
for url in "file:///%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e$H/manifest.json" \
    "file:///srv/%2E%2E/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e$H/manifest.json" \
    "file://localhost/srv/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..$H/manifest.json"; do
    printf 'deadline = "%ss"\nmanifest = "%s"\n' "$DL" "$url" >"$R/$GATED/gate.toml"
    traced "manifest ${url:0:40}..." "$REAL" --root "$R" --hostname node0 --check fleet.sync --json
    cp "$T/trace.out" "$T/out"
    is "$(result fleet.sync)" error "manifest ${url:0:40}...: not found in the image: error"
    like "$(msg fleet.sync)" "$R/(srv/)?(\.\./)*\.\.$H/manifest.json: No such file or directory" \
        "manifest ${url:0:40}...: resolved inside the image, said so"
done
# the control: the same URL on the live node (no --root) does reach the file
live_conf "manifest = \"file:///%2e%2e/%2e%2e$H/manifest.json\""
"$REAL" --config "$T/live.d" --check fleet.sync --json >"$T/out" 2>"$T/err"
like "$(msg fleet.sync)" "generated on $TOKEN" \
    "control: on the live node the same URL reads the host file (so the checks above can fail)"

# the no-openat2 fallback: valgrind 3.19 does not implement openat2 (ENOSYS),
# so the gate resolves by hand, one component at a time
if command -v valgrind >/dev/null && [ -z "${FP_SANITIZERS:-}" ]; then
    VG="valgrind --tool=none -q --log-file=$T/vg.%p.log"
    LINK_DEADLINE=60s
    no_host_reads abs $VG
    ok "no-openat2: the gate resolved by hand (openat O_NOFOLLOW|O_PATH, no successful openat2)" \
        sh -c "grep -Eq 'openat\(.*O_NOFOLLOW.*O_PATH' '$T/trace' && ! grep -q 'openat2(.*) = [0-9]' '$T/trace'"
    no_host_reads dotdot $VG
    LINK_DEADLINE=${DL}s
else
    skip "no-openat2 fallback: no valgrind (or a sanitizer build)"
fi

# ---------------------------------------------------------------------------
# 3. FIFOs and /dev/zero in place of every file the gate reads
# ---------------------------------------------------------------------------
# special KIND PATH: replace the image's PATH by a FIFO or a /dev/zero node
special() {
    rm -rf "${R:?}/$2"
    mkdir -p "$(dirname "$R/$2")"
    case $1 in
        fifo) mkfifo -m 0644 "$R/$2" ;;
        zero) mknod -m 0644 "$R/$2" c 1 5 ;;
    esac
}
kind_name() { [ "$1" = fifo ] && echo FIFO || echo "character device"; }
# every_file KIND: one run per file; each ends within the deadline + 1 s
every_file() {
    local k=$1 kn
    kn=$(kind_name "$k")
    while IFS='|' read -r path check regex; do
        [ -n "$path" ] || continue
        image
        printf 'manifest = "file:///srv/manifest.json"\n' >>"$R/$GATED/gate.toml"
        "$REAL" manifest --root "$R" -o "$R/srv/manifest.json" >/dev/null 2>&1
        special "$k" "$path"
        regex=${regex//@KIND@/$kn}
        regex=${regex//@R@/$R}
        jrun
        ok "$k at /$path: the run ended within the deadline + 1 s ($ms ms)" \
            test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
        if [ "$check" = gate ]; then
            is "$rc" 2 "$k at /$path: a gate config error (exit 2)"
            like "$(cat "$T/err")" "$regex" "$k at /$path: stderr says what it is"
        else
            is "$rc" 1 "$k at /$path: blocked (exit 1)"
            like "$(msg "$check")" "$regex" "$k at /$path: $check says what it is"
        fi
    done <<EOF
etc/flux/system/conf.d/system.toml|config.parse|system.toml: not a regular file \(@KIND@\)
etc/flux/security/conf.d/sign.toml|config.parse|sign.toml: not a regular file \(@KIND@\)
etc/flux/imp/conf.d/imp.toml|config.parse|imp.toml: not a regular file \(@KIND@\)
$GATED/gate.toml|gate|gate config error: @R@/$GATED/gate.toml: not a regular file \(@KIND@\)
etc/passwd|user.flux|cannot tell whether user flux exists: @R@/etc/passwd is a @KIND@, not a regular file
etc/group|user.flux|cannot tell whether group flux exists: @R@/etc/group is a @KIND@, not a regular file
etc/flux/system/curve.cert|cert.present|@R@/etc/flux/system/curve.cert is a @KIND@, not a regular file
etc/munge/munge.key|munge.key|@R@/etc/munge/munge.key is a @KIND@, not a regular file
etc/pam.d/flux|imp.pam|@R@/etc/pam.d/flux is a @KIND@, not a regular file: libpam cannot read
srv/manifest.json|fleet.sync|@R@/srv/manifest.json is a @KIND@, not a regular file
usr/lib/systemd/system/flux.service|statedir.owner|cannot read flux.service .*: @R@/usr/lib/systemd/system/flux.service: not a regular file
usr/libexec/flux/flux-shell|packages.runtime|cannot read @R@/usr/libexec/flux/flux-shell as an ELF file \(not a regular file: a @KIND@\)
usr/lib/$MA/flux/python3.11/_flux/_core.so|packages.runtime|cannot read @R@/usr/lib/$MA/flux/python3.11/_flux/_core.so as an ELF file \(not a regular file: a @KIND@\)
EOF
    # the files the checks read for a hint only (the loader's cache, the
    # distribution, package versions): ld.so and the checks do without them;
    # a FIFO or a device there changes no verdict and holds nothing up
    for path in etc/ld.so.cache etc/os-release var/lib/dpkg/status \
        usr/lib/$MA/pkgconfig/flux-security.pc; do
        image
        special "$k" "$path"
        jrun
        ok "$k at /$path (a hint): the run ended within the deadline + 1 s ($ms ms)" \
            test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
        is "$rc" 0 "$k at /$path (a hint): the healthy image still passes"
    done
    # an included PAM file
    image
    printf 'auth include fp-auth\nsession required pam_limits.so\n' >"$R/etc/pam.d/flux"
    special "$k" etc/pam.d/fp-auth
    jrun --check imp.pam
    ok "$k at /etc/pam.d/fp-auth (included): within the deadline + 1 s ($ms ms)" \
        test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
    like "$(msg imp.pam)" "includes files that cannot be read: 'auth include fp-auth \($R/etc/pam.d/fp-auth is a $kn, not a regular file\)'" \
        "$k at /etc/pam.d/fp-auth: imp.pam names the include and what it is"
}
every_file fifo
every_file zero

# the configs on a filesystem that never answers (a dead NFS server): read in
# a child under the deadline, never in the gate's own process
. "$top_srcdir/tests/lib/fuse.sh"
image
mkdir -p "$R/mnt/hung"
# (config.perms, which looks at that directory itself, would hang on it in
# the worker until the deadline, before config.parse's turn: it is off here)
printf 'system-config = "/mnt/hung/conf.d"\n[severity]\n"config.perms" = "off"\n' \
    >>"$R/$GATED/gate.toml"
if fuse_hang_mount "$R/mnt/hung" 2>"$T/fuse.err"; then
    jrun
    ok "system config on a hung filesystem: the run ended within the deadline + 1 s ($ms ms)" \
        test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
    is "$rc" 1 "system config on a hung filesystem: blocked (exit 1)"
    is "$(result config.parse)" error "system config on a hung filesystem: config.parse: error (not checked)"
    like "$(msg config.parse)" "$R/mnt/hung/conf.d: not read: no answer by the run's deadline \(a filesystem that does not respond\?\): not checked" \
        "system config on a hung filesystem: config.parse says so"
    like "$(msg config.parse)" "$R/etc/flux/security/conf.d: not read: $R/mnt/hung/conf.d did not answer first" \
        "system config on a hung filesystem: the configs read after it are said not read, and why"
    fuse_hang_release "$R/mnt/hung"
else
    skip "system config on a hung filesystem: no FUSE here ($(head -c 200 "$T/fuse.err"))"
    skip "system config on a hung filesystem: no FUSE here"
    skip "system config on a hung filesystem: no FUSE here"
fi

# ---------------------------------------------------------------------------
# 4. include cycles and runaway include trees in /etc/pam.d/flux
# ---------------------------------------------------------------------------
image
{ for i in $(seq 30); do echo "@include flux"; done
  echo "auth required pam_localuser.so"; echo "session required pam_limits.so"; } >"$R/etc/pam.d/flux"
jrun --check imp.pam
ok "30 '@include flux' lines: within the deadline + 1 s ($ms ms)" \
    test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
is "$(result imp.pam)" fail "30 '@include flux' lines: fail"
is "$(msg imp.pam)" "$R/etc/pam.d/flux: an include cycle (/etc/pam.d/flux line 1: @include /etc/pam.d/flux: /etc/pam.d/flux -> /etc/pam.d/flux): libpam follows includes without a limit, so the IMP's pam_start(\"flux\") overflows its stack and crashes, and every multi-user job fails: remove the include that leads back" \
    "30 '@include flux' lines: the cycle, where it starts, and what libpam does with it"
printf 'auth include fp-a\nsession required pam_limits.so\n' >"$R/etc/pam.d/flux"
printf 'auth required pam_localuser.so\n@include fp-b\n' >"$R/etc/pam.d/fp-a"
printf '@include fp-a\n' >"$R/etc/pam.d/fp-b"
jrun --check imp.pam
is "$(result imp.pam)" fail "a two-file cycle: fail"
like "$(fact imp.pam include_cycle)" "^/etc/pam.d/fp-b line 1: @include /etc/pam.d/fp-a: /etc/pam.d/fp-a -> /etc/pam.d/fp-b -> /etc/pam.d/fp-a$" \
    "a two-file cycle: the chain"
# no cycle, but 8 levels of 8 includes each (8^8 files): past the limits, said so
for l in 1 2 3 4 5 6 7 8; do
    for i in $(seq 8); do echo "@include fp-l$l"; done >"$R/etc/pam.d/fp-l$((l - 1))"
done
printf 'auth required pam_localuser.so\nsession required pam_limits.so\n' >"$R/etc/pam.d/fp-l8"
printf '@include fp-l0\n' >"$R/etc/pam.d/flux"
jrun --check imp.pam
ok "8^8 includes: within the deadline + 1 s ($ms ms)" \
    test "$ms" -lt "$(slack_ms $((DEADLINE_MS + 1000)))"
is "$(result imp.pam)" error "8^8 includes: an error (not judged), not a pass or a timeout"
like "$(msg imp.pam)" "^$R/etc/pam.d/flux not judged: it reads more than 256 files, includes counted each time \(flux-preflight's limit\)" \
    "8^8 includes: names the limit"

# ---------------------------------------------------------------------------
# 5. ESC sequences from the image and from a manifest
# ---------------------------------------------------------------------------
ESC=$(printf '\033')
BEL=$(printf '\007')
NASTY="${ESC}]0;owned${BEL}${ESC}[2J"
# no raw control byte but newlines (tab, ESC, BEL, DEL, C1)
clean() { ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$@"; }
image
printf 'x = \n' >"$R/etc/flux/system/conf.d/a${NASTY}.toml"
mkdir -m 0755 "$T/st"
run --status-file "$T/st/status.json"
ok "image file name with ESC: control bytes in the name really are there" \
    sh -c "ls '$R/etc/flux/system/conf.d' | LC_ALL=C grep -qP '\x1b'"
like "$(cat "$T/out")" "a\?\]0;owned\?\?\[2J.toml" "image file name with ESC: the table shows it with '?'"
ok "image file name with ESC: no raw control byte in the table" clean "$T/out"
ok "image file name with ESC: ...nor on stderr" clean "$T/err"
rc=0
"$FP_BIN" status --status-file "$T/st/status.json" >"$T/status.out" 2>&1 || rc=$?
like "$(cat "$T/status.out")" "config.parse fail: .*a\?\]0;owned\?\?\[2J.toml" \
    "image file name with ESC: flux-preflight status shows it with '?'"
ok "image file name with ESC: no raw control byte in flux-preflight status" clean "$T/status.out"
journald_run "$T/j.json" "$FP_BIN" --journal --root "$R" --hostname node0 >/dev/null 2>&1
journal_get "$T/j.json" MESSAGE FLUX_PREFLIGHT_CHECK=config.parse >"$T/jmsg"
like "$(cat "$T/jmsg")" "a\?\]0;owned\?\?\[2J.toml" "image file name with ESC: journal MESSAGE shows it with '?'"
journal_get "$T/j.json" MESSAGE SYSLOG_IDENTIFIER=flux-preflight >"$T/jall"
ok "image file name with ESC: no raw control byte in any of the gate's journal MESSAGEs" clean "$T/jall"

# a manifest whose "host" holds the sequence (live node, file:// manifest)
jq -n --arg h "$NASTY" '{version: 1, host: $h, time: "2026-11-23T20:01:02Z",
    items: {cert: "sha256:00"}}' >"$T/nasty.json"
live_conf "manifest = \"file://$T/nasty.json\""
rc=0
"$FP_BIN" --config "$T/live.d" --check fleet.sync --status-file "$T/st/status.json" \
    >"$T/out" 2>"$T/err" || rc=$?
like "$(cat "$T/out")" "generated on \?\]0;owned\?\?\[2J" "manifest host with ESC: the table shows it with '?'"
ok "manifest host with ESC: no raw control byte in the table" clean "$T/out"
"$FP_BIN" status --status-file "$T/st/status.json" >"$T/status.out" 2>&1
like "$(cat "$T/status.out")" "generated on \?\]0;owned\?\?\[2J" "manifest host with ESC: status shows it with '?'"
ok "manifest host with ESC: no raw control byte in flux-preflight status" clean "$T/status.out"
journald_run "$T/j2.json" "$FP_BIN" --journal --config "$T/live.d" --check fleet.sync >/dev/null 2>&1
journal_get "$T/j2.json" MESSAGE FLUX_PREFLIGHT_CHECK=fleet.sync >"$T/jmsg"
like "$(cat "$T/jmsg")" "generated on \?\]0;owned\?\?\[2J" "manifest host with ESC: journal MESSAGE shows it with '?'"
ok "manifest host with ESC: no raw control byte in the journal MESSAGE" clean "$T/jmsg"
is "$(journal_get "$T/j2.json" FLUX_PREFLIGHT_MANIFEST_HOST FLUX_PREFLIGHT_CHECK=fleet.sync)" "$NASTY" \
    "manifest host with ESC: the raw value stays in its own field (FLUX_PREFLIGHT_MANIFEST_HOST)"

# ---------------------------------------------------------------------------
# 6. the status directory must be root's and writable by root only
# ---------------------------------------------------------------------------
image
for how in 0777 1777 0775 owner; do
    rm -rf "$T/sd"
    mkdir -m 0755 "$T/sd"
    case $how in
        owner) chown nobody "$T/sd"; why="directory $T/sd is owned by uid $(id -u nobody), not root" ;;
        *) chmod "$how" "$T/sd"; why="directory $T/sd is writable by .* \\(mode $how\\)" ;;
    esac
    run --check user.flux --status-file "$T/sd/status.json"
    like "$(cat "$T/err")" "^flux-preflight: cannot record the verdict: $why: refusing to write status.json there \(it must be owned by root and writable by root only\)$" \
        "status directory $how: the gate refuses, saying why"
    is "$(grep -c 'cannot record the verdict' "$T/err")" 1 "status directory $how: ...once per run"
    ok "status directory $how: nothing written there" test -z "$(ls -A "$T/sd")"
    is "$rc" 0 "status directory $how: the run's verdict stands (exit 0)"
done
# the reader: a verdict the gate wrote, in a directory that became 0777
rm -rf "$T/sd" && mkdir -m 0755 "$T/sd"
run --check user.flux --status-file "$T/sd/status.json"
rc=0
"$FP_BIN" status --status-file "$T/sd/status.json" >/dev/null 2>&1 || rc=$?
is "$rc" 0 "status: the pass recorded in a root 0755 directory is read (exit 0)"
chmod 0777 "$T/sd"
rc=0
"$FP_BIN" status --status-file "$T/sd/status.json" >"$T/status.out" 2>&1 || rc=$?
is "$rc" 1 "status: the same pass in a 0777 directory is not trusted (exit 1)"
like "$(cat "$T/status.out")" "no result for this boot: directory $T/sd is writable by everyone \(mode 0777\): whoever can write there can replace or delete $T/sd/status.json" \
    "status: ...saying why"

# an empty conf.d: nothing to sort (in a sanitizer build, UBSan aborts the
# gate on qsort(NULL, 0, ...), which config.perms did)
image
rm -f "$R/$GATED/gate.toml"
jrun --check config.perms
is "$rc/$(result config.perms)" 0/pass "an empty conf.d: config.perms passes"
not_ok "an empty conf.d: no sanitizer report" grep -q "runtime error" "$T/err"

# ---------------------------------------------------------------------------
# 7. libcurl: every restriction is set, or nothing is fetched
# ---------------------------------------------------------------------------
REALCURL=$(ldconfig -p 2>/dev/null | awk '/libcurl\.so\.4 .*x86-64/ { print $NF; exit }')
if [ "$(uname -m)" != x86_64 ] || [ -z "$REALCURL" ] || ! command -v python3 >/dev/null ||
    ! "$cc" -shared -fPIC -o "$T/shim-libcurl.so.4" -DREAL_LIBCURL="\"$REALCURL\"" \
        "$top_srcdir/tests/lib/curl-shim.c" -ldl 2>"$T/shim.err"; then
    skip "libcurl shim: needs x86_64, libcurl.so.4, its headers and python3 ($(head -c 200 "$T/shim.err" 2>/dev/null))"
else
    mkdir -p "$T/shim" "$T/www"
    mv "$T/shim-libcurl.so.4" "$T/shim/libcurl.so.4"
    printf '{"version": 1, "host": "leader", "time": "t", "items": {"cert": "sha256:00"}}\n' \
        >"$T/www/m.json"
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$PORT" 2>"$T/http.log" &
    HTTP_PID=$!
    fp_atexit "kill $HTTP_PID 2>/dev/null"
    for _ in $(seq 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/m.json')" \
            2>/dev/null && break
        sleep 0.1
    done
    live_conf "manifest = \"http://127.0.0.1:$PORT/m.json\""
    # shim [VAR=VALUE...]: fleet.sync on the live node through the shim
    shim() {
        rm -f "$T/setopt.log"
        : >"$T/http.log"
        env LD_LIBRARY_PATH="$T/shim" FP_SHIM_LOG="$T/setopt.log" "$@" \
            "$REAL" --config "$T/live.d" --check fleet.sync --json >"$T/out" 2>"$T/err"
        rc=$?
    }
    requests() { grep -c 'GET /m.json' "$T/http.log"; }
    shim
    is "$(fact fleet.sync source)" fetched "shim, nothing refused: the manifest is fetched"
    is "$(requests)" 1 "...in one request"
    ok "...with CURLOPT_PROTOCOLS_STR (10318) and CURLOPT_REDIR_PROTOCOLS_STR (10319) ($REALCURL)" \
        sh -c "grep -qx 10318 '$T/setopt.log' && grep -qx 10319 '$T/setopt.log' && ! grep -qx 181 '$T/setopt.log'"
    shim FP_SHIM_VERSION=074400
    is "$(fact fleet.sync source)" fetched "shim as libcurl 7.68: the manifest is fetched"
    ok "...with CURLOPT_PROTOCOLS (181) and CURLOPT_REDIR_PROTOCOLS (182), not the string forms" \
        sh -c "grep -qx 181 '$T/setopt.log' && grep -qx 182 '$T/setopt.log' && ! grep -qx 10318 '$T/setopt.log'"
    for refuse in 10318:CURLOPT_PROTOCOLS_STR 10319:CURLOPT_REDIR_PROTOCOLS_STR \
        68:CURLOPT_MAXREDIRS 64:CURLOPT_SSL_VERIFYPEER 81:CURLOPT_SSL_VERIFYHOST \
        30117:CURLOPT_MAXFILESIZE_LARGE 155:CURLOPT_TIMEOUT_MS 156:CURLOPT_CONNECTTIMEOUT_MS; do
        shim FP_SHIM_REFUSE="${refuse%%:*}"
        is "$(result fleet.sync)" error "libcurl refuses ${refuse#*:}: error"
        like "$(msg fleet.sync)" "libcurl .* refuses ${refuse#*:} \(An unknown option was passed in to libcurl\): not fetched without it" \
            "...naming the option"
        is "$(requests)" 0 "...and not one request reached the server"
    done
    shim FP_SHIM_VERSION=074400 FP_SHIM_REFUSE=181
    is "$(result fleet.sync)/$(requests)" error/0 "libcurl 7.68 refuses CURLOPT_PROTOCOLS: error, no request"
fi

done_testing
