/* Is the clock synchronised? (checklist: "Is Munge working? ... clocks must be
 * synchronized", `timedatectl | grep synchronized:`). Flux itself never looks
 * at the clock: skew shows up later as munge credentials rejected as expired
 * or "rewound" (TTL 300 s) and job signatures that fail. At boot the clock is
 * often synchronised a few seconds after the gate starts, so the check waits
 * for it until the run deadline, where a time service will do it. Where
 * none can (a container: the clock is the host's, FLUX-FACTS §13; a VM
 * without a time service, whose hypervisor may keep the clock) it says so
 * (a skip in a container, the host's clock; a warning in a VM) and does not
 * wait; on bare metal with no time service enabled it blocks at once.
 *
 * The decision is pure (timesync_decide(), unit-tested on injected states:
 * tests/unit/test-timesync.c); the live reading, then the check. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "checks/timesync.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/check.h"
#include "engine/context.h"

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

/* The kernel clock's verdict alone: synchronised, not, or unknown. */
static enum timesync_verdict clock_verdict(const struct timesync_state *s, long max_error_us,
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

enum timesync_verdict timesync_decide(const struct timesync_state *s, long max_error_us,
                                      char *why, size_t whysz)
{
    enum timesync_verdict v = clock_verdict(s, max_error_us, why, whysz);
    size_t len = strlen(why);

    if (v != TIMESYNC_UNSYNCED)
        return v;
    if (s->virt == TIMESYNC_VIRT_CONTAINER) {
        snprintf(why + len, whysz - len,
                 ", and this is a container (%s): its clock is the host's kernel clock, which "
                 "no time service can set from inside (systemd-timesyncd has "
                 "ConditionVirtualization=!container), so waiting is pointless",
                 s->virt_name);
        return TIMESYNC_NOT_OURS;
    }
    if (s->services > 0) {
        snprintf(why + len, whysz - len, " (time service: %s)", s->service_names);
        return TIMESYNC_UNSYNCED;
    }
    if (s->services < 0) {
        snprintf(why + len, whysz - len, " (time services unknown: %s)", s->service_names);
        return TIMESYNC_UNSYNCED;
    }
    if (s->virt == TIMESYNC_VIRT_VM) {
        snprintf(why + len, whysz - len,
                 ", and this virtual machine (%s) has no time service enabled: its clock came "
                 "from the hypervisor at boot and may be kept by it, which the kernel does not "
                 "count as synchronised; nothing here will change that, so waiting is "
                 "pointless",
                 s->virt_name);
        return TIMESYNC_UNVERIFIED;
    }
    snprintf(why + len, whysz - len,
             ", and no time service is enabled (chrony, ntpd, systemd-timesyncd, ...): nothing "
             "will ever synchronise it, so waiting is pointless");
    return TIMESYNC_NEVER;
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

/* --- virtualization, as systemd-detect-virt ------------------------------ */

/* The first line of a small file of this host (/proc, /sys, /run). */
static bool read_line(const char *path, char *buf, size_t bufsz)
{
    struct fio_file f = { 0 };
    bool ok = fio_read(NULL, path, 65536, 0, &f, NULL, 0) == 0;

    if (ok)
        snprintf(buf, bufsz, "%.*s", (int)strcspn(f.data, "\r\n"), f.data);
    fio_file_free(&f);
    return ok && buf[0];
}

/* container=NAME in a NUL-separated environment block */
static bool environ_container(const char *path, char *name, size_t namesz)
{
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    const char *buf;

    if (fio_read(NULL, path, 1 << 20, 0, &f, NULL, 0) < 0)
        return false;
    buf = f.data;
    for (size_t i = 0; i < f.len; i += strlen(buf + i) + 1)
        if (strncmp(buf + i, "container=", 10) == 0 && buf[i + 10]) {
            snprintf(name, namesz, "%s", buf + i + 10);
            return true;
        }
    return false;
}

static bool detect_container(char *name, size_t namesz)
{
    const char *env;

    if (access("/proc/vz", F_OK) == 0 && access("/proc/bc", F_OK) < 0) {
        snprintf(name, namesz, "openvz");
        return true;
    }
    if (read_line("/run/host/container-manager", name, namesz) ||
        read_line("/run/systemd/container", name, namesz) ||
        environ_container("/proc/1/environ", name, namesz))
        return true;
    if ((env = getenv("container")) && *env) {
        snprintf(name, namesz, "%s", env);
        return true;
    }
    if (access("/run/.containerenv", F_OK) == 0) {
        snprintf(name, namesz, "podman");
        return true;
    }
    if (access("/.dockerenv", F_OK) == 0) {
        snprintf(name, namesz, "docker");
        return true;
    }
    return false;
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
/* The CPUID hypervisor bit, and the vendor signature of leaf 0x40000000. */
static bool cpuid_vm(char *name, size_t namesz)
{
    static const struct {
        const char *sig;
        const char *name;
    } vendors[] = {
        { "KVMKVMKVM", "kvm" },         { "Linux KVM Hv", "kvm" },   { "TCGTCGTCGTCG", "qemu" },
        { "Microsoft Hv", "microsoft" }, { "VMwareVMware", "vmware" }, { "XenVMMXenVMM", "xen" },
        { "bhyve bhyve ", "bhyve" },    { "ACRNACRNACRN", "acrn" },  { "QNXQVMBSQG", "qnx" },
        { "VBoxVBoxVBox", "oracle" },   { " lrpepyh vr", "parallels" },
    };
    unsigned a, b, c, d;
    char sig[13] = "";

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
        return false;
    __cpuid(0x40000000, a, b, c, d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    snprintf(name, namesz, "vm-other");
    for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
        if (strncmp(sig, vendors[i].sig, strlen(vendors[i].sig)) == 0)
            snprintf(name, namesz, "%s", vendors[i].name);
    return true;
}
#else
static bool cpuid_vm(char *name, size_t namesz)
{
    (void)name;
    (void)namesz;
    return false;
}
#endif

static bool detect_vm(char *name, size_t namesz)
{
    static const struct {
        const char *match;
        const char *name;
    } dmi[] = {
        { "KVM", "kvm" },
        { "OpenStack", "kvm" },
        { "KubeVirt", "kvm" },
        { "Amazon EC2", "amazon" },
        { "QEMU", "qemu" },
        { "VMware", "vmware" },
        { "VMW", "vmware" },
        { "innotek GmbH", "oracle" },
        { "VirtualBox", "oracle" },
        { "Oracle Corporation", "oracle" },
        { "Xen", "xen" },
        { "Bochs", "bochs" },
        { "Parallels", "parallels" },
        { "BHYVE", "bhyve" },
        { "Hyper-V", "microsoft" },
        { "Apple Virtualization", "apple" },
        { "Google Compute Engine", "google" },
    };
    static const char *const dmi_files[] = {
        "/sys/class/dmi/id/product_name", "/sys/class/dmi/id/sys_vendor",
        "/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/bios_vendor",
        "/sys/class/dmi/id/product_version", NULL,
    };
    char buf[256];

    if (cpuid_vm(name, namesz))
        return true;
    for (int i = 0; dmi_files[i]; i++) {
        if (!read_line(dmi_files[i], buf, sizeof(buf)))
            continue;
        for (size_t j = 0; j < sizeof(dmi) / sizeof(dmi[0]); j++)
            if (strncmp(buf, dmi[j].match, strlen(dmi[j].match)) == 0) {
                snprintf(name, namesz, "%s", dmi[j].name);
                return true;
            }
    }
    if (read_line("/sys/hypervisor/type", buf, sizeof(buf)) && strcmp(buf, "xen") == 0) {
        snprintf(name, namesz, "xen");
        return true;
    }
    if (read_line("/proc/device-tree/hypervisor/compatible", buf, sizeof(buf))) {
        snprintf(name, namesz, "%s",
                 strstr(buf, "kvm")      ? "kvm"
                 : strstr(buf, "xen")    ? "xen"
                 : strstr(buf, "vmware") ? "vmware"
                                         : "vm-other");
        return true;
    }
    return false;
}

enum timesync_virt timesync_detect_virt(char *name, size_t namesz)
{
    name[0] = '\0';
    if (detect_container(name, namesz))
        return TIMESYNC_VIRT_CONTAINER;
    if (detect_vm(name, namesz))
        return TIMESYNC_VIRT_VM;
    return TIMESYNC_VIRT_NONE;
}

/* --- time services, as systemd knows them --------------------------------- */

#define MAX_UNITS 32
#define UNIT_NAME_MAX 64

static bool is_list(const char *name, void *arg)
{
    size_t len = strlen(name);
    (void)arg;
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".list") == 0;
}

/* Candidates: timedated's lists (ntp-units.d/ *.list, one unit a line), then
 * the usual names. */
static size_t candidate_units(char names[][UNIT_NAME_MAX])
{
    static const char *const dirs[] = { "/etc/systemd/ntp-units.d", "/run/systemd/ntp-units.d",
                                        "/usr/local/lib/systemd/ntp-units.d",
                                        "/usr/lib/systemd/ntp-units.d", NULL };
    static const char *const known[] = { "systemd-timesyncd.service", "chrony.service",
                                         "chronyd.service", "ntp.service", "ntpd.service",
                                         "ntpsec.service", "openntpd.service", NULL };
    size_t n = 0;

    for (int i = 0; dirs[i]; i++) {
        char **files = NULL;
        size_t nfiles = 0;
        _cleanup_close_ int dfd = -1;

        /* the *.list files, as glob lists them, through fileio (this host's files) */
        if (fio_list(NULL, dirs[i], is_list, NULL, 1024, &files, &nfiles, &dfd, NULL) < 0)
            continue;
        for (size_t j = 0; j < nfiles; j++) {
            struct fio_file f = { 0 };
            if (fio_readat(NULL, dfd, dirs[i], files[j], 1 << 20, 0, &f, NULL, 0) < 0)
                continue;
            for (char *line = f.data, *next; line && n < MAX_UNITS; line = next) {
                if ((next = strchr(line, '\n')))
                    *next++ = '\0';
                char *w = line + strspn(line, " \t");
                w[strcspn(w, " \t\r#")] = '\0';
                if (*w && strlen(w) < UNIT_NAME_MAX)
                    snprintf(names[n++], UNIT_NAME_MAX, "%s", w);
            }
            fio_file_free(&f);
        }
        fio_names_free(files, nfiles);
    }
    for (int i = 0; known[i] && n < MAX_UNITS; i++)
        snprintf(names[n++], UNIT_NAME_MAX, "%s", known[i]);
    return n;
}

/* Can this unit run: running now, or enabled and its conditions not failed
 * this boot (systemd-timesyncd in a container is enabled, but its
 * ConditionVirtualization= failed)? */
static bool unit_can_run(sd_bus *bus, const char *name)
{
    sd_bus_message *reply = NULL;
    const char *state = NULL, *path = NULL;
    char *active = NULL;
    int cond = 1;
    uint64_t cond_ts = 0;
    bool enabled, run = false;

    if (sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "GetUnitFileState", NULL, &reply,
                           "s", name) < 0 ||
        sd_bus_message_read(reply, "s", &state) < 0 || strncmp(state, "masked", 6) == 0)
        goto out;
    enabled = !strcmp(state, "enabled") || !strcmp(state, "enabled-runtime") ||
              !strcmp(state, "linked") || !strcmp(state, "linked-runtime") ||
              !strcmp(state, "alias") || !strcmp(state, "generated") ||
              !strcmp(state, "transient");
    reply = sd_bus_message_unref(reply);
    if (sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "GetUnit", NULL, &reply, "s",
                           name) < 0 ||
        sd_bus_message_read(reply, "o", &path) < 0) {
        run = enabled; /* not loaded: nothing has tried it yet */
        goto out;
    }
    (void)sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
                                     "org.freedesktop.systemd1.Unit", "ActiveState", NULL,
                                     &active);
    (void)sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path,
                                      "org.freedesktop.systemd1.Unit", "ConditionResult", NULL,
                                      'b', &cond);
    (void)sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path,
                                      "org.freedesktop.systemd1.Unit",
                                      "ConditionTimestampMonotonic", NULL, 't', &cond_ts);
    if (active && (!strcmp(active, "active") || !strcmp(active, "activating") ||
                   !strcmp(active, "reloading")))
        run = true;
    else
        run = enabled && !(cond_ts > 0 && !cond);
