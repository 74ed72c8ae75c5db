/* time.sync's decision (src/checks/timesync.c) on injected kernel states:
 * both outcomes, every rule, without touching the clock. The last test reads
 * this machine's real state (adjtimex with modes = 0) and only checks that the
 * reading is coherent. */
#include <errno.h>
#include <string.h>
#include <sys/timex.h>

#include "checks/timesync.h"
#include "tap.h"

static struct timesync_state st(int rc, int status, long maxerr, long esterr, bool flag)
{
    struct timesync_state s = {
        .rc = rc,
        .status = status,
        .maxerror_us = maxerr,
        .esterror_us = esterr,
        .timesyncd_flag = flag,
        .timedated = -1,
        .virt = TIMESYNC_VIRT_NONE,
        .services = 1, /* a time service is enabled (the rules below it are the clock's) */
        .service_names = "chrony.service",
    };
    return s;
}

static enum timesync_verdict decide(struct timesync_state s, char *why, size_t whysz)
{
    return timesync_decide(&s, TIMESYNC_MAX_ERROR_US, why, whysz);
}

int main(void)
{
    char why[512];
    enum timesync_verdict v;

    /* synchronised: an NTP daemon keeps the error small, STA_UNSYNC clear */
    v = decide(st(TIME_OK, STA_PLL | STA_NANO, 12500, 800, false), why, sizeof(why));
    is_int(v, TIMESYNC_SYNCED, "TIME_OK, STA_UNSYNC clear, maxerror 12.5 ms: synchronised");
    is(why, "kernel clock synchronised (maxerror 12.5 ms, esterror 800 us)",
       "the reason gives maxerror and esterror");

    /* exactly at the bound is still synchronised */
    v = decide(st(TIME_OK, 0, TIMESYNC_MAX_ERROR_US, 0, false), why, sizeof(why));
    is_int(v, TIMESYNC_SYNCED, "maxerror exactly at the bound (1 s): synchronised");

    /* not synchronised: the kernel's boot state (what this machine shows) */
    v = decide(st(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, false), why, sizeof(why));
    is_int(v, TIMESYNC_UNSYNCED, "TIME_ERROR, STA_UNSYNC, maxerror 16 s: not synchronised");
    is(why, "the kernel clock is not synchronised (STA_UNSYNC, maxerror 16 s, above 1 s) (time "
            "service: chrony.service)",
       "the reason names STA_UNSYNC, the error, the bound and the time service waited for");

    /* STA_UNSYNC clear but the error has grown past the bound (daemon gone) */
    v = decide(st(TIME_OK, 0, TIMESYNC_MAX_ERROR_US + 1, 0, false), why, sizeof(why));
    is_int(v, TIMESYNC_UNSYNCED, "STA_UNSYNC clear, maxerror just above 1 s: not synchronised");
    is(why, "the kernel clock is not synchronised (maxerror 1.000001 s, above 1 s) (time service: "
            "chrony.service)",
       "the reason gives the error to the microsecond, the bound, and no STA_UNSYNC");

    /* STA_UNSYNC set on purpose by a daemon (chrony without rtcsync) */
    v = decide(st(TIME_ERROR, STA_UNSYNC | STA_PLL, 5000, 100, false), why, sizeof(why));
    is_int(v, TIMESYNC_SYNCED, "STA_UNSYNC with maxerror 5 ms: synchronised, as timedatectl says");
    ok(strstr(why, "STA_UNSYNC is set") != NULL, "...and the reason says so (%s)", why);

    /* clock hardware fault */
    v = decide(st(TIME_ERROR, STA_CLOCKERR, 1000, 10, false), why, sizeof(why));
    is_int(v, TIMESYNC_UNSYNCED, "STA_CLOCKERR: not synchronised");
    ok(strstr(why, "STA_CLOCKERR") != NULL, "...and the reason names it");

    /* systemd-timesyncd's flag file wins over the kernel's state */
    v = decide(st(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, true), why, sizeof(why));
    is_int(v, TIMESYNC_SYNCED, "timesyncd flag file present: synchronised whatever adjtimex says");
    ok(strstr(why, TIMESYNC_FLAG_FILE) != NULL, "...and the reason names the flag file");

    /* adjtimex failed: unknown, unless the flag file says otherwise */
    struct timesync_state f = st(-1, 0, 0, 0, false);
    f.err = EPERM;
    v = decide(f, why, sizeof(why));
    is_int(v, TIMESYNC_UNKNOWN, "adjtimex failed: unknown (the check reports error)");
    is(why, "adjtimex: Operation not permitted", "...with the errno text");
    f.timesyncd_flag = true;
    is_int(decide(f, why, sizeof(why)), TIMESYNC_SYNCED,
           "adjtimex failed but the flag file exists: synchronised");

    /* adjtimex denied by the unit's sandbox: timedated's answer decides */
    struct timesync_state d = st(-1, 0, 0, 0, false);
    d.err = EPERM;
    d.timedated = 1;
    is_int(decide(d, why, sizeof(why)), TIMESYNC_SYNCED,
           "adjtimex denied, timedated NTPSynchronized=yes: synchronised");
    ok(strstr(why, "NTPSynchronized=yes") != NULL, "...and the reason names timedated");
    d.timedated = 0;
    is_int(decide(d, why, sizeof(why)), TIMESYNC_UNSYNCED,
           "adjtimex denied, timedated NTPSynchronized=no: not synchronised");
    d.timedated = -1;
    snprintf(d.timedated_err, sizeof(d.timedated_err), "cannot ask timedated: no bus");
    is_int(decide(d, why, sizeof(why)), TIMESYNC_UNKNOWN,
           "adjtimex denied and timedated unreachable: unknown");
    is(why, "adjtimex: Operation not permitted; cannot ask timedated: no bus",
       "...naming both reasons");

    /* a tighter bound given by the caller */
    struct timesync_state t = st(TIME_OK, 0, 50000, 0, false);
    is_int(timesync_decide(&t, 10000, why, sizeof(why)), TIMESYNC_UNSYNCED,
           "maxerror 50 ms against a 10 ms bound: not synchronised");

    /* not synchronised, and what waiting can do about it */
    struct timesync_state c = st(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, false);
    c.virt = TIMESYNC_VIRT_CONTAINER;
    snprintf(c.virt_name, sizeof(c.virt_name), "systemd-nspawn");
    is_int(decide(c, why, sizeof(why)), TIMESYNC_NOT_OURS,
           "a container, unsynchronised: not ours to synchronise (skip, no wait)");
    ok(strstr(why, "this is a container (systemd-nspawn): its clock is the host's kernel clock") &&
           strstr(why, "ConditionVirtualization=!container"),
       "...the reason says why (%s)", why);
    c.services = 0;
    is_int(decide(c, why, sizeof(why)), TIMESYNC_NOT_OURS,
           "a container without a time service: the same");
    struct timesync_state cs = st(TIME_OK, STA_PLL, 2000, 100, false);
    cs.virt = TIMESYNC_VIRT_CONTAINER;
    is_int(decide(cs, why, sizeof(why)), TIMESYNC_SYNCED,
           "a container whose host keeps the clock synchronised: synchronised");

    struct timesync_state b = st(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, false);
    b.services = 0;
    b.service_names[0] = '\0';
    is_int(decide(b, why, sizeof(why)), TIMESYNC_NEVER,
           "bare metal, no time service enabled: blocks at once (nothing will synchronise it)");
    ok(strstr(why, "no time service is enabled") && strstr(why, "waiting is pointless"),
       "...and says so (%s)", why);
    b.virt = TIMESYNC_VIRT_VM;
    snprintf(b.virt_name, sizeof(b.virt_name), "kvm");
    is_int(decide(b, why, sizeof(why)), TIMESYNC_UNVERIFIED,
           "a VM without a time service: the hypervisor may keep the clock (warn, no wait)");
    ok(strstr(why, "this virtual machine (kvm) has no time service enabled") != NULL,
       "...and says so");
    b.services = 2;
    snprintf(b.service_names, sizeof(b.service_names), "chrony.service, ntp.service");
    is_int(decide(b, why, sizeof(why)), TIMESYNC_UNSYNCED,
           "a VM with a time service enabled: blocks and waits for it, as on bare metal");
    ok(strstr(why, "(time service: chrony.service, ntp.service)") != NULL,
       "...naming the services waited for");
    b.services = -1;
    snprintf(b.service_names, sizeof(b.service_names), "cannot ask systemd: no bus");
    is_int(decide(b, why, sizeof(why)), TIMESYNC_UNSYNCED,
           "time services unknown (no systemd to ask): blocks and waits, as before");
    d.virt = TIMESYNC_VIRT_CONTAINER;
    d.timedated = 0;
    is_int(decide(d, why, sizeof(why)), TIMESYNC_NOT_OURS,
           "adjtimex denied, timedated says no, in a container: not ours");

    /* names of adjtimex's return values */
    char buf[16];
    is(timesync_rc_name(TIME_ERROR, buf, sizeof(buf)), "TIME_ERROR", "TIME_ERROR named");
    is(timesync_rc_name(TIME_OK, buf, sizeof(buf)), "TIME_OK", "TIME_OK named");
    is(timesync_rc_name(42, buf, sizeof(buf)), "42", "an unknown value as a number");

    /* the live reading (modes = 0): coherent, whatever the state */
    struct timesync_state live;
    timesync_read("", &live);
    ok(live.rc >= TIME_OK && live.rc <= TIME_ERROR, "adjtimex on this machine returned %d",
       live.rc);
    ok(live.maxerror_us >= 0, "maxerror is not negative (%ld us)", live.maxerror_us);
    ok(((live.status & STA_UNSYNC) != 0) <= (live.rc == TIME_ERROR),
       "STA_UNSYNC set implies TIME_ERROR (status 0x%x, rc %d)", live.status, live.rc);
    v = timesync_decide(&live, TIMESYNC_MAX_ERROR_US, why, sizeof(why));
    ok(v != TIMESYNC_UNKNOWN, "this machine: %s", why);
    ok(live.virt != TIMESYNC_VIRT_NONE || !live.virt_name[0], "virtualization %d, named '%s'",
       live.virt, live.virt_name);
    return done_testing();
}
