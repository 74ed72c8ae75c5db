/* Is munge working? (checklist: "Is Munge working?")
 * Flux signs jobs and authenticates users with munge: a broker on a node
 * whose munged is down or has another key starts, then every job fails. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <munge.h>

#include "engine/check.h"
#include "engine/context.h"
#include "engine/msgids.h"

static const char *socket_path(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "munge.socket");
}

static void describe_munge_daemon(const struct fp_ctx *ctx, struct fp_result *r)
{
    fp_fact_str(r, "socket", socket_path(ctx));
    fp_fact_str(r, "target", socket_path(ctx));
}

/* One credential round trip: encode, decode, and the ids must come back. */
static void check_munge_daemon(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *sock = socket_path(ctx);
    static const char payload[] = "flux-preflight";
    munge_ctx_t mctx = munge_ctx_create();
    char *cred = NULL;
    void *out = NULL;
    int outlen = 0;
    uid_t uid;
    gid_t gid;
    munge_err_t e;

    describe_munge_daemon(ctx, r);
    if (!mctx) {
        fp_error(r, "cannot create a munge context");
        return;
    }
    if ((e = munge_ctx_set(mctx, MUNGE_OPT_SOCKET, sock)) != EMUNGE_SUCCESS) {
        fp_error(r, "cannot use socket %s: %s", sock, munge_ctx_strerror(mctx));
        goto out;
    }
    if ((e = munge_encode(&cred, mctx, payload, sizeof(payload))) != EMUNGE_SUCCESS) {
        fp_fact_int(r, "munge_error", e);
        fp_fail(r, "cannot get a credential from munged on %s: %s", sock,
                munge_ctx_strerror(mctx));
        /* munged not up yet at boot is worth waiting for */
        if (e == EMUNGE_SOCKET)
            fp_retry(r, "munged on %s", sock);
        goto out;
    }
    if ((e = munge_decode(cred, mctx, &out, &outlen, &uid, &gid)) != EMUNGE_SUCCESS) {
        fp_fact_int(r, "munge_error", e);
        fp_fail(r, "munged on %s cannot decode its own credential: %s", sock,
                munge_ctx_strerror(mctx));
        if (e == EMUNGE_SOCKET)
            fp_retry(r, "munged on %s", sock);
        goto out;
    }
    if (uid != getuid() || gid != getgid() || outlen != (int)sizeof(payload) ||
        memcmp(out, payload, sizeof(payload)) != 0) {
        fp_fail(r, "munged on %s returned uid %u gid %u, expected %u %u", sock, (unsigned)uid,
                (unsigned)gid, (unsigned)getuid(), (unsigned)getgid());
        goto out;
    }
    fp_pass(r, "credential round trip through %s", sock);
out:
    free(cred);
    free(out);
    munge_ctx_destroy(mctx);
}

const struct fp_check fp_checks_munge[] = {
    {
        .id = "munge.daemon",
        .message_id = FP_MSGID_MUNGE_DAEMON,
        .summary = "munged answers a credential round trip on its socket, ids intact",
        .explain = "Flux authenticates users and signs jobs with munge. A broker on a node whose\n"
                   "munged is down, stuck, or uses another key starts, but jobs fail.\n"
                   "Fix: systemctl start munge; systemctl status munge; check that\n"
                   "/etc/munge/munge.key is the same on every node (munge -n | unmunge).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE | FP_CHECK_LIVE,
        .timeout = 5.0,
        .run = check_munge_daemon,
        .describe = describe_munge_daemon,
    },
    { 0 },
};
