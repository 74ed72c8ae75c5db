/* Inside fluxtoml (not for use elsewhere): the document as tomlc99 holds
 * it, shared by the parser (fluxtoml.c: tokenizer, tables, arrays, keys)
 * and fluxtoml-tk.c (tomlc99's raw-value readers and tomltk's conversion to
 * JSON), as flux-core splits them between libtomlc99/toml.c and
 * libutil/tomltk.c. */
#ifndef FP_COMMON_FLUXTOML_INT_H
#define FP_COMMON_FLUXTOML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common/fluxtoml.h"

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

/* Character classes of the C locale, as in the broker (no setlocale()). */
static inline bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static inline bool is_alnum(int ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline int ascii_upper(int ch)
{
    return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

static inline bool is_ctrl(int ch)
{
    return (ch >= 0 && ch <= 0x08) || (ch >= 0x0a && ch <= 0x1f) || ch == 0x7f;
}

/* The string's bytes with escapes decoded (tomlc99's norm_lit_str and
 * norm_basic_str), or NULL with the reason in ebuf (tomlc99's wording). */
char *ft_norm_str(const char *sp, size_t srclen, bool basic, bool multiline, char *ebuf,
                  size_t ebufsz);

/* tomlc99's scan_date() and scan_time(): 0 when p starts with
 * YYYY-MM-DD or HH:MM:SS (the fields stored), else -1. */
int ft_scan_date(const char *p, int *yy, int *mm, int *dd);
int ft_scan_time(const char *p, int *hh, int *mm, int *ss);

/* What an array of values holds, by its first value: 's'tring, 'b'oolean,
 * 'i'nteger, 'd'ouble, 'T' date-time, 'D' date, 't' time, 'u'nknown. */
int ft_valtype(const char *val);

/* tomltk_table_to_json(): root as JSON (new reference in *out), or -1 with
 * err filled in (FLUXTOML_CONVERT). */
int ft_to_json(const struct ft_tab *root, struct fluxtoml_error *err, json_t **out);

#endif
