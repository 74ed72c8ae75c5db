/* libcrypto, loaded on first use (common/dlib.h): the X25519 public key of a
 * CURVE certificate's secret key (cert.format) and the SHA-256 and MD5
 * config digests (fleet.sync, fingerprint). */
#ifndef FP_COMMON_CRYPTO_H
#define FP_COMMON_CRYPTO_H

#include <stddef.h>
#include <openssl/evp.h>

extern typeof(EVP_PKEY_new_raw_private_key) *sym_EVP_PKEY_new_raw_private_key;
extern typeof(EVP_PKEY_get_raw_public_key) *sym_EVP_PKEY_get_raw_public_key;
extern typeof(EVP_PKEY_free) *sym_EVP_PKEY_free;
extern typeof(EVP_Digest) *sym_EVP_Digest;
extern typeof(EVP_sha256) *sym_EVP_sha256;
extern typeof(EVP_md5) *sym_EVP_md5;

/* Load and initialise libcrypto (once per process). 0, or -1 with err.
 * openssl.cnf is not read: the default provider's X25519 and digests are
 * what libzmq and Flux compute, whatever the system's OpenSSL policy. */
int crypto_load(char *err, size_t errsz);

#endif
