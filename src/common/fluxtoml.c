/* flux-core's reading of a TOML config file (see fluxtoml.h): tomlc99's
 * tokenizer and parser, then tomltk's conversion to JSON, followed step by
 * step so that every refusal carries the words and the line the broker
 * prints.
 *
 * The checks, their order and their messages are those of tomlc99 as
 * vendored in flux-core 0.88.0 (src/common/libtomlc99/toml.c), which is
 *
 *   MIT License, Copyright (c) 2017 - 2019 CK Tan, https://github.com/cktan/tomlc99
 *
 *   Permission is hereby granted, free of charge, to any person obtaining a copy
 *   of this software and associated documentation files (the "Software"), to deal
 *   in the Software without restriction, including without limitation the rights
 *   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 *   copies of the Software, and to permit persons to whom the Software is
 *   furnished to do so, subject to the following conditions:
 *
 *   The above copyright notice and this permission notice shall be included in all
 *   copies or substantial portions of the Software.
 *
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 *   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 *   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 *   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 *   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 *   SOFTWARE.
 *
 * What differs here is only how, never what: errors are returned instead of
 * longjmp()ed, keys are found through a per-table index instead of a linear
 * scan, recursion stops at FLUXTOML_MAX_DEPTH, and where tomlc99 never
 * returns (an array still open at the end of the file: its newline skipper
 * spins on the end-of-file token) the document is reported as such rather
 * than followed into the loop. Character classes are the C locale's, as in
 * the broker, which never calls setlocale().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fluxtoml.h"
#include "common/fluxtoml-int.h"

/* flux-core's flux_error_t.text, which every "Config file error" passes through */
#define FLUX_ERROR_TEXT 160
/* tomlc99's errbuf in tomltk_parse_file() */
#define TOMLC99_ERRBUF 200
/* where tomlc99's own sources put the internal errors that are reachable */
#define INTERNAL_ERROR_KEY "internal error (toml.c:1034)"   /* parse_keyval's EAT_TOKEN */
#define INTERNAL_ERROR_ARRAY "internal error (toml.c:1180)" /* walk_tabpath, array of values */

enum tokt { T_INVALID, T_DOT, T_COMMA, T_EQUAL, T_LBRACE, T_RBRACE, T_NEWLINE, T_LBRACKET,
            T_RBRACKET, T_STRING };

struct token {
    enum tokt tok;
    int line;
    const char *ptr;
    size_t len;
    bool eof;
};

struct ctx {
    const char *start, *stop; /* a NUL-terminated copy, cut at the first NUL */
    struct token tok;
    struct ft_tab *root, *curtab;
    struct {
        int top;
        char *key[10];
        struct token tok[10];
    } tpath;
    int depth;
    struct fluxtoml_error *err;
};

/* ---- errors --------------------------------------------------------------- */

