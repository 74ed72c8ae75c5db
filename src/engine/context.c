/* The node context: parse once, hand to every check. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "engine/context.h"
#include "engine/context_flux.h"

char *fp_path(const struct fp_ctx *ctx, const char *path, char *buf, size_t bufsz)
{
    const char *root = ctx->root ? ctx->root : "";
    if (snprintf(buf, bufsz, "%s%s", root, path) >= (int)bufsz)
        return NULL;
    return buf;
}

/* Under --root, users and groups come from the image, never from NSS. */
static FILE *open_image_file(const struct fp_ctx *ctx, const char *path)
{
    char buf[PATH_MAX];
    if (!fp_path(ctx, path, buf, sizeof(buf)))
        return NULL;
    return fopen(buf, "re");
}

int fp_lookup_user(const struct fp_ctx *ctx, const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (ctx->live) {
        if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
            return -1;
    } else {
        _cleanup_fclose_ FILE *f = open_image_file(ctx, "/etc/passwd");
        if (!f)
            return -1;
        while (fgetpwent_r(f, &pw, buf, sizeof(buf), &res) == 0)
            if (strcmp(pw.pw_name, name) == 0)
                break;
        if (!res || strcmp(pw.pw_name, name) != 0)
            return -1;
    }
    *uid = res->pw_uid;
    *gid = res->pw_gid;
    return 0;
}

int fp_lookup_group(const struct fp_ctx *ctx, const char *name, gid_t *gid)
{
    struct group gr, *res = NULL;
    char buf[16384];

    if (ctx->live) {
        if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
            return -1;
    } else {
        _cleanup_fclose_ FILE *f = open_image_file(ctx, "/etc/group");
        if (!f)
            return -1;
        while (fgetgrent_r(f, &gr, buf, sizeof(buf), &res) == 0)
            if (strcmp(gr.gr_name, name) == 0)
                break;
        if (!res || strcmp(gr.gr_name, name) != 0)
            return -1;
    }
    *gid = res->gr_gid;
    return 0;
}

const char *fp_user_name(const struct fp_ctx *ctx, uid_t uid, char *out, size_t outsz)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (ctx->live) {
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0)
            res = NULL;
    } else {
        _cleanup_fclose_ FILE *f = open_image_file(ctx, "/etc/passwd");
        while (f && fgetpwent_r(f, &pw, buf, sizeof(buf), &res) == 0)
            if (pw.pw_uid == uid)
                break;
        if (res && res->pw_uid != uid)
            res = NULL;
    }
    if (res)
        snprintf(out, outsz, "%s", res->pw_name);
    else
        snprintf(out, outsz, "%u", (unsigned)uid);
    return out;
}

const char *fp_group_name(const struct fp_ctx *ctx, gid_t gid, char *out, size_t outsz)
{
    struct group gr, *res = NULL;
    char buf[16384];

    if (ctx->live) {
        if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) != 0)
            res = NULL;
    } else {
        _cleanup_fclose_ FILE *f = open_image_file(ctx, "/etc/group");
        while (f && fgetgrent_r(f, &gr, buf, sizeof(buf), &res) == 0)
            if (gr.gr_gid == gid)
                break;
        if (res && res->gr_gid != gid)
            res = NULL;
    }
    if (res)
        snprintf(out, outsz, "%s", res->gr_name);
    else
        snprintf(out, outsz, "%u", (unsigned)gid);
    return out;
}

static void load_conf(struct fp_ctx *ctx, const char *key, enum conf_merge merge, int flags,
                      struct conf **out, struct conf_diag *err)
{
    char path[PATH_MAX];
    memset(err, 0, sizeof(*err));
    if (!fp_path(ctx, fp_setting_str(ctx->set, key), path, sizeof(path))) {
        snprintf(err->msg, sizeof(err->msg), "%s: path too long", fp_setting_str(ctx->set, key));
        *out = NULL;
        return;
    }
    if (conf_load_flags(path, merge, flags, out, err) < 0)
        *out = NULL;
}

double fp_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec / 1e9;
}

void fp_hostname(const char *given, char *buf, size_t bufsz)
{
    if (given)
        snprintf(buf, bufsz, "%s", given);
    else if (gethostname(buf, bufsz - 1) < 0)
        snprintf(buf, bufsz, "localhost");
    else
        buf[bufsz - 1] = '\0';
}

int fp_ctx_init(struct fp_ctx *ctx, const char *root, const char *hostname,
                struct fp_settings *set, double start)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->root = root ? root : "";
    ctx->live = !root || !*root;
    ctx->set = set;
    ctx->rank = -1;
    ctx->deadline = (start > 0 ? start : fp_now()) + set->deadline;
    fp_hostname(hostname, ctx->hostname, sizeof(ctx->hostname));
    ctx->hostname_given = hostname != NULL;

    load_conf(ctx, "system-config", CONF_MERGE_FLUX, CONF_BROKER, &ctx->system, &ctx->system_err);
    load_conf(ctx, "security-config", CONF_MERGE_SHALLOW, 0, &ctx->security, &ctx->security_err);
    load_conf(ctx, "imp-config", CONF_MERGE_SHALLOW, 0, &ctx->imp, &ctx->imp_err);
    fp_ctx_load_bootstrap(ctx);

    ctx->flux_user_found = fp_lookup_user(ctx, fp_setting_str(set, "flux-user"), &ctx->flux_uid,
                                          &ctx->flux_gid) == 0;
    return 0;
}

void fp_ctx_fini(struct fp_ctx *ctx)
{
    conf_destroy(ctx->system);
    conf_destroy(ctx->security);
    conf_destroy(ctx->imp);
    fp_ctx_free_bootstrap(ctx);
}
