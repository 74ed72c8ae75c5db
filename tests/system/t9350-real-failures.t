#!/bin/bash
# Every real start failure the gate claims to foresee, made on a node set up
# by the bundle's setup-node.sh with the real broker (flux-core 0.88.0 +
# flux-security 0.15.0) under systemd 252: cert 0644, a TOML error, the
# [resource] host set wrong, content.sqlite unreadable by flux, munged down,
# libpam-systemd removed, libpython3.11 removed (issue 14, acceptance 6).
#
# For each: the node boots with the gate off (flux-preflight(8): disabled), so
# the broker meets the fault alone; the gate, run by hand on that node, blocks
# (exit 1, the check fails); the text its message quotes as the broker's (or
# libpam's, systemd's, Python's, flux-security's) appears verbatim where that
# component writes it -- the broker's own journal (journalctl -u flux), the
# user manager's, or a user's flux run; and systemd's state is the one the
# message describes. A TOML error is also booted with the gate on: flux never
# starts.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
command -v jq >/dev/null || skip_all "jq is not installed"
. "$top_srcdir/tests/system/lib.sh"
. "$top_srcdir/tests/system/flux-lib.sh"
flux_need



# gate_by_hand CHECK: run the installed gate in the node; sets G_RC, G_RESULT, G_MSG
gate_by_hand() {
    local out
    G_RC=0
    out=$(sys_exec flux-preflight --check "$1" --json 2>/dev/null) || G_RC=$?
    G_RESULT=$(printf '%s' "$out" | jq -r --arg id "$1" '.results[] | select(.id == $id) | .result')
    G_MSG=$(printf '%s' "$out" | jq -r --arg id "$1" '.results[] | select(.id == $id) | .message')
}
# quote_of REGEX: the first text of the gate's message that REGEX matches
quote_of() { printf '%s\n' "$G_MSG" | grep -o -E -- "$1" | head -n 1; }
# wait_journal SECS TEXT [JOURNALCTL ARGS]: until TEXT is in that journal (0) or SECS pass (1)
wait_journal() {
    local n=$(($1 * 2)) text=$2
    shift 2
    while [ $n -gt 0 ]; do
        sys_journal -b -o cat "$@" 2>/dev/null | grep -q -F -- "$text" && return 0
        sleep 0.5
        n=$((n - 1))
    done
    return 1
}
unit_prop() { sys_exec systemctl show -p "$2" --value "$1"; }

# case_blocked NAME CHECK: the gate, by hand, blocks with CHECK failing
case_blocked() {
    gate_by_hand "$2"
    is "$G_RC/$G_RESULT" 1/fail "$1: the gate blocks ($2 fails)"
    [ "$G_RESULT" = fail ] || diag "$2: $G_MSG"
}
# case_quote NAME REGEX SECS [JOURNALCTL ARGS]: the quoted text is in that journal
case_quote() {
    local name=$1 re=$2 secs=$3 q
    shift 3
    q=$(quote_of "$re")
    ok "$name: the message quotes a text (${q:-none matching /$re/})" test -n "$q"
    if [ -n "$q" ] && wait_journal "$secs" "$q" "$@"; then
        ok "$name: \"$q\" is verbatim in journalctl $*" true
    else
        ok "$name: \"$q\" is verbatim in journalctl $*" false
        sys_journal -b -o cat "$@" 2>/dev/null | tail -n 15 | sed 's/^/#   /'
    fi
}

# ---- a TOML error: exit 1, restarted every 30 s ----------------------------------
prep_toml() { printf '\n[x]\ny = "unterminated\n' >>"$1/etc/flux/system/conf.d/system.toml"; }
flux_boot toml --gate off --prep prep_toml || bail "node did not boot"
case_blocked "TOML error" config.parse
like "$G_MSG" 'fails with "Config file error: /etc/flux/system/conf.d/system.toml:[0-9]+: unterminated quote"; the broker exits 1: flux.service fails and systemd starts it again every 30 s' \
    "TOML error: tomlc99's words and what systemd does"
case_quote "TOML error" 'Config file error: [^"]*' 60 -u flux.service
is "$(unit_prop flux.service Result)" exit-code "TOML error: flux.service Result=exit-code"
like "$(unit_prop flux.service ActiveState)/$(unit_prop flux.service SubState)" '^(activating/auto-restart|failed/failed)$' \
    "TOML error: waiting to be restarted (Restart=always)"
sys_poweroff
flux_boot toml-gated --prep prep_toml || bail "node did not boot"
sys_wait_state flux-preflight.service failed 60 || true
is "$(sys_exec systemctl is-active flux-preflight.service)" failed "TOML error, gate on: the gate fails at boot"
like "$(sys_journal -b -u flux-preflight.service -o cat FLUX_PREFLIGHT_CHECK=config.parse)" \
    'Config file error: /etc/flux/system/conf.d/system.toml:[0-9]+: unterminated quote' \
    "TOML error, gate on: its journal entry quotes the broker"
is "$(unit_prop flux.service ExecMainStartTimestampMonotonic)" 0 "TOML error, gate on: the broker never started"
sys_poweroff

