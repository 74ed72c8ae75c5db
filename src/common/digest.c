/* Config fingerprints: sha256 and md5, canonical JSON. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/dlib.h"
#include "common/sodium.h"

/* Loaded on first use (common/dlib.h): SHA-256 from libsodium (which the
 * certificate check loads anyway), MD5 from libcrypto (only `fingerprint
 * --format=flux` prints one). */
static typeof(EVP_Digest) *sym_EVP_Digest;
static typeof(EVP_md5) *sym_EVP_md5;
static struct dlib libcrypto = DLIB_INIT("libcrypto.so.3");

static void to_hex(const unsigned char *sum, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[sum[i] >> 4];
        out[2 * i + 1] = hex[sum[i] & 0xf];
    }
    out[2 * n] = '\0';
}

int digest_sha256(const void *buf, size_t len, char out[DIGEST_SHA256_STRLEN])
{
    unsigned char sum[32];

    if (sodium_load(NULL, 0) < 0 || sym_crypto_hash_sha256(sum, buf, len) != 0)
        return -1;
    memcpy(out, "sha256:", 7);
    to_hex(sum, sizeof(sum), out + 7);
    return 0;
}

int digest_md5(const void *buf, size_t len, char out[DIGEST_MD5_STRLEN])
{
    static const struct dlib_sym syms[] = { DLIB_SYM(EVP_Digest), DLIB_SYM(EVP_md5), { 0 } };
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (dlib_load(&libcrypto, syms, NULL, 0) < 0 ||
        sym_EVP_Digest(buf, len, sum, &n, sym_EVP_md5(), NULL) != 1)
        return -1;
    to_hex(sum, n, out);
    return 0;
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
