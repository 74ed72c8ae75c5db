# System-test harness: real systemd as PID 1 in a systemd-nspawn container (POSIX sh; source
# it after tests/lib/tap.sh; needs root, systemd-container, mmdebstrap).
#
#   sys_need                  skip_all with a reason unless root + nspawn + a rootfs can be had
#   sys_boot NAME PAYLOAD_DIR boot the cached rootfs (tests/system/rootfs.sh) with
#                             --volatile=overlay (the rootfs stays pristine), PAYLOAD_DIR bound
#                             read-only at /opt/fp, tests/system at /opt/fp-tests, the container
#                             journal in $SYS_OUT/journal on the host; wait for the leader (child
#                             of nspawn once its comm is systemd) and for is-system-running
#                             running|degraded (max SYS_BOOT_TIMEOUT s, default 60).
#                             Sets SYS_NSPAWN_PID SYS_LEADER SYS_MACHINE SYS_OUT SYS_BOOT_SECONDS;
#                             registers sys_poweroff. Call it in the test's own shell (not in
#                             $(...) or a pipe): the nspawn pid must be its child.
#       SYS_CMDLINE="a=b c"   extra "kernel command line" words: passed after `--` as PID 1's
#                             arguments; systemd in a container takes its kernel command line
#                             from /proc/1/cmdline, so ConditionKernelCommandLine= sees them.
#                             (/proc/cmdline in the container is still the HOST's.)
#       SYS_PROC_CMDLINE=1    also bind a file holding SYS_CMDLINE over /proc/cmdline, for a
#                             program that reads /proc/cmdline itself.
#       SYS_NETWORK           default --private-network (only lo); e.g.
#                             "--network-namespace-path=/run/netns/NS" to join a netns.
#       SYS_NSPAWN_ARGS       more systemd-nspawn arguments (word-split).
#       SYS_BOOT_POLL=FUNC    a shell function called at every poll while booting
#                             (e.g. to watch a unit's StatusText during boot).
#       SYS_PAYLOAD_AT_BOOT=1 the payload is in the root *before* systemd starts (for boot-time
#                             scenarios: the gate run by systemd at boot): root = overlayfs of
#                             (payload layer, rootfs) with a tmpfs upper, in a private mount
#                             namespace; stand-in flux.service added unless the payload has one;
#       SYS_ENABLE="u1 u2"    units enabled in that layer (systemctl --root) before boot, e.g.
#                             "flux.service flux-preflight.service". sys_install_payload is
#                             then not needed (running it anyway is harmless).
#       SYS_LOWER=DIR[:DIR]   more read-only layers between the payload layer and the rootfs
#                             (e.g. a node configured by the Flux bundle's setup-node.sh)
#       SYS_PREP=FUNC         a bash function, exported with `export -f FUNC`, called with the
#                             merged root before systemd starts (edits land in the tmpfs upper)
#   sys_exec CMD...           run CMD in the container (nsenter -t $SYS_LEADER -a) with a clean
#                             environment (PATH, LANG=C.UTF-8, SYSTEMD_PAGER=cat, SYSTEMD_COLORS=0)
#   sys_sh 'SCRIPT'           sys_exec sh -c 'SCRIPT'
#   sys_install_payload       in the container: copy /opt/fp/. (a `make install DESTDIR=...`
#                             tree) onto / (tar --keep-directory-symlink, so a staged lib/ or
#                             sbin/ lands in Debian's merged /usr), install the stand-in
#                             /opt/fp-tests/flux.service as /etc/systemd/system/flux.service unless
#                             the payload has a flux.service, `journalctl --update-catalog`,
#                             `systemctl daemon-reload`
#   sys_journal ARGS...       journalctl --no-pager ARGS in the container
#   sys_poweroff              SIGTERM to nspawn (clean poweroff), wait (max SYS_SHUTDOWN_TIMEOUT
#                             s, default 30, then SIGKILL); SYS_SHUTDOWN_SECONDS. Idempotent. The
#                             journal stays readable on the host:
#                             journalctl -D "$SYS_OUT/journal" ... (SYS_OUT removed at exit
#                             unless SYS_KEEP=1).
#   sys_wait_state UNIT STATE [SECS]   poll `systemctl is-active UNIT` until it prints STATE
#   sys_payload NAME          PAY=a new dir holding `make install DESTDIR=$PAY` of this build
#                             (removed at exit; bails when the install fails)
#   sys_gate_only DEADLINE ID...   $PAY/etc/flux/preflight/conf.d/test.toml: that deadline, and
#                             every check but the IDs turned off (the container has no Flux)

