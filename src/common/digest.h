/* Config fingerprints.
 *
 * Two forms of the same config:
 *  - canonical JSON: keys sorted at every level, compact separators, UTF-8
 *    left raw, integers as integers, reals as jansson prints them. Neither
 *    file split nor key order nor TOML formatting changes it, so its sha256
 *    is what nodes compare (`fleet.sync`, `flux-preflight fingerprint`).
 *  - md5 of the exact bytes `flux config get --config-path=DIR` prints
 *    (conf_flux_config_get(), common/conf.h), as the admin guide compares
 *    nodes (FLUX-FACTS §2.5/§12.b).
 */
#ifndef FP_COMMON_DIGEST_H
#define FP_COMMON_DIGEST_H

#include <stddef.h>
#include <jansson.h>

#define DIGEST_SHA256_STRLEN (7 + 64 + 1) /* "sha256:" + hex + NUL */
#define DIGEST_MD5_STRLEN (32 + 1)        /* hex + NUL, as md5sum prints it */

/* "sha256:<hex>" of len bytes. 0, or -1 (libcrypto failure). */
int digest_sha256(const void *buf, size_t len, char out[DIGEST_SHA256_STRLEN]);
/* Lower-case hex md5 of len bytes. 0 or -1. */
int digest_md5(const void *buf, size_t len, char out[DIGEST_MD5_STRLEN]);

/* Canonical JSON text of any JSON value (malloc'd, no trailing newline), or
 * NULL (ENOMEM, or a value jansson cannot encode). */
char *digest_canonical_json(const json_t *o);
/* "sha256:<hex>" of digest_canonical_json(o). 0 or -1. */
int digest_json_sha256(const json_t *o, char out[DIGEST_SHA256_STRLEN]);

#endif
