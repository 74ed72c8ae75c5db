/* libFuzzer target for the TOML parser and for flux-core's reading of TOML
 * (fluxtoml.c, the broker's verdict the gate quotes).
 *
 * Every input is parsed in each dialect (plain, FLUX, TAGGED, FLUX|TAGGED),
 * collecting lines and warnings, and by fluxtoml_parse(); everything is
 * freed. Besides the
 * sanitizers, it checks invariants a caller relies on:
 *  - an error has a position inside the document and a message;
 *  - a result is an object that jansson can serialise (valid UTF-8);
 *  - on error, lines and warnings are left empty;
 *  - the dialects agree: TAGGED changes only the form, so it succeeds exactly
 *    when plain does, and FLUX only refuses more, never less;
 *  - fluxtoml: a result is a serialisable object; a refusal has a kind, a
 *    line inside the document when it names one, and a quote exactly when
 *    the broker would log one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fluxtoml.h"
#include "common/toml.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static int count_lines(const uint8_t *data, size_t size)
{
    int n = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            n++;
    return n;
}

static void check_lines(json_t *lines)
{
    const char *key;
    json_t *v;
    json_object_foreach (lines, key, v)
        CHECK(json_is_integer(v) && json_integer_value(v) >= 1 && key[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int maxline = count_lines(data, size);
    bool parsed[4];
    for (int flags = 0; flags <= (TOML_FLUX | TOML_TAGGED); flags++) {
        json_t *lines = json_object();
        json_t *warnings = json_array();
        struct toml_opts opts = {.flags = flags, .lines = lines, .warnings = warnings};
        struct toml_diag err;
        json_t *o = toml_parse((const char *)data, size, &opts, &err);
        parsed[flags] = o != NULL;
        if (o) {
            CHECK(json_is_object(o));
            char *s = json_dumps(o, JSON_COMPACT);
            CHECK(s != NULL);
            free(s);
            check_lines(lines);
            if (!(flags & TOML_FLUX))
                CHECK(json_array_size(warnings) == 0);
        } else {
            CHECK(err.line >= 1 && err.line <= maxline && err.col >= 1);
            CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL && err.msg[0] != '\0');
            CHECK(json_object_size(lines) == 0 && json_array_size(warnings) == 0);
        }
        json_decref(o);
        json_decref(lines);
        json_decref(warnings);
    }
    struct fluxtoml_error ferr;
    char quote[512];
    json_t *f = fluxtoml_parse((const char *)data, size, &ferr);
    if (f) {
        CHECK(json_is_object(f) && ferr.kind == FLUXTOML_OK);
        char *s = json_dumps(f, JSON_COMPACT);
        CHECK(s != NULL);
        free(s);
        json_decref(f);
    } else {
        CHECK(ferr.kind != FLUXTOML_OK);
        CHECK(ferr.kind != FLUXTOML_PARSE || (ferr.line >= 1 && ferr.line <= maxline));
        CHECK(ferr.where >= 0 && ferr.where <= maxline);
        CHECK(memchr(ferr.text, '\0', sizeof(ferr.text)) && memchr(ferr.why, '\0', sizeof(ferr.why)));
        fluxtoml_quote("f.toml", &ferr, quote, sizeof(quote));
        CHECK((quote[0] != '\0') == (ferr.kind == FLUXTOML_PARSE || ferr.kind == FLUXTOML_NOLINE ||
                                     ferr.kind == FLUXTOML_CONVERT));
        CHECK(strlen(quote) < 160);
    }
    CHECK(parsed[0] == parsed[TOML_TAGGED]);
    CHECK(parsed[TOML_FLUX] == parsed[TOML_FLUX | TOML_TAGGED]);
    CHECK(!parsed[TOML_FLUX] || parsed[0]);
    return 0;
}
