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
#include "common/fileio.h"
#include "engine/bounded.h"
#include "engine/context.h"
#include "engine/context_flux.h"

char *fp_path(const struct fp_ctx *ctx, const char *path, char *buf, size_t bufsz)
{
    const char *root = ctx->root ? ctx->root : "";
    if (snprintf(buf, bufsz, "%s%s", root, path) >= (int)bufsz)
        return NULL;
    return buf;
}

void fp_user_db_why(const struct fp_ctx *ctx, int rc, char *why, size_t whysz)
{
    struct fio_file f = { 0 };

    if (ctx->live) {
        snprintf(why, whysz, "the user database (NSS): %s", strerror(-rc));
    } else if (fp_image_db_read(ctx, "/etc/passwd", &f, why, whysz) == 0) {
        /* readable now: then /etc/group was not, or memory ran out */
        fio_file_free(&f);
        if (fp_image_db_read(ctx, "/etc/group", &f, why, whysz) == 0) {
            fio_file_free(&f);
            snprintf(why, whysz, "%s", strerror(-rc));
        }
    }
}

int fp_image_db_read(const struct fp_ctx *ctx, const char *path, struct fio_file *f, char *why,
                     size_t whysz)
{
    return fio_read(ctx->root, path, FIO_PASSWD_MAX, 0, f, why, whysz);
}

/* Under --root, users and groups come from the image, never from NSS: its
 * file read through fileio (a FIFO, a device, a link out of the image or a
 * runaway file is an error, not a hang), parsed from memory. NULL (errno)
 * when it cannot be read. */
struct image_db {
    struct fio_file file;
    FILE *f;
};

static FILE *image_db_open(const struct fp_ctx *ctx, const char *path, struct image_db *db)
{
    int rc = fp_image_db_read(ctx, path, &db->file, NULL, 0);

    db->f = NULL;
    if (rc < 0) {
        errno = -rc;
        return NULL;
    }
    if (db->file.len == 0) /* fmemopen() refuses a zero size */
        db->f = fmemopen((void *)"\n", 1, "r");
    else
        db->f = fmemopen(db->file.data, db->file.len, "r");
    if (!db->f)
        fio_file_free(&db->file);
    return db->f;
}

static void image_db_close(struct image_db *db)
{
    if (db->f)
        fclose(db->f);
    db->f = NULL;
    fio_file_free(&db->file);
}

int fp_lookup_user(const struct fp_ctx *ctx, const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (ctx->live) {
        int e = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
        if (e != 0 || !res)
            return e != 0 && e != ENOENT ? -e : -ENOENT;
    } else {
        _cleanup_(image_db_close) struct image_db db = { 0 };
        if (!image_db_open(ctx, "/etc/passwd", &db))
            return -errno; /* -ENOENT: no such file, no such user */
        while (fgetpwent_r(db.f, &pw, buf, sizeof(buf), &res) == 0)
            if (strcmp(pw.pw_name, name) == 0)
                break;
        if (!res || strcmp(pw.pw_name, name) != 0)
            return -ENOENT;
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
        int e = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
        if (e != 0 || !res)
            return e != 0 && e != ENOENT ? -e : -ENOENT;
    } else {
        _cleanup_(image_db_close) struct image_db db = { 0 };
        if (!image_db_open(ctx, "/etc/group", &db))
            return -errno; /* -ENOENT: no such file, no such user */
        while (fgetgrent_r(db.f, &gr, buf, sizeof(buf), &res) == 0)
            if (strcmp(gr.gr_name, name) == 0)
                break;
        if (!res || strcmp(gr.gr_name, name) != 0)
            return -ENOENT;
    }
    *gid = res->gr_gid;
    return 0;
}

int fp_lookup_gid(const struct fp_ctx *ctx, gid_t gid, char *out, size_t outsz)
{
    struct group gr, *res = NULL;
    char buf[16384];

    if (ctx->live) {
        if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) != 0)
            res = NULL;
    } else {
        _cleanup_(image_db_close) struct image_db db = { 0 };
        if (!image_db_open(ctx, "/etc/group", &db))
            return -errno;
        while (fgetgrent_r(db.f, &gr, buf, sizeof(buf), &res) == 0)
            if (gr.gr_gid == gid)
                break;
        if (res && res->gr_gid != gid)
            res = NULL;
    }
    if (!res)
        return -ENOENT;
    if (out)
        snprintf(out, outsz, "%s", res->gr_name);
    return 0;
}