# fp_atexit (cleanup at exit) comes from tests/lib/tap.sh, sourced first.

if [ -z "${SYS_LIB_DIR:-}" ]; then
    if [ -n "${top_srcdir:-}" ]; then SYS_LIB_DIR=$top_srcdir/tests/system
    elif [ -n "${BASH_SOURCE:-}" ]; then SYS_LIB_DIR=$(cd "$(dirname "$BASH_SOURCE")" && pwd)
    else SYS_LIB_DIR=$(pwd)/tests/system; fi
fi

_sys_now() { date +%s.%N; }
_sys_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

sys_need() {
    [ -z "${FP_TEST_SKIP_SYSTEM:-}" ] || skip_all "system tier skipped (FP_TEST_SKIP_SYSTEM is set)"
    [ "$(id -u)" = 0 ] || skip_all "system tests need root (systemd-nspawn)"
    command -v systemd-nspawn >/dev/null 2>&1 || skip_all "systemd-nspawn not installed (systemd-container)"
    command -v mmdebstrap >/dev/null 2>&1 || [ -n "${SYS_ROOTFS:-}" ] ||
        skip_all "mmdebstrap not installed"
    [ -f "$SYS_LIB_DIR/rootfs.sh" ] || skip_all "tests/system/rootfs.sh not found (set top_srcdir)"
    if [ -z "${SYS_ROOTFS:-}" ]; then
        _sn_t0=$(_sys_now)
        SYS_ROOTFS=$(bash "$SYS_LIB_DIR/rootfs.sh") || bail "could not build the test rootfs (tests/system/rootfs.sh)"
        SYS_ROOTFS_SECONDS=$(_sys_since "$_sn_t0")
    fi
    [ -x "$SYS_ROOTFS/lib/systemd/systemd" ] || skip_all "rootfs $SYS_ROOTFS has no systemd"
    export SYS_ROOTFS
}

# _sys_layer PAYLOAD LAYER: the payload as an overlay layer for the rootfs: top-level merged-usr
# symlinks (lib -> usr/lib, ...) copied from the rootfs first, so a staged lib/ or sbin/ lands in
# usr/ instead of hiding the rootfs's symlink; the stand-in flux.service unless the payload has
# one; then `systemctl --root=LAYER enable $SYS_ENABLE`.
_sys_layer() {
    _sl_pay=$1 _sl_l=$2
    mkdir -p "$_sl_l/usr" || return 1
    for _sl_e in bin sbin lib lib32 lib64 libx32; do
        [ -L "$SYS_ROOTFS/$_sl_e" ] || continue
        _sl_t=$(readlink "$SYS_ROOTFS/$_sl_e")
        ln -s "$_sl_t" "$_sl_l/$_sl_e" && mkdir -p "$_sl_l/$_sl_t" || return 1
    done
    tar -C "$_sl_pay" -cf - . | tar -C "$_sl_l" -xf - --keep-directory-symlink --no-same-owner --no-overwrite-dir || return 1
    if [ -z "$(find "$_sl_l" -name flux.service -path '*/systemd/system/*' 2>/dev/null)" ] &&
       ! _sys_has_flux_service; then
        mkdir -p "$_sl_l/etc/systemd/system" && cp "$SYS_LIB_DIR/flux.service" "$_sl_l/etc/systemd/system/" || return 1
    fi
    if [ -n "${SYS_ENABLE:-}" ]; then
        # shellcheck disable=SC2086
        systemctl --root="$_sl_l" enable $SYS_ENABLE >/dev/null 2>&1 ||
            { echo "sys_boot: systemctl --root enable $SYS_ENABLE failed:" >&2
              systemctl --root="$_sl_l" enable $SYS_ENABLE >&2; return 1; }
    fi
}

# Does the rootfs (or a SYS_LOWER layer) have a flux.service of its own (the real one)?
_sys_has_flux_service() {
    _sh_ifs=$IFS; IFS=:
    for _sh_d in ${SYS_LOWER:-} "$SYS_ROOTFS"; do
        for _sh_u in usr/lib/systemd/system lib/systemd/system etc/systemd/system; do
            [ -e "$_sh_d/$_sh_u/flux.service" ] && { IFS=$_sh_ifs; return 0; }
        done
    done
    IFS=$_sh_ifs
    return 1
}

