/* The Flux configs as their readers see them: what the config families
 * (config.c, resource.c, security.c, imp.c) share (confread.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/confread.h"
#include "checks/packages.h"
#include "common/cleanup.h"
#include "engine/settings.h"

const char *cfg_toml_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "table";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "float";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

bool cfg_array_has_string(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(a, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

bool cfg_array_of_strings(const json_t *a)
{
    size_t i;
    json_t *v;

    if (!json_is_array(a))
        return false;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v))
            return false;
    }
    return true;
}

/* A conf.d setting's path as the admin sees it (root prefix included, like
 * every path the checks print). */
const char *cfg_setting_path(const struct fp_ctx *ctx, const char *key, char *buf, size_t sz)
{
    const char *p = fp_setting_str(ctx->set, key);
    if (!fp_path(ctx, p, buf, sz))
        snprintf(buf, sz, "%s", p);
    return buf;
}

const char *cfg_flux_user(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "flux-user");
}

/* One warning per file and dropped table (conf_shallow_drops()), naming the
 * keys lost and the file whose table wins. */
void cfg_shallow_drops(const struct conf *c, struct fp_findings *f, const char *reader)
{
    _cleanup_json_ json_t *drops = c ? conf_shallow_drops(c) : NULL;
    size_t i;
    json_t *d;

    json_array_foreach(drops, i, d) {
        const char *top = json_string_value(json_object_get(d, "top"));
        const char *winner = json_string_value(json_object_get(d, "winner"));
        int winner_line = (int)json_integer_value(json_object_get(d, "winner_line"));
        json_t *keys = json_object_get(d, "keys");
        char list[1024] = "", where[PATH_MAX + 32];
        size_t n = json_array_size(keys), k;
        json_t *key;

        json_array_foreach(keys, k, key) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "",
                     json_string_value(key));
        }
        if (winner && winner_line > 0)
            snprintf(where, sizeof(where), "%s:%d", winner, winner_line);
        else
            snprintf(where, sizeof(where), "%s", winner ? winner : "a later file");
        fp_finding_at(f, FP_WARN, json_string_value(json_object_get(d, "file")),
                      (int)json_integer_value(json_object_get(d, "line")), 0,
                      "%s %s silently dropped: %s also defines [%s], and %s merges conf.d files "
                      "shallowly (the last file's [%s] wins whole; flux config get shows a "
                      "recursive merge and hides this): move %s into %s",
                      list, n == 1 ? "is" : "are", where, top, reader, top,
                      n == 1 ? "it" : "them", winner ? winner : "that file");
    }
}

/* Is flux-security's signing config read on this node?  By flux-core when
 * it is built with flux-security (job-ingest, at rc1; flux submit), and by
 * the IMP when [exec] imp is set.  When flux-core's job-ingest module cannot
 * be found or read, it is assumed to (the failure is packages.core's).
 * why: one phrase saying who reads it, or why nobody does. */
bool cfg_sign_config_read(const struct fp_ctx *ctx, char *why, size_t whysz)
{
    char module[PATH_MAX + 256];
    int rc = packages_core_uses_security(ctx, module, sizeof(module));
    const json_t *imp = ctx->system ? conf_get_dotted(ctx->system->merged, "exec.imp") : NULL;

    if (rc == 1)
        snprintf(why, whysz, "flux-core is built with flux-security (%s links "
                             "libflux-security)", module);
    else if (rc == 0 && json_is_string(imp))
        snprintf(why, whysz, "[exec] imp is set and the IMP reads it (flux-core itself, %s, "
                             "does not link libflux-security)", module);
    else if (rc == 0)
        snprintf(why, whysz, "flux-core is built without flux-security (%s does not link "
                             "libflux-security) and no [exec] imp is set", module);
    else if (rc == -ENOENT)
        snprintf(why, whysz, "flux-core's job-ingest module was not found, so flux-core is "
                             "assumed to use flux-security (see packages.core)");
    else
        snprintf(why, whysz, "flux-core is assumed to use flux-security (%s)", module);
    return rc != 0 || json_is_string(imp);
}

/* Is the IMP's config read?  Only when the broker runs the IMP: [exec] imp. */
bool cfg_imp_config_read(const struct fp_ctx *ctx)
{
    const json_t *imp = ctx->system ? conf_get_dotted(ctx->system->merged, "exec.imp") : NULL;
    return imp != NULL;
}

/* A load failure that is "nothing to read": no *.toml, or no directory. */
static bool diag_is_nofiles(const struct conf_diag *e)
{
    return !e->file[0] && strstr(e->msg, "matched nothing");
}

static bool diag_is_missing(const struct conf_diag *e, const char *path)
{
    return strcmp(e->file, path) == 0 && e->line == 0 &&
           (strcmp(e->msg, strerror(ENOENT)) == 0 || strcmp(e->msg, strerror(ENOTDIR)) == 0);
}

/* "no *.toml file" / "the directory does not exist", or NULL when the load
 * failed on a file that exists. */
const char *cfg_nothing_to_read(const char *path, const struct conf_diag *e)
{
    if (diag_is_nofiles(e))
        return "no *.toml file";
    if (diag_is_missing(e, path))
        return "the directory does not exist";
    return NULL;
}

/* A path as the node itself names it (the --root prefix dropped): what the
 * broker and flux-security print. */
const char *cfg_node_path(const struct fp_ctx *ctx, const char *shown)
{
    size_t n = strlen(ctx->root);
    return n && strncmp(shown, ctx->root, n) == 0 && shown[n] == '/' ? shown + n : shown;
}

bool cfg_system_loaded(const struct fp_ctx *ctx, struct fp_result *r)
{
    if (ctx->system)
        return true;
    fp_skip(r, "the system config did not load (see config.parse)");
    return false;
}
