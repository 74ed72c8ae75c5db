/* libsodium, loaded on first use. See sodium.h. */
#include <stdio.h>

#include "common/dlib.h"
#include "common/sodium.h"

static int (*sym_sodium_init)(void);
int (*sym_crypto_scalarmult_curve25519_base)(unsigned char *q, const unsigned char *n);
int (*sym_crypto_hash_sha256)(unsigned char *out, const unsigned char *in,
                              unsigned long long inlen);
static struct dlib libsodium = DLIB_INIT("libsodium.so.23");

int sodium_load(char *err, size_t errsz)
{
    static const struct dlib_sym syms[] = {
        DLIB_SYM(sodium_init),
        DLIB_SYM(crypto_scalarmult_curve25519_base),
        DLIB_SYM(crypto_hash_sha256),
        { 0 },
    };

    if (dlib_load(&libsodium, syms, err, errsz) < 0)
        return -1;
    /* 0 the first time, 1 after that; -1: it cannot work (no entropy source) */
    if (sym_sodium_init() < 0) {
        if (err && errsz)
            snprintf(err, errsz, "libsodium could not initialise");
        return -1;
    }
    return 0;
}
