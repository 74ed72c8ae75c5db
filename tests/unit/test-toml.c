/* Unit tests for the TOML parser (src/common/toml.c): values, errors with
 * their positions, the lines map, the Flux dialect, and hostile input. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* asprintf */
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/toml.h"
#include "tap.h"

/* Parse a NUL-terminated document from an exact-size heap copy, so that any
 * read past len is caught by ASan. */
static json_t *parse_flags(const char *doc, size_t len, int flags, struct toml_diag *err,
                           json_t *lines, json_t *warnings)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return NULL;
    memcpy(copy, doc, len);
    struct toml_opts opts = {.flags = flags, .lines = lines, .warnings = warnings};
    json_t *o = toml_parse(copy, len, &opts, err);
    free(copy);
    return o;
}

/* Compact JSON of a parse, "ERROR L:C: msg" on failure; key order kept. */
static char *run(const char *doc, int flags)
{
    struct toml_diag err;
    _cleanup_json_ json_t *o = parse_flags(doc, strlen(doc), flags, &err, NULL, NULL);
    char *s = NULL;
    if (!o) {
        if (asprintf(&s, "ERROR %d:%d: %s", err.line, err.col, err.msg) < 0)
            return NULL;
        return s;
    }
    return json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
}

#define is_json(doc, flags, want, ...)                                                             \
    do {                                                                                           \
        _cleanup_free_ char *_got = run(doc, flags);                                               \
        is(_got, want, __VA_ARGS__);                                                               \
    } while (0)

/* Expect an error at line:col whose message contains msg. */
static void error_at(const char *doc, size_t len, int flags, int line, int col, const char *msg,
                     const char *what)
{
    struct toml_diag err;
    json_t *o = parse_flags(doc, len, flags, &err, NULL, NULL);
    bool good = !o && err.line == line && err.col == col && strstr(err.msg, msg);
    ok(good, "%s: error at %d:%d containing \"%s\"", what, line, col, msg);
    if (!good) {
        if (o)
            diag("parsed without error");
        else
            diag("got %d:%d: %s", err.line, err.col, err.msg);
    }
    json_decref(o);
}

#define error_is(doc, flags, line, col, msg, what)                                                 \
    error_at(doc, strlen(doc), flags, line, col, msg, what)

