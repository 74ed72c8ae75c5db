/* The Flux configs as their readers see them (FLUX-FACTS §2): helpers the
 * config families share. Three readers, three rule sets: the broker reads
 * /etc/flux/system/conf.d with tomlc99 and a recursive merge; the signing
 * library and the IMP read /etc/flux/security/conf.d and /etc/flux/imp/conf.d
 * with a shallow merge and refuse an empty directory. */
#ifndef FP_CHECKS_CONFREAD_H
#define FP_CHECKS_CONFREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/conf.h"
#include "engine/context.h"
#include "engine/findings.h"

/* TOML's name of a value's type: "table", "array", "string", ... */
const char *cfg_toml_type(const json_t *v);
bool cfg_array_has_string(const json_t *a, const char *s);
bool cfg_array_of_strings(const json_t *a);
/* A conf.d setting's path as the admin sees it (root prefix included, like
 * every path the checks print). */
const char *cfg_setting_path(const struct fp_ctx *ctx, const char *key, char *buf, size_t sz);
const char *cfg_flux_user(const struct fp_ctx *ctx);
/* One warning per file and table that flux-security's shallow merge drops
 * (conf_shallow_drops()), naming the keys lost and the file whose table
 * wins; reader: "flux-security", "the IMP". */
void cfg_shallow_drops(const struct conf *c, struct fp_findings *f, const char *reader);
/* Is flux-security's signing config read on this node? By flux-core when it
 * is built with flux-security, and by the IMP when [exec] imp is set. why:
 * one phrase saying who reads it, or why nobody does. */
bool cfg_sign_config_read(const struct fp_ctx *ctx, char *why, size_t whysz);
/* Is the IMP's config read? Only when the broker runs the IMP: [exec] imp. */
bool cfg_imp_config_read(const struct fp_ctx *ctx);
/* "no *.toml file" / "the directory does not exist", or NULL when the load
 * of path failed on a file that exists. */
const char *cfg_nothing_to_read(const char *path, const struct conf_diag *e);
/* A path as the node itself names it (the --root prefix dropped): what the
 * broker and flux-security print. */
const char *cfg_node_path(const struct fp_ctx *ctx, const char *shown);

/* Did the system config load? If not, r skips naming config.parse. */
bool cfg_system_loaded(const struct fp_ctx *ctx, struct fp_result *r);

#endif