static void why(struct ctx *c, int where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void why(struct ctx *c, int where, const char *fmt, ...)
{
    va_list ap;

    c->err->where = where;
    va_start(ap, fmt);
    vsnprintf(c->err->why, sizeof(c->err->why), fmt, ap);
    va_end(ap);
}

/* tomlc99 writes "line N: MSG" into a 200-byte buffer and tomltk splits it
 * again: do the same, so a long key is cut where the broker cuts it. */
static int syntax_error(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int syntax_error(struct ctx *c, int line, const char *fmt, ...)
{
    char msg[TOMLC99_ERRBUF], raw[TOMLC99_ERRBUF];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* the same cut as tomlc99's snprintf() into its buffer */
    if (snprintf(raw, sizeof(raw), "line %d: ", line) >= 0)
        strncat(raw, msg, sizeof(raw) - strlen(raw) - 1);
    char *p = strchr(raw, ':');
    c->err->kind = FLUXTOML_PARSE;
    c->err->line = line;
    c->err->where = line;
    snprintf(c->err->text, sizeof(c->err->text), "%s", p && p[1] == ' ' ? p + 2 : "");
    return -1;
}

static int internal_error(struct ctx *c, int line, const char *text)
{
    c->err->kind = FLUXTOML_NOLINE;
    c->err->where = line;
    snprintf(c->err->text, sizeof(c->err->text), "%s", text);
    return -1;
}

static int limit_error(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int limit_error(struct ctx *c, int line, const char *fmt, ...)
{
    va_list ap;

    c->err->kind = FLUXTOML_LIMIT;
    c->err->where = line;
    c->err->text[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(c->err->why, sizeof(c->err->why), fmt, ap);
    va_end(ap);
    return -1;
}

static int nomem(struct ctx *c)
{
    return limit_error(c, c->tok.line, "out of memory");
}

/* ---- the model: tables, arrays, values ------------------------------------ */

static bool grow(void *vp, size_t *cap, size_t n, size_t elsz)
{
    void **v = vp;
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *nv = realloc(*v, ncap * elsz);
    if (!nv)
        return false;
    *v = nv;
    *cap = ncap;
    return true;
}

static void tab_free(struct ft_tab *t);

static void arr_free(struct ft_arr *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == 'v')
            free(a->val[i].raw);
        else if (a->kind == 'a')
            arr_free(a->arr[i]);
        else if (a->kind == 't')
            tab_free(a->tab[i]);
    }
    free(a->val);
    free(a->arr);
    free(a->tab);
    free(a->key);
    free(a);
}

static void tab_free(struct ft_tab *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nkv; i++) {
        free(t->kv[i].key);
        free(t->kv[i].val.raw);
    }
    for (size_t i = 0; i < t->narr; i++)
        arr_free(t->arr[i]);
    for (size_t i = 0; i < t->ntab; i++)
        tab_free(t->tab[i]);
    free(t->kv);
    free(t->arr);
    free(t->tab);
    free(t->key);
    json_decref(t->index);
    free(t);
}

static struct ft_tab *tab_new(void)
{
    struct ft_tab *t = calloc(1, sizeof(*t));
    if (t && !(t->index = json_object())) {
        free(t);
        return NULL;
    }
    return t;
}

/* check_key(): 0 when key is not in tab, else 'v', 'a' or 't' and where. */
static int check_key(const struct ft_tab *t, const char *key, size_t *pos)
{
    json_t *e = json_object_get(t->index, key);
    if (!e)
        return 0;
    json_int_t v = json_integer_value(e);
    if (pos)
        *pos = (size_t)(v & 0xffffffff);
    return (int)(v >> 32);
}

static int index_add(struct ctx *c, struct ft_tab *t, const char *key, int kind, size_t pos)
{
    if (json_object_set_new_nocheck(t->index, key, json_integer(((json_int_t)kind << 32) |
                                                                  (json_int_t)pos)) < 0)
        return nomem(c);
    return 0;
}

static struct ft_tab *table_in(const struct ft_tab *t, const char *key)
{
    size_t pos;
    return check_key(t, key, &pos) == 't' ? t->tab[pos] : NULL;
}

static struct ft_arr *array_in(const struct ft_tab *t, const char *key)
{
    size_t pos;
    return check_key(t, key, &pos) == 'a' ? t->arr[pos] : NULL;
}

/* normalize_key(): the key a token names, or NULL (error set). */
static char *normalize_key(struct ctx *c, struct token t)
{
    const char *sp = t.ptr, *sq = t.ptr + t.len;
    int ch = *sp;

    if (ch == '\'' || ch == '"') {
        bool multiline = false;
        char *ret;
        if (sp[1] == ch && sp[2] == ch) {
            sp += 3, sq -= 3;
            multiline = true;
        } else {
            sp++, sq--;
        }
        if (ch == '\'') {
            ret = strndup(sp, (size_t)(sq - sp));
            if (!ret) {
                nomem(c);
                return NULL;
            }
        } else {
            char ebuf[80];
            ret = ft_norm_str(sp, (size_t)(sq - sp), true, multiline, ebuf, sizeof(ebuf));
            if (!ret) {
                syntax_error(c, t.line, "%s", ebuf);
                return NULL;
            }
        }
        if (strchr(ret, '\n')) {
            free(ret);
            syntax_error(c, t.line, "bad key");
            return NULL;
        }
        return ret;
    }
    for (const char *xp = sp; xp != sq; xp++) {
        if (is_alnum(*xp) || *xp == '_' || *xp == '-')
            continue;
        syntax_error(c, t.line, "bad key");
        return NULL;
    }
    char *ret = strndup(sp, (size_t)(sq - sp));
    if (!ret)
        nomem(c);
    return ret;
}

/* ---- tokenizer (scan_string, next_token) ---------------------------------- */

static int ret_token(struct ctx *c, enum tokt t, int line, const char *p, size_t len)
{
    c->tok = (struct token){ .tok = t, .line = line, .ptr = p, .len = len };
    return 0;
}

static int scan_string(struct ctx *c, const char *p, int line, bool dotisspecial)
{
    const char *orig = p;
    int y, m, d;

    if (strncmp(p, "'''", 3) == 0) {
        p = strstr(p + 3, "'''");
        if (!p)
            return syntax_error(c, line, "unterminated triple-s-quote");
        return ret_token(c, T_STRING, line, orig, (size_t)(p + 3 - orig));
    }
    if (strncmp(p, "\"\"\"", 3) == 0) {
        int hexreq = 0, qcnt = 0;
        bool escape = false;
        for (p += 3; *p && qcnt < 3; p++) {
            if (escape) {
                escape = false;
                if (strchr("btnfr\"\\", *p))
                    continue;
                if (*p == 'u') {
                    hexreq = 4;
                    continue;
                }
                if (*p == 'U') {
                    hexreq = 8;
                    continue;
                }
                if (p[strspn(p, " \t\r")] == '\n')
                    continue;
                return syntax_error(c, line, "bad escape char");
            }
            if (hexreq) {
                hexreq--;
                if (strchr("0123456789ABCDEF", *p))
                    continue;
                return syntax_error(c, line, "expect hex char");
            }
            if (*p == '\\') {
                escape = true;
                continue;
            }
            qcnt = *p == '"' ? qcnt + 1 : 0;
        }
        if (qcnt != 3)
            return syntax_error(c, line, "unterminated triple-quote");
        return ret_token(c, T_STRING, line, orig, (size_t)(p - orig));
    }
    if (*p == '\'') {
        for (p++; *p && *p != '\n' && *p != '\''; p++)
            ;
        if (*p != '\'')
            return syntax_error(c, line, "unterminated s-quote");
        return ret_token(c, T_STRING, line, orig, (size_t)(p + 1 - orig));
    }
    if (*p == '"') {
        int hexreq = 0;
        bool escape = false;
        for (p++; *p; p++) {
            if (escape) {
                escape = false;
                if (strchr("btnfr\"\\", *p))
                    continue;
                if (*p == 'u') {
                    hexreq = 4;
                    continue;
                }
                if (*p == 'U') {
                    hexreq = 8;
                    continue;
                }
                return syntax_error(c, line, "bad escape char");
            }
            if (hexreq) {
                hexreq--;
                if (strchr("0123456789ABCDEF", *p))
                    continue;
                return syntax_error(c, line, "expect hex char");
            }
            if (*p == '\\') {
                escape = true;
                continue;
            }
            if (*p == '\n' || *p == '"')
                break;
        }
        if (*p != '"')
            return syntax_error(c, line, "unterminated quote");
        return ret_token(c, T_STRING, line, orig, (size_t)(p + 1 - orig));
    }
    if (ft_scan_date(p, &y, &m, &d) == 0 || ft_scan_time(p, &y, &m, &d) == 0) {
        /* tomlc99's strchr() also matches the terminating NUL and walks on
         * past the end; what it finds there never reaches the value (a C
         * string) nor the line count, so stopping at the end is the same */
        for (; *p && strchr("0123456789.:+-T Z", ascii_upper(*p)); p++)
            ;
        for (; p[-1] == ' '; p--)
            ;
        return ret_token(c, T_STRING, line, orig, (size_t)(p - orig));
    }
    for (; *p && *p != '\n'; p++) {
        int ch = *p;
        if (ch == '.' && dotisspecial)
            break;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))
            continue;
        if (strchr("0123456789+-_.", ch))
            continue;
        break;
    }
    return ret_token(c, T_STRING, line, orig, (size_t)(p - orig));
}

