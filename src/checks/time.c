/* Is the clock synchronised? (checklist: "Is Munge working? ... clocks must be
 * synchronized", `timedatectl | grep synchronized:`). Flux itself never looks
 * at the clock: skew shows up later as munge credentials rejected as expired
 * or "rewound" (TTL 300 s) and job signatures that fail. At boot the clock is
 * often synchronised a few seconds after the gate starts, so the check waits
 * for it until the run deadline, where a time service will do it. Where
 * none can (a container: the clock is the host's, FLUX-FACTS §13; a VM
 * without a time service, whose hypervisor may keep the clock) it says so
 * (a skip in a container, the host's clock; a warning in a VM) and does not
 * wait; on bare metal with no time service enabled it blocks at once. The
 * decision is in timesync.c. */
#include <sys/timex.h>

#include "checks/timesync.h"
#include "engine/check.h"
#include "engine/context.h"

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
            "container), virtualization_name, time_services, time_service. Fix: 'systemctl\n"
            "enable --now chrony' (or systemd-timesyncd); 'timedatectl'; 'chronyc\n"
            "tracking'.",
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
