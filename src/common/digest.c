/* Config fingerprints: canonical JSON sha256, and `flux config get` bytes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "common/cleanup.h"
#include "common/conf.h"
#include "common/digest.h"

static int evp_hex(const EVP_MD *md, const void *buf, size_t len, char *out)
{
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const char hex[] = "0123456789abcdef";

    if (!md || EVP_Digest(buf, len, sum, &n, md, NULL) != 1)
        return -1;
    for (unsigned int i = 0; i < n; i++) {
        out[2 * i] = hex[sum[i] >> 4];
        out[2 * i + 1] = hex[sum[i] & 0xf];
    }
    out[2 * n] = '\0';
    return 0;
}

int digest_sha256(const void *buf, size_t len, char out[DIGEST_SHA256_STRLEN])
{
    memcpy(out, "sha256:", 7);
    return evp_hex(EVP_sha256(), buf, len, out + 7);
}

int digest_md5(const void *buf, size_t len, char out[DIGEST_MD5_STRLEN])
{
    return evp_hex(EVP_md5(), buf, len, out);
}

char *digest_canonical_json(const json_t *o)
{
    if (!o) {
        errno = EINVAL;
        return NULL;
    }
    return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

int digest_json_sha256(const json_t *o, char out[DIGEST_SHA256_STRLEN])
{
    _cleanup_free_ char *s = digest_canonical_json(o);

    if (!s)
        return -1;
    return digest_sha256(s, strlen(s), out);
}

/* tomltk turns a TOML datetime into this one-key object; in TOML it was a
 * scalar, and tomlc99 stored it with the scalars. */
static bool is_datetime(const json_t *v)
{
    return json_is_object(v) && json_object_size(v) == 1 &&
           json_is_string(json_object_get(v, "iso-8601-ts"));
}

enum group { GROUP_SCALAR, GROUP_ARRAY, GROUP_TABLE };

static enum group group_of(const json_t *v)
{
    if (json_is_array(v))
        return GROUP_ARRAY;
    if (json_is_object(v) && !is_datetime(v))
        return GROUP_TABLE;
    return GROUP_SCALAR;
}

json_t *digest_toml_order(const json_t *o)
{
    if (json_is_array(o)) {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        if (!a)
            return NULL;
        json_array_foreach(o, i, v) {
            if (json_array_append_new(a, digest_toml_order(v)) < 0) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (!json_is_object(o) || is_datetime(o))
        return json_deep_copy(o);

    json_t *out = json_object();
    if (!out)
        return NULL;
    for (enum group g = GROUP_SCALAR; g <= GROUP_TABLE; g++) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)o, key, v) {
            if (group_of(v) != g)
                continue;
            if (json_object_set_new(out, key, digest_toml_order(v)) < 0) {
                json_decref(out);
                return NULL;
            }
        }
    }
    return out;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

char *digest_flux_config_get(const struct conf *c, size_t *lenp)
{
    _cleanup_json_ json_t *merged = json_object();
    _cleanup_free_ char *s = NULL;
    char *out;

    if (!c || !merged)
        return NULL;
    for (size_t i = 0; i < c->nfiles; i++) {
        const struct conf_file *cf = &c->files[i];
        /* A single .json file is used as jansson loaded it (file order). */
        bool is_json = !c->is_dir && ends_with(cf->path, ".json");
        _cleanup_json_ json_t *o = is_json ? json_incref(cf->obj) : digest_toml_order(cf->obj);
        if (!o || conf_merge_recursive(merged, o) < 0)
            return NULL;
    }
    if (!(s = json_dumps(merged, JSON_COMPACT | JSON_ENCODE_ANY)))
        return NULL;
    size_t len = strlen(s);
    if (!(out = malloc(len + 2)))
        return NULL;
    memcpy(out, s, len);
    out[len] = '\n';
    out[len + 1] = '\0';
    if (lenp)
        *lenp = len + 1;
    return out;
}

int digest_flux_md5(const struct conf *c, char out[DIGEST_MD5_STRLEN])
{
    size_t len;
    _cleanup_free_ char *s = digest_flux_config_get(c, &len);

    if (!s)
        return -1;
    return digest_md5(s, len, out);
}