static int next_token(struct ctx *c, bool dotisspecial)
{
    int line = c->tok.line;
    const char *p = c->tok.ptr;

    for (size_t i = 0; i < c->tok.len; i++)
        if (*p++ == '\n')
            line++;
    while (p < c->stop) {
        if (*p == '#') {
            for (p++; p < c->stop && *p != '\n'; p++)
                ;
            continue;
        }
        if (dotisspecial && *p == '.')
            return ret_token(c, T_DOT, line, p, 1);
        switch (*p) {
        case ',': return ret_token(c, T_COMMA, line, p, 1);
        case '=': return ret_token(c, T_EQUAL, line, p, 1);
        case '{': return ret_token(c, T_LBRACE, line, p, 1);
        case '}': return ret_token(c, T_RBRACE, line, p, 1);
        case '[': return ret_token(c, T_LBRACKET, line, p, 1);
        case ']': return ret_token(c, T_RBRACKET, line, p, 1);
        case '\n': return ret_token(c, T_NEWLINE, line, p, 1);
        case '\r':
        case ' ':
        case '\t':
            p++;
            continue;
        }
        return scan_string(c, p, line, dotisspecial);
    }
    ret_token(c, T_NEWLINE, line, c->stop, 0);
    c->tok.eof = true;
    return 0;
}

