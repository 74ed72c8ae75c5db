/* Config fingerprints.
 *
 * Two forms of the same config:
 *  - canonical JSON: keys sorted at every level, compact separators, UTF-8
 *    left raw, integers as integers, reals as jansson prints them. Neither
 *    file split nor key order nor TOML formatting changes it, so its sha256
 *    is what nodes compare (`fleet.sync`, `flux-preflight fingerprint`).
 *  - the exact bytes `flux config get --config-path=DIR` prints, so that
 *    `digest_flux_md5()` equals `flux config get -c DIR | md5sum` on the same
 *    files (the admin guide's cross-node comparison, FLUX-FACTS §2.5/§12.b).
 */
#ifndef FP_COMMON_DIGEST_H
#define FP_COMMON_DIGEST_H

#include <stddef.h>
#include <jansson.h>

struct conf;

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

/* A deep copy of o with every object's keys in tomlc99's storage order: all
 * scalar values first (a datetime {"iso-8601-ts": ...} counts as a scalar),
 * then arrays (arrays of tables included), then sub-tables (inline tables
 * included), each group in the order the keys appear in o. Applied to the
 * object of one TOML file whose keys are in definition order, this is the
 * order flux-core holds them in. NULL on ENOMEM. */
json_t *digest_toml_order(const json_t *o);

/* The bytes `flux config get --config-path=<c->path>` prints: every file's
 * object in tomlc99 order, merged the flux-core way (recursive, in file
 * order, whatever c->merge says), dumped compact with JSON_ENCODE_ANY, plus
 * "\n". malloc'd NUL-terminated; *lenp (if non-NULL) gets the length. */
char *digest_flux_config_get(const struct conf *c, size_t *lenp);
/* md5 hex of digest_flux_config_get(c). 0 or -1. */
int digest_flux_md5(const struct conf *c, char out[DIGEST_MD5_STRLEN]);

#endif