static void test_values(void)
{
    is_json("s = \"a\\tb\\u00e9\\U0001F600\\\"\"", 0, "{\"s\":\"a\\tb\u00e9\U0001F600\\\"\"}",
            "basic string with escapes");
    is_json("s = 'C:\\path\\n'", 0, "{\"s\":\"C:\\\\path\\\\n\"}",
            "literal string keeps backslashes");
    is_json("s = \"\"\"\nline1\nline2\\\n    still2\"\"\"", 0, "{\"s\":\"line1\\nline2still2\"}",
            "multi-line basic string: first newline trimmed, line-ending backslash");
    is_json("s = '''\n''x'' '''", 0, "{\"s\":\"''x'' \"}", "multi-line literal string with quotes");
    is_json("s = \"\"\"\"\"ab\"\"\"\"\"", 0, "{\"s\":\"\\\"\\\"ab\\\"\\\"\"}",
            "up to two quotes at either end of a multi-line string");
    is_json("s = \"\"\"a\r\nb\"\"\"", 0, "{\"s\":\"a\\nb\"}",
            "CRLF in multi-line string becomes LF");
    is_json("i = [0, -17, +99, 1_000, 0xDEAD_beef, 0o755, 0b1010, 9223372036854775807, "
            "-9223372036854775808]",
            0,
            "{\"i\":[0,-17,99,1000,3735928559,493,10,9223372036854775807,"
            "-9223372036854775808]}",
            "integers: signs, underscores, hex, octal, binary, int64 limits");
    is_json("f = [1.5, -0.25, 5e+2, 1E-2, 6.25e1_0]", 0,
            "{\"f\":[1.5,-0.25,500.0,0.01,62500000000.0]}",
            "floats: fraction, exponent, underscores");
    is_json("f = [inf, -inf, nan]", 0, "{\"f\":[\"inf\",\"-inf\",\"nan\"]}",
            "plain dialect: non-finite floats become strings");
    is_json("t = true\nf = false", 0, "{\"t\":true,\"f\":false}", "booleans");
    is_json("a = 1979-05-27T07:32:00Z\nb = 1979-05-27 00:32:00.5-07:00\nc = 1979-05-27T07:32:00\n"
            "d = 1979-05-27\ne = 07:32:00.999",
            0,
            "{\"a\":\"1979-05-27T07:32:00Z\",\"b\":\"1979-05-27T00:32:00.5-07:00\","
            "\"c\":\"1979-05-27T07:32:00\",\"d\":\"1979-05-27\",\"e\":\"07:32:00.999\"}",
            "plain dialect: date/time values as canonical strings");
    is_json("a = 2000-02-29\nb = 2024-02-29T00:00:00Z", 0,
            "{\"a\":\"2000-02-29\",\"b\":\"2024-02-29T00:00:00Z\"}", "leap days");
    is_json("a = [ 1, [2, 'x'], {b = 1}, ]", 0, "{\"a\":[1,[2,\"x\"],{\"b\":1}]}",
            "plain dialect: mixed arrays and trailing comma");
    is_json("a = [\n  1, # one\n  2,\n]\n", 0, "{\"a\":[1,2]}", "arrays span lines with comments");
    is_json("t = { x = 1, y.z = 'v', e = {} }", 0, "{\"t\":{\"x\":1,\"y\":{\"z\":\"v\"},\"e\":{}}}",
            "inline table with dotted key");
    is_json("[a.b]\nc = 1\n[a]\nd = 2\n", 0, "{\"a\":{\"b\":{\"c\":1},\"d\":2}}",
            "implicit table defined later");
    is_json("[[p]]\nn = 1\n[p.q]\nx = 1\n[[p]]\nn = 2\n", 0,
            "{\"p\":[{\"n\":1,\"q\":{\"x\":1}},{\"n\":2}]}", "array of tables with sub-table");
    is_json("[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n", 0,
            "{\"fruit\":{\"apple\":{\"color\":\"red\",\"texture\":{\"smooth\":true}}}}",
            "[table] inside a table made by dotted keys");
    is_json("\"a.b\" = 1\n'' = 2\n\"\\u0000\" = 3\n1.2 = 4", 0,
            "{\"a.b\":1,\"\":2,\"\\u0000\":3,\"1\":{\"2\":4}}",
            "quoted, empty, NUL and numeric keys");
    is_json("", 0, "{}", "empty document");
    is_json("\xEF\xBB\xBF"
            "a = 1",
            0, "{\"a\":1}", "BOM skipped in plain dialect");
    is_json("a = 1\r\n[t]\r\nb = 2\r\n", 0, "{\"a\":1,\"t\":{\"b\":2}}", "CRLF line endings");
}

static void test_tagged(void)
{
    is_json("i = 0x10\nf = 1e3\nn = -nan\nb = true\ns = 'x'", TOML_TAGGED,
            "{\"i\":{\"type\":\"integer\",\"value\":\"16\"},"
            "\"f\":{\"type\":\"float\",\"value\":\"1000\"},"
            "\"n\":{\"type\":\"float\",\"value\":\"nan\"},"
            "\"b\":{\"type\":\"bool\",\"value\":\"true\"},"
            "\"s\":{\"type\":\"string\",\"value\":\"x\"}}",
            "tagged scalars");
    is_json("a = 1979-05-27t07:32:00z\nb = 1979-05-27 07:32:00\nc = 1979-05-27\nd = 07:32:00",
            TOML_TAGGED,
            "{\"a\":{\"type\":\"datetime\",\"value\":\"1979-05-27T07:32:00Z\"},"
            "\"b\":{\"type\":\"datetime-local\",\"value\":\"1979-05-27T07:32:00\"},"
            "\"c\":{\"type\":\"date-local\",\"value\":\"1979-05-27\"},"
            "\"d\":{\"type\":\"time-local\",\"value\":\"07:32:00\"}}",
            "tagged date/time types");
    is_json("f = 0.1", TOML_TAGGED, "{\"f\":{\"type\":\"float\",\"value\":\"0.1\"}}",
            "tagged float uses the shortest round-trip form");
}