sys_boot() {
    _sb_name=${1:?sys_boot NAME PAYLOAD_DIR}; _sb_pay=${2:?PAYLOAD_DIR}
    [ -n "${SYS_ROOTFS:-}" ] || sys_need
    _sb_pay=$(cd "$_sb_pay" && pwd -P) || return 1
    SYS_MACHINE=fp-$_sb_name-$$
    SYS_OUT=$(mktemp -d "${TMPDIR:-/tmp}/fp-sys-$_sb_name.XXXXXX") || return 1
    [ "${SYS_KEEP:-0}" = 1 ] || fp_atexit "rm -rf '$SYS_OUT'"
    mkdir -p "$SYS_OUT/journal"
    _sb_extra=
    if [ "${SYS_PROC_CMDLINE:-0}" = 1 ]; then
        printf '%s\n' "${SYS_CMDLINE:-}" >"$SYS_OUT/cmdline"
        # binds onto /proc are made late, inside the container: the source must be a path
        # visible there, so bind SYS_OUT in first
        mkdir -p "$SYS_OUT/run"; mv "$SYS_OUT/cmdline" "$SYS_OUT/run/cmdline"
        _sb_extra="--bind-ro=$SYS_OUT/run:/opt/fp-run --bind-ro=/opt/fp-run/cmdline:/proc/cmdline"
    fi
    _sb_t0=$(_sys_now)
    if [ "${SYS_PAYLOAD_AT_BOOT:-0}" = 1 ]; then
        _sys_layer "$_sb_pay" "$SYS_OUT/layer" || { echo "sys_boot: payload layer failed" >&2; return 1; }
        # root = overlay(payload layer over the rootfs, writes to a tmpfs), mounted in a
        # private mount namespace that unshare execs nspawn in: $! stays the nspawn pid and
        # the mounts vanish with it
        mkdir -p "$SYS_OUT/ov"
        # shellcheck disable=SC2086
        unshare --mount --propagation private bash -c '
            ov=$1 layer=$2 rootfs=$3 prep=$4; shift 4
            mount -t tmpfs -o mode=0755 fp-sys-ov "$ov" || exit 1
            mkdir "$ov/upper" "$ov/work" "$ov/root" || exit 1
            mount -t overlay fp-sys-root -o "lowerdir=$layer:$rootfs,upperdir=$ov/upper,workdir=$ov/work" "$ov/root" || exit 1
            if [ -n "$prep" ]; then "$prep" "$ov/root" || { echo "sys_boot: $prep failed" >&2; exit 1; }; fi
            exec systemd-nspawn -D "$ov/root" "$@"' fp-sys "$SYS_OUT/ov" "$SYS_OUT/layer" \
            "${SYS_LOWER:+$SYS_LOWER:}$SYS_ROOTFS" "${SYS_PREP:-}" \
            -b --machine="$SYS_MACHINE" --register=no --keep-unit \
            ${SYS_NETWORK:---private-network} --console=read-only \
            --bind-ro="$_sb_pay:/opt/fp" --bind-ro="$SYS_LIB_DIR:/opt/fp-tests" \
            --bind="$SYS_OUT/journal:/var/log/journal" $_sb_extra ${SYS_NSPAWN_ARGS:-} \
            -- ${SYS_CMDLINE:-} >"$SYS_OUT/console.log" 2>&1 </dev/null &
    else
        # shellcheck disable=SC2086
        systemd-nspawn -D "$SYS_ROOTFS" -b --machine="$SYS_MACHINE" --register=no --keep-unit \
            ${SYS_NETWORK:---private-network} --volatile=overlay --console=read-only \
            --bind-ro="$_sb_pay:/opt/fp" --bind-ro="$SYS_LIB_DIR:/opt/fp-tests" \
            --bind="$SYS_OUT/journal:/var/log/journal" $_sb_extra ${SYS_NSPAWN_ARGS:-} \
            -- ${SYS_CMDLINE:-} >"$SYS_OUT/console.log" 2>&1 </dev/null &
    fi
    SYS_NSPAWN_PID=$!
    SYS_LEADER=
    fp_atexit sys_poweroff
    _sb_n=200                                   # 10 s for the leader
    while [ $_sb_n -gt 0 ]; do
        for _sb_c in $(ps --ppid "$SYS_NSPAWN_PID" -o pid= 2>/dev/null); do
            [ "$(cat "/proc/$_sb_c/comm" 2>/dev/null)" = systemd ] && SYS_LEADER=$_sb_c
        done
        [ -n "$SYS_LEADER" ] && break
        kill -0 "$SYS_NSPAWN_PID" 2>/dev/null || break
        sleep 0.05; _sb_n=$((_sb_n - 1))
    done
    if [ -z "$SYS_LEADER" ]; then
        echo "sys_boot: no systemd leader under nspawn pid $SYS_NSPAWN_PID" >&2
        sed 's/^/# console: /' "$SYS_OUT/console.log" >&2
        sys_poweroff; return 1
    fi
    _sb_n=$(( ${SYS_BOOT_TIMEOUT:-60} * 10 ))
    SYS_STATE=
    while [ $_sb_n -gt 0 ]; do
        [ -n "${SYS_BOOT_POLL:-}" ] && "$SYS_BOOT_POLL"
        SYS_STATE=$(sys_exec systemctl is-system-running 2>/dev/null)
        case $SYS_STATE in running|degraded) break ;; esac
        kill -0 "$SYS_NSPAWN_PID" 2>/dev/null || break
        sleep 0.1; _sb_n=$((_sb_n - 1))
    done
    SYS_BOOT_SECONDS=$(_sys_since "$_sb_t0")
    export SYS_NSPAWN_PID SYS_LEADER SYS_MACHINE SYS_OUT SYS_BOOT_SECONDS SYS_STATE
    case $SYS_STATE in
        running|degraded) return 0 ;;
    esac
    echo "sys_boot: system state '$SYS_STATE' after ${SYS_BOOT_SECONDS}s" >&2
    sys_exec systemctl --failed --no-legend >&2
    sys_poweroff; return 1
}