/* ---- parser --------------------------------------------------------------- */

static struct ft_tab *create_keytable_in_table(struct ctx *c, struct ft_tab *t, struct token k)
{
    _cleanup_free_ char *key = normalize_key(c, k);
    size_t pos;
    int kind;

    if (!key)
        return NULL;
    if ((kind = check_key(t, key, &pos))) {
        if (kind == 't' && t->tab[pos]->implicit) {
            t->tab[pos]->implicit = false;
            return t->tab[pos];
        }
        syntax_error(c, k.line, "key %s exists", key);
        return NULL;
    }
    struct ft_tab *n = tab_new();
    if (!n || !grow(&t->tab, &t->ctab, t->ntab, sizeof(*t->tab)) ||
        index_add(c, t, key, 't', t->ntab) < 0) {
        tab_free(n);
        nomem(c);
        return NULL;
    }
    n->key = TAKE_PTR(key);
    t->tab[t->ntab++] = n;
    return n;
}

static struct ft_arr *create_keyarray_in_table(struct ctx *c, struct ft_tab *t, struct token k,
                                               int kind)
{
    _cleanup_free_ char *key = normalize_key(c, k);

    if (!key)
        return NULL;
    if (check_key(t, key, NULL)) {
        syntax_error(c, k.line, "key %s exists", key);
        return NULL;
    }
    struct ft_arr *a = calloc(1, sizeof(*a));
    if (!a || !grow(&t->arr, &t->carr, t->narr, sizeof(*t->arr)) ||
        index_add(c, t, key, 'a', t->narr) < 0) {
        free(a);
        nomem(c);
        return NULL;
    }
    a->key = TAKE_PTR(key);
    a->kind = kind;
    a->line = k.line;
    t->arr[t->narr++] = a;
    return a;
}

static struct ft_kv *create_keyval_in_table(struct ctx *c, struct ft_tab *t, struct token k)
{
    _cleanup_free_ char *key = normalize_key(c, k);

    if (!key)
        return NULL;
    if (check_key(t, key, NULL)) {
        syntax_error(c, k.line, "key %s exists", key);
        return NULL;
    }
    if (!grow(&t->kv, &t->ckv, t->nkv, sizeof(*t->kv)) ||
        index_add(c, t, key, 'v', t->nkv) < 0) {
        nomem(c);
        return NULL;
    }
    struct ft_kv *kv = &t->kv[t->nkv++];
    *kv = (struct ft_kv){ .key = TAKE_PTR(key) };
    return kv;
}

static int parse_keyval(struct ctx *c, struct ft_tab *t);

static int enter(struct ctx *c)
{
    if (++c->depth > FLUXTOML_MAX_DEPTH)
        return limit_error(c, c->tok.line,
                           "nested more than %d levels deep: flux-core's parser recurses once "
                           "per level, without a bound, and may crash the broker",
                           FLUXTOML_MAX_DEPTH);
    return 0;
}

/* An inline table { ... }. */
static int parse_table(struct ctx *c, struct ft_tab *t)
{
    if (enter(c) < 0 || next_token(c, true) < 0) /* EAT_TOKEN(LBRACE) */
        return -1;
    for (;;) {
        if (c->tok.tok == T_NEWLINE)
            return syntax_error(c, c->tok.line, "newline not allowed in inline table");
        if (c->tok.tok == T_RBRACE)
            break;
        if (c->tok.tok != T_STRING)
            return syntax_error(c, c->tok.line, "syntax error");
        if (parse_keyval(c, t) < 0)
            return -1;
        if (c->tok.tok == T_NEWLINE)
            return syntax_error(c, c->tok.line, "newline not allowed in inline table");
        if (c->tok.tok == T_COMMA) {
            if (next_token(c, true) < 0)
                return -1;
            continue;
        }
        break;
    }
    if (c->tok.tok != T_RBRACE)
        return syntax_error(c, c->tok.line, "syntax error");
    c->depth--;
    return next_token(c, true);
}

