# The real-broker tier: flux-core 0.88.0 + flux-security 0.15.0 from the bundle in
# ../shared/flux (README there), booted under real systemd in nspawn, with this build of the
# gate in front of the real flux.service (bash; source after tests/lib/tap.sh and
# tests/system/lib.sh).
#
#   flux_need                 skip_all with the reason unless root + nspawn + mmdebstrap + the
#                             bundle (FLUX_BUNDLE, else $SHARED_DIR/flux, else
#                             $top_srcdir/../shared/flux); builds (once, cached) the flux rootfs:
#                             the bundle's packages.txt + the gate's run-time libraries + the
#                             bundle extracted at / (tests/system/rootfs.sh, FP_ROOTFS_FLUX)
#   flux_node_layer VARIANT   print the cached node layer for VARIANT, building it once: the
#                             overlay upper dir of running the bundle's setup-node.sh --no-start
#                             (hostname fluxnode) on the flux rootfs, as the admin guide sets up
#                             a node. VARIANT: default | nostate (--leave-statedir-absent) |
#                             nosecurity (--without-security)
#   flux_payload              stage `make install DESTDIR=$FLUX_PAY` of this build (once per test)
#   flux_boot NAME [options]  boot a node: overlay (gate payload layer, node layer, flux rootfs)
#                             with a tmpfs upper (nothing persists); flux.service enabled (the
#                             node layer) and the gate enabled, so at boot the gate runs, then flux
#         --variant V         the node layer (default: default)
#         --gate off          the gate installed but not enabled (systemctl enable is what
#                             makes flux.service require it): what the broker does alone
#         --no-flux           flux.service not started at boot (not enabled)
#         --hostname H        the node's hostname (default fluxnode, the name setup-node.sh
#                             wrote into system.toml)
#         --net NETNS         join network namespace NETNS (default: a private one, only lo)
#         --prep FUNC         a bash function called with the merged root before boot (it is
#                             exported for you); edits land in the tmpfs upper
#                             Sets what sys_boot sets (SYS_LEADER, SYS_OUT, ...); one node at a
#                             time per shell: for two, boot each in its own subshell-free
#                             sequence with FLUX_NODE_SAVE/FLUX_NODE_USE (below)
#   flux_wait_run [SECS]      until `flux uptime` says run (0) or SECS (default 60) pass (1)
#   flux_uptime               `flux uptime` in the node (FLUX_URI local:///run/flux/local)
#   flux_gate_disable         turn the gate off in the running node as flux-preflight(8) says:
#                             systemctl disable flux-preflight
#   flux_broker_journal       `journalctl -u flux.service -o cat` of the node, this boot
#   flux_net_pair A B         network namespaces A and B joined by a veth pair: A is 10.214.N.1,
#                             B is 10.214.N.2 (/30; N picked free under a lock); removed at exit.
#                             Sets FLUX_NET_A FLUX_NET_B (namespace names) FLUX_NET_A_IP
#                             FLUX_NET_B_IP; pass FLUX_NET_A to flux_boot --net
#   flux_node_save VAR        store the current node's SYS_* variables in shell variable VAR, and
#   flux_node_use VAR         make a stored node current again (for sys_exec etc.)

FLUX_LIB_RECIPE=2
FLUX_CACHE=${FP_ROOTFS_CACHE:-/var/cache/flux-preflight-tests}

flux_bundle() {
    for _fb_d in "${FLUX_BUNDLE:-}" "${SHARED_DIR:+$SHARED_DIR/flux}" \
                 "${top_srcdir:+$top_srcdir/../shared/flux}"; do
        [ -n "$_fb_d" ] && [ -f "$_fb_d/setup-node.sh" ] && [ -f "$_fb_d/packages.txt" ] &&
            { (cd "$_fb_d" && pwd); return 0; }
    done
    return 1
}

