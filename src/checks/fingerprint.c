/* Fleet fingerprints and the manifest. See fingerprint.h for what each item
 * digests and why. Secrets (the certificate's secret key, the munge key) are
 * read, hashed and wiped: never printed, never kept. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checks/fingerprint.h"
#include "common/cleanup.h"
#include "common/conf.h"
#include "common/fileio.h"
#include "common/sanitize.h"
#include "common/zcert.h"
#include "engine/bounded.h"
#include "engine/context.h"

/* Larger than any certificate or munge key: refuse rather than hash a
 * runaway file (munged's own limit is 1 MiB). */
#define FP_ITEM_FILE_MAX (1024 * 1024)

static const char *item_names[FP_ITEM_COUNT] = {
    [FP_ITEM_CERT] = "cert",
    [FP_ITEM_CERT_FILE] = "cert.file",
    [FP_ITEM_CONFIG_SYSTEM] = "config.system",
    [FP_ITEM_CONFIG_SECURITY] = "config.security",
    [FP_ITEM_CONFIG_IMP] = "config.imp",
    [FP_ITEM_MUNGE_KEY] = "munge.key",
    [FP_ITEM_FLUX_UID] = "flux.uid",
    [FP_ITEM_FLUX_GID] = "flux.gid",
};

const char *fp_item_state_name(enum fp_item_state st)
{
    switch (st) {
    case FP_ITEM_OK: return "ok";
    case FP_ITEM_MISSING: return "missing";
    case FP_ITEM_UNREADABLE: return "unreadable";
    case FP_ITEM_INVALID: return "invalid";
    }
    return "invalid";
}

