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
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/fluxtoml.h"

/* flux-core's flux_error_t.text, which every "Config file error" passes through */
#define FLUX_ERROR_TEXT 160
/* tomlc99's errbuf in tomltk_parse_file() */
#define TOMLC99_ERRBUF 200
/* where tomlc99's own sources put the internal errors that are reachable */
#define INTERNAL_ERROR_KEY "internal error (toml.c:1034)"   /* parse_keyval's EAT_TOKEN */
#define INTERNAL_ERROR_ARRAY "internal error (toml.c:1180)" /* walk_tabpath, array of values */

/* Longest piece of a value quoted in an explanation. */
#define SNIPPET_MAX 48

enum tokt { T_INVALID, T_DOT, T_COMMA, T_EQUAL, T_LBRACE, T_RBRACE, T_NEWLINE, T_LBRACKET,
            T_RBRACKET, T_STRING };

struct token {
    enum tokt tok;
    int line;
    const char *ptr;
    size_t len;
    bool eof;
};

struct ft_raw {
    char *raw; /* the value's text as tomlc99 keeps it */
    int line;
};

struct ft_kv {
    char *key;
    struct ft_raw val;
};

struct ft_tab;

struct ft_arr {
    char *key;
    int kind; /* 0 (empty so far), 'v'alues, 'a'rrays, 't'ables */
    int type; /* valtype() of the first value */
    int line;
    size_t n, cap;
    struct ft_raw *val;
    struct ft_arr **arr;
    struct ft_tab **tab;
};