int fp_group_members(const struct fp_ctx *ctx, const char *user, gid_t *gids, int max)
{
    _cleanup_(image_db_close) struct image_db db = { 0 };
    struct group gr, *res;
    char buf[16384];
    int n = 0;

    if (!image_db_open(ctx, "/etc/group", &db))
        return -errno;
    while (n < max && fgetgrent_r(db.f, &gr, buf, sizeof(buf), &res) == 0)
        for (char **m = gr.gr_mem; m && *m; m++)
            if (strcmp(*m, user) == 0 && n < max)
                gids[n++] = gr.gr_gid;
    return n;
}

const char *fp_user_name(const struct fp_ctx *ctx, uid_t uid, char *out, size_t outsz)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (ctx->live) {
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0)
            res = NULL;
    } else {
        _cleanup_(image_db_close) struct image_db db = { 0 };
        if (image_db_open(ctx, "/etc/passwd", &db))
            while (fgetpwent_r(db.f, &pw, buf, sizeof(buf), &res) == 0)
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
    if (fp_lookup_gid(ctx, gid, out, outsz) < 0)
        snprintf(out, outsz, "%u", (unsigned)gid);
    return out;
}

/* The Flux configs and the flux user, read in a child under the run's
 * deadline (engine/bounded.h): a filesystem that does not respond costs the
 * run its deadline, never a hang. */
static const struct {
    const char *key;
    enum conf_merge merge;
    int flags;
} node_confs[] = {
    { "system-config", CONF_MERGE_FLUX, CONF_BROKER },
    { "security-config", CONF_MERGE_SHALLOW, 0 },
    { "imp-config", CONF_MERGE_SHALLOW, 0 },
};
#define NODE_CONFS (sizeof(node_confs) / sizeof(node_confs[0]))

/* In the child: {"start": i} before each piece of work (the 3 configs, then
 * the flux user: i = 3), then its result. */
static int load_node(void *arg, int fd)
{
    struct fp_ctx *ctx = arg;
    uid_t uid = 0;
    gid_t gid = 0;
    json_t *v;
    int rc;

    for (size_t i = 0; i < NODE_CONFS; i++) {
        struct conf *c = NULL;
        struct conf_diag d;
        fp_bounded_send(fd, json_pack("{s:i}", "start", (int)i));
        if (conf_load_flags(ctx->root, fp_setting_str(ctx->set, node_confs[i].key),
                            node_confs[i].merge, node_confs[i].flags, &c, &d) == 0) {
            v = json_pack("{s:i s:o}", "item", (int)i, "conf", conf_to_json(c));
            conf_destroy(c);
        } else
            v = json_pack("{s:i s:o}", "item", (int)i, "diag", conf_diag_to_json(&d));
        if (!v)
            return -1;
        fp_bounded_send(fd, v);
    }
    fp_bounded_send(fd, json_pack("{s:i}", "start", (int)NODE_CONFS));
    rc = fp_lookup_user(ctx, fp_setting_str(ctx->set, "flux-user"), &uid, &gid);
    if (rc < 0 && rc != -ENOENT)
        fp_user_db_why(ctx, rc, ctx->user_db_err, sizeof(ctx->user_db_err));
    v = json_pack("{s:i s:i s:I s:I s:s%}", "item", (int)NODE_CONFS, "rc", rc, "uid",
                  (json_int_t)uid, "gid", (json_int_t)gid, "why", ctx->user_db_err,
                  strnlen(ctx->user_db_err, sizeof(ctx->user_db_err)));
    if (!v)
        return -1;
    fp_bounded_send(fd, v);
    return 0;
}

/* What the loader could not bring: the item it was at when the deadline
 * came did not answer; the ones after it were not tried. */