static void test_errors(void)
{
    error_is("foo\n", 0, 1, 4, "expected '=' after key 'foo', found end of line", "missing '='");
    error_is("a = 1\nfoo bar = 2\n", 0, 2, 5, "expected '=' after key 'foo', found 'b'",
             "space in bare key");
    error_is("port = 1\nhost = 'x'\nport = 2\n", 0, 3, 1, "key 'port' already defined at line 1",
             "duplicate key");
    error_is("[bootstrap]\na = 1\n\n[bootstrap]\n", 0, 4, 1,
             "table [bootstrap] already defined at line 1", "duplicate table");
    error_is("[t]\nx = 1\n[t]\n", 0, 3, 1, "table [t] already defined at line 1", "table twice");
    error_is("s = \"x\\qy\"", 0, 1, 7, "invalid escape '\\q' in string", "invalid escape");
    error_is("s = \"\\uD800\"", 0, 1, 6, "is not a Unicode scalar value", "surrogate escape");
    error_is("s = \"\\U00110000\"", 0, 1, 6, "is not a Unicode scalar value",
             "escape past U+10FFFF");
    error_is("s = \"abc\nd = 1", 0, 1, 5, "string is not closed before the end of the line",
             "unterminated string");
    error_is("s = \"\"\"abc", 0, 1, 5, "multi-line string is not closed", "unterminated ml string");
    error_is("é = 1", 0, 1, 1, "expected a key, found U+00E9", "non-ASCII bare key");
    error_is("s = \"é\" x", 0, 1, 9, "expected end of line after value, found 'x'",
             "column counts characters, not bytes");
    error_is("a = 1\r\nb = 2 3\r\n", 0, 2, 7, "found '3'", "CRLF counted as one line end");
    error_is("a = 1.", 0, 1, 5, "invalid float '1.'", "float without fraction digits");
    error_is("a = 01", 0, 1, 5, "leading zeros are not allowed", "leading zero");
    error_is("a = 1__0", 0, 1, 5, "'_' must sit between two digits", "double underscore");
    error_is("a = 9223372036854775808", 0, 1, 5, "out of range", "int64 overflow");
    error_is("a = 0x8000000000000000", 0, 1, 5, "out of range", "hex overflow");
    error_is("a = -0x1", 0, 1, 5, "a sign is not allowed", "signed hex");
    error_is("a = 1e999", 0, 1, 5, "out of range for a 64-bit float", "float overflow");
    error_is("a = 2023-02-29", 0, 1, 5, "not a leap year", "Feb 29 in a common year");
    error_is("a = 2023-04-31", 0, 1, 5, "day is out of range", "April 31");
    error_is("a = 2023-13-01", 0, 1, 5, "month must be 01-12", "month 13");
    error_is("a = 24:00:00", 0, 1, 5, "hour must be 00-23", "hour 24");
    error_is("a = 12:60:00", 0, 1, 5, "minute must be 00-59", "minute 60");
    error_is("a = 12:00:61", 0, 1, 5, "second must be 00-59", "second 61");
    error_is("a = 12:00", 0, 1, 5, "seconds are required", "time without seconds");
    error_is("a = 1979-05-27T07:32:00+24:00", 0, 1, 5, "offset hour must be 00-23", "offset 24h");
    error_is("a = hello", 0, 1, 5, "invalid value 'hello': strings must be quoted", "bare string");
    error_is("a = \n", 0, 1, 5, "missing value after '=' for key 'a'", "missing value");
    error_is("a = [1 2]", 0, 1, 8, "expected ',' or ']' in array, found '2'", "array comma");
    error_is("a = [1,\n2", 0, 1, 5, "array is not closed", "unclosed array");
    error_is("t = {a = 1,\nb = 2}", 0, 1, 12, "inline table must be on a single line",
             "newline in inline table");
    error_is("t = {a = 1,}", 0, 1, 12, "trailing comma is not allowed", "inline trailing comma");
    error_is("t = {a = 1}\nt.b = 2", 0, 2, 1, "cannot add to inline table 't' defined at line 1",
             "extend inline table with dotted key");
    error_is("t = {a = 1}\n[t.b]", 0, 2, 2, "cannot add to inline table 't'",
             "extend inline table with header");
    error_is("t = {a = {b = 1}, a.c = 2}", 0, 1, 19, "cannot add to inline table 't.a'",
             "extend nested inline table inside its parent");
    error_is("a = []\n[[a]]", 0, 2, 1, "cannot append to static array 'a' defined at line 1",
             "append to static array");
    error_is("a = [{b = 1}]\n[a.c]", 0, 2, 2, "static array", "header through static array");
    error_is("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 0, 4, 3,
             "cannot add to table [a.b.c] with dotted keys: it was defined at line 1",
             "dotted key into [table]");
    error_is("[fruit]\napple.color = 'red'\n[fruit.apple]", 0, 3, 1,
             "table [fruit.apple] already defined by dotted keys at line 2",
             "[table] over dotted-key table");
    error_is("[[t]]\n[t]", 0, 2, 1, "already defined as an array of tables at line 1",
             "[table] over array of tables");
    error_is("[t]\n[[t]]", 0, 2, 1, "conflicts with table [t] defined at line 1",
             "[[array]] over table");
    error_is("a = 1\na.b = 2", 0, 2, 1, "key 'a' already defined at line 1 (as integer)",
             "scalar used as table");
    error_is("a.b = 1\na = 2", 0, 2, 1, "key 'a' already defined as a table at line 1",
             "table replaced by scalar");
    error_is("[a.b.c]\n[a]\nb.d = 1\n[a.b]", 0, 4, 1,
             "table [a.b] already defined by dotted keys at line 3",
             "implied table extended by dotted keys cannot get a [header] later");
    error_is("[[a.b]]\n[a]\nb.y = 2", 0, 3, 1, "it is an array of tables",
             "dotted key into array of tables");
    error_is("[a]]", 0, 1, 4, "expected end of line after table header", "stray ']'");
    error_is("[[a]", 0, 1, 4, "expected ']]' after table name 'a'", "unclosed [[");
    error_is("[a b]", 0, 1, 4, "expected ']' after table name 'a', found 'b'", "space in header");
    error_is("= 1", 0, 1, 1, "missing key before '='", "missing key");
    error_is("a.= 1", 0, 1, 3, "expected a key after '.'", "empty dotted part");
    error_is("\"\"\"k\"\"\" = 1", 0, 1, 1, "a multi-line string cannot be used as a key",
             "multi-line key");
    error_is("a = 1 # ok\x7f", 0, 1, 11, "control character U+007F", "DEL in comment");
    error_is("a = 'x\x01'", 0, 1, 7, "control character U+0001", "control char in literal");
    error_is("a = 1\rb = 2", 0, 1, 6, "carriage return not followed by a newline", "bare CR");
    error_is("a = \"\"\"\\ x\"\"\"", 0, 1, 8, "line-ending backslash", "backslash-space");
}

