/* Is the clock synchronised? The decision (pure) and the live reading. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>

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
    if (s->rc < 0) {
        snprintf(why, whysz, "adjtimex: %s", strerror(s->err));
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

void timesync_read(const char *root, struct timesync_state *s)
{
    struct timex tx;
    char flag[4096];
    struct stat st;

    memset(s, 0, sizeof(*s));
    memset(&tx, 0, sizeof(tx));
    tx.modes = 0; /* read only: never change the clock */
    s->rc = adjtimex(&tx);
    if (s->rc < 0) {
        s->err = errno;
    } else {
        s->status = tx.status;
        s->maxerror_us = tx.maxerror;
        s->esterror_us = tx.esterror;
    }
    snprintf(flag, sizeof(flag), "%s%s", root ? root : "", TIMESYNC_FLAG_FILE);
    s->timesyncd_flag = stat(flag, &st) == 0;
}
