/* Does statedir have plenty of space on the leader? (checklist: "Does
 * /var/lib/flux have plenty of space on the leader node?") Running out of
 * space on the leader is catastrophic to Flux: the KVS lives there. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "engine/check.h"
#include "engine/context.h"
#include "engine/msgids.h"

/* statedir is used by rank 0 only; followers drop the attribute. */
static bool leader_only(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (ctx->rank > 0) {
        fp_skip(r, "rank %d is a follower: statedir is used on rank 0 only", ctx->rank);
        return false;
    }
    return true;
}

static void check_statedir_space(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *statedir = fp_setting_str(ctx->set, "statedir");
    char path[PATH_MAX], b1[32], b2[32];
    struct statvfs sv;

    if (!leader_only(ctx, r))
        return;
    if (!fp_path(ctx, statedir, path, sizeof(path))) {
        fp_error(r, "%s: path too long", statedir);
        return;
    }
    /* Absent on a first boot (systemd creates it for flux.service): judge the
     * filesystem it will be created on. */
    bool absent = false;
    while (statvfs(path, &sv) < 0) {
        char *slash = strrchr(path, '/');
        if (errno != ENOENT || !slash || strcmp(path, "/") == 0) {
            fp_error(r, "statvfs %s: %s", path, strerror(errno));
            return;
        }
        if (slash == path)
            slash++; /* keep "/" */
        *slash = '\0';
        absent = true;
    }
    fp_fact_str(r, "path", path);

    unsigned long long total = (unsigned long long)sv.f_blocks * sv.f_frsize;
    unsigned long long avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
    double pct = total ? 100.0 * (double)avail / (double)total : 0;
    unsigned long long min_bytes = (unsigned long long)fp_setting_num(ctx->set, "statedir-space.min-free");
    double min_pct = fp_setting_num(ctx->set, "statedir-space.min-free-percent");
    unsigned long long min_inodes =
        (unsigned long long)fp_setting_num(ctx->set, "statedir-space.min-free-inodes");
    double min_ipct = fp_setting_num(ctx->set, "statedir-space.min-free-inodes-percent");

    fp_fact_int(r, "free_bytes", (long long)avail);
    fp_fact_int(r, "total_bytes", (long long)total);
    fp_fact_real(r, "free_percent", pct);
    fp_fact_int(r, "min_free_bytes", (long long)min_bytes);
    fp_fact_int(r, "free_inodes", (long long)sv.f_favail);
    fp_fact_int(r, "total_inodes", (long long)sv.f_files);

    if (avail < min_bytes)
        fp_fail(r, "only %s free on %s, below the %s minimum: free space (flux dump, "
                   "old dumps in %s/dump) or grow the filesystem",
                fp_format_bytes(b1, sizeof(b1), avail), path,
                fp_format_bytes(b2, sizeof(b2), min_bytes), statedir);
    if (total && pct < min_pct)
        fp_fail(r, "only %.1f%% free on %s, below the %g%% minimum", pct, path, min_pct);
    /* Some filesystems (btrfs) have no fixed inode table and report 0. */
    if (sv.f_files > 0) {
        double ipct = 100.0 * (double)sv.f_favail / (double)sv.f_files;
        fp_fact_real(r, "free_inodes_percent", ipct);
        if (sv.f_favail < min_inodes)
            fp_fail(r, "only %llu free inodes on %s, below the %llu minimum",
                    (unsigned long long)sv.f_favail, path, min_inodes);
        if (ipct < min_ipct)
            fp_fail(r, "only %.1f%% free inodes on %s, below the %g%% minimum", ipct, path,
                    min_ipct);
    }
    if (r->status == FP_PASS)
        fp_pass(r, "%s free (%.0f%%) on %s%s", fp_format_bytes(b1, sizeof(b1), avail), pct, path,
                absent ? " (statedir not created yet: its parent's filesystem)" : "");
}

const struct fp_check fp_checks_statedir[] = {
    {
        .id = "statedir.space",
        .message_id = FP_MSGID_STATEDIR_SPACE,
        .summary = "free bytes and inodes above the thresholds on statedir's filesystem (leader)",
        .explain = "The leader keeps the KVS (content.sqlite) and its dumps in statedir. Running\n"
                   "out of space there is catastrophic to Flux. Thresholds: statedir-space.*\n"
                   "in flux-preflight.toml(5).\n"
                   "Fix: df -h /var/lib/flux; remove old dumps in /var/lib/flux/dump; grow the\n"
                   "filesystem.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_statedir_space,
    },
    { 0 },
};