/* SKIP_NEWLINES, which never returns at the end of the file. */
static int skip_newlines(struct ctx *c, int opened)
{
    while (c->tok.tok == T_NEWLINE) {
        if (c->tok.eof) {
            c->err->kind = FLUXTOML_HANG;
            c->err->text[0] = '\0';
            why(c, opened,
                "the array opened here is still open at the end of the file: flux-core's "
                "parser (tomlc99) then loops forever, so the broker hangs at start and "
                "never logs an error");
            return -1;
        }
        if (next_token(c, false) < 0)
            return -1;
    }
    return 0;
}

static int parse_array(struct ctx *c, struct ft_arr *a)
{
    int opened = c->tok.line;

    if (enter(c) < 0 || next_token(c, false) < 0) /* EAT_TOKEN(LBRACKET) */
        return -1;
    for (;;) {
        if (skip_newlines(c, opened) < 0)
            return -1;
        if (c->tok.tok == T_RBRACKET)
            break;
        switch (c->tok.tok) {
        case T_STRING: {
            if (a->kind == 0)
                a->kind = 'v';
            if (a->kind != 'v')
                return syntax_error(c, c->tok.line, "a string array can only contain strings");
            if (!grow(&a->val, &a->cap, a->n, sizeof(*a->val)))
                return nomem(c);
            char *raw = strndup(c->tok.ptr, c->tok.len);
            if (!raw)
                return nomem(c);
            a->val[a->n++] = (struct ft_raw){ .raw = raw, .line = c->tok.line };
            if (a->n == 1)
                a->type = ft_valtype(raw);
            else if (a->type != ft_valtype(raw))
                return syntax_error(c, c->tok.line,
                                    "array type mismatch while processing array of values");
            if (next_token(c, false) < 0)
                return -1;
            break;
        }
        case T_LBRACKET: {
            if (a->kind == 0)
                a->kind = 'a';
            if (a->kind != 'a')
                return syntax_error(c, c->tok.line,
                                    "array type mismatch while processing array of arrays");
            struct ft_arr *sub = calloc(1, sizeof(*sub));
            if (!sub || !grow(&a->arr, &a->cap, a->n, sizeof(*a->arr))) {
                free(sub);
                return nomem(c);
            }
            sub->line = c->tok.line;
            a->arr[a->n++] = sub;
            if (parse_array(c, sub) < 0)
                return -1;
            break;
        }
        case T_LBRACE: {
            if (a->kind == 0)
                a->kind = 't';
            if (a->kind != 't')
                return syntax_error(c, c->tok.line,
                                    "array type mismatch while processing array of tables");
            struct ft_tab *sub = tab_new();
            if (!sub || !grow(&a->tab, &a->cap, a->n, sizeof(*a->tab))) {
                tab_free(sub);
                return nomem(c);
            }
            a->tab[a->n++] = sub;
            if (parse_table(c, sub) < 0)
                return -1;
            break;
        }
        default:
            return syntax_error(c, c->tok.line, "syntax error");
        }
        if (skip_newlines(c, opened) < 0)
            return -1;
        if (c->tok.tok == T_COMMA) {
            if (next_token(c, false) < 0)
                return -1;
            continue;
        }
        break;
    }
    if (c->tok.tok != T_RBRACKET)
        return syntax_error(c, c->tok.line, "syntax error");
    c->depth--;
    return next_token(c, true);
}

