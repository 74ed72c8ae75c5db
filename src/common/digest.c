/* Config fingerprints: sha256 and md5, canonical JSON. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/crypto.h"

/* libcrypto is loaded on first use (common/crypto.h). */
static int evp_hex(bool md5, const void *buf, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (crypto_load(NULL, 0) < 0 ||
        sym_EVP_Digest(buf, len, sum, &n, md5 ? sym_EVP_md5() : sym_EVP_sha256(), NULL) != 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[sum[i] >> 4];
        out[2 * i + 1] = hex[sum[i] & 0xf];
    }
    out[2 * n] = '\0';
    return 0;
}

int digest_sha256(const void *buf, size_t len, char out[DIGEST_SHA256_STRLEN])
{
    memcpy(out, "sha256:", 7);
    return evp_hex(false, buf, len, out + 7);
}

int digest_md5(const void *buf, size_t len, char out[DIGEST_MD5_STRLEN])
{
    return evp_hex(true, buf, len, out);
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
