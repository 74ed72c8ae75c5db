# Healthy fixture root for `flux-preflight --root DIR` runs (POSIX sh; source it; needs root for
# chown, python3 and openssl).
#
#   fixture_healthy DIR [HOSTNAME [EXTRA_HOST...]]
#       Builds, under DIR (created; must not be /):
#         etc/passwd, etc/group        root, munge (uid/gid 501), flux (uid/gid 500)
#         etc/flux/system/conf.d/system.toml
#                                      [bootstrap] hosts = HOSTNAME then each EXTRA_HOST, in that
#                                      order (rank order), curve_cert, default_port 8050,
#                                      default_bind tcp://eth0:%p, default_connect tcp://%h:%p;
#                                      [resource] config = the same hosts, cores "0"
#         etc/flux/system/curve.cert   flux keygen format (FLUX-FACTS 7.1/12.a), a real X25519
#                                      keypair (openssl) Z85-encoded; owner 500, mode 0400
#         etc/flux/security/conf.d/sign.toml   the shipped defaults
#         etc/flux/imp/conf.d/imp.toml         [exec] allowed-users=["flux"],
#                                              allowed-shells=["/usr/libexec/flux/flux-shell"]
#         usr/libexec/flux/flux-shell  an executable stub, so allowed-shells exists
#         var/lib/flux                 the statedir, owner 500:500, mode 0700
#         etc/munge/munge.key          1024 random bytes, owner 501:501, mode 0400 (dir 0700)
#       Directories root:root 0755, config files root:root 0644 unless said otherwise.
#       HOSTNAME defaults to `hostname`. Prints nothing; returns non-zero on failure.
#       Sets FIXTURE_ROOT, FIXTURE_HOST, FIXTURE_HOSTS (space-separated, rank order).
#
#   fixture_curve_cert PATH [NAME]     write just a cert (mode 0600 like flux keygen, owner caller)
#   fixture_flux_service DIR           install flux-core 0.88.0's own flux.service (StateDirectory=flux,
#                                      StateDirectoryMode=0700, User=flux, Group=flux; copied from
#                                      tests/data/flux-core/flux.service) as DIR/usr/lib/systemd/system/
#                                      flux.service, root:root 0644
#   fixture_job_ingest DIR with|without
#                                      flux-core's job-ingest module as built --with-flux-security
#                                      (DT_NEEDED libflux-security.so.1) or without, in
#                                      DIR/usr/lib/x86_64-linux-gnu/flux/modules (tests/lib/mkelf.py:
#                                      an ELF that is read, never loaded)
#   fixture_z85 HEX                    Z85-encode bytes given as hex (length a multiple of 4)
#
# Flux package files (flux-core's broker, flux-imp, ...) are not created: the checks that probe
# them decide what a healthy install has. FIXTURE_FLUX_UID/GID, FIXTURE_MUNGE_UID/GID override
# the ids (defaults 500 and 501).

FIXTURE_FLUX_UID=${FIXTURE_FLUX_UID:-500}
FIXTURE_FLUX_GID=${FIXTURE_FLUX_GID:-500}
FIXTURE_MUNGE_UID=${FIXTURE_MUNGE_UID:-501}
FIXTURE_MUNGE_GID=${FIXTURE_MUNGE_GID:-501}