out:
    free(active);
    sd_bus_message_unref(reply);
    return run;
}

/* How many time services can run here (names in s->service_names). */
static int time_services(sd_bus *bus, struct timesync_state *s)
{
    char names[MAX_UNITS][UNIT_NAME_MAX];
    size_t n = candidate_units(names), len = 0;
    int count = 0;

    s->service_names[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(names[i], names[j]) == 0;
        if (dup || !unit_can_run(bus, names[i]))
            continue;
        count++;
        if (len < sizeof(s->service_names))
            len += (size_t)snprintf(s->service_names + len, sizeof(s->service_names) - len,
                                    "%s%s", len ? ", " : "", names[i]);
    }
    return count;
}

void timesync_read(const char *root, struct timesync_state *s)
{
    struct timex tx;
    sd_bus *bus = NULL;
    int r, fd;

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
    /* looked at inside the root (common/fileio.h) */
    if ((fd = fio_open(root, TIMESYNC_FLAG_FILE, O_PATH)) >= 0)
        close(fd);
    s->timesyncd_flag = fd >= 0;
    s->services = -1;
    if (root && *root)
        return; /* an image: there is no machine to look at */
    s->virt = timesync_detect_virt(s->virt_name, sizeof(s->virt_name));
    /* The time services matter only to a clock that is not synchronised
     * (timesync_decide): a synchronised node is not kept waiting on the bus. */
    char why[512];
    if (clock_verdict(s, TIMESYNC_MAX_ERROR_US, why, sizeof(why)) != TIMESYNC_UNSYNCED)
        return;
    s->services_asked = true;
    if ((r = sd_bus_open_system(&bus)) < 0) {
        snprintf(s->service_names, sizeof(s->service_names),
                 "cannot ask systemd: system bus: %s", strerror(-r));
        return;
    }
    (void)sd_bus_set_method_call_timeout(bus, 500 * 1000ULL);
    s->services = time_services(bus, s);
    sd_bus_flush_close_unref(bus);
}