static void test_bytes(void)
{
    error_at("a = 1\nb = \"x\0y\"", 15, 0, 2, 7, "NUL byte", "NUL byte inside a string");
    error_at("\0", 1, 0, 1, 1, "NUL byte", "lone NUL byte");
    error_is("a = \"\xC3\"", 0, 1, 6, "invalid UTF-8", "truncated UTF-8 sequence");
    error_is("a = \"\xC0\xAF\"", 0, 1, 6, "overlong", "overlong 2-byte encoding");
    error_is("a = \"\xE0\x80\xAF\"", 0, 1, 6, "overlong", "overlong 3-byte encoding");
    error_is("a = \"\xED\xA0\x80\"", 0, 1, 6, "surrogate", "UTF-8 encoded surrogate");
    error_is("a = \"\xF4\x90\x80\x80\"", 0, 1, 6, "beyond U+10FFFF", "code point past U+10FFFF");
    error_is("# \xFF\n", 0, 1, 3, "invalid UTF-8", "invalid byte in a comment");
    error_is("\xFF\xFE"
             "a",
             0, 1, 1, "invalid UTF-8", "UTF-16 BOM");
    error_is("a = 1\n\xEF\xBB\xBF"
             "b = 2",
             0, 2, 1, "expected a key, found U+FEFF", "BOM not at the start");

    /* len, not the NUL terminator, bounds the input */
    struct toml_diag err;
    _cleanup_json_ json_t *o = parse_flags("a = 1\nb = 2", 5, 0, &err, NULL, NULL);
    _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    is(s, "{\"a\":1}", "parse stops at len");
    error_at("s = \"abc\"", 8, 0, 1, 5, "not closed", "string cut by len is unterminated");

    _cleanup_json_ json_t *o2 = toml_parse(NULL, 0, NULL, NULL);
    ok(o2 && json_object_size(o2) == 0, "NULL buffer, opts and err: empty table");
}