# ---- cert 0644: exit 42 before READY=1, Result=protocol -----------------------------
prep_cert() { chmod 0644 "$1/etc/flux/system/curve.cert"; }
flux_boot cert --gate off --prep prep_cert || bail "node did not boot"
case_blocked "cert 0644" cert.perms
case_quote "cert 0644" 'Error loading certificate: [^"]*' 60 -u flux.service
sys_wait_state flux.service failed 30 || sys_wait_state flux.service inactive 5 || true
is "$(unit_prop flux.service Result)" protocol "cert 0644: flux.service Result=protocol (FLUX-FACTS §13)"
like "$G_MSG" "Result=protocol" "cert 0644: the gate says so"
sys_poweroff

# ---- [resource] host set wrong: rc1 fails, exit 42, Result=success ------------------
prep_resource() { sed -i 's/^hosts = "fluxnode"$/hosts = "othernode"/' "$1/etc/flux/system/conf.d/system.toml"; }
# rc1_case NAME PREP CHECK REGEX: an rc1 failure: exit 42 after READY=1, never restarted
rc1_case() {
    flux_boot "${2#prep_}" --gate off --prep "$2" || bail "node did not boot"
    case_blocked "$1" "$3"
    case_quote "$1" "$4" 90 -u flux.service
    sys_wait_state flux.service inactive 60 || true
    is "$(unit_prop flux.service Result)/$(unit_prop flux.service ActiveState)" success/inactive \
        "$1: Result=success, inactive (exit 42 from rc1 counts as success)"
    sys_poweroff
}
rc1_case "resource host set" prep_resource config.resource 'error reranking R: [^"]*'

# ---- content.sqlite unreadable by flux: rc1 fails, exit 42, Result=success ---------
prep_sqlite() {
    mkdir -p "$1/var/lib/flux"
    printf 'SQLite format 3\0' >"$1/var/lib/flux/content.sqlite"
    chown root:root "$1/var/lib/flux/content.sqlite"
    chmod 0600 "$1/var/lib/flux/content.sqlite"
}
rc1_case "content.sqlite" prep_sqlite statedir.restore 'content-sqlite: \[Errno 13\] Permission denied'

# ---- libpython3.11 removed: rc1's flux modprobe cannot import flux ----------------
prep_python() { rm -f "$1"/usr/lib/x86_64-linux-gnu/libpython3.11.so.1*; }
flux_boot python --gate off --prep prep_python || bail "node did not boot"
case_blocked "libpython3.11" packages.runtime
like "$G_MSG" 'ImportError: libpython3.11.so.1.0: cannot open shared object file: No such file or directory' \
    "libpython3.11: the message quotes Python"
case_quote "libpython3.11" 'libpython3.11.so.1.0: cannot open shared object file: No such file or directory' 90 -u flux.service
sys_wait_state flux.service inactive 60 || true
is "$(unit_prop flux.service Result)/$(unit_prop flux.service ActiveState)" success/inactive \
    "libpython3.11: Result=success, inactive (rc1 failed after READY=1)"
sys_poweroff

# ---- libpam-systemd removed: flux.service's ExecStartPre= fails ---------------------
prep_pam() { rm -f "$1"/usr/lib/x86_64-linux-gnu/security/pam_systemd.so "$1"/lib/x86_64-linux-gnu/security/pam_systemd.so; }
flux_boot pam --gate off --prep prep_pam || bail "node did not boot"
case_blocked "libpam-systemd" user.manager
flux_uid=$(sys_exec id -u flux)
case_quote "libpam-systemd (libpam)" 'PAM unable to dlopen\(pam_systemd.so\)' 60
case_quote "libpam-systemd (the user manager)" 'Trying to run as user instance, but \$XDG_RUNTIME_DIR is not set\.' 60
ok "libpam-systemd: flux.service's journal shows its ExecStartPre= failing on user@$flux_uid.service" \
    wait_journal 30 "user@$flux_uid.service" -u flux.service
is "$(unit_prop flux.service ExecMainStartTimestampMonotonic)" 0 "libpam-systemd: the broker never started"
sys_poweroff

# ---- munged down: the broker runs; a user's job cannot be signed -------------------
prep_munge() { ln -sf /dev/null "$1/etc/systemd/system/munge.service"; }
flux_boot munge --gate off --prep prep_munge || bail "node did not boot"
case_blocked "munged down" munge.daemon
q=$(quote_of 'sign-munge-sign: Failed to access "[^"]*": [^)]*\)')
ok "munged down: the message quotes flux-security (${q:-none})" test -n "$q"
flux_wait_run 60 || diag "flux did not reach run"
sys_exec useradd -m alice
out=$(sys_exec runuser -u alice -- env FLUX_URI=local:///run/flux/local flux run id 2>&1 || true)
ok "munged down: a user's flux run prints it verbatim" bash -c 'printf "%s" "$1" | grep -q -F -- "$2"' _ "$out" "$q"
[ -n "$q" ] && ! printf '%s' "$out" | grep -q -F -- "$q" && diag "flux run said: $out"
sys_poweroff

done_testing
