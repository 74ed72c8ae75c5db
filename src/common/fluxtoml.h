/* flux-core's own reading of one TOML config file, to quote the broker.
 *
 * The broker (flux-core 0.88, src/common/libflux/conf.c) reads each
 * conf.d/NAME.toml with tomlc99, a TOML 0.5 parser (src/common/libtomlc99),
 * then converts the result to JSON with libutil/tomltk.c. Where either
 * refuses the file it logs
 *
 *     Config file error: FILE:LINE: TEXT      (tomlc99: "line N: TEXT")
 *     Config file error: FILE: TEXT           (anything else)
 *
 * and exits 1. fluxtoml_parse() follows both step by step, so the gate can
 * quote those words exactly and judge the file as the broker will: it
 * accepts what tomlc99 accepts (which is not always TOML 1.0: a header path
 * of up to 10 keys only, an inline table extended by a later [header], a
 * sign on a hex integer, ...) and yields the JSON object tomltk builds, key
 * order included. tests/integration/t0110-toml-broker-parity.t compiles
 * the real tomlc99 and tomltk from the flux-core tarball and compares both,
 * message for message, over every TOML case the project knows.
 *
 * Like the broker, a NUL byte ends the document (tomlc99 reads a C string).
 */
#ifndef FP_COMMON_FLUXTOML_H
#define FP_COMMON_FLUXTOML_H

#include <stddef.h>
#include <jansson.h>

/* Nesting beyond this many levels (arrays, inline tables, dotted-key parts)
 * is not followed: tomlc99 recurses once per level without a bound. */
#define FLUXTOML_MAX_DEPTH 1000

enum fluxtoml_fail {
    FLUXTOML_OK = 0,
    FLUXTOML_PARSE,   /* tomlc99 refused it, naming a line: "FILE:LINE: TEXT" */
    FLUXTOML_NOLINE,  /* tomlc99 refused it without a line ("internal error (toml.c:1180)") */
    FLUXTOML_CONVERT, /* tomltk could not convert a value: "converting TOML to JSON: ..." */
    FLUXTOML_HANG,    /* tomlc99 never returns (an array open at the end of the file) */
    FLUXTOML_LIMIT,   /* not followed (too deep, out of memory): the broker's words unknown */
};

struct fluxtoml_error {
    enum fluxtoml_fail kind;
    int line;       /* FLUXTOML_PARSE: the line tomlc99 names; else 0 */
    char text[200]; /* the broker's words after "FILE:LINE: " or "FILE: " ("" for HANG, LIMIT) */
    int where;      /* line of the construct at fault as found here (0 = unknown) */
    char why[256];  /* the reason in plain words ("" when text says it all) */
};

/* Read len bytes at buf as flux-core does. Returns the object tomltk would
 * build (new reference), or NULL with *err filled in. Never prints, never
 * reads past len, thread-safe. */
json_t *fluxtoml_parse(const char *buf, size_t len, struct fluxtoml_error *err);

/* The text the broker logs after "Config file error: " for err in file
 * (the path as the broker globbed it): "FILE:LINE: TEXT" or "FILE: TEXT",
 * cut where flux-core's 160-byte error buffer cuts it (a '+' marks the
 * cut). "" when the broker logs nothing (OK, HANG, LIMIT). Returns buf. */
const char *fluxtoml_quote(const char *file, const struct fluxtoml_error *err, char *buf,
                           size_t bufsz);

#endif