struct ft_tab {
    char *key;
    bool implicit;
    json_t *index; /* key -> kind << 32 | position, for kv, arr and tab alike */
    struct ft_kv *kv;
    size_t nkv, ckv;
    struct ft_arr **arr;
    size_t narr, carr;
    struct ft_tab **tab;
    size_t ntab, ctab;
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

/* ---- strings (tomlc99's norm_lit_str, norm_basic_str, toml_ucs_to_utf8) --- */

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_alnum(int ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int ascii_upper(int ch)
{
    return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

static bool is_ctrl(int ch)
{
    return (ch >= 0 && ch <= 0x08) || (ch >= 0x0a && ch <= 0x1f) || ch == 0x7f;
}

/* toml_ucs_to_utf8(): up to 6 bytes (the old UTF-8, up to U+7FFFFFFF), and
 * no surrogates or U+FFFE/U+FFFF. */
static int ucs_to_utf8(int64_t code, char buf[6])
{
    static const int64_t top[] = { 0x7F, 0x7FF, 0xFFFF, 0x1FFFFF, 0x3FFFFFF, 0x7FFFFFFF };
    static const unsigned char lead[] = { 0x00, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc };

    if ((0xd800 <= code && code <= 0xdfff) || (0xfffe <= code && code <= 0xffff) || code < 0)
        return -1;
    for (int n = 0; n < 6; n++) {
        if (code > top[n])
            continue;
        for (int i = n; i > 0; i--, code >>= 6)
            buf[i] = (char)(0x80 | (code & 0x3f));
        buf[0] = (char)(lead[n] | code);
        return n + 1;
    }
    return -1;
}

/* The string's bytes with escapes decoded, or NULL with the reason in ebuf
 * (tomlc99's wording). */
static char *norm_str(const char *sp, size_t srclen, bool basic, bool multiline, char *ebuf,
                      size_t ebufsz)
{
    const char *sq = sp + srclen;
    size_t max = srclen + 8, off = 0;
    _cleanup_free_ char *dst = malloc(max);

    if (!dst) {
        snprintf(ebuf, ebufsz, "out of memory");
        return NULL;
    }
    while (sp < sq) {
        int ch = (signed char)*sp++;
        if (!basic || ch != '\\') {
            if (is_ctrl(ch) && !(multiline && (ch == '\r' || ch == '\n'))) {
                snprintf(ebuf, ebufsz, "invalid char U+%04x", ch);
                return NULL;
            }
            dst[off++] = (char)ch;
            continue;
        }
        if (sp >= sq) {
            snprintf(ebuf, ebufsz, "last backslash is invalid");
            return NULL;
        }
        if (multiline && sp[strspn(sp, " \t\r")] == '\n') {
            sp += strspn(sp, " \t\r\n");
            continue;
        }
        ch = *sp++;
        switch (ch) {
        case 'u':
        case 'U': {
            int64_t ucs = 0;
            int nhex = ch == 'u' ? 4 : 8;
            for (int i = 0; i < nhex; i++) {
                if (sp >= sq) {
                    snprintf(ebuf, ebufsz, "\\%c expects %d hex chars", ch, nhex);
                    return NULL;
                }
                ch = *sp++;
                int v = is_digit(ch) ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
                if (v == -1) {
                    snprintf(ebuf, ebufsz, "invalid hex chars for \\u or \\U");
                    return NULL;
                }
                ucs = ucs * 16 + v;
            }
            int n = ucs_to_utf8(ucs, &dst[off]);
            if (n == -1) {
                snprintf(ebuf, ebufsz, "illegal ucs code in \\u or \\U");
                return NULL;
            }
            off += (size_t)n;
            continue;
        }
        case 'b': ch = '\b'; break;
        case 't': ch = '\t'; break;
        case 'n': ch = '\n'; break;
        case 'f': ch = '\f'; break;
        case 'r': ch = '\r'; break;
        case '"': ch = '"'; break;
        case '\\': ch = '\\'; break;
        default:
            snprintf(ebuf, ebufsz, "illegal escape char \\%c", ch);
            return NULL;
        }
        dst[off++] = (char)ch;
    }
    dst[off] = '\0';
    return TAKE_PTR(dst);
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
            ret = norm_str(sp, (size_t)(sq - sp), true, multiline, ebuf, sizeof(ebuf));
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

/* ---- raw values (toml_rtob, toml_rtoi, toml_rtod, toml_rtots, toml_rtos) -- */

static int rtob(const char *src, int *ret)
{
    if (strcmp(src, "true") == 0) {
        *ret = 1;
        return 0;
    }
    if (strcmp(src, "false") == 0) {
        *ret = 0;
        return 0;
    }
    return -1;
}

static int rtoi(const char *src, int64_t *ret)
{
    char buf[100];
    char *p = buf, *q = buf + sizeof(buf);
    const char *s = src;
    int base = 0;

    if (s[0] == '+' || s[0] == '-')
        *p++ = *s++;
    if (s[0] == '_')
        return -1;
    if (s[0] == '0') {
        switch (s[1]) {
        case 'x': base = 16; s += 2; break;
        case 'o': base = 8; s += 2; break;
        case 'b': base = 2; s += 2; break;
        case '\0': *ret = 0; return 0;
        default:
            if (s[1])
                return -1;
        }
    }
    while (*s && p < q) {
        int ch = *s++;
        if (ch == '_') {
            if (s[0] == '_')
                return -1;
            continue;
        }
        *p++ = (char)ch;
    }
    if (*s || p == q)
        return -1;
    /* An empty value (a zero-length token, which tomlc99 makes of a stray
     * character like '@') reaches here with s == src: tomlc99 then reads the
     * byte before the string, the top byte of glibc's malloc chunk size,
     * which is 0, and strtoll("") is 0 without an error. So "" is the
     * integer 0, which decides "array type mismatch" in [1, @] vs ["a", @]. */
    if (s != src && s[-1] == '_')
        return -1;
    *p = '\0';
    char *endp;
    errno = 0;
    *ret = strtoll(buf, &endp, base);
    return errno || *endp ? -1 : 0;
}

static int rtod(const char *src, double *ret)
{
    char buf[100];
    char *p = buf, *q = buf + sizeof(buf);
    const char *s = src;

    if (s[0] == '+' || s[0] == '-')
        *p++ = *s++;
    if (s[0] == '_' || s[0] == '.')
        return -1;
    if (s[0] == '0' && s[1] && !strchr("eE.", s[1]))
        return -1;
    while (*s && p < q) {
        int ch = *s++;
        if (ch == '.') {
            /* s - 2 is inside src: a '.' first was refused above */
            if (s[-2] == '_' || s[0] == '_')
                return -1;
        } else if (ch == '_') {
            if (s[0] == '_')
                return -1;
            continue;
        }
        *p++ = (char)ch;
    }
    if (*s || p == q)
        return -1;
    if (s != src && s[-1] == '_') /* as in rtoi() */
        return -1;
    if (p != buf && p[-1] == '.')
        return -1;
    *p = '\0';
    char *endp;
    errno = 0;
    *ret = strtod(buf, &endp);
    return errno || *endp ? -1 : 0;
}

struct ts {
    int year, month, day, hour, minute, second, millisec;
    bool has_date, has_time;
};

static int scan_digits(const char *p, int n)
{
    int ret = 0;
    for (; n > 0 && is_digit(*p); n--, p++)
        ret = 10 * ret + (*p - '0');
    return n ? -1 : ret;
}

static int scan_date(const char *p, int *yy, int *mm, int *dd)
{
    int year = scan_digits(p, 4);
    int month = year >= 0 && p[4] == '-' ? scan_digits(p + 5, 2) : -1;
    int day = month >= 0 && p[7] == '-' ? scan_digits(p + 8, 2) : -1;
    *yy = year;
    *mm = month;
    *dd = day;
    return year >= 0 && month >= 0 && day >= 0 ? 0 : -1;
}

static int scan_time(const char *p, int *hh, int *mm, int *ss)
{
    int hour = scan_digits(p, 2);
    int minute = hour >= 0 && p[2] == ':' ? scan_digits(p + 3, 2) : -1;
    int second = minute >= 0 && p[5] == ':' ? scan_digits(p + 6, 2) : -1;
    *hh = hour;
    *mm = minute;
    *ss = second;
    return hour >= 0 && minute >= 0 && second >= 0 ? 0 : -1;
}

static int rtots(const char *src, struct ts *ts)
{
    const char *p = src;
    bool must_parse_time = false;

    memset(ts, 0, sizeof(*ts));
    if (scan_date(p, &ts->year, &ts->month, &ts->day) == 0) {
        ts->has_date = true;
        p += 10;
        if (*p) {
            if (*p != 'T' && *p != ' ')
                return -1;
            must_parse_time = true;
            p++;
        }
    }
    if (scan_time(p, &ts->hour, &ts->minute, &ts->second) == 0) {
        ts->has_time = true;
        p += 8;
        if (*p == '.') {
            char *qq;
            long ms;
            p++;
            errno = 0;
            ms = strtol(p, &qq, 0);
            if (errno)
                return -1;
            ts->millisec = (int)ms;
            while (ts->millisec > 999)
                ts->millisec /= 10;
            p = qq;
        }
        if (*p) {
            if (*p == 'Z' || *p == 'z') {
                p++;
            } else if (*p == '+' || *p == '-') {
                p++;
                if (!(is_digit(p[0]) && is_digit(p[1])))
                    return -1;
                p += 2;
                if (*p == ':') {
                    p++;
                    if (!(is_digit(p[0]) && is_digit(p[1])))
                        return -1;
                    p += 2;
                }
            }
        }
    }
    if (*p != '\0')
        return -1;
    if (must_parse_time && !ts->has_time)
        return -1;
    return 0;
}

static int rtos(const char *src, char **ret, char *ebuf, size_t ebufsz)
{
    int qchar = src[0];
    size_t srclen = strlen(src);
    const char *sp, *sq;
    bool multiline = false;

    *ret = NULL;
    if (qchar != '\'' && qchar != '"')
        return -1;
    if (src[1] == qchar && src[2] == qchar) {
        multiline = true;
        sp = src + 3;
        sq = src + srclen - 3;
        if (!(srclen >= 6 && sq[0] == qchar && sq[1] == qchar && sq[2] == qchar))
            return -1;
        if (sp[0] == '\n')
            sp++;
        else if (sp[0] == '\r' && sp[1] == '\n')
            sp += 2;
        if (sp > sq) /* tomlc99 would hand a negative length on: nothing converts */
            return -1;
    } else {
        sp = src + 1;
        sq = src + srclen - 1;
        if (!(srclen >= 2 && *sq == qchar))
            return -1;
    }
    *ret = norm_str(sp, (size_t)(sq - sp), qchar == '"', multiline, ebuf, ebufsz);
    return *ret ? 0 : -1;
}

/* valtype(): what an array of values holds, by its first value. */
static int valtype(const char *val)
{
    int b;
    int64_t i;
    double d;
    struct ts ts;

    if (*val == '\'' || *val == '"')
        return 's';
    if (rtob(val, &b) == 0)
        return 'b';
    if (rtoi(val, &i) == 0)
        return 'i';
    if (rtod(val, &d) == 0)
        return 'd';
    if (rtots(val, &ts) == 0) {
        if (ts.has_date && ts.has_time)
            return 'T';
        if (ts.has_date)
            return 'D';
        return 't';
    }
    return 'u';
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
    if (scan_date(p, &y, &m, &d) == 0 || scan_time(p, &y, &m, &d) == 0) {
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
                a->type = valtype(raw);
            else if (a->type != valtype(raw))
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

/* ---- conversion (tomltk.c) ------------------------------------------------- */

/* The value as plain text for an explanation: control bytes as '?'. */
static const char *snippet(const char *raw, char *buf, size_t bufsz)
{
    size_t n = strlen(raw), i;
    for (i = 0; i < n && i < SNIPPET_MAX && i + 4 < bufsz; i++)
        buf[i] = is_ctrl((signed char)raw[i]) ? '?' : raw[i];
    snprintf(buf + i, bufsz - i, "%s", i < n ? "..." : "");
    return buf;
}

static int convert_error(struct ctx *c, int err, const struct ft_raw *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int convert_error(struct ctx *c, int err, const struct ft_raw *v, const char *fmt, ...)
{
    char what[256], snip[SNIPPET_MAX + 8];
    va_list ap;

    c->err->kind = FLUXTOML_CONVERT;
    c->err->line = 0;
    snprintf(c->err->text, sizeof(c->err->text), "converting TOML to JSON: %s", strerror(err));
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (v)
        why(c, v->line, "the value %s %s", snippet(v->raw, snip, sizeof(snip)), what);
    else
        why(c, 0, "%s", what);
    return -1;
}

static int value_to_json(struct ctx *c, const struct ft_raw *v, json_t **out)
{
    char ebuf[80];
    char *s = NULL;
    int b;
    int64_t i;
    double d;
    struct ts ts;

    if (rtos(v->raw, &s, ebuf, sizeof(ebuf)) == 0) {
        *out = json_string(s);
        free(s);
        if (!*out)
            return convert_error(c, ENOMEM, v, "is not valid UTF-8, which JSON strings must be");
        return 0;
    }
    if (rtob(v->raw, &b) == 0) {
        *out = json_boolean(b);
        return 0;
    }
    if (rtoi(v->raw, &i) == 0) {
        if (!(*out = json_integer(i)))
            return convert_error(c, ENOMEM, v, "could not be stored");
        return 0;
    }
    if (rtod(v->raw, &d) == 0) {
        if (!(*out = json_real(d)))
            return convert_error(c, ENOMEM, v, "is not a finite number, which JSON cannot hold");
        return 0;
    }
    if (rtots(v->raw, &ts) == 0) {
        struct tm tm = { 0 };
        char buf[80];
        time_t t;
        if (!ts.has_date || !ts.has_time)
            return convert_error(c, EINVAL, v,
                                 "is a %s: flux-core converts dates only with a time of day",
                                 ts.has_date ? "date without a time" : "time without a date");
        tm.tm_year = ts.year - 1900;
        tm.tm_mon = ts.month - 1;
        tm.tm_mday = ts.day;
        tm.tm_hour = ts.hour;
        tm.tm_min = ts.minute;
        tm.tm_sec = ts.second;
        if ((t = timegm(&tm)) < 0 || !gmtime_r(&t, &tm) ||
            strftime(buf, sizeof(buf), "%Y-%m-%dT%TZ", &tm) == 0)
            return convert_error(c, EINVAL, v,
                                 "is before 1970, which flux-core cannot convert");
        if (!(*out = json_pack("{s:s}", "iso-8601-ts", buf)))
            return convert_error(c, ENOMEM, v, "could not be stored");
        return 0;
    }
    if (v->raw[0] == '\'' || v->raw[0] == '"')
        return convert_error(c, EINVAL, v, "is a string flux-core cannot read (%s)", ebuf);
    return convert_error(c, EINVAL, v, "is not a string, boolean, number or date-time as "
                                       "flux-core reads them");
}

static int table_to_json(struct ctx *c, const struct ft_tab *t, json_t **out);

static int array_to_json(struct ctx *c, const struct ft_arr *a, json_t **out)
{
    _cleanup_json_ json_t *o = json_array();

    if (!o)
        return convert_error(c, ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        json_t *v = NULL;
        if (a->kind == 'v' && value_to_json(c, &a->val[i], &v) < 0)
            return -1;
        if (a->kind == 't' && table_to_json(c, a->tab[i], &v) < 0)
            return -1;
        if (a->kind == 'a' && array_to_json(c, a->arr[i], &v) < 0)
            return -1;
        if (json_array_append_new(o, v) < 0)
            return convert_error(c, ENOMEM, NULL, "out of memory");
    }
    *out = TAKE_PTR(o);
    return 0;
}

/* tomltk: keys in tomlc99's order (values, arrays, tables). A key that is
 * not valid UTF-8 cannot be set in a JSON object: jansson refuses it, and
 * tomltk reports that as out of memory. */
static int table_to_json(struct ctx *c, const struct ft_tab *t, json_t **out)
{
    _cleanup_json_ json_t *o = json_object();
    char snip[SNIPPET_MAX + 8];

    if (!o)
        return convert_error(c, ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < t->nkv + t->narr + t->ntab; i++) {
        const char *key;
        json_t *v = NULL;
        int line = 0;
        if (i < t->nkv) {
            key = t->kv[i].key;
            line = t->kv[i].val.line;
            if (value_to_json(c, &t->kv[i].val, &v) < 0)
                return -1;
        } else if (i < t->nkv + t->narr) {
            key = t->arr[i - t->nkv]->key;
            line = t->arr[i - t->nkv]->line;
            if (array_to_json(c, t->arr[i - t->nkv], &v) < 0)
                return -1;
        } else {
            key = t->tab[i - t->nkv - t->narr]->key;
            if (table_to_json(c, t->tab[i - t->nkv - t->narr], &v) < 0)
                return -1;
        }
        if (json_object_set_new(o, key, v) < 0) {
            convert_error(c, ENOMEM, NULL, "the key %s is not valid UTF-8, which JSON keys "
                                           "must be", snippet(key, snip, sizeof(snip)));
            c->err->where = line;
            return -1;
        }
    }
    *out = TAKE_PTR(o);
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
    if (parse_document(&c) == 0 && table_to_json(&c, c.root, &out) < 0)
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
