# A FUSE mount that never answers, for checks that must survive a hung filesystem
# (POSIX sh; source it; needs root, /dev/fuse, gcc + libfuse3-dev unless prebuilt).
#
#   fuse_hang_mount DIR     mount tests/lib/fuse-hang at DIR (created if missing) and wait until
#                           it shows in /proc/self/mountinfo (max 5 s). statfs (stat -f, statvfs),
#                           lookup of any name under DIR and getattr of anything but DIR itself
#                           then block forever in state D; `timeout`/SIGKILL cannot end them.
#                           Sets FUSE_HANG_PID (daemon) and FUSE_HANG_CONN (fusectl connection
#                           number) for the last mount; registers fuse_hang_release with fp_atexit.
#   fuse_hang_release DIR   abort the connection (/sys/fs/fuse/connections/N/abort; fusectl is
#                           mounted there first if needed), `umount -l DIR`, kill the daemon by
#                           pid. Every blocked caller then fails with ENOTCONN/ECONNABORTED and
#                           returns. Idempotent; safe on a DIR that is not mounted.
#   fuse_conn_of DIR        print N for the FUSE mount at DIR: the *minor* number of the mount's
#                           st_dev, read from mountinfo field 3 ("0:N") without touching the fs.
#                           (`stat -c %d` = makedev(0,N) equals N only while N < 256; use
#                           `stat -c %Ld` for the minor if you must stat.)
#
#   fuse_netfs_mount DIR    mount tests/lib/fuse-netfs at DIR (created if missing), a filesystem
#                           that mountinfo shows as fuse.glusterfs from gluster0:/vol (a network
#                           statedir), with one directory DIR/state (500:500, 0700); waits until
#                           it is mounted (max 5 s). Sets FUSE_NETFS_PID; registers
#                           fuse_netfs_umount with fp_atexit. Returns 1 if it cannot (no binary,
#                           no /dev/fuse).
#   fuse_netfs_umount DIR   `umount -l DIR` and end its daemon. Idempotent.
#
# Binaries: $FUSE_HANG_BIN / $FUSE_NETFS_BIN if set, else $top_builddir/tests/lib/fuse-hang
# (fuse-netfs) if built, else compiled on demand from $FUSE_HANG_SRC (default
# $top_srcdir/tests/lib/fuse-hang.c; fuse-netfs.c beside it) into a temp dir removed at exit.

# fp_atexit (cleanup at exit) comes from tests/lib/tap.sh, sourced first.

_fuse_mountinfo_line() {  # DIR -> the mountinfo line of the topmost mount at DIR
    awk -v d="$1" '$5 == d { l = $0 } END { if (l != "") print l }' /proc/self/mountinfo
}

fuse_conn_of() {
    _fc_l=$(_fuse_mountinfo_line "$1")
    [ -n "$_fc_l" ] || return 1
    printf '%s\n' "$_fc_l" | awk '{ split($3, a, ":"); print a[2] }'
}

_fuse_bin() {  # NAME: sets _FUSE_BIN to the built or compiled tests/lib/NAME (not in $(...): it registers a cleanup)
    if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/tests/lib/$1" ]; then
        _FUSE_BIN=$top_builddir/tests/lib/$1; return 0
    fi
    _fh_src=${FUSE_HANG_SRC:-}
    [ -n "$_fh_src" ] || [ -z "${top_srcdir:-}" ] || _fh_src=$top_srcdir/tests/lib/fuse-hang.c
    [ -n "$_fh_src" ] || [ -z "${BASH_SOURCE:-}" ] || _fh_src=$(dirname "$BASH_SOURCE")/fuse-hang.c
    _fh_src=$(dirname "$_fh_src")/$1.c
    [ -f "$_fh_src" ] || { echo "fuse.sh: $1.c not found (set top_srcdir or FUSE_HANG_SRC)" >&2; return 1; }
    _fh_dir=$(mktemp -d "${TMPDIR:-/tmp}/fp-$1.XXXXXX") || return 1
    fp_atexit "rm -rf '$_fh_dir'"
    # shellcheck disable=SC2046
    gcc -O1 -o "$_fh_dir/$1" "$_fh_src" $(pkg-config --cflags --libs fuse3) >&2 || return 1
    _FUSE_BIN=$_fh_dir/$1
}
_fuse_hang_bin() {  # sets FUSE_HANG_BIN
    [ -z "${FUSE_HANG_BIN:-}" ] || return 0
    _fuse_bin fuse-hang || return 1
    FUSE_HANG_BIN=$_FUSE_BIN
}

fuse_netfs_mount() {
    _fn_d=${1:?fuse_netfs_mount DIR}
    mkdir -p "$_fn_d" || return 1
    _fn_d=$(cd "$_fn_d" && pwd -P) || return 1
    if [ -z "${FUSE_NETFS_BIN:-}" ]; then
        _fuse_bin fuse-netfs || return 1
        FUSE_NETFS_BIN=$_FUSE_BIN
    fi
    [ -n "${_FUSE_STATE:-}" ] || { _FUSE_STATE=$(mktemp -d "${TMPDIR:-/tmp}/fp-fuse-state.XXXXXX") || return 1
                                   fp_atexit "rm -rf '$_FUSE_STATE'"; }
    _fn_key=netfs$(printf '%s' "$_fn_d" | tr '/' '%')
    "$FUSE_NETFS_BIN" -f -o subtype=glusterfs,fsname=gluster0:/vol "$_fn_d" \
        >"$_FUSE_STATE/$_fn_key.log" 2>&1 </dev/null &
    FUSE_NETFS_PID=$!
    echo "$FUSE_NETFS_PID" >"$_FUSE_STATE/$_fn_key"
    export FUSE_NETFS_PID
    fp_atexit "fuse_netfs_umount '$_fn_d'"
    _fn_n=250
    while [ $_fn_n -gt 0 ]; do
        _fuse_mountinfo_line "$_fn_d" | grep -q ' - fuse\.glusterfs ' && return 0
        kill -0 "$FUSE_NETFS_PID" 2>/dev/null || break
        sleep 0.02; _fn_n=$((_fn_n - 1))
    done
    echo "fuse_netfs_mount: $_fn_d not mounted:" >&2; cat "$_FUSE_STATE/$_fn_key.log" >&2
    fuse_netfs_umount "$_fn_d"
    return 1
}

