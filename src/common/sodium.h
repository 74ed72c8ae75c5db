/* libsodium, loaded on first use (common/dlib.h): the X25519 public key of a
 * CURVE certificate's secret key, as libzmq derives it (zmq_curve_public is
 * crypto_scalarmult_base), and SHA-256 for the fleet digests. libzmq, and so
 * every Flux node, depends on libsodium; it loads in a fraction of the time
 * and memory libcrypto takes. No header is needed for these functions. */
#ifndef FP_COMMON_SODIUM_H
#define FP_COMMON_SODIUM_H

#include <stddef.h>

extern int (*sym_crypto_scalarmult_curve25519_base)(unsigned char *q, const unsigned char *n);
extern int (*sym_crypto_hash_sha256)(unsigned char *out, const unsigned char *in,
                                     unsigned long long inlen);

/* Load and initialise libsodium (once per process). 0, or -1 with err. */
int sodium_load(char *err, size_t errsz);

#endif
