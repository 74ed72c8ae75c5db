#!/bin/sh
# time.sync on this machine, for real: whatever the kernel says, the gate's
# verdict must be the fixed expected one of the case adjtimex(2), as read by
# python3 (ctypes, modes = 0), puts this machine in, and what it does about an unsynchronised clock must follow
# from where it runs: in a container (this very machine may be one; and one
# made with /run/systemd/container) it warns at once, where a time service
# will synchronise the clock it waits until the deadline; the virtualization
# it finds is systemd-detect-virt's; systemd-timesyncd's flag file (made in a
# private /run/systemd) counts as synchronised; and the gate never changes the
# clock: it runs without CAP_SYS_TIME, so any attempt to set anything would
# fail (and show as an error). Every outcome of the decision on injected
# states is in tests/unit/test-timesync.c.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
NOTIFY="python3 $top_srcdir/tests/lib/notify-capture.py"

T=$(mktemp -d /tmp/fp-t0470.XXXXXX)
fp_atexit "rm -rf '$T'"
. "$top_srcdir/tests/lib/installed.sh"
mkdir -p "$T/live.d"
printf 'deadline = "2s"\n' >"$T/live.d/gate.toml"
R=$T/empty; mkdir -p "$R"   # nothing to snapshot in live runs but this dir
FLAG=/run/systemd/timesync/synchronized

# adjtimex via ctypes: "rc status maxerror esterror freq offset constant tick ..."
# (raw values only: this test does not use the script's own verdict column)
kernel() { python3 "$top_srcdir/tests/lib/adjtimex.py" "$FLAG"; }
field() { echo "$1" | cut -d' ' -f"$2"; }