fuse_netfs_umount() {
    _fu_d=${1:?fuse_netfs_umount DIR}
    _fu_key=netfs$(printf '%s' "$_fu_d" | tr '/' '%')
    while _fuse_mountinfo_line "$_fu_d" | grep -q ' - fuse\.glusterfs '; do
        umount -l "$_fu_d" || break
    done
    if [ -n "${_FUSE_STATE:-}" ] && [ -f "$_FUSE_STATE/$_fu_key" ]; then
        read -r _fu_pid <"$_FUSE_STATE/$_fu_key"
        kill "$_fu_pid" 2>/dev/null
        wait "$_fu_pid" 2>/dev/null
        rm -f "$_FUSE_STATE/$_fu_key" "$_FUSE_STATE/$_fu_key.log"
    fi
    return 0
}

fuse_hang_mount() {
    _fm_d=${1:?fuse_hang_mount DIR}
    mkdir -p "$_fm_d" || return 1
    _fm_d=$(cd "$_fm_d" && pwd -P) || return 1
    _fuse_hang_bin || return 1
    _fm_bin=$FUSE_HANG_BIN
    [ -n "${_FUSE_STATE:-}" ] || { _FUSE_STATE=$(mktemp -d "${TMPDIR:-/tmp}/fp-fuse-state.XXXXXX") || return 1
                                   fp_atexit "rm -rf '$_FUSE_STATE'"; }
    "$_fm_bin" "$_fm_d" >"$_FUSE_STATE/log" 2>&1 </dev/null &
    FUSE_HANG_PID=$!
    _fm_key=$(printf '%s' "$_fm_d" | tr '/' '%')
    echo "$FUSE_HANG_PID" >"$_FUSE_STATE/$_fm_key"
    fp_atexit "fuse_hang_release '$_fm_d'"
    _fm_n=100
    while [ $_fm_n -gt 0 ]; do
        if _fuse_mountinfo_line "$_fm_d" | grep -q ' - fuse\.fphang '; then
            FUSE_HANG_CONN=$(fuse_conn_of "$_fm_d")
            echo "$FUSE_HANG_PID $FUSE_HANG_CONN" >"$_FUSE_STATE/$_fm_key"
            export FUSE_HANG_PID FUSE_HANG_CONN
            return 0
        fi
        kill -0 "$FUSE_HANG_PID" 2>/dev/null || break
        sleep 0.05; _fm_n=$((_fm_n - 1))
    done
    echo "fuse_hang_mount: $_fm_d not mounted:" >&2; cat "$_FUSE_STATE/log" >&2
    fuse_hang_release "$_fm_d"
    return 1
}

fuse_hang_release() {
    _fr_d=${1:?fuse_hang_release DIR}
    # never cd/stat into DIR here: it may be the hung mount; pass the path fuse_hang_mount got
    case $_fr_d in /*) ;; *) _fr_d=$(pwd -P)/$_fr_d ;; esac
    while :; do case $_fr_d in /?*/) _fr_d=${_fr_d%/} ;; *) break ;; esac; done
    _fr_key=$(printf '%s' "$_fr_d" | tr '/' '%')
    _fr_pid='' _fr_conn=''
    [ -z "${_FUSE_STATE:-}" ] || [ ! -f "$_FUSE_STATE/$_fr_key" ] || read -r _fr_pid _fr_conn <"$_FUSE_STATE/$_fr_key"
    # only ever abort our own connection: the mount at DIR must be a fuse-hang one
    if _fuse_mountinfo_line "$_fr_d" | grep -q ' - fuse\.fphang '; then
        _fr_conn=$(fuse_conn_of "$_fr_d")
    fi
    if [ -n "$_fr_conn" ]; then
        [ -d "/sys/fs/fuse/connections/$_fr_conn" ] ||
            mount -t fusectl none /sys/fs/fuse/connections 2>/dev/null
        [ ! -e "/sys/fs/fuse/connections/$_fr_conn/abort" ] ||
            echo 1 >"/sys/fs/fuse/connections/$_fr_conn/abort"
    fi
    while _fuse_mountinfo_line "$_fr_d" | grep -q ' - fuse\.fphang '; do
        umount -l "$_fr_d" || break
    done
    if [ -n "$_fr_pid" ]; then
        kill -TERM "$_fr_pid" 2>/dev/null
        _fr_n=100
        while kill -0 "$_fr_pid" 2>/dev/null && [ $_fr_n -gt 0 ]; do sleep 0.02; _fr_n=$((_fr_n - 1)); done
        kill -KILL "$_fr_pid" 2>/dev/null
        wait "$_fr_pid" 2>/dev/null
    fi
    [ -z "${_FUSE_STATE:-}" ] || rm -f "$_FUSE_STATE/$_fr_key"
    return 0
}