flux_need() {
    [ -z "${FP_TEST_SKIP_SYSTEM:-}" ] || skip_all "system tier skipped (FP_TEST_SKIP_SYSTEM is set)"
    [ -z "${FP_TEST_SKIP_FLUX:-}" ] || skip_all "real-broker tier skipped (FP_TEST_SKIP_FLUX is set)"
    FLUX_BUNDLE=$(flux_bundle) ||
        skip_all "no Flux bundle (looked in ${FLUX_BUNDLE:-\$FLUX_BUNDLE unset}${SHARED_DIR:+, $SHARED_DIR/flux}: set FLUX_BUNDLE or SHARED_DIR to the flux-core + flux-security bundle: setup-node.sh, packages.txt, the binary tarball)"
    ls "$FLUX_BUNDLE"/flux-*-bookworm-amd64.tar.xz >/dev/null 2>&1 ||
        skip_all "the Flux bundle $FLUX_BUNDLE has no binary tarball"
    [ "$(uname -m)" = x86_64 ] || skip_all "the Flux bundle is built for amd64"
    export FLUX_BUNDLE
    if [ -z "${FLUX_ROOTFS:-}" ]; then
        [ "$(id -u)" = 0 ] || skip_all "system tests need root (systemd-nspawn)"
        command -v mmdebstrap >/dev/null 2>&1 || skip_all "mmdebstrap not installed"
        _fn_t0=$(_sys_now)
        FLUX_ROOTFS=$(FP_ROOTFS_FLUX=$FLUX_BUNDLE bash "$SYS_LIB_DIR/rootfs.sh") ||
            bail "could not build the flux rootfs (tests/system/rootfs.sh with FP_ROOTFS_FLUX)"
        FLUX_ROOTFS_SECONDS=$(_sys_since "$_fn_t0")
    fi
    SYS_ROOTFS=$FLUX_ROOTFS
    sys_need
    [ -x "$SYS_ROOTFS/usr/bin/flux" ] || bail "the flux rootfs $SYS_ROOTFS has no /usr/bin/flux"
    export FLUX_ROOTFS SYS_ROOTFS
}

_flux_variant_opts() {
    case $1 in
        default) echo "" ;;
        nostate) echo "--leave-statedir-absent" ;;
        nosecurity) echo "--without-security" ;;
        *) return 1 ;;
    esac
}

# The node layer: setup-node.sh --no-start run once (not booted: systemd-nspawn runs it as a
# command, so systemctl enables offline) on an overlay of the flux rootfs; its upper dir, cached
# beside the rootfs, is the layer. machine-id stays empty, as in the rootfs.
flux_node_layer() {
    _fl_v=${1:-default}
    _fl_opts=$(_flux_variant_opts "$_fl_v") || { echo "flux_node_layer: unknown variant $_fl_v" >&2; return 1; }
    _fl_final=$FLUX_CACHE/node-$(basename "$FLUX_ROOTFS")-$_fl_v-r$FLUX_LIB_RECIPE
    if [ ! -e "$_fl_final/.fp-node-complete" ]; then
        (
            exec 9>"$_fl_final.lock"
            flock 9
            [ -e "$_fl_final/.fp-node-complete" ] && exit 0
            rm -rf --one-file-system "$_fl_final.build"
            mkdir -p "$_fl_final.build/upper" "$_fl_final.build/work" "$_fl_final.build/root"
            # shellcheck disable=SC2086
            unshare --mount --propagation private bash -c '
                b=$1 rootfs=$2; shift 2
                mount -t overlay fp-flux-node -o "lowerdir=$rootfs,upperdir=$b/upper,workdir=$b/work" "$b/root" || exit 1
                systemd-nspawn -q -D "$b/root" --register=no --keep-unit --private-network \
                    --hostname=fluxnode --machine="fp-flux-layer-$$" \
                    bash /root/setup-node.sh --no-start "$@"' fp-flux "$_fl_final.build" "$FLUX_ROOTFS" $_fl_opts \
                >"$_fl_final.build/setup.log" 2>&1 ||
                { echo "flux_node_layer: setup-node.sh $_fl_opts failed:" >&2; cat "$_fl_final.build/setup.log" >&2; exit 1; }
            # systemd sets the hostname from /etc/hostname at boot: the name setup-node.sh used
            echo fluxnode >"$_fl_final.build/upper/etc/hostname"
            cp "$_fl_final.build/setup.log" "$_fl_final.build/upper/.fp-node-setup.log"
            printf 'variant=%s options=%s\nbuilt=%s\n' "$_fl_v" "$_fl_opts" "$(date -Is)" \
                >"$_fl_final.build/upper/.fp-node-complete"
            rm -rf --one-file-system "$_fl_final"
            mv -T "$_fl_final.build/upper" "$_fl_final" && rm -rf --one-file-system "$_fl_final.build"
        ) || return 1
    fi
    echo "$_fl_final"
}