static void not_read(const struct fp_ctx *ctx, int i, int stuck, const char *err, char *buf,
                     size_t bufsz)
{
    char shown[4096];

    if (stuck < 0)
        snprintf(buf, bufsz, "not read: %s", err);
    else if (i == stuck)
        snprintf(buf, bufsz, "not read: %s%s", err,
                 strstr(err, "deadline") ? " (a filesystem that does not respond?)" : "");
    else
        snprintf(buf, bufsz, "not read: %s did not answer first",
                 stuck < (int)NODE_CONFS
                     ? fio_shown(ctx->root, fp_setting_str(ctx->set, node_confs[stuck].key),
                                 shown, sizeof(shown))
                     : "the user database");
}

static void fp_ctx_load_node(struct fp_ctx *ctx)
{
    struct conf **confs[NODE_CONFS] = { &ctx->system, &ctx->security, &ctx->imp };
    struct conf_diag *diags[NODE_CONFS] = { &ctx->system_err, &ctx->security_err, &ctx->imp_err };
    json_t *items[NODE_CONFS + 1] = { NULL };
    _cleanup_json_ json_t *lines = NULL;
    char err[256] = "";
    int stuck = -1;
    size_t k;
    json_t *v;

    /* the loader gives up a little before the run's deadline (a quarter of
     * it, at most 1 s), so that the checks can still say what was not read */
    double reserve = ctx->set->deadline / 4 < 1.0 ? ctx->set->deadline / 4 : 1.0;
    if (fp_bounded_stream(ctx->deadline - reserve, load_node, ctx, &lines, err, sizeof(err)) < 0) {
        /* the piece of work the loader had started and not finished */
        json_array_foreach(lines, k, v) {
            json_t *start = json_object_get(v, "start");
            if (json_is_integer(start))
                stuck = (int)json_integer_value(start);
        }
    }
    json_array_foreach(lines, k, v) {
        json_int_t i = json_integer_value(json_object_get(v, "item"));
        if (json_object_get(v, "item") && i >= 0 && i <= (json_int_t)NODE_CONFS) {
            items[i] = v;
            if (stuck == (int)i)
                stuck = -1; /* it finished; the loader died after it */
        }
    }
    for (size_t i = 0; i < NODE_CONFS; i++) {
        json_t *conf = json_object_get(items[i], "conf");
        const char *path = fp_setting_str(ctx->set, node_confs[i].key);

        memset(diags[i], 0, sizeof(*diags[i]));
        *confs[i] = NULL;
        if (!items[i]) {
            fio_shown(ctx->root, path, diags[i]->file, sizeof(diags[i]->file));
            not_read(ctx, (int)i, stuck, err, diags[i]->msg, sizeof(diags[i]->msg));
            diags[i]->err = CONF_NOT_READ;
        } else if (!conf) {
            conf_diag_from_json(json_object_get(items[i], "diag"), diags[i]);
        } else if (conf_from_json(conf, confs[i]) < 0) {
            fio_shown(ctx->root, path, diags[i]->file, sizeof(diags[i]->file));
            snprintf(diags[i]->msg, sizeof(diags[i]->msg), "the config loader sent a malformed "
                     "answer");
            diags[i]->err = CONF_NOT_READ;
        }
    }
    json_t *user = items[NODE_CONFS];
    ctx->flux_user_found = user && json_integer_value(json_object_get(user, "rc")) == 0;
    if (ctx->flux_user_found) {
        ctx->flux_uid = (uid_t)json_integer_value(json_object_get(user, "uid"));
        ctx->flux_gid = (gid_t)json_integer_value(json_object_get(user, "gid"));
    } else if (!user) {
        char why[512];
        not_read(ctx, (int)NODE_CONFS, stuck, err, why, sizeof(why));
        snprintf(ctx->user_db_err, sizeof(ctx->user_db_err), "the user database: %s", why);
    } else {
        snprintf(ctx->user_db_err, sizeof(ctx->user_db_err), "%s",
                 json_string_value(json_object_get(user, "why")) ?: "");
    }
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

    fp_ctx_load_node(ctx);
    fp_ctx_load_bootstrap(ctx);
    return 0;
}

void fp_ctx_fini(struct fp_ctx *ctx)
{
    conf_destroy(ctx->system);
    conf_destroy(ctx->security);
    conf_destroy(ctx->imp);
    fp_ctx_free_bootstrap(ctx);
}