sys_exec() {
    [ -n "${SYS_LEADER:-}" ] || { echo "sys_exec: no container" >&2; return 125; }
    nsenter -t "$SYS_LEADER" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 TERM=dumb "$@"
}

sys_sh() { sys_exec sh -c "$1"; }

sys_journal() { sys_exec journalctl --no-pager "$@"; }

sys_install_payload() {
    sys_sh '
set -e
tar -C /opt/fp -cf - . | tar -C / -xf - --keep-directory-symlink --no-same-owner --no-overwrite-dir
have_flux=
for d in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system; do
    [ ! -e "$d/flux.service" ] || have_flux=$d/flux.service
done
[ -n "$have_flux" ] || cp /opt/fp-tests/flux.service /etc/systemd/system/flux.service
if ls /usr/lib/systemd/catalog/*.catalog >/dev/null 2>&1; then journalctl --update-catalog; fi
systemctl daemon-reload
'
}

sys_wait_state() {
    _sw_u=${1:?sys_wait_state UNIT STATE [SECS]}; _sw_s=${2:?STATE}
    _sw_n=$(( ${3:-10} * 10 ))
    while [ $_sw_n -gt 0 ]; do
        [ "$(sys_exec systemctl is-active "$_sw_u" 2>/dev/null)" = "$_sw_s" ] && return 0
        sleep 0.1; _sw_n=$((_sw_n - 1))
    done
    return 1
}

sys_poweroff() {
    [ -n "${SYS_NSPAWN_PID:-}" ] || return 0
    _sp_t0=$(_sys_now)
    kill -TERM "$SYS_NSPAWN_PID" 2>/dev/null
    _sp_n=$(( ${SYS_SHUTDOWN_TIMEOUT:-30} * 20 ))
    while kill -0 "$SYS_NSPAWN_PID" 2>/dev/null && [ $_sp_n -gt 0 ]; do
        sleep 0.05; _sp_n=$((_sp_n - 1))
    done
    if kill -0 "$SYS_NSPAWN_PID" 2>/dev/null; then
        echo "sys_poweroff: container $SYS_MACHINE did not stop, killing it" >&2
        kill -KILL "$SYS_NSPAWN_PID" 2>/dev/null
    fi
    wait "$SYS_NSPAWN_PID" 2>/dev/null
    SYS_NSPAWN_RC=$?
    SYS_SHUTDOWN_SECONDS=$(_sys_since "$_sp_t0")
    SYS_NSPAWN_PID='' SYS_LEADER=''
    return 0
}

sys_payload() {
    PAY=$(mktemp -d "/tmp/fp-${1:?sys_payload NAME}-pay.XXXXXX") || bail "mktemp failed"
    fp_atexit "rm -rf '$PAY'"
    make -s -C "$top_builddir" install DESTDIR="$PAY" >"$PAY.log" 2>&1 ||
        { cat "$PAY.log"; rm -f "$PAY.log"; bail "make install failed"; }
    rm -f "$PAY.log"
}

sys_gate_only() {
    _sg_deadline=$1; shift
    mkdir -p "$PAY/etc/flux/preflight/conf.d"
    {
        echo "deadline = \"$_sg_deadline\""
        echo '[severity]'
        "$FP_BIN" list | awk -v keep=" $* " 'NR > 1 && index(keep, " " $1 " ") == 0 { printf "\"%s\" = \"off\"\n", $1 }'
    } >"$PAY/etc/flux/preflight/conf.d/test.toml"
}
