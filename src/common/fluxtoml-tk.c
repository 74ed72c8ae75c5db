/* tomlc99's raw-value readers (toml_rtob, toml_rtoi, toml_rtod, toml_rtots,
 * toml_rtos, toml_ucs_to_utf8, norm_lit_str/norm_basic_str) and tomltk's
 * conversion of the parsed document to JSON (flux-core 0.88,
 * src/common/libtomlc99/toml.c and src/common/libutil/tomltk.c), for
 * fluxtoml.c; the parser's licence and what differs are in its header.
 *
 *   MIT License, Copyright (c) 2017 - 2019 CK Tan, https://github.com/cktan/tomlc99
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/fluxtoml-int.h"

/* Longest piece of a value quoted in an explanation. */
#define SNIPPET_MAX 48

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

char *ft_norm_str(const char *sp, size_t srclen, bool basic, bool multiline, char *ebuf,
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

int ft_scan_date(const char *p, int *yy, int *mm, int *dd)
{
    int year = scan_digits(p, 4);
    int month = year >= 0 && p[4] == '-' ? scan_digits(p + 5, 2) : -1;
    int day = month >= 0 && p[7] == '-' ? scan_digits(p + 8, 2) : -1;
    *yy = year;
    *mm = month;
    *dd = day;
    return year >= 0 && month >= 0 && day >= 0 ? 0 : -1;
}

int ft_scan_time(const char *p, int *hh, int *mm, int *ss)
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
    if (ft_scan_date(p, &ts->year, &ts->month, &ts->day) == 0) {
        ts->has_date = true;
        p += 10;
        if (*p) {
            if (*p != 'T' && *p != ' ')
                return -1;
            must_parse_time = true;
            p++;
        }
    }
    if (ft_scan_time(p, &ts->hour, &ts->minute, &ts->second) == 0) {
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
    *ret = ft_norm_str(sp, (size_t)(sq - sp), qchar == '"', multiline, ebuf, ebufsz);
    return *ret ? 0 : -1;
}

int ft_valtype(const char *val)
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

static int convert_error(struct fluxtoml_error *err, int errnum, const struct ft_raw *v,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int convert_error(struct fluxtoml_error *err, int errnum, const struct ft_raw *v,
                         const char *fmt, ...)
{
    /* sized so that "the value SNIPPET WHAT" fits in err->why */
    char what[sizeof(err->why) - SNIPPET_MAX - 24], snip[SNIPPET_MAX + 8];
    va_list ap;

    err->kind = FLUXTOML_CONVERT;
    err->line = 0;
    snprintf(err->text, sizeof(err->text), "converting TOML to JSON: %s", strerror(errnum));
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    err->where = v ? v->line : 0;
    if (v)
        snprintf(err->why, sizeof(err->why), "the value %s %s",
                 snippet(v->raw, snip, sizeof(snip)), what);
    else
        snprintf(err->why, sizeof(err->why), "%s", what);
    return -1;
}

static int value_to_json(struct fluxtoml_error *err, const struct ft_raw *v, json_t **out)
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
            return convert_error(err, ENOMEM, v, "is not valid UTF-8, which JSON strings must be");
        return 0;
    }
    if (rtob(v->raw, &b) == 0) {
        *out = json_boolean(b);
        return 0;
    }
    if (rtoi(v->raw, &i) == 0) {
        if (!(*out = json_integer(i)))
            return convert_error(err, ENOMEM, v, "could not be stored");
        return 0;
    }
    if (rtod(v->raw, &d) == 0) {
        if (!(*out = json_real(d)))
            return convert_error(err, ENOMEM, v, "is not a finite number, which JSON cannot hold");
        return 0;
    }
    if (rtots(v->raw, &ts) == 0) {
        struct tm tm = { 0 };
        char buf[80];
        time_t t;
        if (!ts.has_date || !ts.has_time)
            return convert_error(err, EINVAL, v,
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
            return convert_error(err, EINVAL, v,
                                 "is before 1970, which flux-core cannot convert");
        if (!(*out = json_pack("{s:s}", "iso-8601-ts", buf)))
            return convert_error(err, ENOMEM, v, "could not be stored");
        return 0;
    }
    if (v->raw[0] == '\'' || v->raw[0] == '"')
        return convert_error(err, EINVAL, v, "is a string flux-core cannot read (%s)", ebuf);
    return convert_error(err, EINVAL, v, "is not a string, boolean, number or date-time as "
                                       "flux-core reads them");
}

static int table_to_json(struct fluxtoml_error *err, const struct ft_tab *t, json_t **out);

static int array_to_json(struct fluxtoml_error *err, const struct ft_arr *a, json_t **out)
{
    _cleanup_json_ json_t *o = json_array();

    if (!o)
        return convert_error(err, ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        json_t *v = NULL;
        if (a->kind == 'v' && value_to_json(err, &a->val[i], &v) < 0)
            return -1;
        if (a->kind == 't' && table_to_json(err, a->tab[i], &v) < 0)
            return -1;
        if (a->kind == 'a' && array_to_json(err, a->arr[i], &v) < 0)
            return -1;
        if (json_array_append_new(o, v) < 0)
            return convert_error(err, ENOMEM, NULL, "out of memory");
    }
    *out = TAKE_PTR(o);
    return 0;
}

/* tomltk: keys in tomlc99's order (values, arrays, tables). A key that is
 * not valid UTF-8 cannot be set in a JSON object: jansson refuses it, and
 * tomltk reports that as out of memory. */
static int table_to_json(struct fluxtoml_error *err, const struct ft_tab *t, json_t **out)
{
    _cleanup_json_ json_t *o = json_object();
    char snip[SNIPPET_MAX + 8];

    if (!o)
        return convert_error(err, ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < t->nkv + t->narr + t->ntab; i++) {
        const char *key;
        json_t *v = NULL;
        int line = 0;
        if (i < t->nkv) {
            key = t->kv[i].key;
            line = t->kv[i].val.line;
            if (value_to_json(err, &t->kv[i].val, &v) < 0)
                return -1;
        } else if (i < t->nkv + t->narr) {
            key = t->arr[i - t->nkv]->key;
            line = t->arr[i - t->nkv]->line;
            if (array_to_json(err, t->arr[i - t->nkv], &v) < 0)
                return -1;
        } else {
            key = t->tab[i - t->nkv - t->narr]->key;
            if (table_to_json(err, t->tab[i - t->nkv - t->narr], &v) < 0)
                return -1;
        }
        if (json_object_set_new(o, key, v) < 0) {
            convert_error(err, ENOMEM, NULL, "the key %s is not valid UTF-8, which JSON keys "
                                           "must be", snippet(key, snip, sizeof(snip)));
            err->where = line;
            return -1;
        }
    }
    *out = TAKE_PTR(o);
    return 0;
}

int ft_to_json(const struct ft_tab *root, struct fluxtoml_error *err, json_t **out)
{
    return table_to_json(err, root, out);
}