static char *repeat(const char *a, size_t n, const char *mid, const char *b)
{
    size_t la = strlen(a), lm = strlen(mid), lb = strlen(b);
    char *s = malloc(n * (la + lb) + lm + 1);
    if (!s)
        return NULL;
    char *p = s;
    for (size_t i = 0; i < n; i++, p += la)
        memcpy(p, a, la);
    memcpy(p, mid, lm);
    p += lm;
    for (size_t i = 0; i < n; i++, p += lb)
        memcpy(p, b, lb);
    *p = '\0';
    return s;
}

static void test_depth(void)
{
    char msg[64];
    snprintf(msg, sizeof(msg), "nesting too deep (more than %d levels", TOML_MAX_DEPTH);

    _cleanup_free_ char *arrays = repeat("[", 10000, "1", "]");
    _cleanup_free_ char *doc1 = NULL;
    ok(asprintf(&doc1, "a = %s\n", arrays) > 0, "built 10,000 nested arrays");
    error_is(doc1, 0, 1, 4 + TOML_MAX_DEPTH + 1, msg, "10,000 nested arrays");

    _cleanup_free_ char *tables = repeat("{a = ", 10000, "1", "}");
    _cleanup_free_ char *doc2 = NULL;
    ok(asprintf(&doc2, "t = %s\n", tables) > 0, "built 10,000 nested inline tables");
    error_is(doc2, 0, 1, 5 + 5 * TOML_MAX_DEPTH, msg, "10,000 nested inline tables");

    _cleanup_free_ char *dotted = repeat("k.", 10000, "k = 1", "");
    error_is(dotted, 0, 1, 2 * TOML_MAX_DEPTH + 1, "key has too many parts",
             "10,000-part dotted key");

    _cleanup_free_ char *ok_arrays = repeat("[", TOML_MAX_DEPTH - 1, "", "]");
    _cleanup_free_ char *doc3 = NULL;
    ok(asprintf(&doc3, "a = %s\n", ok_arrays) > 0, "built arrays at the depth limit");
    _cleanup_free_ char *got = run(doc3, 0);
    ok(got && strncmp(got, "{\"a\":[[", 7) == 0, "nesting up to the limit parses");
}