/* key = value, key = [ ... ], key = { ... }, and dotted keys. */
static int parse_keyval(struct ctx *c, struct ft_tab *t)
{
    struct token key = c->tok;

    if (c->tok.tok != T_STRING) /* EAT_TOKEN(STRING) */
        return internal_error(c, c->tok.line, INTERNAL_ERROR_KEY);
    if (next_token(c, true) < 0)
        return -1;
    if (c->tok.tok == T_DOT) {
        struct ft_tab *sub;
        {
            _cleanup_free_ char *name = normalize_key(c, key);
            if (!name)
                return -1;
            sub = table_in(t, name);
        }
        if (!sub && !(sub = create_keytable_in_table(c, t, key)))
            return -1;
        if (enter(c) < 0 || next_token(c, true) < 0 || parse_keyval(c, sub) < 0)
            return -1;
        c->depth--;
        return 0;
    }
    if (c->tok.tok != T_EQUAL)
        return syntax_error(c, c->tok.line, "missing =");
    if (next_token(c, false) < 0)
        return -1;
    switch (c->tok.tok) {
    case T_STRING: {
        struct ft_kv *kv = create_keyval_in_table(c, t, key);
        if (!kv)
            return -1;
        if (!(kv->val.raw = strndup(c->tok.ptr, c->tok.len)))
            return nomem(c);
        kv->val.line = c->tok.line;
        return next_token(c, true);
    }
    case T_LBRACKET: {
        struct ft_arr *a = create_keyarray_in_table(c, t, key, 0);
        return a ? parse_array(c, a) : -1;
    }
    case T_LBRACE: {
        struct ft_tab *sub = create_keytable_in_table(c, t, key);
        return sub ? parse_table(c, sub) : -1;
    }
    default:
        return syntax_error(c, c->tok.line, "syntax error");
    }
}

static void tpath_clear(struct ctx *c)
{
    for (int i = 0; i < c->tpath.top; i++) {
        free(c->tpath.key[i]);
        c->tpath.key[i] = NULL;
    }
    c->tpath.top = 0;
}

/* The keys of [x.y.z] or [[x.y.z]], up to the closing bracket. */
static int fill_tabpath(struct ctx *c)
{
    int line = c->tok.line;

    tpath_clear(c);
    for (;;) {
        if (c->tpath.top >= 10)
            return syntax_error(c, line, "table path is too deep; max allowed is 10.");
        if (c->tok.tok != T_STRING)
            return syntax_error(c, line, "invalid or missing key");
        c->tpath.tok[c->tpath.top] = c->tok;
        if (!(c->tpath.key[c->tpath.top] = normalize_key(c, c->tok)))
            return -1;
        c->tpath.top++;
        if (next_token(c, true) < 0)
            return -1;
        if (c->tok.tok == T_RBRACKET)
            break;
        if (c->tok.tok != T_DOT)
            return syntax_error(c, line, "invalid key");
        if (next_token(c, true) < 0)
            return -1;
    }
    return 0;
}

/* Walk the header path from the root, creating implicit tables. */
static int walk_tabpath(struct ctx *c)
{
    struct ft_tab *cur = c->root;

    for (int i = 0; i < c->tpath.top; i++) {
        const char *key = c->tpath.key[i];
        struct ft_tab *next;
        size_t pos;

        switch (check_key(cur, key, &pos)) {
        case 't':
            next = cur->tab[pos];
            break;
        case 'a':
            if (cur->arr[pos]->kind != 't' || cur->arr[pos]->n == 0)
                return internal_error(c, c->tpath.tok[i].line, INTERNAL_ERROR_ARRAY);
            next = cur->arr[pos]->tab[cur->arr[pos]->n - 1];
            break;
        case 'v':
            return syntax_error(c, c->tpath.tok[i].line, "key %s exists", key);
        default:
            if (!(next = tab_new()) || !(next->key = strdup(key)) ||
                !grow(&cur->tab, &cur->ctab, cur->ntab, sizeof(*cur->tab)) ||
                index_add(c, cur, key, 't', cur->ntab) < 0) {
                tab_free(next);
                return nomem(c);
            }
            next->implicit = true;
            cur->tab[cur->ntab++] = next;
            break;
        }
        cur = next;
    }
    c->curtab = cur;
    return 0;
}

