/* Is the clock synchronised? The decision (pure) and the live reading. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>

#include <systemd/sd-bus.h>

#include "checks/timesync.h"

/* "16 s", "1.000001 s", "12 ms", "12.5 ms", "800 us" */
static const char *fmt_us(long us, char *buf, size_t bufsz)
{
    long a = us < 0 ? -us : us;
    char *dot;

    if (a >= 1000000L)
        snprintf(buf, bufsz, "%.6f", (double)us / 1e6);
    else if (a >= 1000L)
        snprintf(buf, bufsz, "%.3f", (double)us / 1e3);
    else {
        snprintf(buf, bufsz, "%ld us", us);
        return buf;
    }
    if ((dot = strchr(buf, '.'))) { /* trim trailing zeros, and a bare dot */
        char *end = buf + strlen(buf);
        while (end > dot && (end[-1] == '0' || end[-1] == '.'))
            *--end = '\0';
    }
    snprintf(buf + strlen(buf), bufsz - strlen(buf), "%s", a >= 1000000L ? " s" : " ms");
    return buf;
}

const char *timesync_rc_name(int rc, char *buf, size_t bufsz)
{
    switch (rc) {
    case TIME_OK: return "TIME_OK";
    case TIME_INS: return "TIME_INS";
    case TIME_DEL: return "TIME_DEL";
    case TIME_OOP: return "TIME_OOP";
    case TIME_WAIT: return "TIME_WAIT";
    case TIME_ERROR: return "TIME_ERROR";
    default: snprintf(buf, bufsz, "%d", rc); return buf;
    }
}

enum timesync_verdict timesync_decide(const struct timesync_state *s, long max_error_us,
                                      char *why, size_t whysz)
{
    char maxe[32], este[32], bound[32];

    if (s->timesyncd_flag) {
        snprintf(why, whysz, "systemd-timesyncd has synchronised the clock (%s exists)",
                 TIMESYNC_FLAG_FILE);
        return TIMESYNC_SYNCED;
    }
    if (s->rc < 0 && s->timedated >= 0) {
        snprintf(why, whysz,
                 "timedated says the system clock is %ssynchronised (NTPSynchronized=%s; "
                 "adjtimex itself is denied here: %s)",
                 s->timedated ? "" : "not ", s->timedated ? "yes" : "no", strerror(s->err));
        return s->timedated ? TIMESYNC_SYNCED : TIMESYNC_UNSYNCED;
    }
    if (s->rc < 0) {
        snprintf(why, whysz, "adjtimex: %s%s%s", strerror(s->err),
                 s->timedated_err[0] ? "; " : "", s->timedated_err);
        return TIMESYNC_UNKNOWN;
    }
    fmt_us(s->maxerror_us, maxe, sizeof(maxe));
    fmt_us(s->esterror_us, este, sizeof(este));
    fmt_us(max_error_us, bound, sizeof(bound));
    if (s->status & STA_CLOCKERR) {
        snprintf(why, whysz, "the kernel reports a clock hardware fault (STA_CLOCKERR)");
        return TIMESYNC_UNSYNCED;
    }
    if (s->maxerror_us > max_error_us) {
        snprintf(why, whysz, "the kernel clock is not synchronised (%smaxerror %s, above %s)",
                 (s->status & STA_UNSYNC) ? "STA_UNSYNC, " : "", maxe, bound);
        return TIMESYNC_UNSYNCED;
    }
    if (s->status & STA_UNSYNC) {
        snprintf(why, whysz,
                 "kernel clock disciplined (maxerror %s, esterror %s); STA_UNSYNC is set, as "
                 "an NTP daemon does to keep the kernel off the RTC (chrony without rtcsync)",
                 maxe, este);
        return TIMESYNC_SYNCED;
    }
    snprintf(why, whysz, "kernel clock synchronised (maxerror %s, esterror %s)", maxe, este);
    return TIMESYNC_SYNCED;
}

/* The hardened unit denies adjtimex (ProtectClock=, a syscall filter
 * without @clock) to keep its exposure low. timedated reads the same kernel
 * state for us: NTPSynchronized is systemd's ntp_synced() on adjtimex.
 * Returns 0 or 1, or -1 with err. */
static int ask_timedated(char *err, size_t errsz)
{
    sd_bus *bus = NULL;
    sd_bus_error e = SD_BUS_ERROR_NULL;
    int val = 0;
    int r = sd_bus_open_system(&bus);

    if (r < 0) {
        snprintf(err, errsz, "cannot ask timedated: system bus: %s", strerror(-r));
        return -1;
    }
    (void)sd_bus_set_method_call_timeout(bus, 2 * 1000000ULL);
    r = sd_bus_get_property_trivial(bus, "org.freedesktop.timedate1", "/org/freedesktop/timedate1",
                                    "org.freedesktop.timedate1", "NTPSynchronized", &e, 'b', &val);
    if (r < 0)
        snprintf(err, errsz, "cannot ask timedated: %s",
                 e.message ? e.message : strerror(-r));
    sd_bus_error_free(&e);
    sd_bus_flush_close_unref(bus);
    return r < 0 ? -1 : !!val;
}

void timesync_read(const char *root, struct timesync_state *s)
{
    struct timex tx;
    char flag[4096];
    struct stat st;

    memset(s, 0, sizeof(*s));
    memset(&tx, 0, sizeof(tx));
    tx.modes = 0; /* read only: never change the clock */
    s->rc = adjtimex(&tx);
    s->timedated = -1;
    if (s->rc < 0) {
        s->err = errno;
        if (s->err == EPERM && (!root || !*root))
            s->timedated = ask_timedated(s->timedated_err, sizeof(s->timedated_err));
    } else {
        s->status = tx.status;
        s->maxerror_us = tx.maxerror;
        s->esterror_us = tx.esterror;
    }
    snprintf(flag, sizeof(flag), "%s%s", root ? root : "", TIMESYNC_FLAG_FILE);
    s->timesyncd_flag = stat(flag, &st) == 0;
}