static void test_lines(void)
{
    const char *doc = "top = 1\n"             /* 1 */
                      "[server]\n"            /* 2 */
                      "host = 'h'\n"          /* 3 */
                      "\"x.y\".z = 2\n"       /* 4 */
                      "ports = [\n"           /* 5 */
                      "  80,\n"               /* 6 */
                      "  {n = 1},\n"          /* 7 */
                      "]\n"                   /* 8 */
                      "[[bootstrap.hosts]]\n" /* 9 */
                      "host = 'a'\n"          /* 10 */
                      "[[bootstrap.hosts]]\n" /* 11 */
                      "host = 'b'\n"          /* 12 */
                      "[bootstrap]\n"         /* 13 */
                      "curve = true\n";       /* 14 */
    _cleanup_json_ json_t *lines = json_object();
    struct toml_diag err;
    _cleanup_json_ json_t *o = parse_flags(doc, strlen(doc), 0, &err, lines, NULL);
    ok(o != NULL, "lines document parses");
    static const struct {
        const char *path;
        int line;
    } want[] = {
        {"top", 1},
        {"server", 2},
        {"server.host", 3},
        {"server.\"x.y\"", 4},
        {"server.\"x.y\".z", 4},
        {"server.ports", 5},
        {"server.ports[0]", 6},
        {"server.ports[1]", 7},
        {"server.ports[1].n", 7},
        {"bootstrap.hosts", 9},
        {"bootstrap.hosts[0]", 9},
        {"bootstrap.hosts[0].host", 10},
        {"bootstrap.hosts[1]", 11},
        {"bootstrap.hosts[1].host", 12},
        {"bootstrap", 13},
        {"bootstrap.curve", 14},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        is_int(json_integer_value(json_object_get(lines, want[i].path)), want[i].line, "lines: %s",
               want[i].path);
    is_int(json_object_size(lines), sizeof(want) / sizeof(want[0]), "lines: no other entries");

    _cleanup_json_ json_t *lines2 = json_object();
    _cleanup_json_ json_t *o2 = parse_flags("a = 1\na = 2\n", 12, 0, &err, lines2, NULL);
    ok(!o2 && json_object_size(lines2) == 0, "lines left untouched on error");

    _cleanup_json_ json_t *lines4 = json_pack("{s:i}", "other.file", 9);
    _cleanup_json_ json_t *o4 = parse_flags("x = 1\n", 6, 0, &err, lines4, NULL);
    ok(o4 && json_object_size(lines4) == 2 && json_integer_value(json_object_get(lines4, "x")) == 1,
       "lines: entries are added to a non-empty map");

    _cleanup_json_ json_t *lines3 = json_object();
    const char *doc3 = "'' = 1\n\"a\\\"b\" = 2\nm = [[1], [2, 3]]\n";
    _cleanup_json_ json_t *o3 = parse_flags(doc3, strlen(doc3), 0, &err, lines3, NULL);
    ok(o3 && json_object_get(lines3, "\"\"") && json_object_get(lines3, "\"a\\\"b\"")
           && json_object_get(lines3, "m[1][1]"),
       "lines: quoted empty key, escaped quote, nested array index");
}

static void test_flux(void)
{
    const int F = TOML_FLUX;
    is_json("ts = 1979-05-27T07:32:00Z", F, "{\"ts\":{\"iso-8601-ts\":\"1979-05-27T07:32:00Z\"}}",
            "flux: offset datetime converts to iso-8601-ts");

    _cleanup_json_ json_t *warnings = json_array();
    struct toml_diag err;
    const char *doc = "a = 1\nts = 1979-05-27T00:32:00-07:00\n";
    _cleanup_json_ json_t *o = parse_flags(doc, strlen(doc), F, &err, NULL, warnings);
    _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    is(s, "{\"a\":1,\"ts\":{\"iso-8601-ts\":\"1979-05-27T00:32:00Z\"}}",
       "flux: offset ignored, fields taken as UTC");
    is_int(json_array_size(warnings), 1, "flux: one warning for a non-zero offset");
    json_t *w = json_array_get(warnings, 0);
    is(json_string_value(json_object_get(w, "message")),
       "datetime offset -07:00 is ignored by Flux: 1979-05-27T00:32:00-07:00 becomes "
       "1979-05-27T00:32:00Z",
       "flux: offset warning text");
    is_int(json_integer_value(json_object_get(w, "line")), 2, "flux: warning line");
    is_int(json_integer_value(json_object_get(w, "col")), 6, "flux: warning col");

    _cleanup_json_ json_t *w2 = json_array();
    const char *doc2 = "a = 1979-05-27T07:32:00.75Z\nb = 1979-05-27T07:32:00+00:00\n"
                       "c = 1970-01-01T00:00:00Z\n";
    _cleanup_json_ json_t *o2 = parse_flags(doc2, strlen(doc2), F, &err, NULL, w2);
    _cleanup_free_ char *s2 = o2 ? json_dumps(o2, JSON_COMPACT) : NULL;
    is(s2,
       "{\"a\":{\"iso-8601-ts\":\"1979-05-27T07:32:00Z\"},"
       "\"b\":{\"iso-8601-ts\":\"1979-05-27T07:32:00Z\"},"
       "\"c\":{\"iso-8601-ts\":\"1970-01-01T00:00:00Z\"}}",
       "flux: fraction dropped, +00:00 is UTC, the epoch itself is fine");
    is_int(json_array_size(w2), 1, "flux: a fraction warns, +00:00 does not");
    is(json_string_value(json_object_get(json_array_get(w2, 0), "message")),
       "datetime fractional seconds are ignored by Flux: 1979-05-27T07:32:00.75Z becomes "
       "1979-05-27T07:32:00Z",
       "flux: fraction warning text");

    error_is("a = [1, 2.0]", F, 1, 9,
             "array mixes integer and float values: Flux (TOML 0.5) requires arrays of one type",
             "flux: int and float mixed");
    error_is("a = [\"x\", 1]", F, 1, 11, "array mixes string and integer values",
             "flux: string and integer mixed");
    error_is("a = [{b = 1}, 2]", F, 1, 15, "array mixes inline table and integer values",
             "flux: inline table and scalar mixed");
    error_is("a = [[1], 2]", F, 1, 11, "array mixes array and integer values",
             "flux: array and scalar mixed");
    is_json(
        "a = [\"x\", 'y', \"\"\"z\"\"\", '''w''']\nb = [[1], ['s'], []]\nc = [{x = 1}, {y = 'z'}]",
        F,
        "{\"a\":[\"x\",\"y\",\"z\",\"w\"],\"b\":[[1],[\"s\"],[]],\"c\":[{\"x\":1},{\"y\":\"z\"}]}",
        "flux: string quotings, arrays of differing arrays, arrays of tables are fine");
    error_is("d = 1979-05-27", F, 1, 5, "is a local date, which Flux cannot convert",
             "flux: local date refused");
    error_is("t = 07:32:00", F, 1, 5, "is a local time, which Flux cannot convert",
             "flux: local time refused");
    {
        /* a local datetime has every field tomltk needs: read as UTC, warned */
        _cleanup_json_ json_t *w3 = json_array();
        struct toml_diag e3;
        const char *d3 = "dt = 1979-05-27T07:32:00";
        _cleanup_json_ json_t *o3 = parse_flags(d3, strlen(d3), F, &e3, NULL, w3);
        _cleanup_free_ char *s3 = o3 ? json_dumps(o3, JSON_COMPACT) : NULL;
        is(s3, "{\"dt\":{\"iso-8601-ts\":\"1979-05-27T07:32:00Z\"}}",
           "flux: local datetime converts as UTC");
        is_int(json_array_size(w3), 1, "flux: local datetime warns");
        is(json_string_value(json_object_get(json_array_get(w3, 0), "message")),
           "local datetime 1979-05-27T07:32:00 has no offset: Flux reads it as UTC "
           "(1979-05-27T07:32:00Z)",
           "flux: local datetime warning text");
    }
    error_is("x = 1\nold = 1969-12-31T23:59:59Z", F, 2, 7, "is before 1970-01-01T00:00:00Z",
             "flux: pre-1970 datetime refused");
    error_is("f = inf", F, 1, 5, "float 'inf' is not a finite number", "flux: inf refused");
    error_is("f = [1.0, -nan]", F, 1, 11, "float '-nan' is not a finite number",
             "flux: nan refused");
    error_is("\xEF\xBB\xBF"
             "a = 1",
             F, 1, 1, "UTF-8 byte order mark", "flux: BOM refused");
    is_json("z = {a = 1}\ny = [1]\nx = 'v'\n[w]\nv = [['u']]\n[[t]]\nq = 1.5\n", F,
            "{\"x\":\"v\",\"y\":[1],\"t\":[{\"q\":1.5}],\"z\":{\"a\":1},\"w\":{\"v\":[[\"u\"]]}}",
            "flux: key order is scalars, then arrays, then tables");
    is_json("a = [1, 2.0]", 0, "{\"a\":[1,2.0]}", "plain dialect accepts what Flux refuses");
    is_json("ts = 1979-05-27T07:32:00Z", F | TOML_TAGGED,
            "{\"ts\":{\"type\":\"datetime\",\"value\":\"1979-05-27T07:32:00Z\"}}",
            "flux+tagged: tagged values");
    error_is("d = 1979-05-27", F | TOML_TAGGED, 1, 5, "which Flux cannot convert",
             "flux+tagged: Flux refusals still apply");
}

/* A large generated config: many tables, keys, arrays and strings. */
static void test_large(void)
{
    size_t cap = 24 * 1024 * 1024, len = 0;
    char *doc = malloc(cap);
    ok(doc != NULL, "allocated 20 MB document");
    if (!doc)
        return;
    size_t tables = 0;
    while (len < 20 * 1024 * 1024) {
        len += (size_t)snprintf(doc + len, cap - len,
                                "[[hosts]]\nname = \"node%zu\"\nrank = %zu\n"
                                "addr.ip = '10.%zu.%zu.1'\nports = [1, 2, 3]\n"
                                "meta = { up = true, load = 0.5 }\n",
                                tables, tables, (tables >> 8) & 255, tables & 255);
        tables++;
    }
    len += (size_t)snprintf(doc + len, cap - len, "[big]\n");
    for (size_t i = 0; len < cap - 64 && i < 100000; i++)
        len += (size_t)snprintf(doc + len, cap - len, "k%zu = %zu\n", i, i);
    struct toml_diag err;
    json_t *o = toml_parse(doc, len, &(struct toml_opts){.flags = TOML_FLUX}, &err);
    ok(o != NULL, "20 MB document parses (%zu bytes)", len);
    if (!o)
        diag("%d:%d: %s", err.line, err.col, err.msg);
    is_int(json_array_size(json_object_get(o, "hosts")), tables, "all [[hosts]] entries present");
    is_int(json_object_size(json_object_get(o, "big")), 100000, "all keys of [big] present");
    json_decref(o);

    /* the first megabyte again, collecting lines */
    size_t cut = 1024 * 1024;
    while (cut > 0 && memcmp(doc + cut, "\n[[hosts]]", 10) != 0)
        cut--;
    json_t *lines = json_object();
    o = toml_parse(doc, cut + 1, &(struct toml_opts){.flags = TOML_FLUX, .lines = lines}, &err);
    ok(o && json_integer_value(json_object_get(lines, "hosts[7].addr.ip")) == 7 * 6 + 4,
       "lines map of a 1 MB document");
    json_decref(lines);
    json_decref(o);
    free(doc);
}

int main(void)
{
    test_values();
    test_tagged();
    test_errors();
    test_bytes();
    test_depth();
    test_lines();
    test_flux();
    test_large();
    return done_testing();
}
