/* libcrypto, loaded on first use. See crypto.h. */
#include <pthread.h>
#include <stdio.h>
#include <openssl/crypto.h>

#include "common/crypto.h"
#include "common/dlib.h"

static typeof(OPENSSL_init_crypto) *sym_OPENSSL_init_crypto;
typeof(EVP_PKEY_new_raw_private_key) *sym_EVP_PKEY_new_raw_private_key;
typeof(EVP_PKEY_get_raw_public_key) *sym_EVP_PKEY_get_raw_public_key;
typeof(EVP_PKEY_free) *sym_EVP_PKEY_free;
typeof(EVP_Digest) *sym_EVP_Digest;
typeof(EVP_sha256) *sym_EVP_sha256;
typeof(EVP_md5) *sym_EVP_md5;
static struct dlib libcrypto = DLIB_INIT("libcrypto.so.3");

static int init_ok = -1;

/* Neither openssl.cnf nor the legacy name tables (every cipher and digest
 * name registered, then copied into the provider name map: about 3 million
 * instructions): the fetches below ask for X25519, SHA2-256 and MD5 alone. */
static void init_once(void)
{
    init_ok =
        sym_OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
                                    OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                                NULL) == 1;
}

int crypto_load(char *err, size_t errsz)
{
    static const struct dlib_sym syms[] = {
        DLIB_SYM(OPENSSL_init_crypto),
        DLIB_SYM(EVP_PKEY_new_raw_private_key),
        DLIB_SYM(EVP_PKEY_get_raw_public_key),
        DLIB_SYM(EVP_PKEY_free),
        DLIB_SYM(EVP_Digest),
        DLIB_SYM(EVP_sha256),
        DLIB_SYM(EVP_md5),
        {0},
    };
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    if (dlib_load(&libcrypto, syms, err, errsz) < 0)
        return -1;
    pthread_once(&once, init_once);
    if (init_ok != 1) {
        if (err && errsz)
            snprintf(err, errsz, "libcrypto could not initialise");
        return -1;
    }
    return 0;
}
