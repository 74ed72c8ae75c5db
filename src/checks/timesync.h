/* Is the clock synchronised? The decision, apart from where its inputs come
 * from, so a unit test can hand it any kernel state (tests/unit/test-timesync.c).
 *
 * Inputs: what adjtimex(2) with modes = 0 said (it only reads), and whether
 * systemd-timesyncd's flag file /run/systemd/timesync/synchronized exists
 * (timesyncd touches it once it has synchronised the clock in this boot).
 *
 * Rules, in order:
 *   1. the timesyncd flag file exists                      -> synchronised
 *   2. adjtimex failed: timedated's NTPSynchronized when it answered (the
 *      hardened unit denies adjtimex: ProtectClock=), else unknown (error)
 *   3. STA_CLOCKERR (clock hardware fault)                  -> not synchronised
 *   4. maxerror above TIMESYNC_MAX_ERROR_US                 -> not synchronised
 *      (the kernel sets maxerror to 16 s, and STA_UNSYNC, at boot, on every
 *      settimeofday and once no daemon has updated it for ~9 h; only an NTP
 *      daemon brings it down)
 *   5. STA_UNSYNC set (adjtimex returns TIME_ERROR) with maxerror within the
 *      bound                                                -> synchronised, noted:
 *      an NTP daemon disciplines the clock but keeps STA_UNSYNC set so the
 *      kernel does not write the RTC (chrony without `rtcsync`); systemd's
 *      ntp_synced() (timedatectl "System clock synchronized") ignores
 *      STA_UNSYNC for that reason.
 *   6. otherwise                                            -> synchronised
 *
 * Not synchronised, and then what waiting can do (a boot-time gate waits
 * only where a time service will synchronise the clock):
 *   - a container (detected as systemd's detect_container() does): its clock
 *     is the host's kernel clock, and no time service can set it from
 *     inside (systemd-timesyncd has ConditionVirtualization=!container)
 *                                                           -> not ours: skip, no wait
 *   - a time service is enabled or running (chrony, ntpd, systemd-timesyncd,
 *     ...; systemd says so, and its condition did not fail this boot)
 *                                                           -> block, wait for it
 *   - none, in a virtual machine: the guest clock came from the hypervisor
 *     and may be kept by it, which the kernel does not count as synchronised
 *                                                           -> unverified: warn, no wait
 *   - none, on bare metal: nothing will ever synchronise it -> block, no wait
 *   - systemd cannot be asked (no bus)                      -> block, wait (as before)
 */
#ifndef FP_CHECKS_TIMESYNC_H
#define FP_CHECKS_TIMESYNC_H

#include <stdbool.h>
#include <stddef.h>

/* The largest kernel maximum-error estimate accepted as synchronised: 1 s.
 * munge credentials and job signatures tolerate far more skew (credential
 * TTL 300 s), but an estimate above a second means nothing disciplines the
 * clock. The kernel's own "never synchronised" value is 16 s. */
#define TIMESYNC_MAX_ERROR_US 1000000L

#define TIMESYNC_FLAG_FILE "/run/systemd/timesync/synchronized"

enum timesync_virt {
    TIMESYNC_VIRT_NONE = 0,
    TIMESYNC_VIRT_VM = 1,
    TIMESYNC_VIRT_CONTAINER = 2,
};

struct timesync_state {
    int rc;              /* adjtimex() return: TIME_OK .. TIME_ERROR, or -1 */
    int err;             /* errno when rc == -1 */
    int status;          /* timex.status (STA_* bits) */
    long maxerror_us;    /* timex.maxerror */
    long esterror_us;    /* timex.esterror */
    bool timesyncd_flag; /* TIMESYNC_FLAG_FILE exists */
    int timedated;       /* when adjtimex failed: timedated's NTPSynchronized
                          * (0 or 1), or -1 when it could not be asked */
    char timedated_err[160];
    enum timesync_virt virt;
    char virt_name[64];  /* "docker", "systemd-nspawn", "kvm", ... ("" on bare metal) */
    int services;        /* time services that can run here (enabled or active, their
                          * conditions not failed), or -1 when systemd cannot be asked */
    bool services_asked; /* false: not asked, the clock is synchronised (or an image) */
    char service_names[256]; /* "chrony.service, systemd-timesyncd.service", or why unknown */
};

enum timesync_verdict {
    TIMESYNC_SYNCED = 0,
    TIMESYNC_UNSYNCED = 1, /* a time service will synchronise it: block and wait */
    TIMESYNC_UNKNOWN = 2,
    TIMESYNC_NEVER = 3,    /* nothing here will synchronise it: block, waiting is pointless */
    TIMESYNC_NOT_OURS = 4, /* a container: the host's clock, not this node's to synchronise:
                            * not applicable (skip), no wait */
    TIMESYNC_UNVERIFIED = 5, /* a VM without a time service: maybe kept by the hypervisor,
                              * which the kernel does not show: warn, no wait */
};

/* Decide, and say why in one phrase ("kernel clock synchronised: maxerror
 * 12 ms, esterror 1 ms"). Pure: no I/O. */
enum timesync_verdict timesync_decide(const struct timesync_state *s, long max_error_us,
                                      char *why, size_t whysz);

/* Read the live state: adjtimex with modes = 0 (never changes the clock),
 * the flag file under root ("" for the live node), and on the live node the
 * virtualization and, for a clock that is not synchronised, the time
 * services systemd knows. */
void timesync_read(const char *root, struct timesync_state *s);

/* This machine's virtualization, as systemd-detect-virt decides it: a
 * container first (/proc/vz without /proc/bc, /run/host/container-manager,
 * /run/systemd/container, PID 1's and then our own $container,
 * /run/.containerenv, /.dockerenv), else a virtual machine (the CPUID
 * hypervisor bit and vendor, DMI vendor strings, /sys/hypervisor/type, the
 * device tree's hypervisor node).  name gets its name ("" when none). */
enum timesync_virt timesync_detect_virt(char *name, size_t namesz);

/* "TIME_OK", "TIME_INS", ..., "TIME_ERROR", or the number */
const char *timesync_rc_name(int rc, char *buf, size_t bufsz);

#endif