_fixture_z85_py='
import sys
A = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
def z85(b):
    assert len(b) % 4 == 0
    out = []
    for i in range(0, len(b), 4):
        v = int.from_bytes(b[i:i + 4], "big")
        out.append("".join(A[(v // 85 ** k) % 85] for k in range(4, -1, -1)))
    return "".join(out)
'

fixture_z85() {
    python3 -c "$_fixture_z85_py"'
print(z85(bytes.fromhex(sys.argv[1])))' "${1:?fixture_z85 HEX}"
}

fixture_curve_cert() {
    _fc_path=${1:?fixture_curve_cert PATH [NAME]}
    _fc_name=${2:-$(hostname)}
    _fc_tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-cert.XXXXXX") || return 1
    # raw X25519 keys are the last 32 bytes of the DER encodings
    if ! openssl genpkey -algorithm X25519 -out "$_fc_tmp/k.pem" 2>/dev/null ||
       ! openssl pkey -in "$_fc_tmp/k.pem" -outform DER -out "$_fc_tmp/sec.der" ||
       ! openssl pkey -in "$_fc_tmp/k.pem" -pubout -outform DER -out "$_fc_tmp/pub.der"; then
        rm -rf "$_fc_tmp"; return 1
    fi
    ( umask 077
      python3 -c "$_fixture_z85_py"'
import getpass, os, socket, time
sec = open(sys.argv[1], "rb").read()[-32:]
pub = open(sys.argv[2], "rb").read()[-32:]
path, name = sys.argv[3], sys.argv[4]
meta = [("name", name), ("keygen.flux-core-version", "0.88.0"),
        ("keygen.hostname", socket.gethostname()),
        ("keygen.time", time.strftime("%Y-%m-%dT%H:%M:%S")),
        ("keygen.userid", str(os.getuid())), ("keygen.zmq-version", "4.3.4")]
lines = ["#  ZeroMQ CURVE **Secret** Certificate", "#  DO NOT DISTRIBUTE", "", "metadata"]
lines += ["    %s = \"%s\"" % kv for kv in meta]
lines += ["curve", "    public-key = \"%s\"" % z85(pub), "    secret-key = \"%s\"" % z85(sec)]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, ("\n".join(lines) + "\n").encode())
os.close(fd)
' "$_fc_tmp/sec.der" "$_fc_tmp/pub.der" "$_fc_path" "$_fc_name" )
    _fc_rc=$?
    rm -rf "$_fc_tmp"
    return $_fc_rc
}

fixture_healthy() {
    _fx=${1:?fixture_healthy DIR [HOSTNAME [EXTRA_HOST...]]}
    [ "$_fx" != / ] || { echo "fixture_healthy: refusing DIR=/" >&2; return 1; }
    shift
    _fx_host=${1:-$(hostname)}
    [ $# -eq 0 ] || shift
    FIXTURE_HOSTS="$_fx_host${*:+ $*}"
    mkdir -p "$_fx" || return 1
    _fx=$(cd "$_fx" && pwd -P)
    FIXTURE_ROOT=$_fx FIXTURE_HOST=$_fx_host
    export FIXTURE_ROOT FIXTURE_HOST FIXTURE_HOSTS
    (
        set -e
        umask 022
        cd "$_fx"
        mkdir -p etc/flux/system/conf.d etc/flux/security/conf.d etc/flux/imp/conf.d \
                 etc/munge var/lib usr/libexec/flux
        chown root:root etc etc/flux etc/flux/system etc/flux/system/conf.d etc/flux/security \
              etc/flux/security/conf.d etc/flux/imp etc/flux/imp/conf.d var var/lib usr \
              usr/libexec usr/libexec/flux
        chmod 0755 etc etc/flux etc/flux/system etc/flux/system/conf.d etc/flux/security \
              etc/flux/security/conf.d etc/flux/imp etc/flux/imp/conf.d var var/lib usr \
              usr/libexec usr/libexec/flux

        cat >etc/passwd <<EOF
root:x:0:0:root:/root:/bin/bash
munge:x:$FIXTURE_MUNGE_UID:$FIXTURE_MUNGE_GID::/nonexistent:/usr/sbin/nologin
flux:x:$FIXTURE_FLUX_UID:$FIXTURE_FLUX_GID:Flux Framework:/var/lib/flux:/usr/sbin/nologin
EOF
        cat >etc/group <<EOF
root:x:0:
munge:x:$FIXTURE_MUNGE_GID:
flux:x:$FIXTURE_FLUX_GID:
EOF

        {
            echo '[bootstrap]'
            echo 'curve_cert = "/etc/flux/system/curve.cert"'
            echo 'default_port = 8050'
            echo 'default_bind = "tcp://eth0:%p"'
            echo 'default_connect = "tcp://%h:%p"'
            echo 'hosts = ['
            for _h in $FIXTURE_HOSTS; do echo "  { host = \"$_h\" },"; done
            echo ']'
            echo
            echo '[resource]'
            echo 'config = ['
            for _h in $FIXTURE_HOSTS; do echo "  { hosts = \"$_h\", cores = \"0\" },"; done
            echo ']'
        } >etc/flux/system/conf.d/system.toml

        cat >etc/flux/security/conf.d/sign.toml <<'EOF'
[sign]
max-ttl = 1209600  # 2 weeks
default-type = "munge"
allowed-types = [ "munge" ]
EOF
        cat >etc/flux/imp/conf.d/imp.toml <<'EOF'
[exec]
allowed-users = [ "flux" ]
allowed-shells = [ "/usr/libexec/flux/flux-shell" ]
EOF
        printf '#!/bin/sh\nexit 0\n' >usr/libexec/flux/flux-shell
        chmod 0755 usr/libexec/flux/flux-shell
        chown root:root etc/passwd etc/group etc/flux/system/conf.d/system.toml \
              etc/flux/security/conf.d/sign.toml etc/flux/imp/conf.d/imp.toml \
              usr/libexec/flux/flux-shell
        chmod 0644 etc/passwd etc/group etc/flux/system/conf.d/system.toml \
              etc/flux/security/conf.d/sign.toml etc/flux/imp/conf.d/imp.toml

        fixture_curve_cert etc/flux/system/curve.cert "$_fx_host"
        chown "$FIXTURE_FLUX_UID:$FIXTURE_FLUX_GID" etc/flux/system/curve.cert
        chmod 0400 etc/flux/system/curve.cert

        mkdir -p var/lib/flux
        chown "$FIXTURE_FLUX_UID:$FIXTURE_FLUX_GID" var/lib/flux
        chmod 0700 var/lib/flux

        rm -f etc/munge/munge.key
        dd if=/dev/urandom of=etc/munge/munge.key bs=1024 count=1 2>/dev/null
        chown "$FIXTURE_MUNGE_UID:$FIXTURE_MUNGE_GID" etc/munge etc/munge/munge.key
        chmod 0700 etc/munge
        chmod 0400 etc/munge/munge.key
    )
}

# fixture_packages DIR: on a fixture_healthy root, what flux-core, flux-security
# and flux-sched install (stub files in the Debian layout, a dpkg status file,
# .pc files), [exec] imp in the system config, exec.pam-support in the IMP
# config, /etc/pam.d/flux with stub modules in usr/lib64/security (libpam
# itself loads modules from this host), flux's Python (the flux-python3.11
# wrapper, the bindings in LIBDIR/flux/python3.11, /usr/bin/python3 ->
# python3.11 and its encodings package, yaml, ply, _cffi_backend), and an
# empty gate config etc/flux/preflight/conf.d/gate.toml. The programs and
# libraries are stubs, not ELF: fixture_elf_runtime makes real ones.
FIXTURE_MA=x86_64-linux-gnu
fixture_packages() {
    _fp_r=${1:?fixture_packages DIR}
    FIXTURE_FLUX_IMP=/usr/libexec/flux/flux-imp
    (
        set -e
        cd "$_fp_r"
        mkdir -p usr/bin usr/libexec/flux/cmd usr/lib/systemd/system \
            usr/lib/$FIXTURE_MA/pkgconfig usr/lib/$FIXTURE_MA/flux/modules usr/lib64/security \
            var/lib/dpkg etc/pam.d etc/flux/preflight/conf.d
        # flux-core
        printf '#!/bin/sh\nexit 0\n' >usr/bin/flux
        printf '#!/bin/sh\nexit 0\n' >usr/libexec/flux/cmd/flux-broker
        chmod 0755 usr/bin/flux usr/libexec/flux/cmd/flux-broker
        printf '[Unit]\nDescription=Flux message broker\n[Service]\nExecStart=/usr/bin/flux broker\n' \
            >usr/lib/systemd/system/flux.service
        printf 'prefix=/usr\nName: flux-core\nDescription: Flux core\nVersion: 0.88.0\n' \
            >usr/lib/$FIXTURE_MA/pkgconfig/flux-core.pc
        # flux-security: the library (a versioned file and its soname link), the IMP
        printf 'ELF stub\n' >usr/lib/$FIXTURE_MA/libflux-security.so.1.0.0
        ln -s libflux-security.so.1.0.0 usr/lib/$FIXTURE_MA/libflux-security.so.1
        printf '#!/bin/sh\nexit 0\n' >usr/libexec/flux/flux-imp
        printf 'prefix=/usr\nName: flux-security\nDescription: Flux security\nVersion: 0.15.0\n' \
            >usr/lib/$FIXTURE_MA/pkgconfig/flux-security.pc
        # flux-sched
        printf 'ELF stub\n' >usr/lib/$FIXTURE_MA/flux/modules/sched-fluxion-resource.so
        printf 'ELF stub\n' >usr/lib/$FIXTURE_MA/flux/modules/sched-fluxion-qmanager.so
        # dpkg: flux-core and flux-sched installed; flux-security only left
        # config files behind (so its version comes from the .pc file)
        cat >var/lib/dpkg/status <<'EOF'
Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: flux-core
Status: install ok installed
Architecture: amd64
Version: 0.88.0-1
Description: Flux resource manager framework
 The core of Flux.

Package: flux-security
Status: deinstall ok config-files
Architecture: amd64
Version: 0.14.0-1
Description: Flux security

Package: flux-sched
Status: install ok installed
Architecture: amd64
Version: 0.45.0-1
Description: Flux scheduler
EOF
        # the IMP is in use, with PAM
        printf '\n[exec]\nimp = "%s"\n' "$FIXTURE_FLUX_IMP" >>etc/flux/system/conf.d/system.toml
        printf 'pam-support = true\n' >>etc/flux/imp/conf.d/imp.toml
        printf '# the IMP: pam_setcred + pam_open_session\nauth required pam_localuser.so\nsession required pam_limits.so\n' \
            >etc/pam.d/flux
        printf 'ELF stub\n' >usr/lib64/security/pam_localuser.so
        printf 'ELF stub\n' >usr/lib64/security/pam_limits.so
        # flux's Python (packages.runtime): the flux-python3.11 wrapper as
        # flux-core installs it, the bindings, Python 3.11 with its standard
        # library, and the modules the bindings import
        py=usr/lib/$FIXTURE_MA/flux/python3.11
        mkdir -p $py/flux $py/_flux usr/lib/python3.11/encodings \
            usr/lib/python3/dist-packages/yaml usr/lib/python3/dist-packages/ply
        printf '#!/bin/sh\nif test "$1" = "--get-path"; then\n    echo "/%s"\n    exit 0\nfi\n\nexport PYTHONPATH="/%s:$PYTHONPATH"\nexec /usr/bin/python3 "$@"\n' \
            "$py" "$py" >usr/libexec/flux/cmd/flux-python3.11
        chmod 0755 usr/libexec/flux/cmd/flux-python3.11
        printf '#!/bin/sh\nexit 0\n' >usr/bin/python3.11
        chmod 0755 usr/bin/python3.11
        ln -s python3.11 usr/bin/python3
        : >usr/lib/python3.11/encodings/__init__.py
        : >$py/flux/__init__.py
        printf 'ELF stub\n' >$py/_flux/_core.so
        : >usr/lib/python3/dist-packages/yaml/__init__.py
        : >usr/lib/python3/dist-packages/ply/__init__.py
        printf 'ELF stub\n' >usr/lib/python3/dist-packages/_cffi_backend.cpython-311-$FIXTURE_MA.so
        : >etc/flux/preflight/conf.d/gate.toml
        chown -R root:root usr var/lib/dpkg etc/pam.d etc/flux/preflight
        chmod 0755 etc/flux/preflight etc/flux/preflight/conf.d
        # after the chown, which clears the setuid bit
        chmod 4755 usr/libexec/flux/flux-imp
    )
}

fixture_flux_service() {
    _ffs=${1:?fixture_flux_service DIR}
    mkdir -p "$_ffs/usr/lib/systemd/system" &&
        cp "$top_srcdir/tests/data/flux-core/flux.service" "$_ffs/usr/lib/systemd/system/flux.service" &&
        chown root:root "$_ffs/usr/lib/systemd/system/flux.service" &&
        chmod 0644 "$_ffs/usr/lib/systemd/system/flux.service"
}

fixture_job_ingest() {
    _fji=${1:?fixture_job_ingest DIR with|without}
    _fji_d=$_fji/usr/lib/x86_64-linux-gnu/flux/modules
    mkdir -p "$_fji_d" || return 1
    case ${2:?with|without} in
        with) python3 "$top_srcdir/tests/lib/mkelf.py" "$_fji_d/job-ingest.so" --soname job-ingest.so \
                  libflux-core.so.2 libflux-security.so.1 libjansson.so.4 libc.so.6 ;;
        without) python3 "$top_srcdir/tests/lib/mkelf.py" "$_fji_d/job-ingest.so" --soname job-ingest.so \
                  libflux-core.so.2 libjansson.so.4 libc.so.6 ;;
        *) echo "fixture_job_ingest: with or without, not $2" >&2; return 1 ;;
    esac
}

# fixture_elf_runtime DIR: on a fixture_packages root, real ELF files (built
# here with cc) where packages.runtime follows shared libraries: flux,
# flux-broker and a broker module (kvs.so) need libzmq.so.5, flux-shell
# needs libjansson.so.4, flux's _flux/_core.so needs libpython3.11.so.1.0,
# _cffi_backend needs libffi.so.8; those libraries (empty ones with those
# sonames) in LIBDIR, this host's libc.so.6 and loader beside them, and
# the image's /etc/ld.so.cache built by this host's ldconfig -r. Needs cc and
# ldconfig (returns 2 without them).
fixture_elf_runtime() {
    _fe_r=${1:?fixture_elf_runtime DIR}
    command -v "${CC:-cc}" >/dev/null && command -v ldconfig >/dev/null || return 2
    _fe_t=$(mktemp -d "${TMPDIR:-/tmp}/fp-elf.XXXXXX") || return 1
    (
        set -e
        cc=${CC:-cc}
        lib=$_fe_r/usr/lib/$FIXTURE_MA
        py=$lib/flux/python3.11
        cd "$_fe_t"
        echo 'int fp_stub(void) { return 0; }' >lib.c
        echo 'int main(void) { return 0; }' >main.c
        for so in libzmq.so.5 libjansson.so.4 libpython3.11.so.1.0 libffi.so.8; do
            "$cc" -shared -fPIC -Wl,-soname,$so -o $so lib.c
            cp $so "$lib/"
        done
        "$cc" -Wl,--no-as-needed -o flux main.c ./libzmq.so.5
        install -m 0755 flux "$_fe_r/usr/bin/flux"
        install -m 0755 flux "$_fe_r/usr/libexec/flux/cmd/flux-broker"
        "$cc" -Wl,--no-as-needed -o flux-shell main.c ./libjansson.so.4
        install -m 0755 flux-shell "$_fe_r/usr/libexec/flux/flux-shell"
        "$cc" -shared -fPIC -Wl,--no-as-needed -o kvs.so lib.c ./libzmq.so.5
        install -m 0644 kvs.so "$lib/flux/modules/kvs.so"
        "$cc" -shared -fPIC -Wl,--no-as-needed -o _core.so lib.c ./libpython3.11.so.1.0
        install -m 0644 _core.so "$py/_flux/_core.so"
        "$cc" -shared -fPIC -Wl,--no-as-needed -o _cffi.so lib.c ./libffi.so.8
        install -m 0644 _cffi.so "$_fe_r/usr/lib/python3/dist-packages/_cffi_backend.cpython-311-$FIXTURE_MA.so"
        # the C library and its loader, where the image's loader looks
        libc=$(ldconfig -p | sed -n "s/^[[:space:]]*libc.so.6 (libc6,x86-64) => //p" | head -n 1)
        cp -L "$libc" "$lib/libc.so.6"
        mkdir -p "$_fe_r/lib64"
        cp -L /lib64/ld-linux-x86-64.so.2 "$_fe_r/lib64/"
        cp -L /lib64/ld-linux-x86-64.so.2 "$lib/"
        mkdir -p "$_fe_r/var/cache/ldconfig"
        : >"$_fe_r/etc/ld.so.conf"
        ldconfig -r "$_fe_r"
    )
    _fe_rc=$?
    rm -rf "$_fe_t"
    return $_fe_rc
}