/* ---- time.sync --------------------------------------------------------- */

static void check_time_sync(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct timesync_state s;
    char why[512], rcname[16];

    timesync_read(ctx->root, &s);
    fp_fact_bool(r, "timesyncd_synchronized", s.timesyncd_flag);
    if (s.rc >= 0) {
        fp_fact_str(r, "adjtimex", timesync_rc_name(s.rc, rcname, sizeof(rcname)));
        fp_fact_strf(r, "adjtimex_status", "0x%04x", (unsigned)s.status);
        fp_fact_bool(r, "sta_unsync", (s.status & STA_UNSYNC) != 0);
        fp_fact_int(r, "maxerror_us", s.maxerror_us);
        fp_fact_int(r, "esterror_us", s.esterror_us);
    }
    fp_fact_int(r, "max_error_bound_us", TIMESYNC_MAX_ERROR_US);
    if (s.timedated >= 0)
        fp_fact_bool(r, "timedated_ntp_synchronized", s.timedated);
    fp_fact_str(r, "virtualization", s.virt == TIMESYNC_VIRT_CONTAINER ? "container"
                                     : s.virt == TIMESYNC_VIRT_VM      ? "vm"
                                                                       : "none");
    if (s.virt_name[0])
        fp_fact_str(r, "virtualization_name", s.virt_name);
    if (s.services_asked)
        fp_fact_int(r, "time_services", s.services);
    if (s.services > 0)
        fp_fact_str(r, "time_service", s.service_names);

    switch (timesync_decide(&s, TIMESYNC_MAX_ERROR_US, why, sizeof(why))) {
    case TIMESYNC_SYNCED:
        fp_pass(r, "%s", why);
        break;
    case TIMESYNC_UNKNOWN:
        fp_error(r, "cannot read the kernel clock state: %s", why);
        break;
    case TIMESYNC_UNSYNCED:
        fp_fail(r, "%s: munge credentials and job signatures from this node will be rejected "
                   "by nodes whose clocks differ; start an NTP client (systemctl enable --now "
                   "chrony, or systemd-timesyncd) and check it: timedatectl; chronyc tracking",
                why);
        fp_retry(r, "time sync");
        break;
    case TIMESYNC_NEVER:
        fp_fail(r, "%s: munge credentials and job signatures from this node will be rejected "
                   "by nodes whose clocks differ; enable an NTP client: systemctl enable --now "
                   "chrony (or systemd-timesyncd); then timedatectl must say \"System clock "
                   "synchronized: yes\"", why);
        break;
    case TIMESYNC_NOT_OURS:
        fp_skip(r, "%s: the broker does not mind; nodes on other hosts reject munge credentials "
                   "and job signatures from a clock off by more than their TTL, so synchronise "
                   "the host's clock (chrony or systemd-timesyncd on the host)", why);
        break;
    case TIMESYNC_UNVERIFIED:
        fp_warn(r, "%s: the broker does not mind, but munge credentials and job signatures are "
                   "rejected by nodes whose clocks differ by more than their TTL; enable a time "
                   "service in the guest (chrony, with refclock PHC /dev/ptp0 on KVM, or "
                   "systemd-timesyncd) to have it verified", why);
        break;
    }
}

