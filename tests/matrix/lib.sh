# The fault matrix's helpers (bash; sourced by tests/integration/t1100-fault-matrix.t
# after tests/lib/tap.sh, fixture.sh, journald.sh and rootgate.sh). The rows are in
# faults.tbl, beside this file; its header says what a row's code can use.
#
#   mx_template DIR     a healthy node image: fixture_healthy (node0 node1 node2,
#                       node0 the leader) + fixture_packages, a gate config whose
#                       statedir-space thresholds fit any test disk, and a fleet
#                       manifest of the image itself at /srv/manifest.json
#   mx_row_setup        fresh copy of the template into $R, row variables reset
#   row_atexit CMD      run CMD after this row's gate run (mounts, daemons)
#   sys_toml            stdin replaces the system config (system.toml) of $R
#   sys_add             stdin is appended to it
#   live_conf           stdin is appended to the live gate config ($LIVE)
#   gate_conf           stdin is appended to the image's gate config
#   mx_skip REASON      the fault cannot be made here: the row is skipped, saying why

MX_HOSTS="node0 node1 node2"

mx_template() {
    fixture_healthy "$1" $MX_HOSTS || return 1
    fixture_packages "$FIXTURE_ROOT" || return 1
    MX_TMPL=$FIXTURE_ROOT
    cat >"$MX_TMPL/etc/flux/preflight/conf.d/gate.toml" <<'EOF'
manifest = "file:///srv/manifest.json"
statedir-space.min-free = "64K"
statedir-space.min-free-percent = 1
statedir-space.min-free-inodes = 10
statedir-space.min-free-inodes-percent = 1
EOF
    mkdir -p "$MX_TMPL/srv"
    "$FP_BIN" manifest --root "$MX_TMPL" --config /etc/flux/preflight/conf.d \
        -o "$MX_TMPL/srv/manifest.json" >/dev/null || return 1
}

# a fresh image and live config for one row
mx_row_setup() {
    R=$T/row
    if [ -d "$R" ]; then
        # an earlier row's mounts are gone (row_atexit); nothing may be left mounted here
        if grep -q " $R[/ ]" /proc/self/mountinfo; then
            bail "a mount is left under $R"
        fi
        rm -rf "$R"
    fi
    cp -a "$MX_TMPL" "$R"
    SD=$R/var/lib/flux
    SYSD=$R/etc/flux/system/conf.d
    SECD=$R/etc/flux/security/conf.d
    IMPD=$R/etc/flux/imp/conf.d
    GATED=$R/etc/flux/preflight/conf.d
    CERT=$R/etc/flux/system/curve.cert
    KEY=$R/etc/munge/munge.key
    IMPBIN=$R/usr/libexec/flux/flux-imp
    LIB=$R/usr/lib/$FIXTURE_MA
    HOST=node0
    MX_SKIP=
    SNAP_PRUNE=
    MX_WRAP=()
    MX_ROW_CLEANUP=()
    LIVE=$T/live.d/gate.toml
    rm -rf "$T/live.d"
    mkdir -p "$T/live.d"
    # a live run reads the image's configs by path; flux is "nobody" on this host
    # (under check-valgrind the deadline is 6 s: the gate's loader alone takes
    # a second or more there, and a waiting check must still get its answer)
    cat >"$LIVE" <<EOF
deadline = "${MX_DEADLINE:-3s}"
flux-user = "nobody"
statedir = "$SD"
system-config = "$SYSD"
security-config = "$SECD"
imp-config = "$IMPD"
status-file = "$T/status.json"
EOF
}

row_atexit() { MX_ROW_CLEANUP=("$1" "${MX_ROW_CLEANUP[@]}"); }
mx_row_cleanup() {
    local c
    for c in "${MX_ROW_CLEANUP[@]}"; do eval "$c"; done
    MX_ROW_CLEANUP=()
}
mx_skip() { MX_SKIP=$1; }
sys_toml() { cat >"$SYSD/system.toml"; }
sys_add() { cat >>"$SYSD/system.toml"; }
live_conf() { cat >>"$LIVE"; }
gate_conf() { cat >>"$GATED/gate.toml"; }

# the system config of a live row whose rank 0 (node0) is the parent namespace
# mx_net_system CONNECT-OF-NODE0 [BIND]
mx_net_system() {
    sys_toml <<EOF
[bootstrap]
curve_cert = "/etc/flux/system/curve.cert"
default_port = $MX_PORT
default_bind = "${2:-tcp://$NETNS_HOST_IF:%p}"
default_connect = "tcp://%h:%p"
hosts = [
  { host = "node0", connect = "$1" },
  { host = "node1" },
  { host = "node2" },
]
EOF
}