flux_payload() {
    [ -n "${FLUX_PAY:-}" ] && [ -d "$FLUX_PAY" ] && return 0
    FLUX_PAY=$(mktemp -d "${TMPDIR:-/tmp}/fp-flux-pay.XXXXXX") || return 1
    fp_atexit "rm -rf '$FLUX_PAY'"
    make -s -C "$top_builddir" install DESTDIR="$FLUX_PAY" >"$FLUX_PAY.log" 2>&1 ||
        { cat "$FLUX_PAY.log" >&2; rm -f "$FLUX_PAY.log"; return 1; }
    rm -f "$FLUX_PAY.log"
    export FLUX_PAY
}

_flux_prep_no_flux() {
    rm -f "$1/etc/systemd/system/multi-user.target.wants/flux.service"
}

_flux_prep_all() {
    _fp_root=$1
    if [ "${FLUX_PREP_HOSTNAME:-fluxnode}" != fluxnode ]; then
        echo "$FLUX_PREP_HOSTNAME" >"$_fp_root/etc/hostname" || return 1
    fi
    if [ "${FLUX_PREP_NO_FLUX:-0}" = 1 ]; then _flux_prep_no_flux "$_fp_root" || return 1; fi
    if [ -n "${FLUX_PREP_USER:-}" ]; then "$FLUX_PREP_USER" "$_fp_root" || return 1; fi
    return 0
}

flux_boot() {
    _fb_name=${1:?flux_boot NAME [options]}; shift
    _fb_variant=default _fb_gate=on _fb_noflux=0 _fb_host=fluxnode _fb_net= _fb_prep=
    while [ $# -gt 0 ]; do
        case $1 in
            --variant) _fb_variant=$2; shift 2 ;;
            --gate) _fb_gate=$2; shift 2 ;;
            --no-flux) _fb_noflux=1; shift ;;
            --hostname) _fb_host=$2; shift 2 ;;
            --net) _fb_net=$2; shift 2 ;;
            --prep) _fb_prep=$2; shift 2 ;;
            *) echo "flux_boot: unknown option $1" >&2; return 1 ;;
        esac
    done
    [ -n "${FLUX_ROOTFS:-}" ] || flux_need
    flux_payload || { echo "flux_boot: make install failed" >&2; return 1; }
    _fb_layer=$(flux_node_layer "$_fb_variant") || return 1
    # the payload layer: this build; the gate wired to flux.service unless --gate off
    _fb_pay=$(mktemp -d "${TMPDIR:-/tmp}/fp-flux-$_fb_name.XXXXXX") || return 1
    fp_atexit "rm -rf '$_fb_pay'"
    tar -C "$FLUX_PAY" -cf - . | tar -C "$_fb_pay" -xf - || return 1
    _fb_enable=flux-preflight.service
    [ "$_fb_gate" = off ] && _fb_enable=

    FLUX_PREP_NO_FLUX=$_fb_noflux FLUX_PREP_USER=$_fb_prep FLUX_PREP_HOSTNAME=$_fb_host
    export FLUX_PREP_NO_FLUX FLUX_PREP_USER FLUX_PREP_HOSTNAME
    export -f _flux_prep_all _flux_prep_no_flux
    [ -n "$_fb_prep" ] && export -f "${_fb_prep?}"
    SYS_PAYLOAD_AT_BOOT=1 SYS_ENABLE=$_fb_enable SYS_LOWER=$_fb_layer SYS_PREP=_flux_prep_all \
        SYS_NETWORK=${_fb_net:+--network-namespace-path=/run/netns/$_fb_net} \
        SYS_NSPAWN_ARGS="--hostname=$_fb_host ${SYS_NSPAWN_ARGS:-}" \
        sys_boot "$_fb_name" "$_fb_pay" || return 1
    # sys_poweroff at exit stops the last node booted; this stops this one
    fp_atexit "_flux_poweroff $SYS_NSPAWN_PID"
}