static void item_set_state(struct fp_item *it, enum fp_item_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void item_set_state(struct fp_item *it, enum fp_item_state st, const char *fmt, ...)
{
    va_list ap;

    it->state = st;
    snprintf(it->value, sizeof(it->value), "%s", fp_item_state_name(st));
    va_start(ap, fmt);
    vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
    va_end(ap);
}

static enum fp_item_state state_of_errno(int e)
{
    return e == ENOENT || e == ENOTDIR ? FP_ITEM_MISSING : FP_ITEM_UNREADABLE;
}

static void file_error(struct fp_item *it, int rc, const char *why)
{
    enum fp_item_state st = rc == -EFBIG || rc == -EINVAL ? FP_ITEM_INVALID
                                                          : state_of_errno(-rc);
    item_set_state(it, st, "%s", why);
}

/* Hash a file's bytes into it->value; the bytes are wiped. With zc, also
 * parse them as a certificate (only the public key comes back). Returns the
 * read status (0 or -errno); the item is set either way. */
static int digest_file(const struct fp_ctx *ctx, const char *path, struct fp_item *it,
                       struct fp_item *cert_it)
{
    struct fio_file f = { 0 };
    char why[PATH_MAX + 128];
    int rc;

    snprintf(it->source, sizeof(it->source), "%s", path);
    /* inside the root, never a FIFO or a device, at most FP_ITEM_FILE_MAX */
    if ((rc = fio_read(ctx->root, path, FP_ITEM_FILE_MAX, FIO_SECRET, &f, NULL, 0)) < 0) {
        /* named as the admin names it, without the --root prefix */
        fio_why(why, sizeof(why), path, rc, &f.st, FP_ITEM_FILE_MAX, 0);
        file_error(it, rc, why);
        return rc;
    }
    const char *buf = f.data;
    size_t len = f.len;
    if (digest_sha256(buf, len, it->value) < 0)
        item_set_state(it, FP_ITEM_UNREADABLE, "%s: cannot compute sha256", path);
    else
        it->state = FP_ITEM_OK;
    if (cert_it) {
        struct zcert_info zi;
        char err[256];
        int line = 0;
        if (zcert_parse(buf, len, &zi, &line, err, sizeof(err)) < 0)
            item_set_state(cert_it, FP_ITEM_INVALID, "%s: not a certificate the broker accepts: %s",
                           path, err);
        else if (digest_sha256(zi.public_z85, strlen(zi.public_z85), cert_it->value) < 0)
            item_set_state(cert_it, FP_ITEM_UNREADABLE, "%s: cannot compute sha256", path);
        else
            cert_it->state = FP_ITEM_OK;
        explicit_bzero(&zi, sizeof(zi));
    }
    fio_file_free(&f); /* wiped */
    return 0;
}

/* The digests of a loaded config, read with merge (whatever merge c was
 * loaded with: the per-file objects are the same). Returns c. */
static const struct conf *digest_loaded(const struct conf *c, const char *path,
                                        enum conf_merge merge, bool flux_md5, struct fp_item *it)
{
    if (!flux_md5 || conf_flux_md5(c, it->flux_md5) < 0)
        it->flux_md5[0] = '\0';

    _cleanup_json_ json_t *shallow = NULL;
    const json_t *seen = c->merged;
    if (merge == CONF_MERGE_SHALLOW) {
        if (c->is_dir && c->nfiles == 0) {
            /* the signing library and the IMP refuse an empty conf.d */
            item_set_state(it, FP_ITEM_MISSING, "%s: no *.toml file", path);
            return c;
        }
        if (c->merge != CONF_MERGE_SHALLOW) {
            if (!(shallow = json_object()))
                goto nomem;
            for (size_t i = 0; i < c->nfiles; i++)
                if (conf_merge_shallow(shallow, c->files[i].obj) < 0)
                    goto nomem;
            seen = shallow;
        }
    }
    if (digest_json_sha256(seen, it->value) < 0)
        goto nomem;
    it->state = FP_ITEM_OK;
    return c;
nomem:
    item_set_state(it, FP_ITEM_UNREADABLE, "%s: cannot compute the digest", path);
    return c;
}

/* One config directory (or file): the reader's merge, canonical JSON.
 * The node context parsed it already (loaded is that conf: the per-file
 * objects and the reader's merge are all a digest needs); only a config the
 * context could not load is read again, to say why. Returns the conf (for
 * the cert path and --format=flux), or NULL; *owned is set when it was
 * loaded here and must be destroyed. */
static const struct conf *digest_config(const struct fp_ctx *ctx, const char *key,
                                        enum conf_merge merge, const struct conf *loaded,
                                        bool flux_md5, struct fp_item *it, struct conf **owned)
{
    const char *path = fp_setting_str(ctx->set, key);
    struct conf *c = NULL;
    struct conf_diag diag;
    int fd;

    *owned = NULL;
    snprintf(it->source, sizeof(it->source), "%s", path);
    if (loaded)
        return digest_loaded(loaded, path, merge, flux_md5, it);
    if ((fd = fio_open(ctx->root, path, O_PATH)) < 0) {
        item_set_state(it, state_of_errno(-fd), "%s: %s", path, strerror(-fd));
        return NULL;
    }
    close(fd);
    /* flux-core's loader for everything: `flux config get` reads all three
     * that way; flux-security's shallow merge is redone below from the same
     * per-file objects. */
    if (conf_load(ctx->root, path, CONF_MERGE_FLUX, &c, &diag) < 0) {
        /* what could not be opened or read is unreadable; what was read
         * and refused (syntax, type, size) is invalid */
        enum fp_item_state st2 = diag.err && diag.err != ENOMEM ? FP_ITEM_UNREADABLE
                                                                 : FP_ITEM_INVALID;
        if (diag.line > 0)
            item_set_state(it, st2, "%s:%d: %s", diag.file, diag.line, diag.msg);
        else if (diag.file[0])
            item_set_state(it, st2, "%s: %s", diag.file, diag.msg);
        else
            item_set_state(it, st2, "%s: %s", path, diag.msg);
        return NULL;
    }
    *owned = c;
    return digest_loaded(c, path, merge, flux_md5, it);
}

static void digest_cert(const struct fp_ctx *ctx, const struct conf *system, struct fp_item *cert,
                        struct fp_item *file)
{
    const char *cc = NULL;
    char path[PATH_MAX];

    snprintf(cert->source, sizeof(cert->source), "the file named by bootstrap.curve_cert");
    if (!system) {
        item_set_state(cert, FP_ITEM_MISSING, "bootstrap.curve_cert unknown: %s does not load",
                       fp_setting_str(ctx->set, "system-config"));
        *file = *cert;
        return;
    }
    cc = json_string_value(json_object_get(json_object_get(system->merged, "bootstrap"),
                                           "curve_cert"));
    if (!cc || !*cc) {
        item_set_state(cert, FP_ITEM_MISSING, "bootstrap.curve_cert is not set in %s",
                       fp_setting_str(ctx->set, "system-config"));
        *file = *cert;
        return;
    }
    /* the broker runs in / : a relative path is relative to it */
    if (snprintf(path, sizeof(path), "%s%s", cc[0] == '/' ? "" : "/", cc) >= (int)sizeof(path)) {
        item_set_state(cert, FP_ITEM_UNREADABLE, "%s: path too long", cc);
        *file = *cert;
        return;
    }
    snprintf(cert->source, sizeof(cert->source), "%s", path);
    if (digest_file(ctx, path, file, cert) < 0) {
        /* the file could not be read: the key is in the same state */
        char src[sizeof(cert->source)];
        memcpy(src, cert->source, sizeof(src));
        *cert = *file;
        memcpy(cert->source, src, sizeof(src));
    }
}

void fp_fingerprint_compute(const struct fp_ctx *ctx, struct fp_fingerprint *fp, bool flux_md5)
{
    memset(fp, 0, sizeof(*fp));
    for (int i = 0; i < FP_ITEM_COUNT; i++)
        fp->items[i].name = item_names[i];
    struct fp_item *it = fp->items;

    struct conf *own_sys, *own;
    const struct conf *system = digest_config(ctx, "system-config", CONF_MERGE_FLUX, ctx->system,
                                              flux_md5, &it[FP_ITEM_CONFIG_SYSTEM], &own_sys);
    digest_config(ctx, "security-config", CONF_MERGE_SHALLOW, ctx->security, flux_md5,
                  &it[FP_ITEM_CONFIG_SECURITY], &own);
    conf_destroy(own);
    digest_config(ctx, "imp-config", CONF_MERGE_SHALLOW, ctx->imp, flux_md5,
                  &it[FP_ITEM_CONFIG_IMP], &own);
    conf_destroy(own);

    digest_cert(ctx, system, &it[FP_ITEM_CERT], &it[FP_ITEM_CERT_FILE]);
    it[FP_ITEM_CERT].name = item_names[FP_ITEM_CERT];
    it[FP_ITEM_CERT_FILE].name = item_names[FP_ITEM_CERT_FILE];
    conf_destroy(own_sys);

    digest_file(ctx, fp_setting_str(ctx->set, "munge.key"), &it[FP_ITEM_MUNGE_KEY], NULL);

    const char *user = fp_setting_str(ctx->set, "flux-user");
    struct fp_item *u = &it[FP_ITEM_FLUX_UID], *g = &it[FP_ITEM_FLUX_GID];
    snprintf(u->source, sizeof(u->source), "user %s", user);
    snprintf(g->source, sizeof(g->source), "user %s", user);
    if (ctx->flux_user_found) {
        snprintf(u->value, sizeof(u->value), "%u", (unsigned)ctx->flux_uid);
        snprintf(g->value, sizeof(g->value), "%u", (unsigned)ctx->flux_gid);
    } else {
        const char *where = ctx->live ? "the user database (NSS)" : "etc/passwd of the root";
        item_set_state(u, FP_ITEM_MISSING, "user %s not found in %s", user, where);
        item_set_state(g, FP_ITEM_MISSING, "user %s not found in %s", user, where);
    }
}

struct compute_arg {
    const struct fp_ctx *ctx;
    bool flux_md5;
};

static json_t *compute_json(void *arg)
{
    const struct compute_arg *a = arg;
    struct fp_fingerprint fp;
    json_t *items = json_array();

    fp_fingerprint_compute(a->ctx, &fp, a->flux_md5);
    for (int i = 0; items && i < FP_ITEM_COUNT; i++) {
        const struct fp_item *it = &fp.items[i];
        /* digests, state words and paths as configured are UTF-8; a
         * message may hold a file name of the image that is not: it is shown
         * sanitised anyway */
        _cleanup_free_ char *detail = sanitize_dup(it->detail);
        json_t *o = json_pack("{s:i s:s s:s s:s s:s}", "state", (int)it->state, "value",
                              it->value, "flux_md5", it->flux_md5, "source", it->source,
                              "detail", detail ? detail : "");
        if (!o || json_array_append_new(items, o) < 0) {
            json_decref(items);
            return NULL;
        }
    }
    return items;
}

int fp_fingerprint_compute_bounded(const struct fp_ctx *ctx, struct fp_fingerprint *fp, bool flux_md5,
                                   char *err, size_t errsz)
{
    char why[256];
    struct compute_arg a = { ctx, flux_md5 };
    _cleanup_json_ json_t *items = fp_bounded(ctx->deadline, compute_json, &a, why, sizeof(why));

    memset(fp, 0, sizeof(*fp));
    if (!items || json_array_size(items) != FP_ITEM_COUNT) {
        snprintf(err, errsz, "the node's files were not read: %s",
                 items ? "a malformed answer" : why);
        return -1;
    }
    for (int i = 0; i < FP_ITEM_COUNT; i++) {
        struct fp_item *it = &fp->items[i];
        json_t *o = json_array_get(items, (size_t)i);
        it->name = item_names[i];
        it->state = (enum fp_item_state)json_integer_value(json_object_get(o, "state"));
        snprintf(it->value, sizeof(it->value), "%s",
                 json_string_value(json_object_get(o, "value")) ?: "");
        snprintf(it->flux_md5, sizeof(it->flux_md5), "%s",
                 json_string_value(json_object_get(o, "flux_md5")) ?: "");
        snprintf(it->source, sizeof(it->source), "%s",
                 json_string_value(json_object_get(o, "source")) ?: "");
        snprintf(it->detail, sizeof(it->detail), "%s",
                 json_string_value(json_object_get(o, "detail")) ?: "");
    }
    return 0;
}

bool fp_item_is_config(enum fp_item_id id)
{
    return id == FP_ITEM_CONFIG_SYSTEM || id == FP_ITEM_CONFIG_SECURITY ||
           id == FP_ITEM_CONFIG_IMP;
}

json_t *fp_fingerprint_items(const struct fp_fingerprint *fp)
{
    json_t *o = json_object();
    for (int i = 0; o && i < FP_ITEM_COUNT; i++) {
        if (json_object_set_new(o, fp->items[i].name, json_string(fp->items[i].value)) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *fp_manifest_doc(const struct fp_ctx *ctx, const struct fp_fingerprint *fp)
{
    char when[64];
    struct tm tm;
    time_t now = time(NULL);
    json_t *items = fp_fingerprint_items(fp);

    if (!items)
        return NULL;
    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_pack("{s:i s:s s:s s:s s:o}", "version", FP_MANIFEST_VERSION, "generated_by",
                     "flux-preflight " PACKAGE_VERSION, "host", ctx->hostname, "time", when,
                     "items", items);
}

int fp_manifest_parse(const char *buf, size_t len, struct fp_manifest *m, char *err,
                      size_t errsz)
{
    json_error_t jerr;
    json_t *v;
    const char *k;

    memset(m, 0, sizeof(*m));
    if (!(m->doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr))) {
        snprintf(err, errsz, "not valid JSON: line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return -1;
    }
    if (!json_is_object(m->doc)) {
        snprintf(err, errsz, "not a JSON object");
        goto fail;
    }
    v = json_object_get(m->doc, "version");
    if (!json_is_integer(v)) {
        snprintf(err, errsz, "no integer \"version\": not a flux-preflight manifest");
        goto fail;
    }
    if (json_integer_value(v) != FP_MANIFEST_VERSION) {
        snprintf(err, errsz, "unsupported version %lld (this flux-preflight reads version %d)",
                 (long long)json_integer_value(v), FP_MANIFEST_VERSION);
        goto fail;
    }
    m->items = json_object_get(m->doc, "items");
    if (!json_is_object(m->items) || json_object_size(m->items) == 0) {
        snprintf(err, errsz, "no \"items\" object with at least one item");
        goto fail;
    }
    json_object_foreach(m->items, k, v) {
        if (!json_is_string(v) || json_string_length(v) >= DIGEST_SHA256_STRLEN) {
            snprintf(err, errsz, "item \"%.64s\" is not a digest string", k);
            goto fail;
        }
    }
    m->host = json_string_value(json_object_get(m->doc, "host"));
    m->time = json_string_value(json_object_get(m->doc, "time"));
    if (!m->host)
        m->host = "?";
    if (!m->time)
        m->time = "?";
    return 0;
fail:
    fp_manifest_fini(m);
    return -1;
}

void fp_manifest_fini(struct fp_manifest *m)
{
    json_decref(m->doc);
    memset(m, 0, sizeof(*m));
}

int fp_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errsz)
{
    return fio_write_atomic(path, data, len, 0644, FIO_GROUP_ROOT, err, errsz) < 0 ? -1 : 0;
}