/* [x.y.z] or [[x.y.z]] */
static int parse_select(struct ctx *c)
{
    bool llb = c->tok.ptr + 1 < c->stop && c->tok.ptr[1] == '[';

    if (next_token(c, true) < 0 || (llb && next_token(c, true) < 0))
        return -1;
    if (fill_tabpath(c) < 0)
        return -1;
    struct token z = c->tpath.tok[c->tpath.top - 1];
    free(c->tpath.key[c->tpath.top - 1]);
    c->tpath.key[--c->tpath.top] = NULL;
    if (walk_tabpath(c) < 0)
        return -1;
    if (!llb) {
        if (!(c->curtab = create_keytable_in_table(c, c->curtab, z)))
            return -1;
    } else {
        struct ft_arr *a;
        {
            _cleanup_free_ char *name = normalize_key(c, z);
            if (!name)
                return -1;
            a = array_in(c->curtab, name);
        }
        if (!a && !(a = create_keyarray_in_table(c, c->curtab, z, 't')))
            return -1;
        if (a->kind != 't')
            return syntax_error(c, z.line, "array mismatch");
        struct ft_tab *dest = tab_new();
        if (!dest || !grow(&a->tab, &a->cap, a->n, sizeof(*a->tab))) {
            tab_free(dest);
            return nomem(c);
        }
        a->tab[a->n++] = dest;
        c->curtab = dest;
    }
    if (c->tok.tok != T_RBRACKET)
        return syntax_error(c, c->tok.line, "expects ]");
    if (llb) {
        if (!(c->tok.ptr + 1 < c->stop && c->tok.ptr[1] == ']'))
            return syntax_error(c, c->tok.line, "expects ]]");
        if (next_token(c, true) < 0)
            return -1;
    }
    if (next_token(c, true) < 0)
        return -1;
    if (c->tok.tok != T_NEWLINE)
        return syntax_error(c, c->tok.line, "extra chars after ] or ]]");
    return 0;
}

static int parse_document(struct ctx *c)
{
    c->tok = (struct token){ .tok = T_NEWLINE, .line = 1, .ptr = c->start };
    c->curtab = c->root;
    while (!c->tok.eof) {
        switch (c->tok.tok) {
        case T_NEWLINE:
            if (next_token(c, true) < 0)
                return -1;
            break;
        case T_STRING:
            if (parse_keyval(c, c->curtab) < 0)
                return -1;
            if (c->tok.tok != T_NEWLINE)
                return syntax_error(c, c->tok.line, "extra chars after value");
            if (next_token(c, true) < 0)
                return -1;
            break;
        case T_LBRACKET:
            if (parse_select(c) < 0)
                return -1;
            break;
        default:
            return syntax_error(c, c->tok.line, "syntax error");
        }
    }
    return 0;
}

/* ---- entry points ---------------------------------------------------------- */

json_t *fluxtoml_parse(const char *buf, size_t len, struct fluxtoml_error *err)
{
    struct fluxtoml_error dummy;
    struct ctx c = { .err = err ? err : &dummy };
    _cleanup_free_ char *copy = NULL;
    json_t *out = NULL;

    memset(c.err, 0, sizeof(*c.err));
    if (!(copy = calloc(1, len + 1)) || !(c.root = tab_new())) {
        limit_error(&c, 0, "out of memory");
        return NULL;
    }
    if (len)
        memcpy(copy, buf, len);
    c.start = copy;
    c.stop = copy + strlen(copy);
    if (parse_document(&c) == 0 && ft_to_json(c.root, c.err, &out) < 0)
        out = NULL;
    tpath_clear(&c);
    tab_free(c.root);
    if (!out && c.err->kind == FLUXTOML_OK)
        limit_error(&c, 0, "out of memory");
    return out;
}

const char *fluxtoml_quote(const char *file, const struct fluxtoml_error *err, char *buf,
                           size_t bufsz)
{
    char text[FLUX_ERROR_TEXT];
    int n;

    if (!bufsz)
        return buf;
    buf[0] = '\0';
    if (!err || (err->kind != FLUXTOML_PARSE && err->kind != FLUXTOML_NOLINE &&
                 err->kind != FLUXTOML_CONVERT))
        return buf;
    if (err->kind == FLUXTOML_PARSE)
        n = snprintf(text, sizeof(text), "%s:%d: %s", file, err->line, err->text);
    else
        n = snprintf(text, sizeof(text), "%s: %s", file, err->text);
    /* flux-core's verrprintf(): a cut message ends in '+' (not when it
     * fills the buffer exactly, its off-by-one) */
    if (n > (int)sizeof(text))
        text[sizeof(text) - 2] = '+';
    snprintf(buf, bufsz, "%s", text);
    return buf;
}
