/* The check that src/checks/README.md walks a newcomer through adding: a
 * family of one check, its descriptor and its run function. The test suite
 * builds it into a copy of the gate and of fp-gendoc (tests/sample/sample.am)
 * and shows that it appears in `list`, `explain`, `--json`, the generated
 * catalog and the man page (tests/integration/t0630-descriptors.t).
 *
 * SAMPLE_EXPLAIN lets the test build it twice with different explanations,
 * to show that both generated documents follow the descriptor. */
#include "engine/check.h"
#include "engine/context.h"
#include "engine/settings.h"

#ifndef SAMPLE_EXPLAIN
#define SAMPLE_EXPLAIN                                                          \
    "The message of the day is what users see first when they log in to a\n" \
    "node; this sample check only shows the shape of a check.\n"             \
    "\n"                                                                       \
    "Check and fix:\n"                                                         \
    "\n"                                                                       \
    "    cat /etc/motd"
#endif

static void check_sample_motd(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *motd = fp_setting_str(ctx->set, "sample.motd");

    fp_fact_str(r, "path", motd);
    if (motd[0] != '/')
        fp_fail(r, "[sample] motd = \"%s\" is not an absolute path", motd);
    if (fp_nothing_found(r))
        fp_pass(r, "%s: a sample check, it judges nothing", motd);
}

const struct fp_check fp_checks_sample[] = {
    {
        .id = "sample.motd",
        .message_id = "5a3b1e0c2f8d4e6a9b7c1d2e3f405162",
        .summary = "the sample check of src/checks/README.md (judges nothing)",
        .subject = "flux-preflight sample.motd: @FLUX_PREFLIGHT_PATH@",
        .details = "Reads its setting [sample] motd and reports it as the fact path.",
        .explain = SAMPLE_EXPLAIN,
        .severity = FP_SEV_WARN,
        .settings = FP_SETTINGS(
            { "sample.motd", FP_SET_PATH, "/etc/motd", "the file the sample check names" }),
        .run = check_sample_motd,
    },
    { 0 },
};
