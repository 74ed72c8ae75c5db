#!/bin/sh
# packages.runtime on fixture roots with real ELF files: flux-core's
# programs, a broker module and flux's Python extensions need shared
# libraries (libzmq.so.5, libpython3.11.so.1.0, ...) that are really removed,
# moved out of the loader's sight, or reachable only through the image's
# ld.so cache or a RUNPATH; flux's Python pieces really removed. Every
# verdict names what needs the library, what breaks, the loader's own words
# and the package for the image's distribution. Nothing in the image is
# loaded or run (the snapshot and strace prove it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
command -v jq >/dev/null || skip_all "jq is not installed"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"

T=$(mktemp -d /tmp/fp-t0445.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
installed_root "$T/root" || bail "fixture root"
LIB=$R/usr/lib/$MA
PY=$LIB/flux/python3.11

# --- stubs only (no ELF file): nothing to load, the Python pieces are there
gate packages.runtime
is "$(result packages.runtime)" pass "stub programs, complete Python: pass"
is "$(fact packages.runtime python)" /usr/bin/python3 "python: the interpreter flux-python3.11 runs"
is "$(fact packages.runtime python_bindings)" "/usr/lib/$MA/flux/python3.11" "python_bindings: the dir it echoes"

fixture_elf_runtime "$R"
case $? in
0) ;;
2) skip_all "no C compiler or ldconfig to build ELF files" ;;
*) bail "fixture_elf_runtime" ;;
esac
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' >"$R/etc/os-release"

# --- healthy
gate packages.runtime
is "$rc" 0 "healthy: exit 0"
is "$(result packages.runtime)" pass "healthy: pass"
like "$(msg packages.runtime)" "^3 programs, 1 module or plugin and 2 Python extensions of flux-core find every shared library they need \(RUNPATH, the ld.so cache \(/etc/ld.so.cache, [0-9]+ entries\), system directories\)" \
    "healthy: counts what it followed and where the loader looks"
is "$(fact packages.runtime distribution)" "Debian GNU/Linux 12 (bookworm)" "distribution from the image's os-release"

# --- libpython3.11 removed: rc1's flux modprobe would not import flux
mkdir -p "$T/aside"
mv "$LIB/libpython3.11.so.1.0" "$T/aside/"
gate --journal "$T/j1.json" packages.runtime
is "$rc" 1 "no libpython3.11: exit 1"
is "$(result packages.runtime)" fail "no libpython3.11: fail"
like "$(msg packages.runtime)" "^libpython3.11.so.1.0, needed by /usr/lib/$MA/flux/python3.11/_flux/_core.so, is not found" \
    "...names the library and the extension that needs it"
like "$(msg packages.runtime)" "fails with \"ImportError: libpython3.11.so.1.0: cannot open shared object file: No such file or directory\"" \
    "...quotes Python's words for rc1's flux modprobe"
like "$(msg packages.runtime)" "the broker exits 42, which flux.service counts as success .*Result=success" "...and what systemd shows"
like "$(msg packages.runtime)" "; apt-get install libpython3.11$" "...and the Debian package"
is "$(jfield "$T/j1.json" packages.runtime FLUX_PREFLIGHT_MISSING)" libpython3.11.so.1.0 \
    "journal: FLUX_PREFLIGHT_MISSING"
printf 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\n' >"$R/etc/os-release"
gate packages.runtime
like "$(msg packages.runtime)" "; dnf install 'libpython3.11.so.1.0\(\)\(64bit\)'$" "RHEL: the RPM capability to install"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' >"$R/etc/os-release"
mv "$T/aside/libpython3.11.so.1.0" "$LIB/"

# --- libzmq removed: the broker itself cannot start
mv "$LIB/libzmq.so.5" "$T/aside/"
gate packages.runtime
is "$(result packages.runtime)" fail "no libzmq: fail"
like "$(msg packages.runtime)" "^libzmq.so.5, needed by /usr/bin/flux, /usr/libexec/flux/cmd/flux-broker and /usr/lib/$MA/flux/modules/kvs.so, is not found" \
    "...names every file that needs it"
like "$(msg packages.runtime)" "flux.service cannot start the broker: the loader would stop flux with \"error while loading shared libraries: libzmq.so.5: cannot open shared object file: No such file or directory\" \(exit 127\)" \
    "...the worst consequence, in the loader's words"
like "$(msg packages.runtime)" "apt-get install libzmq5$" "...and the package"
mv "$T/aside/libzmq.so.5" "$LIB/"

# --- a library only the cache knows: found through it, lost when it is stale
mkdir -p "$R/opt/zmq/lib"
mv "$LIB/libzmq.so.5" "$R/opt/zmq/lib/"
gate packages.runtime
is "$(result packages.runtime)" fail "libzmq outside the loader's directories, not in the cache: fail"
echo /opt/zmq/lib >"$R/etc/ld.so.conf"
ldconfig -r "$R"
gate packages.runtime
is "$(result packages.runtime)" pass "...listed in ld.so.conf and cached by ldconfig: pass"
mv "$R/opt/zmq/lib/libzmq.so.5" "$T/aside/"
gate packages.runtime
is "$(result packages.runtime)" fail "...the cache names a file that is gone: fail"
mv "$T/aside/libzmq.so.5" "$LIB/"
: >"$R/etc/ld.so.conf"
ldconfig -r "$R"