# a private name service for the command: /etc/hosts and nsswitch.conf "files" only
# (so an unresolvable name fails at once, without asking the host's DNS)
mx_private_resolver() {
    printf 'hosts: files\n' >"$T/nsswitch.conf"
    printf '127.0.0.1 localhost\n' >"$T/hosts"
    cat >"$T/resolver-wrap" <<EOF
#!/bin/sh
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf && mount --bind "$T/hosts" /etc/hosts && exec "\$@"
EOF
    chmod 0755 "$T/resolver-wrap"
    MX_WRAP=(unshare --mount --propagation private "$T/resolver-wrap")
}

# a statedir mount for the row: mx_mount_statedir MOUNT-ARGS...
mx_mount_statedir() {
    mount "$@" "$SD" || { mx_skip "cannot mount ($*)"; return 0; }
    row_atexit "umount -l '$SD'"
}

# statedir on a FUSE filesystem that says it is glusterfs (tests/lib/fuse.sh)
mx_netfs_statedir() {
    fuse_netfs_mount "$R/mnt/gluster" 2>"$T/fuse-netfs.log" ||
        { mx_skip "cannot mount a FUSE filesystem here ($(head -1 "$T/fuse-netfs.log"))"; return 0; }
    row_atexit "fuse_netfs_umount '$R/mnt/gluster'"
    echo 'statedir = "/mnt/gluster/state"' | gate_conf
}

# --- fault makers too long for a table row ---------------------------------

# the statedir is on a filesystem that never answers (tests/lib/fuse.sh); the
# run's deadline (2 s) abandons the checks stuck in the kernel
mx_hung_statedir() {
    fuse_hang_mount "$R/mnt/hung" || { mx_skip "no FUSE here"; return 0; }
    row_atexit "fuse_hang_release '$R/mnt/hung'"
    printf 'statedir = "/mnt/hung/state"\ndeadline = "2s"\n' | gate_conf
    SNAP_PRUNE=./mnt/hung
}

# munged stopped by SIGSTOP: the check's 2 s timeout ends the wait
mx_frozen_munged() {
    printf '[munge]\nsocket = "%s"\n[timeout]\n"munge.daemon" = "2s"\n' "$MUNGE_OK" | live_conf
    munged_sigstop
    row_atexit munged_sigcont
}

# (time.sync's verdict by tests/lib/adjtimex.py; no flag file: journald_run hides /run/systemd)
mx_need_unsynced_clock() {
    local k
    k=$(python3 "$top_srcdir/tests/lib/adjtimex.py" | cut -d' ' -f9)
    [ "$k" = fail ] ||
        mx_skip "time.sync would say '$k' here: a shared machine's clock is not ours to unsynchronise"
}

# bare metal (no container, no VM, as systemd-detect-virt says): there an unsynchronised
# clock blocks (with or without a time service; the rest is tests/unit/test-timesync.c)
mx_need_bare_metal() {
    local v
    command -v systemd-detect-virt >/dev/null 2>&1 ||
        { mx_skip "no systemd-detect-virt to tell a container or a VM from bare metal"; return 0; }
    v=$(systemd-detect-virt 2>/dev/null || true)
    [ -z "$v" ] || [ "$v" = none ] ||
        mx_skip "this host is virtualized ($v): time.sync does not block here (see clock-unsynced-container)"
}

# the gate runs in a container that systemd's PID 1 marked (/run/systemd/container, in the
# private /run/systemd journald_run mounts)
mx_in_container() {
    MX_WRAP=(sh -c 'printf "fp-matrix\n" >/run/systemd/container && exec "$@"' sh)
}

# flux-core's own flux.service (StateDirectory=flux, StateDirectoryMode=0700, User=flux)
mx_flux_service() {
    fixture_flux_service "$R"
}

# a drop-in for flux.service: mx_flux_dropin NAME < CONTENT
mx_flux_dropin() {
    mkdir -p "$R/etc/systemd/system/flux.service.d" &&
        cat >"$R/etc/systemd/system/flux.service.d/$1"
}

# a singleton: no [bootstrap] table
mx_singleton() {
    sed -i '/^\[bootstrap\]$/,/^\]$/d' "$SYSD/system.toml"
}

