/* The node context: everything parsed once before the checks run, handed
 * read-only to every check (and inherited by the worker children). */
#ifndef FP_ENGINE_CONTEXT_H
#define FP_ENGINE_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "common/conf.h"
#include "engine/settings.h"

struct bootstrap;
struct topology;

struct fp_ctx {
    const char *root;          /* "" for the live node, else the image root (no trailing '/') */
    bool live;                 /* false under --root: live checks skip */
    char hostname[256];        /* gethostname() verbatim, or --hostname */
    bool hostname_given;

    struct fp_settings *set;   /* the gate's own config */

    /* Flux configs, parsed once. NULL with the *_err filled when loading
     * failed (a check reports it; dependent checks skip naming it). */
    struct conf *system;
    struct conf_diag system_err;
    struct conf *security;
    struct conf_diag security_err;
    struct conf *imp;
    struct conf_diag imp_err;

    /* [bootstrap] resolved for this host (NULL when system config failed or
     * [bootstrap] is invalid; bootstrap_err says why). */
    struct bootstrap *boot;
    char bootstrap_err[1024];
    bool bootstrap_host_missing; /* the table is valid but this host is not in it */
    int rank;                  /* -1 when unknown */
    int size;                  /* 0 when unknown */

    /* the overlay tree ([tbon] topo over the bootstrap hosts); NULL with
     * topology_err when it cannot be built */
    struct topology *topo;
    char topology_err[512];

    /* the flux user, resolved via NSS (or root/etc/passwd under --root) */
    bool flux_user_found;
    uid_t flux_uid;
    gid_t flux_gid;
    char user_db_err[4096 + 128]; /* not found because the database could not be read: why */

    double deadline;           /* CLOCK_MONOTONIC seconds at which the run ends */
};

/* root + path into buf (path must be absolute), as messages show a path of
 * the node. Returns buf, or NULL if it does not fit. FOR MESSAGES ONLY: what
 * it returns never reaches open(), stat() or fopen(); files of the node are
 * reached through common/fileio.h with ctx->root (fio_read(ctx->root, path,
 * ...)), which resolves them inside the image. */
char *fp_path(const struct fp_ctx *ctx, const char *path, char *buf, size_t bufsz);

/* START is when the run began (CLOCK_MONOTONIC seconds, fp_now()), before
 * the gate's own config was read; 0 means now. The run's deadline counts from
 * it, so that parsing the node's configs here happens under the deadline. */
int fp_ctx_init(struct fp_ctx *ctx, const char *root, const char *hostname,
                struct fp_settings *set, double start);
/* CLOCK_MONOTONIC in seconds. */
double fp_now(void);
/* This node's name: GIVEN (--hostname), else gethostname() verbatim. */
void fp_hostname(const char *given, char *buf, size_t bufsz);
void fp_ctx_fini(struct fp_ctx *ctx);

/* Users and groups: NSS on the live node, DIR/etc/passwd and DIR/etc/group
 * under --root (read through fileio, at most FIO_PASSWD_MAX bytes). 0, or
 * -ENOENT when there is no such user or group (or no such file in the
 * image), another -errno when the database could not be read:
 * fp_user_db_why() says why. */
int fp_lookup_user(const struct fp_ctx *ctx, const char *name, uid_t *uid, gid_t *gid);
int fp_lookup_group(const struct fp_ctx *ctx, const char *name, gid_t *gid);
/* The group with this gid: 0 with its name in out (may be NULL), -ENOENT, or
 * another -errno (as fp_lookup_group). */
int fp_lookup_gid(const struct fp_ctx *ctx, gid_t gid, char *out, size_t outsz);
/* Under --root: the gids of the image's groups that list user as a member
 * (at most max). Returns how many, or -errno. */
int fp_group_members(const struct fp_ctx *ctx, const char *user, gid_t *gids, int max);
/* Why a lookup failed with rc (not -ENOENT): "ROOT/etc/passwd is a FIFO, not
 * a regular file". */
void fp_user_db_why(const struct fp_ctx *ctx, int rc, char *why, size_t whysz);
struct fio_file;
/* An image's /etc/passwd or /etc/group, read through fileio. */
int fp_image_db_read(const struct fp_ctx *ctx, const char *path, struct fio_file *f, char *why,
                     size_t whysz);
/* Name for a uid/gid (or its number as text); writes into buf. */
const char *fp_user_name(const struct fp_ctx *ctx, uid_t uid, char *buf, size_t bufsz);
const char *fp_group_name(const struct fp_ctx *ctx, gid_t gid, char *buf, size_t bufsz);

#endif
