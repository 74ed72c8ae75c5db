/* Fleet fingerprints and the manifest (DESIGN §4).
 *
 * One value per item, stable across nodes whose files are the same in
 * substance, and never a secret:
 *
 *   cert             sha256 of the certificate's public key, as its 40 Z85
 *                    characters (what every broker must share)
 *   cert.file        sha256 of the certificate file's bytes (what the
 *                    checklist's `md5sum curve.cert` compares: metadata too)
 *   config.system    sha256 of the canonical JSON (keys sorted, compact) of
 *   config.security  the merged conf.d as its reader sees it: flux-core's
 *   config.imp       recursive merge for system, flux-security's shallow
 *                    merge for security and imp. File split, key order and
 *                    TOML formatting do not change it.
 *   munge.key        sha256 of the key file's bytes
 *   flux.uid         the flux user's uid and gid, in decimal
 *   flux.gid
 *
 * An item that cannot be digested has a state word instead: "missing" (not
 * configured, or the file / directory / user does not exist, or a security
 * or imp conf.d without *.toml), "unreadable" (exists, cannot be read) or
 * "invalid" (read, but does not parse: a config, a certificate).
 *
 * The manifest is the leader's items as JSON:
 *   {"version": 1, "generated_by": "flux-preflight VERSION", "host": "node0",
 *    "time": "2026-11-23T20:01:02Z", "items": {"cert": "sha256:...", ...}}
 */
#ifndef FP_CHECKS_FINGERPRINT_H
#define FP_CHECKS_FINGERPRINT_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "common/digest.h"

struct fp_ctx;

#define FP_MANIFEST_VERSION 1
#define FP_MANIFEST_CACHE_NAME "preflight-manifest.json" /* in statedir */

enum fp_item_state {
    FP_ITEM_OK = 0,
    FP_ITEM_MISSING,
    FP_ITEM_UNREADABLE,
    FP_ITEM_INVALID,
};

enum fp_item_id {
    FP_ITEM_CERT = 0,
    FP_ITEM_CERT_FILE,
    FP_ITEM_CONFIG_SYSTEM,
    FP_ITEM_CONFIG_SECURITY,
    FP_ITEM_CONFIG_IMP,
    FP_ITEM_MUNGE_KEY,
    FP_ITEM_FLUX_UID,
    FP_ITEM_FLUX_GID,
    FP_ITEM_COUNT,
};

struct fp_item {
    const char *name;          /* "config.system" */
    enum fp_item_state state;
    char value[DIGEST_SHA256_STRLEN]; /* "sha256:<hex>", "500", or the state word */
    /* configs only: md5 of the bytes `flux config get --config-path=DIR`
     * prints ("" when that command would fail on these files) */
    char flux_md5[DIGEST_MD5_STRLEN];
    char source[4096];         /* what was read, as the admin names it (no --root prefix) */
    char detail[512];          /* why it is not OK ("" when OK) */
};

struct fp_fingerprint {
    struct fp_item items[FP_ITEM_COUNT];
};

/* Compute every item for this node (paths from the gate config, under
 * --root when given), from the configs the context parsed. Reads files
 * only. Never fails as a whole: each item carries its own state. flux_md5:
 * also the configs' flux_md5 (--format=flux; it loads libcrypto). */
void fp_fingerprint_compute(const struct fp_ctx *ctx, struct fp_fingerprint *fp, bool flux_md5);

/* The same, read in a child process under ctx's deadline (engine/bounded.h):
 * 0, or -1 with err when the files were not read by then. */
int fp_fingerprint_compute_bounded(const struct fp_ctx *ctx, struct fp_fingerprint *fp, bool flux_md5,
                                   char *err, size_t errsz);

/* Is the item one of the configs (config.system, config.security,
 * config.imp), which have a flux-md5 too? */
bool fp_item_is_config(enum fp_item_id id);

/* {"cert": "sha256:...", ..., "flux.uid": "500"} */
json_t *fp_fingerprint_items(const struct fp_fingerprint *fp);

const char *fp_item_state_name(enum fp_item_state st);

/* The manifest document for fp, generated on ctx->hostname now. */
json_t *fp_manifest_doc(const struct fp_ctx *ctx, const struct fp_fingerprint *fp);

/* A parsed, validated manifest. */
struct fp_manifest {
    json_t *doc;               /* the whole document */
    json_t *items;             /* borrowed from doc: name -> string */
    const char *host;          /* borrowed: "?" when absent */
    const char *time;          /* borrowed: "?" when absent */
};

/* Parse len bytes as a manifest: a JSON object, "version" 1, "items" an
 * object of strings. 0, or -1 with err ("not valid JSON: line 1 column 2:
 * ..."). */
int fp_manifest_parse(const char *buf, size_t len, struct fp_manifest *m, char *err,
                      size_t errsz);
void fp_manifest_fini(struct fp_manifest *m);

/* Write len bytes to path atomically (a temp file beside it, fsync, rename,
 * fsync of the directory), mode 0644, group root. The directory must exist.
 * 0, or -1 with err. */
int fp_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errsz);

#endif