# --- a RUNPATH with $ORIGIN, as flux-core's build writes one
mkdir -p "$T/b" "$R/usr/libexec/flux/lib"
echo 'int fp_stub(void) { return 0; }' >"$T/b/lib.c"
echo 'int main(void) { return 0; }' >"$T/b/main.c"
${CC:-cc} -shared -fPIC -Wl,-soname,libfluxpriv.so.1 -o "$T/b/libfluxpriv.so.1" "$T/b/lib.c"
${CC:-cc} -Wl,--no-as-needed -o "$T/b/flux-R" "$T/b/main.c" "$T/b/libfluxpriv.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
install -m 0755 "$T/b/flux-R" "$R/usr/libexec/flux/cmd/flux-R"
install -m 0644 "$T/b/libfluxpriv.so.1" "$R/usr/libexec/flux/lib/"
gate packages.runtime
is "$(result packages.runtime)" pass "RUNPATH \$ORIGIN/../lib: found there"
rm "$R/usr/libexec/flux/lib/libfluxpriv.so.1"
gate packages.runtime
like "$(msg packages.runtime)" "^libfluxpriv.so.1, needed by /usr/libexec/flux/cmd/flux-R, is not found .*flux-R cannot start" \
    "...gone: another flux command cannot start"
rm "$R/usr/libexec/flux/cmd/flux-R"

# --- a jobtap plugin (loaded only where configured) only warns
mkdir -p "$LIB/flux/job-manager/plugins"
${CC:-cc} -shared -fPIC -Wl,--no-as-needed -o "$LIB/flux/job-manager/plugins/mf_priority.so" "$T/b/lib.c" "$T/b/libfluxpriv.so.1"
gate packages.runtime
is "$(result packages.runtime)" warn "a jobtap plugin missing a library: warn"
is "$rc" 0 "...does not block"
rm "$LIB/flux/job-manager/plugins/mf_priority.so"

# --- a file with ELF magic that is not ELF: cannot tell, error
cp "$LIB/flux/modules/kvs.so" "$T/aside/kvs.so"
head -c 100 "$T/aside/kvs.so" >"$LIB/flux/modules/kvs.so"
gate packages.runtime
is "$(result packages.runtime)" error "a truncated ELF module: error (unknown is not healthy)"
like "$(msg packages.runtime)" "^cannot read $LIB/flux/modules/kvs.so as an ELF file" "...names the file"
cp "$T/aside/kvs.so" "$LIB/flux/modules/kvs.so"

# --- flux's Python pieces
mv "$R/usr/lib/python3/dist-packages/yaml" "$T/aside/"
gate packages.runtime
is "$(result packages.runtime)" fail "no yaml module: fail"
like "$(msg packages.runtime)" "the Python module yaml, which flux's Python package imports, is not installed for Python 3.11: rc1's flux modprobe would fail with \"ModuleNotFoundError: No module named 'yaml'\".*apt-get install python3-yaml" \
    "...with Python's words and the package"
mv "$T/aside/yaml" "$R/usr/lib/python3/dist-packages/"
rm "$R/usr/lib/python3/dist-packages/_cffi_backend.cpython-311-$MA.so"
gate packages.runtime
like "$(msg packages.runtime)" "the Python module _cffi_backend.*apt-get install python3-cffi-backend" "no _cffi_backend: fail with its package"
cp "$T/aside/kvs.so" "$R/usr/lib/python3/dist-packages/_cffi_backend.cpython-311-$MA.so"
rm "$PY/flux/__init__.py"
gate packages.runtime
like "$(msg packages.runtime)" "flux's Python package is missing \($PY/flux/__init__.py\)" "no flux package: fail"
: >"$PY/flux/__init__.py"
ln -sf python3.12 "$R/usr/bin/python3"
printf '#!/bin/sh\n' >"$R/usr/bin/python3.12"
chmod 0755 "$R/usr/bin/python3.12"
gate packages.runtime
like "$(msg packages.runtime)" "flux's Python bindings \(/usr/lib/$MA/flux/python3.11\) are built for Python 3.11, but /usr/bin/python3 is python3.12" \
    "python3 of another version: fail"
ln -sf python3.11 "$R/usr/bin/python3"
rm "$R/usr/lib/python3.11/encodings/__init__.py"
gate packages.runtime
like "$(msg packages.runtime)" "Python 3.11's standard library is missing" "no standard library: fail"
: >"$R/usr/lib/python3.11/encodings/__init__.py"
rm "$R/usr/bin/python3.11"
gate packages.runtime
like "$(msg packages.runtime)" "^$R/usr/bin/python3, the Python that flux runs its Python commands with, is not there" \
    "no interpreter: fail"
printf '#!/bin/sh\n' >"$R/usr/bin/python3.11"
chmod 0755 "$R/usr/bin/python3.11"

# --- no flux-core at all: packages.core reports it; selected alone, the
# skip becomes an error naming it (its prerequisite failed unseen)
mv "$R/usr/libexec/flux/cmd/flux-broker" "$T/aside/"
gate packages.core,packages.runtime
is "$(result packages.runtime)" skip "no flux-broker: skip, packages.core fails"
gate packages.runtime
is "$(result packages.runtime)" error "...selected alone: error"
like "$(msg packages.runtime)" "packages.core" "...naming packages.core"
mv "$T/aside/flux-broker" "$R/usr/libexec/flux/cmd/"

# --- nothing from the image is loaded or run
if command -v strace >/dev/null; then
    strace -f -qq -e trace=execve,execveat,openat,openat2 -o "$T/strace" \
        "$FP_BIN_REAL" --root "$R" --hostname node0 --check packages.runtime >/dev/null 2>&1
    ok "no program of the image is executed" \
        bash -c "! grep -E 'execve(at)?\(\"$R' '$T/strace'"
    ok "no file of the image is opened for writing" \
        bash -c "! grep -E 'O_RDWR|O_WRONLY' '$T/strace' | grep -q '$R'"
else
    skip "strace not installed"
    skip "strace not installed"
fi
gate_changed_nothing

done_testing
