/* TOML 1.0 parser producing jansson values.
 *
 * Two dialects:
 *  - plain TOML 1.0 (flags 0): tables -> objects, arrays -> arrays, strings,
 *    integers (int64), floats (real), booleans; date/time values -> JSON strings
 *    in their RFC 3339 text form.
 *  - TOML_FLUX: additionally refuse what flux-core's tomlc99 (TOML 0.5) parser
 *    or its TOML->JSON conversion (libutil/tomltk.c) refuses: mixed-type arrays,
 *    local date / local time / local datetime values, pre-1970 datetimes,
 *    non-finite floats, a UTF-8 BOM. Offset datetimes convert as Flux converts
 *    them: {"iso-8601-ts": "YYYY-MM-DDTHH:MM:SSZ"} with the offset ignored and
 *    fraction dropped; a non-zero offset or a fraction is reported as a warning
 *    because Flux silently mangles it.
 *  - TOML_TAGGED: the toml-test "tagged JSON" form ({"type":T,"value":V} for
 *    every scalar); used by tests/toml-decode.
 *
 * The parser never prints, never reads past len, handles NUL bytes and invalid
 * UTF-8 as errors, and bounds nesting depth (TOML_MAX_DEPTH) so hostile input
 * cannot overflow the stack.
 *
 * Details of the output:
 *  - Plain (flags 0): inf and nan floats, which JSON cannot hold, become the
 *    strings "inf", "-inf" and "nan". A UTF-8 BOM at the start is skipped.
 *    Object keys keep definition order.
 *  - TOML_FLUX: object keys are ordered as flux-core orders them (tomlc99
 *    storage order): scalar key/values first, then arrays (including arrays
 *    of tables), then tables (including inline and dotted-key tables), each
 *    group in definition order. Mixed arrays are judged by tomlc99's element
 *    types: string (any quoting), boolean, integer, float, datetime, array
 *    (element types of nested arrays may differ), inline table.
 *  - TOML_FLUX | TOML_TAGGED: the FLUX refusals and warnings apply, values
 *    are written in the tagged form.
 *  - Multi-line strings: a CRLF inside the string becomes "\n".
 *
 * Rules where TOML 1.0 leaves room, decided as BurntSushi/toml (the toml-test
 * reference) does: a table implied by a [a.b.c] header may get keys through
 * dotted keys (b.x = 1 under [a]), after which it counts as defined and a
 * later [a.b] is a redefinition; dotted keys cannot reach into an array of
 * tables. A second of 60 (leap second) is refused, as toml-test does.
 *
 * Depth: the root is level 0 and every table or array is one level deeper
 * than its parent, however it was written ([a.b], a.b = 1, {b = {}}, [[x]]);
 * more than TOML_MAX_DEPTH levels, or a key of more than TOML_MAX_DEPTH
 * parts, is the error "nesting too deep" / "key has too many parts".
 *
 * Errors: *err always has line >= 1 and col >= 1 (the place the problem was
 * found: the start of the offending key, value, header or byte) and a
 * message naming what was expected and what was found, or which earlier
 * line a redefinition clashes with. Positions are 1-based; col counts
 * characters (UTF-8 code points; a tab is one), not bytes, and a BOM does
 * not count. Dotted paths in messages use the opts->lines form below.
 *
 * Paths in opts->lines: key segments joined by "."; a segment is written
 * bare when it is non-empty and consists only of A-Z a-z 0-9 - _, otherwise
 * it is wrapped in double quotes with '"' and '\' backslash-escaped and
 * control characters written as \uXXXX (other characters as they are, in
 * UTF-8): a."x.y".port, servers."".host, "a b".c. Array elements append [N]
 * (0-based): a.b[2], a.b[2].host, a[0][1]. Every table (also implicit ones
 * and [[array]] elements), array, array element and key/value gets an entry;
 * the line is where it was first created, or for a table implied by a
 * [a.b.c] header and later defined by its own [header] or by dotted keys,
 * the line of that definition.
 * opts->lines and opts->warnings are only changed when parsing succeeds.
 */
#ifndef FP_COMMON_TOML_H
#define FP_COMMON_TOML_H

#include <stddef.h>
#include <jansson.h>

enum {
    TOML_FLUX = 1,
    TOML_TAGGED = 2,
};

#define TOML_MAX_DEPTH 256

struct toml_diag {
    int line;       /* 1-based; 0 when not tied to a line */
    int col;        /* 1-based; 0 when unknown */
    char msg[256];  /* what is wrong, e.g. "expected '=' after key 'foo'" */
};

struct toml_opts {
    int flags;        /* TOML_FLUX | TOML_TAGGED */
    json_t *lines;    /* if non-NULL, an object the parser fills with
                       * "dotted.key.path" -> line of its definition; array
                       * elements appear as "a.b[2]" and "a.b[2].host" */
    json_t *warnings; /* if non-NULL, an array the parser appends
                       * {"line": N, "col": N, "message": "..."} to */
};

/* Parse len bytes at buf (need not be NUL-terminated). Returns a new reference
 * to the root object, or NULL with *err filled in. opts and err may be NULL;
 * buf may be NULL when len is 0. Thread-safe: no global state. */
json_t *toml_parse(const char *buf, size_t len, const struct toml_opts *opts,
                   struct toml_diag *err);

#endif