# The state of this machine's clock, named from adjtimex's raw values as
# python reads them: "flag" (systemd-timesyncd's flag file exists), "clockerr"
# (STA_CLOCKERR set), "over" (maxerror above the documented bound, 1 s =
# 1000000 us) or "within".
clock_state() { # clock_state KERNEL-LINE
    if [ -e "$FLAG" ]; then echo flag
    elif [ $(( $(field "$1" 2) & 0x1000 )) -ne 0 ]; then echo clockerr
    elif [ "$(field "$1" 3)" -gt 1000000 ]; then echo over
    else echo within; fi
}
# What time.sync must say in each case this machine can be in: CLOCK (as
# above), VIRT (none, vm, container) and whether a time service is enabled
# (SERVICES: 0, a count, or -1 when systemd cannot be asked). Fixed expected
# values, one row per case (DESIGN.md's time.sync; every decision on injected
# states is in tests/unit/test-timesync.c).
expect() { # expect CLOCK VIRT SERVICES -> "RESULT WAITS"
    svc=$([ "$3" = 0 ] && echo none || echo some)
    case "$1/$2/$svc" in
    flag/*/* | within/*/*)          echo "pass no" ;;
    clockerr/container/* | over/container/*) echo "skip no" ;;
    clockerr/vm/some | over/vm/some)     echo "fail yes" ;;
    clockerr/none/some | over/none/some) echo "fail yes" ;;
    clockerr/vm/none | over/vm/none)     echo "warn no" ;;
    clockerr/none/none | over/none/none) echo "fail no" ;;
    *) echo "unknown-case-$1/$2/$svc no" ;;
    esac
}

# --- the verdict on this machine, without CAP_SYS_TIME
k0=$(kernel)
rc=0
setpriv --bounding-set -sys_time $NOTIFY "$T/notify" -- "$FP_BIN" --config "$T/live.d" --check time.sync --json \
    >"$T/out" 2>"$T/err" || rc=$?
k1=$(kernel)
diag "kernel before: $k0 / after: $k1"
clock=$(clock_state "$k0")
virt=$(fact time.sync virtualization)
services=$(fact time.sync time_services)
read -r want waits <<<"$(expect "$clock" "$virt" "$services")"
diag "clock $clock, virtualization $virt ($(fact time.sync virtualization_name)), time services $services: expect $want, wait $waits"
sta_unsync=$([ $(( $(field "$k0" 2) & 0x40 )) -ne 0 ] && echo true || echo false)
if [ "$clock" != "$(clock_state "$k1")" ]; then
    skip "the kernel's state changed during the run ($k0 -> $k1): no consistency check"
else
    is "$(result time.sync)" "$want" "time.sync agrees with adjtimex as python reads it, and the rule ($want)"
fi
# the virtualization as systemd-detect-virt, the reference, sees it
if command -v systemd-detect-virt >/dev/null 2>&1; then
    c=$(systemd-detect-virt --container 2>/dev/null || true)
    if [ -n "$c" ] && [ "$c" != none ]; then
        is "$virt/$(fact time.sync virtualization_name)" "container/$c" "a container, named as systemd-detect-virt names it ($c)"
    else
        v=$(systemd-detect-virt --vm 2>/dev/null || true)
        is "$virt" "$([ -n "$v" ] && [ "$v" != none ] && echo vm || echo none)" "virtualization as systemd-detect-virt says ($v)"
    fi
else
    skip "no systemd-detect-virt here to compare the virtualization with"
fi
isnt_error() { [ "$(result time.sync)" != error ]; }
ok "without CAP_SYS_TIME the check still reads the clock state (so it only reads: modes = 0)" isnt_error
is "$(fact time.sync sta_unsync)" "$sta_unsync" "fact sta_unsync matches STA_UNSYNC from python"
like "$(fact time.sync maxerror_us)" '^[0-9]+$' "fact maxerror_us is a number"
is "$(fact time.sync adjtimex)" "$(case $(field "$k0" 1) in 0) echo TIME_OK;; 1) echo TIME_INS;; 2) echo TIME_DEL;; 3) echo TIME_OOP;; 4) echo TIME_WAIT;; 5) echo TIME_ERROR;; *) field "$k0" 1;; esac)" \
    "fact adjtimex names adjtimex's return value"
is "$(fact time.sync max_error_bound_us)" 1000000 "fact max_error_bound_us: the documented 1 s"
if [ "$want" = pass ]; then
    is "$(fact time.sync time_services)" "" "fact time_services: not asked, the clock is synchronised"
else
    like "$(fact time.sync time_services)" '^(-1|[0-9]+)$' "fact time_services: a count, or -1 when systemd cannot be asked"
fi
case "$want/$waits" in
fail/yes)
    is "$rc" 1 "not synchronised, a time service to wait for: exit 1"
    like "$(msg time.sync)" "^the kernel clock is not synchronised \(.*maxerror [0-9.]+ (s|ms), above 1 s\).*: .*systemctl enable --now chrony" \
        "...message with the error, the bound and the remedy"
    ok "...it waited (STATUS=waiting for time sync)" grep -q '^STATUS=waiting for time sync' "$T/notify"
    ok "...several attempts, for about the deadline ($(jq '.results[0].duration_us' "$T/out") us)" \
        test "$(jq '.results[0].duration_us' "$T/out")" -gt 1000000 ;;
fail/no)
    is "$rc" 1 "not synchronised, nothing to synchronise it: exit 1"
    like "$(msg time.sync)" "no time service is enabled .*: nothing will ever synchronise it, so waiting is pointless" "...says so"
    ok "...and did not wait (no STATUS=waiting for time sync)" eval '! grep -q "^STATUS=waiting for time sync" "$T/notify"'
    skip "no wait to observe" ;;
skip/no|warn/no)
    is "$rc" 0 "not synchronised, but not this node's to synchronise ($virt): $want, exit 0, not blocked"
    like "$(msg time.sync)" "^the kernel clock is not synchronised \(.*\), and this (is a container|virtual machine)" "...says what it is"
    ok "...and did not wait (no STATUS=waiting for time sync)" eval '! grep -q "^STATUS=waiting for time sync" "$T/notify"'
    ok "...one attempt ($(jq '.results[0].duration_us' "$T/out") us, the deadline is 2 s)" \
        test "$(jq '.results[0].duration_us' "$T/out")" -lt 1000000 ;;
*)
    is "$rc" 0 "synchronised: exit 0"
    like "$(msg time.sync)" "synchronised" "...message"
    skip "the clock is synchronised here: no wait to observe"
    skip "the clock is synchronised here: no wait to observe" ;;
esac
# the clock's discipline is untouched (no NTP daemon here moves it meanwhile)
if pgrep -x 'chronyd|ntpd|systemd-timesyncd|openntpd' >/dev/null 2>&1; then
    skip "an NTP daemon runs here: the kernel's frequency may move by itself"
else
    is "$(field "$k1" 2) $(field "$k1" 5) $(field "$k1" 6) $(field "$k1" 7) $(field "$k1" 8)" \
        "$(field "$k0" 2) $(field "$k0" 5) $(field "$k0" 6) $(field "$k0" 7) $(field "$k0" 8)" \
        "status, freq, offset, constant and tick unchanged by the run"
fi

# --- journald fields of the live verdict
rc=0
journald_run "$T/j1.json" setpriv --bounding-set -sys_time "$FP_BIN" --journal --config "$T/live.d" \
    --check time.sync >/dev/null 2>&1 || rc=$?
read -r want _ <<<"$(expect "$(clock_state "$(kernel)")" "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_VIRTUALIZATION)" \
    "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_TIME_SERVICES)")"
is "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_RESULT)" "$want" "journal: FLUX_PREFLIGHT_RESULT=$want"
is "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_SEVERITY)" fail "journal: FLUX_PREFLIGHT_SEVERITY=fail"
is "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_STA_UNSYNC)" "$sta_unsync" "journal: FLUX_PREFLIGHT_STA_UNSYNC"
like "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_MAXERROR_US)" '^[0-9]+$' "journal: FLUX_PREFLIGHT_MAXERROR_US"
like "$(jfield "$T/j1.json" time.sync FLUX_PREFLIGHT_VIRTUALIZATION)" '^(none|vm|container)$' "journal: FLUX_PREFLIGHT_VIRTUALIZATION"
is "$(jfield "$T/j1.json" time.sync MESSAGE_ID)" "$("$FP_BIN" explain time.sync | sed -n 's/.*MESSAGE_ID=//p' | head -1)" \
    "journal: the check's MESSAGE_ID"

# --- a container, as systemd's PID 1 marks one: /run/systemd/container (in the private
# /run/systemd that journald_run mounts; the host's is untouched). The clock is the host's:
# when it is not synchronised the gate warns at once instead of waiting for the deadline.
rc=0
journald_run "$T/jc.json" sh -c 'printf "fp-test\n" >/run/systemd/container && exec "$@"' sh \
    setpriv --bounding-set -sys_time $NOTIFY "$T/notify-c" -- "$FP_BIN" --journal --config "$T/live.d" \
    --check time.sync --json >"$T/out" 2>"$T/err" || rc=$?
is "$(fact time.sync virtualization)/$(fact time.sync virtualization_name)" container/fp-test \
    "/run/systemd/container names the container, before /proc/1/environ and /.dockerenv (as systemd)"
case $(clock_state "$(kernel)") in clockerr|over) unsynced=yes ;; *) unsynced=no ;; esac
if [ "$unsynced" = yes ]; then
    is "$rc/$(result time.sync)" 0/skip "container, clock not synchronised: skip (the host's clock, not the node's), exit 0"
    like "$(msg time.sync)" "and this is a container \(fp-test\): its clock is the host's kernel clock, which no time service can set from inside \(systemd-timesyncd has ConditionVirtualization=!container\)" \
        "...and says why"
    ok "container: no wait (no STATUS=waiting for time sync)" eval '! grep -q "^STATUS=waiting for time sync" "$T/notify-c"'
    is "$(jfield "$T/jc.json" time.sync FLUX_PREFLIGHT_RESULT)" skip "container: journal RESULT=skip"
else
    is "$rc/$(result time.sync)" 0/pass "container, the host keeps the clock synchronised: pass"
    skip "the clock is synchronised here: nothing to warn about"
    skip "the clock is synchronised here: no wait to observe"
    skip "-"
fi

# --- systemd-timesyncd says synchronised: its flag file, in a private /run/systemd
# (journald_run mounts a tmpfs there; the host's /run/systemd is untouched)
host_flag=$([ -e "$FLAG" ] && echo yes || echo no)
rc=0
journald_run "$T/j2.json" sh -c 'mkdir -p /run/systemd/timesync && : >/run/systemd/timesync/synchronized && exec "$@"' sh \
    setpriv --bounding-set -sys_time "$FP_BIN" --journal --config "$T/live.d" --check time.sync --json \
    >"$T/out" 2>"$T/err" || rc=$?
is "$rc" 0 "timesyncd flag file present: exit 0"
is "$(result time.sync)" pass "timesyncd flag file present: pass"
is "$(msg time.sync)" "systemd-timesyncd has synchronised the clock ($FLAG exists)" "...message names the flag file"
is "$(jfield "$T/j2.json" time.sync FLUX_PREFLIGHT_RESULT)" pass "journal: RESULT=pass"
is "$(jfield "$T/j2.json" time.sync FLUX_PREFLIGHT_TIMESYNCD_SYNCHRONIZED)" true "journal: FLUX_PREFLIGHT_TIMESYNCD_SYNCHRONIZED=true"
is "$(jfield "$T/j2.json" time.sync PRIORITY)" 6 "journal: PRIORITY=6"
is "$([ -e "$FLAG" ] && echo yes || echo no)" "$host_flag" "the host's own flag file is as it was"

# --- under --root: a live check, skipped
installed_root "$T/root" || bail "fixture root"
gate time.sync
is "$(result time.sync)" skip "under --root: skip"
is "$(msg time.sync)" "inspects the live node: not run under --root" "...with the reason"

done_testing