_flux_poweroff() {
    kill -TERM "$1" 2>/dev/null || return 0
    _fp_n=600
    while kill -0 "$1" 2>/dev/null && [ $_fp_n -gt 0 ]; do sleep 0.05; _fp_n=$((_fp_n - 1)); done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

flux_uptime() {
    sys_exec env FLUX_URI=local:///run/flux/local /usr/bin/flux uptime 2>/dev/null
}

flux_wait_run() {
    _fw_n=$(( ${1:-60} * 10 ))
    while [ $_fw_n -gt 0 ]; do
        [ "$(flux_uptime | awk '{print $2}')" = run ] && return 0
        sleep 0.1; _fw_n=$((_fw_n - 1))
    done
    return 1
}

flux_gate_disable() {
    sys_exec systemctl disable -q flux-preflight.service
}

flux_broker_journal() {
    sys_journal -b -u flux.service -o cat
}

flux_net_pair() {
    _fn_a=${1:?flux_net_pair A B}; _fn_b=${2:?B}
    mkdir -p /run/fp-flux-net
    _fn_n=
    exec 8>/run/fp-flux-net/.lock
    flock 8
    for _fn_i in $(seq 1 254); do
        if [ ! -e "/run/fp-flux-net/$_fn_i" ] || ! kill -0 "$(cat "/run/fp-flux-net/$_fn_i" 2>/dev/null)" 2>/dev/null; then
            echo $$ >"/run/fp-flux-net/$_fn_i"; _fn_n=$_fn_i; break
        fi
    done
    flock -u 8; exec 8>&-
    [ -n "$_fn_n" ] || { echo "flux_net_pair: no free 10.214.N.0/30" >&2; return 1; }
    FLUX_NET_A=fp-$_fn_a-$$ FLUX_NET_B=fp-$_fn_b-$$
    FLUX_NET_A_IP=10.214.$_fn_n.1 FLUX_NET_B_IP=10.214.$_fn_n.2
    fp_atexit "ip netns del '$FLUX_NET_A' 2>/dev/null; ip netns del '$FLUX_NET_B' 2>/dev/null; rm -f '/run/fp-flux-net/$_fn_n'"
    ip netns add "$FLUX_NET_A" && ip netns add "$FLUX_NET_B" &&
        ip link add "fpfa$_fn_n" type veth peer name "fpfb$_fn_n" &&
        ip link set "fpfa$_fn_n" netns "$FLUX_NET_A" name eth0 &&
        ip link set "fpfb$_fn_n" netns "$FLUX_NET_B" name eth0 || return 1
    ip -n "$FLUX_NET_A" addr add "$FLUX_NET_A_IP/30" dev eth0 && ip -n "$FLUX_NET_A" link set eth0 up &&
        ip -n "$FLUX_NET_A" link set lo up &&
        ip -n "$FLUX_NET_B" addr add "$FLUX_NET_B_IP/30" dev eth0 && ip -n "$FLUX_NET_B" link set eth0 up &&
        ip -n "$FLUX_NET_B" link set lo up || return 1
    export FLUX_NET_A FLUX_NET_B FLUX_NET_A_IP FLUX_NET_B_IP
}

flux_node_save() {
    eval "$1=\"\$SYS_NSPAWN_PID \$SYS_LEADER \$SYS_MACHINE \$SYS_OUT\""
}

flux_node_use() {
    eval "set -- \$$1"
    SYS_NSPAWN_PID=$1 SYS_LEADER=$2 SYS_MACHINE=$3 SYS_OUT=$4
}
