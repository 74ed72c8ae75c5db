/* ZeroMQ CURVE certificates as flux-core's cert_read() accepts them
 * (FLUX-FACTS §7.2), and the Z85 encoding of ZeroMQ RFC 32. */
#ifndef FP_COMMON_ZCERT_H
#define FP_COMMON_ZCERT_H

#include <stdbool.h>
#include <stddef.h>

#define ZCERT_KEY_SIZE 32     /* curve25519 key, bytes */
#define ZCERT_KEY_Z85_LEN 40  /* the same key in Z85 */
#define ZCERT_LINE_MAX 255    /* bytes per line, newline included (flux reads into char[256]) */

struct zcert_info {
    char public_z85[ZCERT_KEY_Z85_LEN + 1];
    unsigned char public_key[ZCERT_KEY_SIZE];
    char name[ZCERT_LINE_MAX + 1]; /* metadata "name" (flux logs it; the rank when absent) */
    bool has_name;
    /* The broker (libzmq >= 4.2.1) refuses a certificate whose public key is
     * not the one derived from its secret key, so callers treat !pair_ok as a
     * failure.  pair_checked is false only if X25519 could not be computed
     * (libcrypto, loaded on first use, is missing or has no X25519): pair_error says why. */
    bool pair_checked;
    char pair_error[256];
    bool pair_ok;
};

/* Parse a certificate held in buf[0..len).  0 on success, else -EINVAL
 * (syntax, missing or malformed key) or -EEXIST (duplicate key); then *line
 * is the 1-based offending line (0 when the problem is the whole file, such
 * as a missing secret-key) and err says what and why, e.g.
 * "line 7: value of 'name' contains invalid character '_'".  line and err
 * may be NULL.  The secret key is checked and then wiped: it is never
 * stored in out, never quoted in err. */
int zcert_parse(const char *buf, size_t len, struct zcert_info *out, int *line, char *err, size_t errsz);

/* Z85: len must be a multiple of 5 (decode) or 4 (encode).  Decode returns
 * the number of bytes written; encode writes a NUL-terminated string and
 * returns its length.  -EINVAL on a bad length or character, -ENOBUFS when
 * out is too small. */
int zcert_z85_decode(const char *s, size_t len, unsigned char *out, size_t outsz);
int zcert_z85_encode(const unsigned char *data, size_t len, char *out, size_t outsz);

#endif
