/* conf.d loading and merging, exactly as the Flux readers do it.
 *
 * flux-core (broker, `flux config get`): a directory is globbed for "*.toml"
 * in sorted (C locale byte) order, no match is an empty config, the first
 * failing file aborts; each file's object is merged into the result with a
 * recursive table merge in which any non-table value (arrays included)
 * replaces the earlier one. A single file is parsed alone (".json" as JSON).
 * flux-security (signing library, IMP): same glob, but a shallow merge
 * (top-level keys replace), and zero files is an error.
 */
#ifndef FP_COMMON_CONF_H
#define FP_COMMON_CONF_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/digest.h"
#include "common/fluxtoml.h"

enum conf_merge {
    CONF_MERGE_FLUX,    /* flux-core: json_object_update_recursive */
    CONF_MERGE_SHALLOW, /* flux-security: json_object_update */
};

/* Limits of what is parsed at all (flux-preflight's, not Flux's: the broker
 * has none), so that a config can neither outlast the run's deadline nor
 * exhaust memory before any check runs. Each refusal names the limit. */
#define CONF_FILE_MAX (16 * 1024 * 1024) /* a config file larger than this is refused */
#define CONF_DIR_FILES_MAX (1 << 17)     /* *.toml files in one conf.d (131072) */
#define CONF_DIR_BYTES_MAX CONF_FILE_MAX /* all of one conf.d's files together */

struct conf_diag {
    char file[4096]; /* file at fault ("" when none) */
    int line;        /* 0 when unknown */
    int col;
    char msg[512];   /* what and why */
    /* CONF_BROKER: flux-core's own verdict on that file (fluxtoml.h); kind
     * FLUXTOML_OK when the failure is not flux-core's (a read error) */
    struct fluxtoml_error broker;
    int err;         /* the errno when a file could not be opened or read (0: its
                      * content was refused); CONF_NOT_READ: the gate did not get to
                      * read it (a filesystem that did not answer by the deadline) */
};
#define CONF_NOT_READ ECANCELED

enum {
    /* Read each TOML file also as the broker does (fluxtoml.h): a file the
     * broker refuses fails the load (with its verdict in conf_diag.broker),
     * and what is merged is the object the broker builds. A file valid
     * for the broker that is not TOML 1.0 loads, with a warning. */
    CONF_BROKER = 1 << 0,
};

struct conf_file {
    char *path;      /* as opened */
    json_t *obj;     /* this file's own object (TOML_FLUX dialect) */
    json_t *lines;   /* "dotted.key" -> line, from the TOML parser */
};

struct conf {
    char *path;               /* the dir or file that was loaded */
    bool is_dir;
    enum conf_merge merge;
    json_t *merged;           /* the merged object the reader would see */
    struct conf_file *files;  /* in merge order */
    size_t nfiles;
    json_t *warnings;         /* [{"file":, "line":, "message":}] dialect warnings */
    json_t *overridden;       /* [{"key":, "file":, "line":, "replaced_file":,
                               *   "replaced_line":, "identical":}]: "file" (later)
                               * replaced what "replaced_file" (the last earlier
                               * file to set it) had set. CONF_MERGE_SHALLOW: every
                               * top-level key defined twice (the earlier table is
                               * dropped whole); CONF_MERGE_FLUX: every non-table
                               * value set twice. "identical": same value. */
};

/* Load path (dir or file) of the node under root (NULL, "" or "/": the live
 * node; common/fileio.h: resolved inside the root, the directory listed and
 * its files opened through its descriptor, a FIFO or a device never read).
 * Paths in the result and in *err are as shown to the admin (root prefix
 * included). Returns 0, or -1 with *err filled (missing dir, unreadable, not
 * a regular file, too large, TOML/dialect error). A missing directory is an
 * error; an empty one gives an empty config for CONF_MERGE_FLUX and an error
 * for CONF_MERGE_SHALLOW. */
int conf_load(const char *root, const char *path, enum conf_merge merge, struct conf **out,
              struct conf_diag *err);
int conf_load_flags(const char *root, const char *path, enum conf_merge merge, int flags,
                    struct conf **out, struct conf_diag *err);
void conf_destroy(struct conf *c);

/* A loaded conf, or the diag of a failed load, as JSON and back: how a
 * loader process hands its result over (engine/bounded.h). conf_from_json()
 * returns 0, or -1 (EINVAL: not what conf_to_json() makes; ENOMEM). */
json_t *conf_to_json(const struct conf *c);
int conf_from_json(const json_t *o, struct conf **out);
json_t *conf_diag_to_json(const struct conf_diag *d);
void conf_diag_from_json(const json_t *o, struct conf_diag *d);

/* The file and line that defined keypath ("bootstrap.hosts[2].host") in the
 * merged result (the last file that set it wins). Returns 0 or -1. */
int conf_locate(const struct conf *c, const char *keypath, const char **file, int *line);
/* The file and line defining key in c, or its closest enclosing key that a
 * file defines (a missing key is placed at its table): true, or false when
 * no file defines any of them. */
bool conf_locate_nearest(const struct conf *c, const char *key, const char **file, int *line);
/* The value at a dotted path ("exec.imp") of o, or NULL. */
json_t *conf_get_dotted(const json_t *o, const char *path);
/* What flux-security's shallow merge of c's files drops that a recursive
 * merge of the same files keeps (FLUX-FACTS §2.6: [run.prolog] in a.toml
 * and [run.epilog] in b.toml leave the IMP with only [run.epilog], while
 * `flux config get --config-path=imp` shows both): one entry per file and
 * dropped top-level table, {"file": the file losing keys, "line": the line
 * of the first, "top": the table, "keys": [dotted paths], "winner": the
 * last file defining the table (null if none), "winner_line": its line or
 * 0}. NULL on ENOMEM. */
json_t *conf_shallow_drops(const struct conf *c);

/* Recursive merge as flux-core does (arrays replace), and shallow. */
int conf_merge_recursive(json_t *dst, json_t *src);
int conf_merge_shallow(json_t *dst, json_t *src);

/* The bytes `flux config get --config-path=<c->path>` prints: every file's
 * object in tomlc99 order, merged the flux-core way (recursive, in file
 * order, whatever c->merge says), dumped compact with JSON_ENCODE_ANY, plus
 * "\n". malloc'd NUL-terminated; *lenp (if non-NULL) gets the length. */
char *conf_flux_config_get(const struct conf *c, size_t *lenp);
/* md5 hex of conf_flux_config_get(c), as `flux config get | md5sum` prints
 * it. 0 or -1. */
int conf_flux_md5(const struct conf *c, char out[DIGEST_MD5_STRLEN]);

#endif