# mx_bad_cert CMD...: CMD's output becomes the certificate (flux, 0400)
mx_bad_cert() {
    rm -f "$CERT"
    "$@" >"$CERT"
    chown 500:500 "$CERT"
    chmod 0400 "$CERT"
}
mx_mismatched_cert() {
    fixture_curve_cert "$T/other.cert" other || return 1
    local pub
    pub=$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$T/other.cert")
    mx_bad_cert python3 -c 'import re, sys; sys.stdout.write(re.sub(r"public-key = \".*\"", lambda m: "public-key = \"%s\"" % sys.argv[2], open(sys.argv[1]).read()))' \
        "$T/good.cert" "$pub"
}
mx_huge_cert() {
    mx_bad_cert sh -c 'head -c 71680 /dev/zero | tr "\0" "#"; echo; cat "$1"' sh "$T/good.cert"
}
# another valid certificate: what a node gets from a second `flux keygen`
mx_other_cert() {
    rm -f "$CERT"
    fixture_curve_cert "$CERT" node0 || return 1
    chown 500:500 "$CERT"
    chmod 0400 "$CERT"
}

# [resource] keeps its header, loses config
mx_resource_none() {
    sed -i '/^\[resource\]$/,/^\]$/{/^\[resource\]$/!d}' "$SYSD/system.toml"
}

# flux-imp's directory bind-mounted nosuid
mx_nosuid_imp() {
    local d=$R/usr/libexec/flux
    mount --bind "$d" "$d" || { mx_skip "cannot bind-mount"; return 0; }
    row_atexit "umount -l '$d'"
    mount -o remount,bind,nosuid "$d"
}

# a listener on ADDR:PORT in this namespace, for the row
mx_hold_port() {
    python3 -c '
import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(8)
open(sys.argv[3] + ".tmp", "w").close(); os.rename(sys.argv[3] + ".tmp", sys.argv[3])
while True: s.accept()
' "$1" "$2" "$T/held" </dev/null &
    local pid=$! n=0
    row_atexit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f '$T/held'"
    while [ ! -e "$T/held" ]; do
        kill -0 $pid 2>/dev/null && [ $n -lt 200 ] || { mx_skip "could not hold $1:$2"; return 0; }
        sleep 0.02; n=$((n + 1))
    done
}
mx_parent_dropped() {
    netns_drop "$MX_NET" "$MX_PORT" || { mx_skip "nft drop failed"; return 0; }
    row_atexit "netns_undrop '$MX_NET'"
}
mx_parent_unreachable() {
    netns_unreachable "$MX_NET" || { mx_skip "cannot make the parent unreachable"; return 0; }
    row_atexit "netns_reachable '$MX_NET'"
}

# real ELF programs and libraries in $R (fixture_elf_runtime): the row is
# skipped where there is no C compiler or ldconfig
mx_elf() {
    local rc=0
    fixture_elf_runtime "$R" || rc=$?
    [ "$rc" -eq 2 ] && mx_skip "no C compiler or ldconfig to build ELF files"
    [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]
}

# flux-core 0.88.0's own flux.service, with what its ExecStartPre= reach:
# systemd-logind and dbus units, user@.service with PAM service systemd-user
# (Debian 12's, in /usr/lib/pam.d) and its modules in usr/lib64/security
mx_user_manager() {
    local u=$R/usr/lib/systemd/system p m
    cp "$top_srcdir/tests/data/flux-core/flux.service" "$u/flux.service"
    printf '[Service]\nExecStart=/lib/systemd/systemd-logind\n' >"$u/systemd-logind.service"
    printf '[Service]\nExecStart=/usr/bin/dbus-daemon --system\n' >"$u/dbus.service"
    printf '[Service]\nUser=%%i\nPAMName=systemd-user\nExecStart=/lib/systemd/systemd --user\n' \
        >"$u/user@.service"
    mkdir -p "$R/lib/systemd" "$R/usr/lib/pam.d" "$R/usr/lib64/security"
    for p in usr/bin/loginctl usr/bin/systemctl usr/bin/bash usr/bin/dbus-daemon \
        lib/systemd/systemd-logind lib/systemd/systemd; do
        printf '#!/bin/sh\n' >"$R/$p"
        chmod 0755 "$R/$p"
    done
    printf 'session required pam_loginuid.so\nsession required pam_limits.so\nsession optional pam_keyinit.so force revoke\nsession optional pam_systemd.so\n' \
        >"$R/usr/lib/pam.d/systemd-user"
    for m in pam_loginuid pam_limits pam_keyinit pam_systemd; do
        printf 'ELF stub\n' >"$R/usr/lib64/security/$m.so"
    done
}
