/* Is the flux user set up? (checklist: "Are users set up properly? Flux
 * requires that the flux user ... have a consistent UID assignment across
 * the cluster", `id flux` identical on every node).  flux.service runs the
 * broker as User=flux, Group=flux; neither flux-core nor flux-security
 * creates that user (FLUX-FACTS §1.3): the site must. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "engine/check.h"
#include "engine/context.h"
#include "engine/msgids.h"

#define USERADD_FIX "useradd --system --no-create-home --shell /usr/sbin/nologin %s " \
                    "(with the same uid on every node: add -u UID)"

/* Does gid name a group (NSS, or DIR/etc/group under --root)? */
static bool group_exists(const struct fp_ctx *ctx, gid_t gid)
{
    struct group gr, *res = NULL;
    char buf[16384], path[PATH_MAX];

    if (ctx->live)
        return getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res;
    if (!fp_path(ctx, "/etc/group", path, sizeof(path)))
        return false;
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    while (f && fgetgrent_r(f, &gr, buf, sizeof(buf), &res) == 0)
        if (gr.gr_gid == gid)
            return true;
    return false;
}

static void check_user_flux(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *name = fp_setting_str(ctx->set, "flux-user");
    char where[PATH_MAX], group[64];
    uid_t uid;
    gid_t gid, named_gid;

    if (ctx->live)
        snprintf(where, sizeof(where), "NSS (getent passwd %s)", name);
    else if (!fp_path(ctx, "/etc/passwd", where, sizeof(where)))
        snprintf(where, sizeof(where), "the image's /etc/passwd");
    fp_fact_str(r, "user", name);
    if (fp_lookup_user(ctx, name, &uid, &gid) < 0) {
        fp_fail(r, "user %s does not exist in %s: flux.service runs the broker as User=%s and "
                   "fails to start (status=217/USER): " USERADD_FIX, name, where, name, name);
        return;
    }
    fp_fact_int(r, "uid", uid);
    fp_fact_int(r, "gid", gid);
    fp_fact_str(r, "group", fp_group_name(ctx, gid, group, sizeof(group)));

    if (uid == 0)
        fp_fail(r, "user %s has uid 0: the broker would run as root, and with it every job "
                   "and every module: give %s its own system uid, the same on every node "
                   "(userdel %s; " USERADD_FIX ")", name, name, name, name);
    if (!group_exists(ctx, gid))
        fp_fail(r, "the primary group of %s (gid %u) does not exist: groupadd -g %u %s",
                name, (unsigned)gid, (unsigned)gid, name);
    if (fp_lookup_group(ctx, name, &named_gid) < 0)
        fp_fail(r, "group %s does not exist: flux.service runs the broker with Group=%s and "
                   "fails to start (status=216/GROUP): groupadd --system %s; usermod -g %s %s",
                name, name, name, name, name);
    else
        fp_fact_int(r, "group_gid", named_gid);
    /* The same uid and gid on every node (checklist: "Are users set up
     * properly?"): a site pins them in the gate config. */
    json_t *want_uid = json_object_get(ctx->set->values, "flux-uid");
    json_t *want_gid = json_object_get(ctx->set->values, "flux-gid");
    if (want_uid && (double)uid != json_number_value(want_uid))
        fp_fail(r, "user %s has uid %u, the cluster's is %.0f (flux-uid): files written on "
                   "one node are foreign on another: usermod -u %.0f %s (then chown what %s owns)",
                name, (unsigned)uid, json_number_value(want_uid), json_number_value(want_uid),
                name, name);
    if (want_gid && (double)gid != json_number_value(want_gid))
        fp_fail(r, "user %s has gid %u, the cluster's is %.0f (flux-gid): groupmod -g %.0f %s",
                name, (unsigned)gid, json_number_value(want_gid), json_number_value(want_gid),
                name);
    if (!fp_nothing_found(r))
        return;
    if (gid == 0)
        fp_warn(r, "user %s has primary group root (gid 0): it can read every root-group file: "
                   "usermod -g %s %s", name, name, name);
    else
        fp_pass(r, "user %s: uid %u, gid %u (%s)", name, (unsigned)uid, (unsigned)gid, group);
}

const struct fp_check fp_checks_user[] = {
    {
        .id = "user.flux",
        .message_id = FP_MSGID_USER_FLUX,
        .summary = "the flux user resolves, is not root, and has its group",
        .explain = "flux.service runs the broker as User=flux and Group=flux; neither Flux\n"
                   "package creates them. Without the user or the group systemd cannot start\n"
                   "the broker; as uid 0 the broker and every job would run as root. The uid\n"
                   "must be the same on every node (fleet.sync compares it when a manifest is\n"
                   "configured): `pdsh -a id flux | dshbak -c`.\n"
                   "Fix: useradd --system --no-create-home --shell /usr/sbin/nologin flux\n"
                   "(add -u UID to use the cluster's uid on every node).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_user_flux,
    },
    { 0 },
};