const struct fp_check fp_checks_time[] = {
    {
        .id = "time.sync",
        .message_id = "d561247dbdb64e72a0c8482dacde36c4",
        .summary = "kernel clock synchronised (adjtimex: maximum error under 1 s, or "
                   "systemd-timesyncd synchronised); waits for it where a time service will "
                   "do it",
        .subject = "The system clock is not synchronized",
        .documentation = "man:adjtimex(2) man:timedatectl(1)",
        .journal =
            "The pre-flight check time.sync read the kernel's clock state: @MESSAGE@",
        .details =
            "The kernel clock is synchronised, from adjtimex(2) with modes = 0 (read only:\n"
            "the gate never changes the clock): the maximum error estimate is at most 1 s\n"
            "(a fixed bound) and STA_CLOCKERR is clear. STA_UNSYNC (and the TIME_ERROR\n"
            "return) with a maximum error within the bound is accepted, as timedatectl(1)\n"
            "does: chrony without rtcsync sets it. The flag file\n"
            "/run/systemd/timesync/synchronized of systemd-timesyncd also counts as\n"
            "synchronised. Not synchronised fails when a time service will synchronise the\n"
            "clock (one that systemd reports enabled or running, and whose condition did\n"
            "not fail this boot), and the check waits for it until the deadline (\"waiting\n"
            "for time sync\"); with no time service on bare metal it fails at once (nothing\n"
            "will synchronise it). In a container (detected as systemd-detect-virt(1)\n"
            "does: /run/systemd/container, container, /.dockerenv, ...) the clock is the\n"
            "host's kernel clock and no time service can run (systemd-timesyncd has\n"
            "ConditionVirtualization=!container), where the check does not apply (skipped,\n"
            "saying so); in a virtual machine without a time service the hypervisor may\n"
            "keep the clock, which the kernel does not show: there it warns. Neither\n"
            "waits, so the gate never holds up a boot for a clock it cannot synchronise.\n"
            "The broker itself does not look at the clock; munge credentials and job\n"
            "signatures from a node whose clock is off are rejected by the others. Live\n"
            "only. Facts: adjtimex, adjtimex_status, sta_unsync, maxerror_us, esterror_us,\n"
            "max_error_bound_us, timesyncd_synchronized, virtualization (none, vm,\n"
            "container), virtualization_name, time_services, time_service (the time\n"
            "services are asked for only when the clock is not synchronised). Fix:\n"
            "'systemctl enable --now chrony' (or systemd-timesyncd); 'timedatectl';\n"
            "'chronyc tracking'.",
        .explain =
            "munge puts the local time in every credential and rejects one that is older\n"
            "than its time-to-live (300 s) or from the future, and Flux signs jobs with\n"
            "munge: a node whose clock is off can neither submit nor run jobs for other\n"
            "nodes, and the errors look like authentication failures. Flux itself does\n"
            "not check the clock.\n"
            "\n"
            "The check calls adjtimex(2) read-only (it never changes the clock): the\n"
            "clock counts as synchronized when the kernel's maximum error estimate is at\n"
            "most 1 s and STA_CLOCKERR is clear, or when systemd-timesyncd's flag file\n"
            "/run/systemd/timesync/synchronized exists. STA_UNSYNC with a small maximum\n"
            "error is accepted, as timedatectl does (chrony without rtcsync sets it).\n"
            "Where a time service is enabled or running the check waits for it until the\n"
            "gate's deadline; on bare metal with none it fails at once. In a container\n"
            "the clock is the host's and no time service can run (systemd-timesyncd has\n"
            "ConditionVirtualization=!container): there the check does not apply and\n"
            "skips, saying so. A virtual machine without a time service may have its\n"
            "clock kept by the hypervisor: there it warns. Neither waits.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    timedatectl            (\"System clock synchronized: yes\")\n"
            "    chronyc tracking\n"
            "    systemctl enable --now chrony      (or systemd-timesyncd)",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE | FP_CHECK_LIVE,
        .timeout = 2.0,
        .run = check_time_sync,
    },
    { 0 },
};
