/* TOML 1.0 parser producing jansson values; see toml.h for the contract.
 *
 * The document is first checked as a whole for bytes TOML never allows raw
 * (NUL, control characters, a CR that does not start a CRLF, invalid UTF-8),
 * so the recursive-descent parser below can trust every byte it looks at.
 *
 * The parser builds its own tree (struct ttable / tarray / tkv) rather than
 * jansson objects, because TOML's redefinition rules depend on how each table
 * came to exist (implicitly by a [header] path, by a [header], by dotted keys,
 * inline) and on where each key was defined; the tree is turned into jansson
 * values only once the whole document is known to be valid. Keys of every
 * table live in one parser-wide hash keyed by (table, key), so lookups are
 * O(1) and the parse is linear in the input.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hindex.h"
#include "common/toml.h"

/* Longest piece of user text (a key, a value) quoted in an error message. */
#define SNIPPET_MAX 48

enum vkind {
    V_NONE, /* slot reserved, value not parsed yet */
    V_STRING,
    V_INTEGER,
    V_FLOAT,
    V_BOOL,
    V_DATETIME,
    V_DATETIME_LOCAL,
    V_DATE_LOCAL,
    V_TIME_LOCAL,
    V_ARRAY,
    V_TABLE,
};

/* How a table came to exist; decides what may later be added to it. */
enum torigin {
    T_ROOT,
    T_IMPLICIT, /* a parent in a [header] path: may be defined once later */
    T_HEADER,   /* [header], or an element of [[header]] */
    T_DOTTED,   /* created by a dotted key: no [header] may define it */
    T_INLINE,   /* { ... }: sealed once closed */
};

struct ttable;
struct tarray;
struct tkv;

/* Where a table or array hangs: under a key, or as element index of an
 * array; both NULL for the root. Names it in messages and in opts->lines. */
struct up {
    struct tkv *kv;
    struct tarray *arr;
    size_t index;
};

struct tval {
    enum vkind kind;
    union {
        json_t *json; /* scalars, already in the output dialect */
        struct tarray *arr;
        struct ttable *tab;
    };
};

struct tkv {
    struct ttable *owner;
    struct tkv *next; /* definition order within owner */
    int line;         /* where the key was written */
    struct tval val;
    size_t keylen;
    char key[]; /* NUL-terminated copy; may also contain NULs (\u0000) */
};

struct ttable {
    enum torigin origin;
    int depth;
    int line; /* where it was created, or defined if it was implicit */
    struct tkv *first, *last;
    struct up up;
};

struct tarray {
    bool aot; /* array of tables ([[x]]) rather than a static value array */
    int depth;
    struct tval *items;
    size_t n, cap;
    struct up up;
};

/* Every key of every table, in one index keyed by (table, key): kvs[] holds
 * the nodes, the index their positions (common/hindex.h). */
struct kvindex {
    struct hindex ix;
    struct tkv **kvs;
    size_t n, cap;
};

struct sbuf {
    char *p;
    size_t len, cap;
};

/* Tree nodes come from a bump allocator and are released all at once: a big
 * document has millions of them, and malloc/free per node dominated. */
struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

struct arena {
    struct arena_chunk *head;
};

struct keypart {
    size_t off, len; /* into keybuf.bytes */
    size_t pos;      /* where it starts in the document */
};

/* The key being parsed. Only one is alive at a time: parse_keyval() is done
 * with it before it parses the value, which may contain keys of its own. */
struct keybuf {
    struct sbuf bytes;
    struct keypart *parts;
    size_t n, cap;
};

struct parser {
    const char *buf;
    size_t len;
    size_t pos;
    int flags;
    struct toml_diag *err;
    bool failed;
    json_t *lines;    /* private until success, then merged into opts->lines */
    json_t *warnings; /* likewise */
    size_t lc_pos;    /* locate() cache: lc_pos is at lc_line:lc_col */
    int lc_line, lc_col;
    struct kvindex idx;
    struct arena arena;
    struct ttable *root;
    struct ttable *cur; /* table that key/value lines go to */
    struct sbuf str;    /* scratch: decoded strings, number digits */
    struct sbuf path;   /* scratch: paths for opts->lines and messages */
    struct keybuf key;
    locale_t c_locale;
};

struct datetime {
    enum vkind kind;
    int year, month, day, hour, minute, second;
    const char *frac; /* digits after '.', not NUL-terminated */
    size_t fraclen;
    int off_minutes;
    char offtext[8]; /* "Z" or "+HH:MM", empty for local values */
};

static int value_depth_error(struct parser *ps, size_t pos);

/* ------------------------------------------------------------------ */
/* Small buffers                                                       */

static int sbuf_reserve(struct sbuf *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return 0;
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

static int sbuf_add(struct sbuf *b, const void *s, size_t n)
{
    if (sbuf_reserve(b, n) < 0)
        return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int sbuf_addc(struct sbuf *b, char c)
{
    return sbuf_add(b, &c, 1);
}

static int sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return -1;
    return sbuf_add(b, tmp, (size_t)n);
}

/* "[index]": every element of every array gets a path (note_line), so
 * without vsnprintf */
static int sbuf_add_index(struct sbuf *b, size_t index)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    *--p = ']';
    do
        *--p = (char)('0' + index % 10);
    while ((index /= 10) > 0);
    *--p = '[';
    return sbuf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void sbuf_free(struct sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Zeroed, max_align_t-aligned memory that lives until arena_free(). */
static void *arena_alloc(struct arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        /* grow geometrically: small documents stay small, big ones make few
         * (mmap-backed) chunks */
        size_t cap = c && c->cap < (4u << 20) ? c->cap * 2 : c ? c->cap : 16384;
        if (cap < n)
            cap = n;
        if (!(c = malloc(sizeof(*c) + cap)))
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return memset(p, 0, n);
}

static void arena_free(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* UTF-8 encode a Unicode scalar value (already validated). */
static int sbuf_add_utf8(struct sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sbuf_add(b, u, n);
}

static bool is_bare_key_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_';
}

/* Append one key segment the way toml.h documents for opts->lines paths:
 * bare when it is a non-empty run of bare-key characters, otherwise in
 * double quotes with '"', '\' and control characters escaped. */
static int sbuf_add_key(struct sbuf *b, const char *key, size_t len)
{
    bool bare = len > 0;
    for (size_t i = 0; i < len && bare; i++)
        bare = is_bare_key_char((unsigned char)key[i]);
    if (bare)
        return sbuf_add(b, key, len);
    if (sbuf_addc(b, '"') < 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        int r;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            r = sbuf_add(b, e, 2);
        } else if (c < 0x20 || c == 0x7F)
            r = sbuf_printf(b, "\\u%04X", c);
        else
            r = sbuf_addc(b, (char)c);
        if (r < 0)
            return -1;
    }
    return sbuf_addc(b, '"');
}

/* Quote user text for a message: escapes control characters and shortens
 * it to SNIPPET_MAX bytes (on a UTF-8 boundary) with "..." appended. */
static const char *snippet(char *out, size_t size, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= SNIPPET_MAX && (c & 0xC0) != 0x80) {
            snprintf(out + o, size - o, "...");
            return out;
        }
        if (c < 0x20 || c == 0x7F) {
            if (o + 7 >= size)
                break;
            o += (size_t)snprintf(out + o, size - o, "\\u%04X", c);
        } else {
            if (o + 2 >= size)
                break;
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------------ */
/* Positions and errors                                                */

/* 1-based line and column (in code points) of byte offset pos. Callers ask
 * for positions in document order, so a forward scan from the last answer
 * keeps this linear; going backwards (only on errors) rescans the line. */
static void locate(struct parser *ps, size_t pos, int *line, int *col)
{
    if (pos > ps->len)
        pos = ps->len;
    if (pos < ps->lc_pos) {
        for (size_t i = ps->lc_pos; i > pos; i--)
            if (ps->buf[i - 1] == '\n')
                ps->lc_line--;
        size_t start = pos;
        while (start > 0 && ps->buf[start - 1] != '\n')
            start--;
        ps->lc_pos = start;
        ps->lc_col = 1;
    }
    for (size_t i = ps->lc_pos; i < pos; i++) {
        unsigned char c = (unsigned char)ps->buf[i];
        if (c == '\n') {
            if (ps->lc_line < INT_MAX)
                ps->lc_line++;
            ps->lc_col = 1;
        } else if ((c & 0xC0) != 0x80 && ps->lc_col < INT_MAX)
            ps->lc_col++;
    }
    ps->lc_pos = pos;
    *line = ps->lc_line;
    *col = ps->lc_col;
}

static int pos_line(struct parser *ps, size_t pos)
{
    int line, col;
    locate(ps, pos, &line, &col);
    return line;
}

/* Record the first error (later ones are consequences) and return -1. */
static int fail_at(struct parser *ps, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(struct parser *ps, size_t pos, const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = true;
    locate(ps, pos, &ps->err->line, &ps->err->col);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static int oom(struct parser *ps)
{
    return fail_at(ps, ps->pos, "out of memory");
}

/* Describe what is at pos for "expected X, found Y" messages. */
static const char *describe_at(const struct parser *ps, size_t pos, char *out, size_t size)
{
    if (pos >= ps->len)
        return "end of file";
    unsigned char c = (unsigned char)ps->buf[pos];
    if (c == '\n' || c == '\r')
        return "end of line";
    if (c >= 0x20 && c < 0x7F) {
        snprintf(out, size, "'%c'", c);
        return out;
    }
    if (c == '\t')
        return "a tab";
    /* non-ASCII: valid UTF-8 (checked up front), show the code point */
    uint32_t cp;
    if (c >= 0xF0 && pos + 3 < ps->len)
        cp = ((c & 0x07u) << 18) | (((unsigned char)ps->buf[pos + 1] & 0x3Fu) << 12)
             | (((unsigned char)ps->buf[pos + 2] & 0x3Fu) << 6)
             | ((unsigned char)ps->buf[pos + 3] & 0x3Fu);
    else if (c >= 0xE0 && pos + 2 < ps->len)
        cp = ((c & 0x0Fu) << 12) | (((unsigned char)ps->buf[pos + 1] & 0x3Fu) << 6)
             | ((unsigned char)ps->buf[pos + 2] & 0x3Fu);
    else if (c >= 0xC0 && pos + 1 < ps->len)
        cp = ((c & 0x1Fu) << 6) | ((unsigned char)ps->buf[pos + 1] & 0x3Fu);
    else
        cp = c;
    snprintf(out, size, "U+%04" PRIX32, cp);
    return out;
}

/* ------------------------------------------------------------------ */
/* Whole-document byte checks                                          */

/* TOML allows no control characters other than tab anywhere (strings must
 * escape them, comments may not hold them), CR only as part of CRLF, and
 * requires valid UTF-8. Checking this once up front lets every later step
 * treat the bytes as well-formed text. */
static int check_bytes(struct parser *ps)
{
    const unsigned char *s = (const unsigned char *)ps->buf;
    size_t n = ps->len;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F) {
            i++;
            continue;
        }
        if (c == '\t' || c == '\n') {
            i++;
            continue;
        }
        if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') {
                i += 2;
                continue;
            }
            return fail_at(ps, i, "carriage return not followed by a newline");
        }
        if (c == 0)
            return fail_at(ps, i, "NUL byte is not allowed in a TOML document");
        if (c < 0x80)
            return fail_at(ps, i,
                           "control character U+%04X is not allowed "
                           "(in a basic string write it as \\u%04X)",
                           c, c);
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else if (c == 0xC0 || c == 0xC1)
            return fail_at(ps, i, "invalid UTF-8: overlong encoding (byte 0x%02X)", c);
        else
            return fail_at(ps, i, "invalid UTF-8: unexpected byte 0x%02X", c);
        if (n - i - 1 < need)
            return fail_at(ps, i, "invalid UTF-8: truncated sequence at end of file");
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return fail_at(ps, i, "invalid UTF-8: truncated sequence (byte 0x%02X)", c);
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min)
            return fail_at(ps, i, "invalid UTF-8: overlong encoding of U+%04" PRIX32, cp);
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return fail_at(ps, i, "invalid UTF-8: encoded surrogate U+%04" PRIX32, cp);
        if (cp > 0x10FFFF)
            return fail_at(ps, i, "invalid UTF-8: code point beyond U+10FFFF");
        i += need + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The tree and its key index                                          */

static void tval_free(struct tval *v);

/* Release what the arena does not own: scalars and array item vectors. */
static void table_free(struct ttable *t)
{
    if (!t)
        return;
    for (struct tkv *kv = t->first; kv; kv = kv->next)
        tval_free(&kv->val);
}

static void array_free(struct tarray *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        tval_free(&a->items[i]);
    free(a->items);
    a->items = NULL;
    a->n = 0;
}

static void tval_free(struct tval *v)
{
    switch (v->kind) {
    case V_ARRAY:
        array_free(v->arr);
        break;
    case V_TABLE:
        table_free(v->tab);
        break;
    case V_NONE:
        break;
    default:
        json_decref(v->json);
        break;
    }
    v->kind = V_NONE;
}

static uint64_t key_hash(const struct ttable *owner, const char *key, size_t len)
{
    return hindex_hash(key, len, (uint64_t)(uintptr_t)owner);
}

static struct tkv *kv_find(const struct parser *ps, const struct ttable *t, const char *key,
                           size_t len)
{
    uint64_t h = key_hash(t, key, len);
    size_t cur = 0;
    for (ssize_t p; (p = hindex_next(&ps->idx.ix, h, &cur)) >= 0;) {
        struct tkv *kv = ps->idx.kvs[p];
        if (kv->owner == t && kv->keylen == len && memcmp(kv->key, key, len) == 0)
            return kv;
    }
    return NULL;
}

/* Add key to table t (the caller checked it is not there yet). */
static struct tkv *kv_add(struct parser *ps, struct ttable *t, const char *key, size_t len,
                          size_t pos)
{
    if (ps->idx.n == ps->idx.cap) {
        size_t cap = ps->idx.cap ? ps->idx.cap * 2 : 256;
        struct tkv **kvs = cap < SIZE_MAX / sizeof(*kvs) ? realloc(ps->idx.kvs, cap * sizeof(*kvs))
                                                          : NULL;
        if (!kvs) {
            oom(ps);
            return NULL;
        }
        ps->idx.kvs = kvs;
        ps->idx.cap = cap;
    }
    if (len > SIZE_MAX - sizeof(struct tkv) - 1) {
        oom(ps);
        return NULL;
    }
    struct tkv *kv = arena_alloc(&ps->arena, sizeof(*kv) + len + 1);
    if (!kv) {
        oom(ps);
        return NULL;
    }
    uint64_t h = key_hash(t, key, len);
    kv->owner = t;
    kv->keylen = len;
    memcpy(kv->key, key, len);
    kv->line = pos_line(ps, pos);
    if (hindex_add(&ps->idx.ix, h, ps->idx.n) < 0) {
        oom(ps);
        return NULL;
    }
    ps->idx.kvs[ps->idx.n++] = kv;
    if (t->last)
        t->last->next = kv;
    else
        t->first = kv;
    t->last = kv;
    return kv;
}

static int path_of_up(struct sbuf *b, const struct up *up);

static int path_of_kv(struct sbuf *b, const struct tkv *kv)
{
    if (path_of_up(b, &kv->owner->up) < 0 || (b->len && sbuf_addc(b, '.') < 0))
        return -1;
    return sbuf_add_key(b, kv->key, kv->keylen);
}

/* The dotted path documented in toml.h, e.g. a.b[2].host. */
static int path_of_up(struct sbuf *b, const struct up *up)
{
    if (up->kv)
        return path_of_kv(b, up->kv);
    if (up->arr) {
        if (path_of_up(b, &up->arr->up) < 0)
            return -1;
        return sbuf_add_index(b, up->index);
    }
    return 0;
}

/* Path for a message, shortened like other quoted text. */
static const char *path_text(struct parser *ps, struct up up, char *out, size_t size)
{
    ps->path.len = 0;
    if (path_of_up(&ps->path, &up) < 0)
        return "(out of memory)";
    return snippet(out, size, ps->path.p ? ps->path.p : "", ps->path.len);
}

/* Record path -> line in the lines map (when it is being collected). */
static int note_line(struct parser *ps, struct up up, int line)
{
    if (!ps->lines)
        return 0;
    ps->path.len = 0;
    if (path_of_up(&ps->path, &up) < 0 || sbuf_reserve(&ps->path, 0) < 0
        || json_object_set_new(ps->lines, ps->path.p, json_integer(line)) < 0)
        return oom(ps);
    return 0;
}

static struct ttable *table_new(struct parser *ps, enum torigin origin, int depth, size_t pos,
                                struct up up)
{
    if (depth > TOML_MAX_DEPTH) {
        value_depth_error(ps, pos);
        return NULL;
    }
    struct ttable *t = arena_alloc(&ps->arena, sizeof(*t));
    if (!t) {
        oom(ps);
        return NULL;
    }
    t->origin = origin;
    t->depth = depth;
    t->line = pos_line(ps, pos);
    t->up = up;
    if (note_line(ps, up, t->line) < 0)
        return NULL;
    return t;
}

static struct tarray *array_new(struct parser *ps, bool aot, int depth, size_t pos, struct up up)
{
    if (depth > TOML_MAX_DEPTH) {
        value_depth_error(ps, pos);
        return NULL;
    }
    struct tarray *a = arena_alloc(&ps->arena, sizeof(*a));
    if (!a) {
        oom(ps);
        return NULL;
    }
    a->aot = aot;
    a->depth = depth;
    a->up = up;
    if (note_line(ps, up, pos_line(ps, pos)) < 0)
        return NULL;
    return a;
}

/* A new table under key kv (which is still empty). */
static struct ttable *kv_new_table(struct parser *ps, struct tkv *kv, enum torigin origin,
                                   size_t pos)
{
    struct ttable *t = table_new(ps, origin, kv->owner->depth + 1, pos, (struct up){.kv = kv});
    if (!t)
        return NULL;
    kv->val.kind = V_TABLE;
    kv->val.tab = t;
    return t;
}

/* Append an empty slot to a; returns it, or NULL (error recorded). */
static struct tval *array_push(struct parser *ps, struct tarray *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        if (cap > SIZE_MAX / sizeof(struct tval)) {
            oom(ps);
            return NULL;
        }
        struct tval *items = realloc(a->items, cap * sizeof(*items));
        if (!items) {
            oom(ps);
            return NULL;
        }
        a->items = items;
        a->cap = cap;
    }
    struct tval *v = &a->items[a->n++];
    v->kind = V_NONE;
    return v;
}

/* A new table that is the next element of array a ([[header]] or inline). */
static struct ttable *array_push_table(struct parser *ps, struct tarray *a, enum torigin origin,
                                       size_t pos)
{
    struct tval *v = array_push(ps, a);
    if (!v)
        return NULL;
    struct ttable *t =
        table_new(ps, origin, a->depth + 1, pos, (struct up){.arr = a, .index = a->n - 1});
    if (!t)
        return NULL;
    v->kind = V_TABLE;
    v->tab = t;
    return t;
}

/* ------------------------------------------------------------------ */
/* Lexing helpers                                                      */

static inline int peek_at(const struct parser *ps, size_t off)
{
    size_t i = ps->pos + off;
    return i < ps->len ? (unsigned char)ps->buf[i] : -1;
}

static inline int peek(const struct parser *ps)
{
    return peek_at(ps, 0);
}

static void skip_ws(struct parser *ps)
{
    while (ps->pos < ps->len && (ps->buf[ps->pos] == ' ' || ps->buf[ps->pos] == '\t'))
        ps->pos++;
}

static bool at_newline(const struct parser *ps)
{
    int c = peek(ps);
    return c == '\n' || (c == '\r' && peek_at(ps, 1) == '\n');
}

/* Consume a newline if there is one. */
static bool eat_newline(struct parser *ps)
{
    if (peek(ps) == '\n') {
        ps->pos++;
        return true;
    }
    if (peek(ps) == '\r' && peek_at(ps, 1) == '\n') {
        ps->pos += 2;
        return true;
    }
    return false;
}

/* Comment bodies need no checks: check_bytes() already refused everything a
 * comment may not hold. */
static void skip_comment(struct parser *ps)
{
    if (peek(ps) != '#')
        return;
    const char *nl = memchr(ps->buf + ps->pos, '\n', ps->len - ps->pos);
    ps->pos = nl ? (size_t)(nl - ps->buf) : ps->len;
    if (ps->pos > 0 && ps->buf[ps->pos - 1] == '\r')
        ps->pos--;
}

/* Whitespace, comments and newlines, as allowed between array elements. */
static void skip_ws_comment_newline(struct parser *ps)
{
    for (;;) {
        skip_ws(ps);
        skip_comment(ps);
        if (!eat_newline(ps))
            return;
    }
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int value_depth_error(struct parser *ps, size_t pos)
{
    return fail_at(ps, pos, "nesting too deep (more than %d levels of tables and arrays)",
                   TOML_MAX_DEPTH);
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

/* An escape sequence at ps->pos (the backslash) in a basic string. */
static int parse_escape(struct parser *ps, struct sbuf *out)
{
    size_t start = ps->pos;
    int c = peek_at(ps, 1);
    char simple = 0;
    switch (c) {
    case 'b':
        simple = '\b';
        break;
    case 't':
        simple = '\t';
        break;
    case 'n':
        simple = '\n';
        break;
    case 'f':
        simple = '\f';
        break;
    case 'r':
        simple = '\r';
        break;
    case '"':
        simple = '"';
        break;
    case '\\':
        simple = '\\';
        break;
    case 'u':
    case 'U': {
        int ndig = c == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (int i = 0; i < ndig; i++) {
            int h = hexval(peek_at(ps, 2 + (size_t)i));
            if (h < 0) {
                char tmp[16];
                return fail_at(ps, start, "invalid escape '\\%c': expected %d hex digits, found %s",
                               c, ndig, describe_at(ps, ps->pos + 2 + (size_t)i, tmp, sizeof(tmp)));
            }
            cp = (cp << 4) | (uint32_t)h;
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return fail_at(ps, start,
                           "invalid escape '\\%c%.*s': U+%04" PRIX32
                           " is not a Unicode scalar value",
                           c, ndig, ps->buf + ps->pos + 2, cp);
        ps->pos += 2 + (size_t)ndig;
        return sbuf_add_utf8(out, cp) < 0 ? oom(ps) : 0;
    }
    default:
        break;
    }
    if (simple) {
        ps->pos += 2;
        return sbuf_addc(out, simple) < 0 ? oom(ps) : 0;
    }
    if (c < 0 || c == '\n' || c == '\r')
        return fail_at(ps, start, "invalid escape: '\\' at end of line");
    if (c >= 0x20 && c < 0x7F)
        return fail_at(ps, start, "invalid escape '\\%c' in string", c);
    char tmp[16];
    return fail_at(ps, start, "invalid escape: '\\' followed by %s",
                   describe_at(ps, start + 1, tmp, sizeof(tmp)));
}

/* Copy bytes up to the next byte in stop (or end of input) into out. */
static int copy_run(struct parser *ps, struct sbuf *out, const char *stop)
{
    size_t start = ps->pos;
    while (ps->pos < ps->len && !strchr(stop, ps->buf[ps->pos]))
        ps->pos++;
    if (ps->pos > start && sbuf_add(out, ps->buf + start, ps->pos - start) < 0)
        return oom(ps);
    return 0;
}

static int parse_basic_string(struct parser *ps, struct sbuf *out)
{
    size_t start = ps->pos;
    ps->pos++;
    for (;;) {
        if (copy_run(ps, out, "\"\\\n\r") < 0)
            return -1;
        int c = peek(ps);
        if (c == '"') {
            ps->pos++;
            return 0;
        }
        if (c == '\\') {
            if (parse_escape(ps, out) < 0)
                return -1;
            continue;
        }
        return fail_at(ps, start,
                       "string is not closed before the end of the %s "
                       "(use \"\"\" for a multi-line string)",
                       c < 0 ? "file" : "line");
    }
}

static int parse_literal_string(struct parser *ps, struct sbuf *out)
{
    size_t start = ps->pos;
    ps->pos++;
    if (copy_run(ps, out, "'\n\r") < 0)
        return -1;
    if (peek(ps) == '\'') {
        ps->pos++;
        return 0;
    }
    return fail_at(ps, start,
                   "literal string is not closed before the end of the %s "
                   "(use ''' for a multi-line string)",
                   peek(ps) < 0 ? "file" : "line");
}

/* Quotes inside a multi-line string: up to two are content; three or more
 * close it, and up to two of those belong to the content (`""""` ends a
 * string whose last character is `"`). Sets *done when the string ended. */
static int ml_quotes(struct parser *ps, struct sbuf *out, char q, bool *done)
{
    size_t n = 0;
    while (peek_at(ps, n) == q)
        n++;
    *done = n >= 3;
    size_t content = n < 3 ? n : n - 3;
    if (content > 2)
        content = 2;
    for (size_t i = 0; i < content; i++)
        if (sbuf_addc(out, q) < 0)
            return oom(ps);
    ps->pos += *done ? content + 3 : n;
    return 0;
}

static int parse_ml_basic_string(struct parser *ps, struct sbuf *out)
{
    size_t start = ps->pos;
    ps->pos += 3;
    eat_newline(ps); /* a newline right after the delimiter is trimmed */
    for (;;) {
        if (copy_run(ps, out, "\"\\\r") < 0)
            return -1;
        int c = peek(ps);
        if (c < 0)
            return fail_at(ps, start, "multi-line string is not closed (expected \"\"\")");
        if (c == '"') {
            bool done;
            if (ml_quotes(ps, out, '"', &done) < 0)
                return -1;
            if (done)
                return 0;
        } else if (c == '\r') {
            /* CRLF (check_bytes refused a lone CR): content gets '\n' */
            ps->pos += 2;
            if (sbuf_addc(out, '\n') < 0)
                return oom(ps);
        } else {
            /* A backslash that ends a line (trailing blanks allowed) swallows
             * all whitespace and newlines up to the next visible character. */
            size_t p = ps->pos + 1;
            while (p < ps->len && (ps->buf[p] == ' ' || ps->buf[p] == '\t'))
                p++;
            bool eol = p < ps->len
                       && (ps->buf[p] == '\n'
                           || (ps->buf[p] == '\r' && p + 1 < ps->len && ps->buf[p + 1] == '\n'));
            if (eol) {
                ps->pos = p;
                for (;;) {
                    skip_ws(ps);
                    if (!eat_newline(ps))
                        break;
                }
            } else if (p > ps->pos + 1) {
                return fail_at(ps, ps->pos,
                               "invalid escape '\\ ': a line-ending backslash may be "
                               "followed only by whitespace");
            } else if (parse_escape(ps, out) < 0)
                return -1;
        }
    }
}

static int parse_ml_literal_string(struct parser *ps, struct sbuf *out)
{
    size_t start = ps->pos;
    ps->pos += 3;
    eat_newline(ps);
    for (;;) {
        if (copy_run(ps, out, "'\r") < 0)
            return -1;
        int c = peek(ps);
        if (c < 0)
            return fail_at(ps, start, "multi-line literal string is not closed (expected ''')");
        if (c == '\'') {
            bool done;
            if (ml_quotes(ps, out, '\'', &done) < 0)
                return -1;
            if (done)
                return 0;
        } else {
            ps->pos += 2;
            if (sbuf_addc(out, '\n') < 0)
                return oom(ps);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

/* Canonical text of key parts [from, to) for messages ("a.b.\"c d\""). */
static const char *key_text(const struct parser *ps, size_t from, size_t to, char *out, size_t size)
{
    struct sbuf b = {0};
    for (size_t i = from; i < to; i++) {
        const struct keypart *kp = &ps->key.parts[i];
        if ((i > from && sbuf_addc(&b, '.') < 0)
            || sbuf_add_key(&b, ps->key.bytes.p + kp->off, kp->len) < 0) {
            sbuf_free(&b);
            snprintf(out, size, "(key)");
            return out;
        }
    }
    snippet(out, size, b.p ? b.p : "", b.len);
    sbuf_free(&b);
    return out;
}

static int key_push(struct parser *ps, size_t off, size_t len, size_t pos)
{
    struct keybuf *k = &ps->key;
    if (k->n == (size_t)TOML_MAX_DEPTH)
        return fail_at(ps, pos, "key has too many parts (more than %d)", TOML_MAX_DEPTH);
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 8;
        struct keypart *p = realloc(k->parts, cap * sizeof(*p));
        if (!p)
            return oom(ps);
        k->parts = p;
        k->cap = cap;
    }
    k->parts[k->n++] = (struct keypart){.off = off, .len = len, .pos = pos};
    return 0;
}

/* key = simple-key *( ws "." ws simple-key ), into ps->key. */
static int parse_key(struct parser *ps)
{
    struct keybuf *k = &ps->key;
    k->n = 0;
    k->bytes.len = 0;
    if (sbuf_reserve(&k->bytes, 0) < 0) /* keeps bytes.p non-NULL for "" keys */
        return oom(ps);
    for (;;) {
        size_t pos = ps->pos;
        size_t off = k->bytes.len;
        int c = peek(ps);
        if (is_bare_key_char(c)) {
            while (is_bare_key_char(peek(ps)))
                ps->pos++;
            if (sbuf_add(&k->bytes, ps->buf + pos, ps->pos - pos) < 0)
                return oom(ps);
        } else if (c == '"' || c == '\'') {
            if (peek_at(ps, 1) == c && peek_at(ps, 2) == c)
                return fail_at(ps, pos, "a multi-line string cannot be used as a key");
            int r =
                c == '"' ? parse_basic_string(ps, &k->bytes) : parse_literal_string(ps, &k->bytes);
            if (r < 0)
                return -1;
        } else {
            char tmp[16];
            const char *found = describe_at(ps, pos, tmp, sizeof(tmp));
            if (k->n > 0)
                return fail_at(ps, pos, "expected a key after '.', found %s", found);
            if (c == '=')
                return fail_at(ps, pos, "missing key before '='");
            return fail_at(ps, pos,
                           "expected a key, found %s (bare keys may contain only "
                           "A-Z a-z 0-9 - _; quote other keys)",
                           found);
        }
        if (key_push(ps, off, k->bytes.len - off, pos) < 0)
            return -1;
        skip_ws(ps);
        if (peek(ps) != '.')
            return 0;
        ps->pos++;
        skip_ws(ps);
    }
}

static const char *kind_name(enum vkind k)
{
    switch (k) {
    case V_STRING:
        return "string";
    case V_INTEGER:
        return "integer";
    case V_FLOAT:
        return "float";
    case V_BOOL:
        return "boolean";
    case V_DATETIME:
        return "offset datetime";
    case V_DATETIME_LOCAL:
        return "local datetime";
    case V_DATE_LOCAL:
        return "local date";
    case V_TIME_LOCAL:
        return "local time";
    case V_ARRAY:
        return "array";
    case V_TABLE:
        return "table";
    case V_NONE:
        break;
    }
    return "value";
}

/* Descend from t into key part i of ps->key for a dotted key in a key/value
 * line. Dotted keys may create tables and walk through tables created by
 * dotted keys or implied by a [header] path, but may not add to a table a
 * [header] defined, an inline table, or an array. */
static struct ttable *descend_dotted(struct parser *ps, struct ttable *t, size_t i)
{
    const struct keypart *kp = &ps->key.parts[i];
    const char *key = ps->key.bytes.p + kp->off;
    char what[SNIPPET_MAX * 4];
    struct tkv *kv = kv_find(ps, t, key, kp->len);
    if (!kv) {
        if (!(kv = kv_add(ps, t, key, kp->len, kp->pos)))
            return NULL;
        return kv_new_table(ps, kv, T_DOTTED, kp->pos);
    }
    if (kv->val.kind == V_TABLE) {
        struct ttable *child = kv->val.tab;
        switch (child->origin) {
        case T_INLINE:
            fail_at(ps, kp->pos,
                    "cannot add to inline table '%s' defined at line %d: inline tables "
                    "cannot be extended",
                    path_text(ps, (struct up){.kv = kv}, what, sizeof(what)), child->line);
            return NULL;
        case T_HEADER:
            fail_at(ps, kp->pos,
                    "cannot add to table [%s] with dotted keys: it was defined at line %d "
                    "by a [table] header",
                    path_text(ps, (struct up){.kv = kv}, what, sizeof(what)), child->line);
            return NULL;
        case T_IMPLICIT:
            /* From now on it counts as defined by dotted keys, so a later
             * [header] for it is a redefinition (as in BurntSushi/toml). */
            child->origin = T_DOTTED;
            child->line = pos_line(ps, kp->pos);
            return note_line(ps, child->up, child->line) < 0 ? NULL : child;
        default:
            return child;
        }
    }
    path_text(ps, (struct up){.kv = kv}, what, sizeof(what));
    if (kv->val.kind == V_ARRAY)
        fail_at(ps, kp->pos, "cannot add to '%s' with dotted keys: it is %s defined at line %d",
                what, kv->val.arr->aot ? "an array of tables" : "an array", kv->line);
    else
        fail_at(ps, kp->pos,
                "key '%s' already defined at line %d (as %s), cannot use it as a table", what,
                kv->line, kind_name(kv->val.kind));
    return NULL;
}

/* Descend from t into key part i for a [header] or [[header]] path. Headers
 * may walk through any table except an inline one, and into the last element
 * of an array of tables. */
static struct ttable *descend_header(struct parser *ps, struct ttable *t, size_t i)
{
    const struct keypart *kp = &ps->key.parts[i];
    const char *key = ps->key.bytes.p + kp->off;
    char what[SNIPPET_MAX * 4];
    struct tkv *kv = kv_find(ps, t, key, kp->len);
    if (!kv) {
        if (!(kv = kv_add(ps, t, key, kp->len, kp->pos)))
            return NULL;
        return kv_new_table(ps, kv, T_IMPLICIT, kp->pos);
    }
    if (kv->val.kind == V_TABLE && kv->val.tab->origin != T_INLINE)
        return kv->val.tab;
    if (kv->val.kind == V_ARRAY && kv->val.arr->aot && kv->val.arr->n > 0)
        return kv->val.arr->items[kv->val.arr->n - 1].tab;
    key_text(ps, 0, i + 1, what, sizeof(what));
    if (kv->val.kind == V_TABLE) {
        fail_at(ps, kp->pos,
                "cannot add to inline table '%s' defined at line %d: inline tables "
                "cannot be extended",
                what, kv->val.tab->line);
        return NULL;
    }
    if (kv->val.kind == V_ARRAY) {
        fail_at(ps, kp->pos,
                "cannot add to '%s': it is a static array defined at line %d, not a table "
                "or an array of tables",
                what, kv->line);
        return NULL;
    }
    fail_at(ps, kp->pos, "key '%s' already defined at line %d (as %s), cannot use it as a table",
            what, kv->line, kind_name(kv->val.kind));
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Scalar values                                                       */

static json_t *tagged(const char *type, json_t *value)
{
    if (!value)
        return NULL;
    return json_pack("{s:s,s:o}", "type", type, "value", value);
}

static int set_scalar(struct parser *ps, struct tval *out, enum vkind kind, json_t *j)
{
    if (!j)
        return oom(ps);
    out->kind = kind;
    out->json = j;
    return 0;
}

static int add_warning(struct parser *ps, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_warning(struct parser *ps, size_t pos, const char *fmt, ...)
{
    if (!ps->warnings)
        return 0;
    char msg[sizeof(ps->err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    int line, col;
    locate(ps, pos, &line, &col);
    json_t *w = json_pack("{s:i,s:i,s:s}", "line", line, "col", col, "message", msg);
    if (!w || json_array_append_new(ps->warnings, w) < 0)
        return oom(ps);
    return 0;
}

/* "[+-]?(inf|nan)" */
static bool is_special_float(const char *s, size_t n)
{
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        s++;
        n--;
    }
    return n == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0);
}

static bool is_base_digit(int c, int base)
{
    switch (base) {
    case 2:
        return c == '0' || c == '1';
    case 8:
        return c >= '0' && c <= '7';
    case 16:
        return hexval(c) >= 0;
    default:
        return is_digit(c);
    }
}

/* DIGIT *( DIGIT / "_" DIGIT ) in the given base from s[*i]; NULL or why not. */
static const char *scan_digits(const char *s, size_t n, size_t *i, int base)
{
    size_t j = *i;
    if (j >= n || !is_base_digit((unsigned char)s[j], base))
        return j < n && s[j] == '_' ? "'_' must sit between two digits" : "expected a digit";
    j++;
    while (j < n) {
        if (s[j] == '_') {
            if (j + 1 >= n || !is_base_digit((unsigned char)s[j + 1], base))
                return "'_' must sit between two digits";
            j += 2;
        } else if (is_base_digit((unsigned char)s[j], base))
            j++;
        else
            break;
    }
    *i = j;
    return NULL;
}

static int parse_integer(struct parser *ps, const char *s, size_t n, size_t pos, struct tval *out)
{
    char tok[SNIPPET_MAX * 4];
    size_t i = 0;
    bool neg = false;
    int base = 10;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        if (i > 0)
            return fail_at(ps, pos,
                           "invalid integer '%s': a sign is not allowed on hexadecimal, octal "
                           "or binary integers",
                           snippet(tok, sizeof(tok), s, n));
        i += 2;
    }
    size_t start = i;
    const char *why = scan_digits(s, n, &i, base);
    if (!why && i < n)
        why = "unexpected character";
    if (!why && base == 10 && s[start] == '0' && i - start > 1)
        why = "leading zeros are not allowed";
    if (why)
        return fail_at(ps, pos, "invalid integer '%s': %s", snippet(tok, sizeof(tok), s, n), why);
    /* Accumulate the magnitude; -2^63 is the one value whose magnitude does
     * not fit in int64. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (size_t j = start; j < n; j++) {
        if (s[j] == '_')
            continue;
        uint64_t d = (uint64_t)hexval((unsigned char)s[j]);
        if (v > (limit - d) / (uint64_t)base)
            return fail_at(ps, pos,
                           "integer '%s' is out of range (TOML integers are 64-bit signed)",
                           snippet(tok, sizeof(tok), s, n));
        v = v * (uint64_t)base + d;
    }
    int64_t iv = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    json_t *j;
    if (ps->flags & TOML_TAGGED) {
        char txt[32];
        snprintf(txt, sizeof(txt), "%" PRId64, iv);
        j = tagged("integer", json_string(txt));
    } else
        j = json_integer(iv);
    return set_scalar(ps, out, V_INTEGER, j);
}

/* Shortest "%.*g" text that reads back as d (for the tagged form). */
static void format_double(const struct parser *ps, double d, char *out, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, d);
        if (strtod_l(out, NULL, ps->c_locale) == d)
            break;
    }
    /* snprintf honours LC_NUMERIC; the tagged form wants a '.' */
    for (char *p = out; *p; p++)
        if (*p == ',')
            *p = '.';
}

static int parse_float(struct parser *ps, const char *s, size_t n, size_t pos, struct tval *out)
{
    char tok[SNIPPET_MAX * 4];
    double d;
    if (is_special_float(s, n)) {
        bool neg = s[0] == '-';
        bool nan = s[n - 1] == 'n';
        d = nan ? NAN : neg ? -INFINITY : INFINITY;
        if (ps->flags & TOML_FLUX)
            return fail_at(ps, pos,
                           "float '%.*s' is not a finite number: Flux cannot convert it to "
                           "JSON (converting TOML to JSON fails)",
                           (int)n, s);
        json_t *j;
        const char *txt = nan ? "nan" : neg ? "-inf" : "inf";
        if (ps->flags & TOML_TAGGED)
            j = tagged("float", json_string(txt));
        else
            j = json_string(txt); /* JSON has no non-finite numbers */
        return set_scalar(ps, out, V_FLOAT, j);
    }
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-')
        i = 1;
    size_t start = i;
    const char *why = scan_digits(s, n, &i, 10);
    if (!why && s[start] == '0' && i - start > 1)
        why = "leading zeros are not allowed";
    if (!why && i < n && s[i] == '.') {
        i++;
        if (scan_digits(s, n, &i, 10))
            why = "expected a digit after '.'";
    }
    if (!why && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (scan_digits(s, n, &i, 10))
            why = "expected a digit in the exponent";
    }
    if (!why && i < n)
        why = "unexpected character";
    if (why)
        return fail_at(ps, pos, "invalid float '%s': %s", snippet(tok, sizeof(tok), s, n), why);

    struct sbuf *b = &ps->str;
    b->len = 0;
    for (size_t j = 0; j < n; j++)
        if (s[j] != '_' && sbuf_addc(b, s[j]) < 0)
            return oom(ps);
    d = strtod_l(b->p, NULL, ps->c_locale);
    if (isinf(d))
        return fail_at(ps, pos, "float '%s' is out of range for a 64-bit float",
                       snippet(tok, sizeof(tok), s, n));
    json_t *j;
    if (ps->flags & TOML_TAGGED) {
        char txt[40];
        format_double(ps, d, txt, sizeof(txt));
        j = tagged("float", json_string(txt));
    } else
        j = json_real(d);
    return set_scalar(ps, out, V_FLOAT, j);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool digits_at(const char *s, size_t n, size_t i, size_t count)
{
    if (i + count > n)
        return false;
    for (size_t k = 0; k < count; k++)
        if (!is_digit((unsigned char)s[i + k]))
            return false;
    return true;
}

/* Validate and split a date/time token (RFC 3339 as TOML 1.0 restricts it). */
static const char *scan_datetime(const char *s, size_t n, struct datetime *dt)
{
    size_t i = 0;
    bool have_date = false;
    memset(dt, 0, sizeof(*dt));
    if (n >= 5 && digits_at(s, n, 0, 4) && s[4] == '-') {
        if (!(digits_at(s, n, 5, 2) && n > 7 && s[7] == '-' && digits_at(s, n, 8, 2)))
            return "expected a date as YYYY-MM-DD";
        dt->year = two_digits(s) * 100 + two_digits(s + 2);
        dt->month = two_digits(s + 5);
        dt->day = two_digits(s + 8);
        if (dt->month < 1 || dt->month > 12)
            return "month must be 01-12";
        if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->month))
            return dt->month == 2 && dt->day == 29 ? "February 29 in a year that is not a leap year"
                                                   : "day is out of range for the month";
        have_date = true;
        i = 10;
        if (i == n) {
            dt->kind = V_DATE_LOCAL;
            return NULL;
        }
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return "expected 'T' between date and time";
        i++;
    }
    if (!(digits_at(s, n, i, 2) && i + 2 < n && s[i + 2] == ':' && digits_at(s, n, i + 3, 2)))
        return "expected a time as HH:MM:SS";
    if (!(i + 5 < n && s[i + 5] == ':' && digits_at(s, n, i + 6, 2)))
        return "seconds are required (HH:MM:SS)";
    dt->hour = two_digits(s + i);
    dt->minute = two_digits(s + i + 3);
    dt->second = two_digits(s + i + 6);
    if (dt->hour > 23)
        return "hour must be 00-23";
    if (dt->minute > 59)
        return "minute must be 00-59";
    if (dt->second > 59)
        return "second must be 00-59";
    i += 8;
    if (i < n && s[i] == '.') {
        i++;
        dt->frac = s + i;
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
        dt->fraclen = (size_t)(s + i - dt->frac);
        if (dt->fraclen == 0)
            return "expected digits after '.'";
    }
    if (i == n) {
        dt->kind = have_date ? V_DATETIME_LOCAL : V_TIME_LOCAL;
        return NULL;
    }
    if (!have_date)
        return "a local time cannot have a time zone offset";
    if (s[i] == 'Z' || s[i] == 'z') {
        strcpy(dt->offtext, "Z");
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        if (!(digits_at(s, n, i + 1, 2) && i + 3 < n && s[i + 3] == ':'
              && digits_at(s, n, i + 4, 2)))
            return "expected a time zone offset as +HH:MM or -HH:MM";
        int oh = two_digits(s + i + 1), om = two_digits(s + i + 4);
        if (oh > 23)
            return "offset hour must be 00-23";
        if (om > 59)
            return "offset minute must be 00-59";
        dt->off_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
        memcpy(dt->offtext, s + i, 6);
        dt->offtext[6] = '\0';
        i += 6;
    } else
        return "unexpected character after the time";
    if (i != n)
        return "unexpected character after the time zone offset";
    dt->kind = V_DATETIME;
    return NULL;
}

/* Canonical RFC 3339 text: 'T' and 'Z' upper case, fraction as written. */
static int format_datetime(struct parser *ps, const struct datetime *dt, struct sbuf *b)
{
    b->len = 0;
    int r = 0;
    if (dt->kind != V_TIME_LOCAL)
        r = sbuf_printf(b, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
    if (r == 0 && dt->kind != V_DATE_LOCAL) {
        r = sbuf_printf(b, "%s%02d:%02d:%02d", dt->kind == V_TIME_LOCAL ? "" : "T", dt->hour,
                        dt->minute, dt->second);
        if (r == 0 && dt->fraclen)
            r = sbuf_addc(b, '.') < 0 || sbuf_add(b, dt->frac, dt->fraclen) < 0 ? -1 : 0;
        if (r == 0)
            r = sbuf_add(b, dt->offtext, strlen(dt->offtext));
    }
    return r < 0 ? oom(ps) : 0;
}

/* Flux (libutil/tomltk.c) feeds the fields to timegm() as if they were UTC,
 * refuses negative results, and prints with strftime("%Y-%m-%dT%TZ"): the
 * offset and any fraction are lost, which the admin should hear about. */
static int flux_datetime(struct parser *ps, const struct datetime *dt, const char *text, size_t pos,
                         json_t **out)
{
    /* tomltk needs year through second: a local date or a local time alone
     * fails the conversion; a local datetime has them all and is read as
     * UTC (warned below, like an offset that gets dropped). */
    const char *what = dt->kind == V_DATE_LOCAL   ? "a local date"
                       : dt->kind == V_TIME_LOCAL ? "a local time"
                                                  : NULL;
    if (what)
        return fail_at(ps, pos,
                       "%s is %s, which Flux cannot convert (\"converting TOML to JSON: Invalid "
                       "argument\"); write a datetime with an offset, e.g. 1979-05-27T07:32:00Z",
                       text, what);
    if (dt->year < 1970)
        return fail_at(ps, pos,
                       "datetime %s is before 1970-01-01T00:00:00Z: Flux cannot convert it "
                       "(\"converting TOML to JSON: Invalid argument\")",
                       text);
    char ts[32];
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02dZ", dt->year, dt->month, dt->day,
             dt->hour, dt->minute, dt->second);
    bool offset = dt->off_minutes != 0;
    if (dt->kind == V_DATETIME_LOCAL) {
        char shown[SNIPPET_MAX * 4];
        if (add_warning(ps, pos, "local datetime %s has no offset: Flux reads it as UTC (%s)",
                        snippet(shown, sizeof(shown), text, strlen(text)), ts)
            < 0)
            return -1;
    } else if (offset || dt->fraclen) {
        char lost[64];
        if (offset && dt->fraclen)
            snprintf(lost, sizeof(lost), "offset %s and fractional seconds are", dt->offtext);
        else if (offset)
            snprintf(lost, sizeof(lost), "offset %s is", dt->offtext);
        else
            snprintf(lost, sizeof(lost), "fractional seconds are");
        char shown[SNIPPET_MAX * 4];
        if (add_warning(ps, pos, "datetime %s ignored by Flux: %s becomes %s", lost,
                        snippet(shown, sizeof(shown), text, strlen(text)), ts)
            < 0)
            return -1;
    }
    *out = json_pack("{s:s}", "iso-8601-ts", ts);
    return *out ? 0 : oom(ps);
}

static int parse_datetime(struct parser *ps, const char *s, size_t n, size_t pos, struct tval *out)
{
    struct datetime dt;
    char tok[SNIPPET_MAX * 4];
    const char *why = scan_datetime(s, n, &dt);
    if (why)
        return fail_at(ps, pos, "invalid date/time '%s': %s", snippet(tok, sizeof(tok), s, n), why);
    if (format_datetime(ps, &dt, &ps->str) < 0)
        return -1;
    const char *text = ps->str.p;
    json_t *j = NULL;
    /* Flux's refusals and warnings apply whatever form the output takes */
    if ((ps->flags & TOML_FLUX) && flux_datetime(ps, &dt, text, pos, &j) < 0)
        return -1;
    if (ps->flags & TOML_TAGGED) {
        const char *type = dt.kind == V_DATETIME         ? "datetime"
                           : dt.kind == V_DATETIME_LOCAL ? "datetime-local"
                           : dt.kind == V_DATE_LOCAL     ? "date-local"
                                                         : "time-local";
        json_decref(j);
        j = tagged(type, json_string(text));
    } else if (!j)
        j = json_string(text);
    return set_scalar(ps, out, dt.kind, j);
}

static bool is_token_char(int c)
{
    return is_bare_key_char(c) || c == '+' || c == '.' || c == ':';
}

/* Numbers, booleans, dates and times: a run of token characters, extended
 * over the one space RFC 3339 allows between a date and a time. */
static int parse_token_value(struct parser *ps, struct tval *out)
{
    size_t pos = ps->pos;
    size_t end = pos;
    while (end < ps->len && is_token_char((unsigned char)ps->buf[end]))
        end++;
    const char *s = ps->buf + pos;
    if (end - pos == 10 && digits_at(s, ps->len - pos, 0, 4) && s[4] == '-' && end + 3 < ps->len
        && ps->buf[end] == ' ' && is_digit((unsigned char)ps->buf[end + 1])
        && is_digit((unsigned char)ps->buf[end + 2]) && ps->buf[end + 3] == ':') {
        end++;
        while (end < ps->len && is_token_char((unsigned char)ps->buf[end]))
            end++;
    }
    size_t n = end - pos;
    ps->pos = end;
    char tok[SNIPPET_MAX * 4];
    if (n == 0) {
        char tmp[16];
        return fail_at(ps, pos, "expected a value, found %s",
                       describe_at(ps, pos, tmp, sizeof(tmp)));
    }
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0)) {
        bool b = n == 4;
        json_t *j = ps->flags & TOML_TAGGED ? tagged("bool", json_string(b ? "true" : "false"))
                                            : json_boolean(b);
        return set_scalar(ps, out, V_BOOL, j);
    }
    if (is_special_float(s, n))
        return parse_float(ps, s, n, pos, out);
    int c = (unsigned char)s[0];
    int c1 = (c == '+' || c == '-') && n > 1 ? (unsigned char)s[1] : c;
    if (!is_digit(c1) && c1 != '.')
        return fail_at(ps, pos,
                       "invalid value '%s': strings must be quoted, booleans are true or "
                       "false",
                       snippet(tok, sizeof(tok), s, n));
    /* A ':' or a '-' that is neither a sign nor an exponent's sign means a
     * date or time (also for better messages on malformed ones). */
    bool hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b');
    bool datelike = false, floatlike = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' || (s[i] == '-' && i > 0 && s[i - 1] != 'e' && s[i - 1] != 'E'))
            datelike = true;
        if (s[i] == '.' || (!hex && (s[i] == 'e' || s[i] == 'E')))
            floatlike = true;
    }
    if (datelike && is_digit(c))
        return parse_datetime(ps, s, n, pos, out);
    if (floatlike)
        return parse_float(ps, s, n, pos, out);
    return parse_integer(ps, s, n, pos, out);
}

static int parse_string_value(struct parser *ps, struct tval *out)
{
    struct sbuf *b = &ps->str;
    int c = peek(ps);
    bool ml = peek_at(ps, 1) == c && peek_at(ps, 2) == c;
    int r;
    b->len = 0;
    if (c == '"')
        r = ml ? parse_ml_basic_string(ps, b) : parse_basic_string(ps, b);
    else
        r = ml ? parse_ml_literal_string(ps, b) : parse_literal_string(ps, b);
    if (r < 0)
        return -1;
    json_t *j = json_stringn_nocheck(b->p ? b->p : "", b->len);
    if (ps->flags & TOML_TAGGED)
        j = tagged("string", j);
    return set_scalar(ps, out, V_STRING, j);
}

/* ------------------------------------------------------------------ */
/* Arrays, inline tables, key/values                                   */

static int parse_value(struct parser *ps, int depth, struct up up, struct tval *out);
static int parse_keyval(struct parser *ps, struct ttable *t);

/* tomlc99 types array elements as string, bool, integer, float, datetime,
 * array or table; arrays of arrays need not agree below the first level. */
static int flux_type(enum vkind k)
{
    switch (k) {
    case V_DATETIME_LOCAL:
    case V_DATE_LOCAL:
    case V_TIME_LOCAL:
        return V_DATETIME;
    default:
        return (int)k;
    }
}

static const char *flux_type_name(enum vkind k)
{
    switch (k) {
    case V_BOOL:
        return "boolean";
    case V_DATETIME:
    case V_DATETIME_LOCAL:
    case V_DATE_LOCAL:
    case V_TIME_LOCAL:
        return "datetime";
    case V_TABLE:
        return "inline table";
    default:
        return kind_name(k);
    }
}

static int parse_array(struct parser *ps, int depth, struct up up, struct tval *out)
{
    size_t start = ps->pos;
    struct tarray *a = array_new(ps, false, depth, start, up);
    if (!a)
        return -1;
    out->kind = V_ARRAY;
    out->arr = a;
    ps->pos++;
    for (;;) {
        skip_ws_comment_newline(ps);
        if (peek(ps) == ']') {
            ps->pos++;
            return 0;
        }
        size_t epos = ps->pos;
        struct up eup = {.arr = a, .index = a->n};
        if (ps->lines && note_line(ps, eup, pos_line(ps, epos)) < 0)
            return -1;
        struct tval *v = array_push(ps, a);
        if (!v || parse_value(ps, depth + 1, eup, v) < 0)
            return -1;
        if ((ps->flags & TOML_FLUX) && a->n > 1
            && flux_type(a->items[0].kind) != flux_type(v->kind))
            return fail_at(ps, epos,
                           "array mixes %s and %s values: Flux (TOML 0.5) requires arrays of "
                           "one type",
                           flux_type_name(a->items[0].kind), flux_type_name(v->kind));
        skip_ws_comment_newline(ps);
        int c = peek(ps);
        if (c == ',') {
            ps->pos++;
            continue;
        }
        if (c == ']') {
            ps->pos++;
            return 0;
        }
        char tmp[16];
        if (c < 0)
            return fail_at(ps, start, "array is not closed (expected ']')");
        return fail_at(ps, ps->pos, "expected ',' or ']' in array, found %s",
                       describe_at(ps, ps->pos, tmp, sizeof(tmp)));
    }
}

static int parse_inline_table(struct parser *ps, int depth, struct up up, struct tval *out)
{
    size_t start = ps->pos;
    struct ttable *t = table_new(ps, T_INLINE, depth, start, up);
    if (!t)
        return -1;
    out->kind = V_TABLE;
    out->tab = t;
    ps->pos++;
    skip_ws(ps);
    if (peek(ps) == '}') {
        ps->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (at_newline(ps))
            return fail_at(ps, ps->pos,
                           "inline table must be on a single line (TOML 1.0); use a [table] "
                           "for multi-line tables");
        if (peek(ps) == '}')
            return fail_at(ps, ps->pos,
                           "trailing comma is not allowed in an inline table (TOML 1.0)");
        if (parse_keyval(ps, t) < 0)
            return -1;
        skip_ws(ps);
        int c = peek(ps);
        if (c == ',') {
            ps->pos++;
            continue;
        }
        if (c == '}') {
            ps->pos++;
            return 0;
        }
        if (c < 0)
            return fail_at(ps, start, "inline table is not closed (expected '}')");
        if (at_newline(ps))
            return fail_at(ps, ps->pos,
                           "inline table must be on a single line (TOML 1.0); use a [table] "
                           "for multi-line tables");
        char tmp[16];
        return fail_at(ps, ps->pos, "expected ',' or '}' in inline table, found %s",
                       describe_at(ps, ps->pos, tmp, sizeof(tmp)));
    }
}

/* Parse a value into out. depth is the depth it has if it is an array or a
 * table; up is where it hangs. */
static int parse_value(struct parser *ps, int depth, struct up up, struct tval *out)
{
    int c = peek(ps);
    if (c == '[')
        return parse_array(ps, depth, up, out);
    if (c == '{')
        return parse_inline_table(ps, depth, up, out);
    if (c == '"' || c == '\'')
        return parse_string_value(ps, out);
    return parse_token_value(ps, out);
}

/* key = value, into table t (the current section, or an inline table). */
static int parse_keyval(struct parser *ps, struct ttable *t)
{
    char what[SNIPPET_MAX * 4];
    if (parse_key(ps) < 0)
        return -1;
    struct keybuf *k = &ps->key;
    skip_ws(ps);
    if (peek(ps) != '=') {
        char tmp[16];
        return fail_at(ps, ps->pos, "expected '=' after key '%s', found %s",
                       key_text(ps, 0, k->n, what, sizeof(what)),
                       describe_at(ps, ps->pos, tmp, sizeof(tmp)));
    }
    ps->pos++;
    skip_ws(ps);
    if (ps->pos >= ps->len || at_newline(ps) || peek(ps) == '#')
        return fail_at(ps, ps->pos, "missing value after '=' for key '%s'",
                       key_text(ps, 0, k->n, what, sizeof(what)));
    for (size_t i = 0; i + 1 < k->n; i++)
        if (!(t = descend_dotted(ps, t, i)))
            return -1;
    const struct keypart *kp = &k->parts[k->n - 1];
    const char *key = k->bytes.p + kp->off;
    struct tkv *kv = kv_find(ps, t, key, kp->len);
    if (kv) {
        path_text(ps, (struct up){.kv = kv}, what, sizeof(what));
        if (kv->val.kind == V_TABLE && kv->val.tab->origin != T_INLINE)
            return fail_at(ps, kp->pos, "key '%s' already defined as a table at line %d", what,
                           kv->val.tab->line);
        return fail_at(ps, kp->pos, "key '%s' already defined at line %d", what, kv->line);
    }
    if (!(kv = kv_add(ps, t, key, kp->len, kp->pos)))
        return -1;
    struct up up = {.kv = kv};
    if (note_line(ps, up, kv->line) < 0)
        return -1;
    /* ps->key is not used past this point: the value may hold keys too. */
    return parse_value(ps, t->depth + 1, up, &kv->val);
}

/* [key] or [[key]] at ps->pos: makes the named table the current one. */
static int parse_header(struct parser *ps)
{
    char what[SNIPPET_MAX * 4];
    size_t start = ps->pos;
    bool aot = peek_at(ps, 1) == '[';
    ps->pos += aot ? 2 : 1;
    skip_ws(ps);
    if (parse_key(ps) < 0)
        return -1;
    struct keybuf *k = &ps->key;
    skip_ws(ps);
    if (peek(ps) != ']' || (aot && peek_at(ps, 1) != ']')) {
        char tmp[16];
        return fail_at(ps, ps->pos, "expected '%s' after table name '%s', found %s",
                       aot ? "]]" : "]", key_text(ps, 0, k->n, what, sizeof(what)),
                       describe_at(ps, ps->pos, tmp, sizeof(tmp)));
    }
    ps->pos += aot ? 2 : 1;

    struct ttable *t = ps->root;
    for (size_t i = 0; i + 1 < k->n; i++)
        if (!(t = descend_header(ps, t, i)))
            return -1;
    const struct keypart *kp = &k->parts[k->n - 1];
    const char *key = k->bytes.p + kp->off;
    struct tkv *kv = kv_find(ps, t, key, kp->len);

    if (aot) {
        struct tarray *a;
        if (!kv) {
            if (!(kv = kv_add(ps, t, key, kp->len, start)))
                return -1;
            if (!(a = array_new(ps, true, t->depth + 1, start, (struct up){.kv = kv})))
                return -1;
            kv->val.kind = V_ARRAY;
            kv->val.arr = a;
        } else if (kv->val.kind == V_ARRAY && kv->val.arr->aot) {
            a = kv->val.arr;
        } else if (kv->val.kind == V_ARRAY) {
            return fail_at(ps, start, "cannot append to static array '%s' defined at line %d",
                           key_text(ps, 0, k->n, what, sizeof(what)), kv->line);
        } else if (kv->val.kind == V_TABLE) {
            return fail_at(ps, start,
                           "[[%s]] conflicts with table [%s] defined at line %d: it is a "
                           "table, not an array of tables",
                           key_text(ps, 0, k->n, what, sizeof(what)), what, kv->val.tab->line);
        } else {
            return fail_at(ps, start, "key '%s' already defined at line %d (as %s)",
                           key_text(ps, 0, k->n, what, sizeof(what)), kv->line,
                           kind_name(kv->val.kind));
        }
        if (!(ps->cur = array_push_table(ps, a, T_HEADER, start)))
            return -1;
        return 0;
    }

    if (!kv) {
        if (!(kv = kv_add(ps, t, key, kp->len, start)))
            return -1;
        return (ps->cur = kv_new_table(ps, kv, T_HEADER, start)) ? 0 : -1;
    }
    if (kv->val.kind == V_TABLE) {
        struct ttable *ot = kv->val.tab;
        switch (ot->origin) {
        case T_IMPLICIT:
            ot->origin = T_HEADER;
            ot->line = pos_line(ps, start);
            ps->cur = ot;
            return note_line(ps, ot->up, ot->line);
        case T_DOTTED:
            return fail_at(ps, start, "table [%s] already defined by dotted keys at line %d",
                           key_text(ps, 0, k->n, what, sizeof(what)), ot->line);
        case T_INLINE:
            return fail_at(ps, start, "table [%s] already defined as an inline table at line %d",
                           key_text(ps, 0, k->n, what, sizeof(what)), ot->line);
        default:
            return fail_at(ps, start, "table [%s] already defined at line %d",
                           key_text(ps, 0, k->n, what, sizeof(what)), ot->line);
        }
    }
    if (kv->val.kind == V_ARRAY && kv->val.arr->aot)
        return fail_at(ps, start, "table [%s] already defined as an array of tables at line %d",
                       key_text(ps, 0, k->n, what, sizeof(what)), kv->line);
    return fail_at(ps, start, "key '%s' already defined at line %d (as %s)",
                   key_text(ps, 0, k->n, what, sizeof(what)), kv->line, kind_name(kv->val.kind));
}

/* After a key/value or a header only a comment may follow on the line. */
static int expect_eol(struct parser *ps, const char *after)
{
    skip_ws(ps);
    skip_comment(ps);
    if (ps->pos >= ps->len || eat_newline(ps))
        return 0;
    char tmp[16];
    return fail_at(ps, ps->pos, "expected end of line after %s, found %s", after,
                   describe_at(ps, ps->pos, tmp, sizeof(tmp)));
}

static int parse_document(struct parser *ps)
{
    while (ps->pos < ps->len) {
        skip_ws(ps);
        int c = peek(ps);
        if (c == '#')
            skip_comment(ps);
        else if (c == '[') {
            if (parse_header(ps) < 0 || expect_eol(ps, "table header") < 0)
                return -1;
            continue;
        } else if (c >= 0 && !at_newline(ps)) {
            if (parse_keyval(ps, ps->cur) < 0 || expect_eol(ps, "value") < 0)
                return -1;
            continue;
        }
        if (ps->pos < ps->len && !eat_newline(ps))
            return fail_at(ps, ps->pos, "internal error: stuck");
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Conversion to jansson                                               */

static json_t *convert(struct parser *ps, struct tval *v);

/* tomlc99 keeps key/values, arrays and tables in three lists and flux-core
 * converts them in that order; TOML_FLUX reproduces that key order so that
 * `flux config get` style output matches byte for byte. */
static int flux_rank(enum vkind k)
{
    return k == V_TABLE ? 2 : k == V_ARRAY ? 1 : 0;
}

static json_t *convert_table(struct parser *ps, struct ttable *t)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int passes = ps->flags & TOML_FLUX ? 3 : 1;
    for (int pass = 0; pass < passes; pass++) {
        for (struct tkv *kv = t->first; kv; kv = kv->next) {
            if (passes > 1 && flux_rank(kv->val.kind) != pass)
                continue;
            json_t *j = convert(ps, &kv->val);
            if (!j || json_object_setn_new_nocheck(o, kv->key, kv->keylen, j) < 0) {
                json_decref(o);
                return NULL;
            }
        }
    }
    return o;
}

static json_t *convert(struct parser *ps, struct tval *v)
{
    if (v->kind == V_TABLE)
        return convert_table(ps, v->tab);
    if (v->kind == V_ARRAY) {
        json_t *a = json_array();
        if (!a)
            return NULL;
        for (size_t i = 0; i < v->arr->n; i++) {
            if (json_array_append_new(a, convert(ps, &v->arr->items[i])) < 0) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (v->kind == V_NONE)
        return NULL;
    /* hand the scalar over: the tree is freed right after */
    json_t *j = v->json;
    v->kind = V_NONE;
    return j;
}

/* ------------------------------------------------------------------ */

json_t *toml_parse(const char *buf, size_t len, const struct toml_opts *opts, struct toml_diag *err)
{
    struct toml_diag dummy;
    struct parser ps = {
        .buf = buf ? buf : "",
        .len = buf ? len : 0,
        .flags = opts ? opts->flags : 0,
        .err = err ? err : &dummy,
        .lc_line = 1,
        .lc_col = 1,
    };
    json_t *result = NULL;
    bool lines_direct = false;

    memset(ps.err, 0, sizeof(*ps.err));
    if (opts && opts->lines) {
        /* An empty map is filled in place (and emptied again on error); the
         * lines map of a big document is too large to build twice. */
        lines_direct = json_object_size(opts->lines) == 0;
        ps.lines = lines_direct ? json_incref(opts->lines) : json_object();
        if (!ps.lines)
            goto nomem;
    }
    if (opts && opts->warnings && !(ps.warnings = json_array()))
        goto nomem;
    if (!(ps.c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)))
        goto nomem;
    if (!(ps.root = arena_alloc(&ps.arena, sizeof(*ps.root))))
        goto nomem;
    ps.root->origin = T_ROOT;
    ps.cur = ps.root;

    if (check_bytes(&ps) < 0)
        goto out;
    if (ps.len >= 3 && memcmp(ps.buf, "\xEF\xBB\xBF", 3) == 0) {
        if (ps.flags & TOML_FLUX) {
            fail_at(&ps, 0,
                    "file starts with a UTF-8 byte order mark, which Flux's TOML parser "
                    "(tomlc99) refuses (\"missing =\"); save the file without a BOM");
            goto out;
        }
        ps.pos = 3;
        ps.lc_pos = 3; /* the BOM is not a column */
    }
    if (parse_document(&ps) < 0)
        goto out;
    struct tval rootval = {.kind = V_TABLE, .tab = ps.root};
    if (!(result = convert(&ps, &rootval)))
        goto nomem;
    if ((ps.lines && !lines_direct && json_object_update(opts->lines, ps.lines) < 0)
        || (ps.warnings && json_array_extend(opts->warnings, ps.warnings) < 0)) {
        json_decref(result);
        result = NULL;
        goto nomem;
    }
    goto out;
nomem:
    fail_at(&ps, ps.pos, "out of memory");
out:
    if (!result && lines_direct)
        json_object_clear(opts->lines);
    table_free(ps.root);
    arena_free(&ps.arena);
    hindex_free(&ps.idx.ix);
    free(ps.idx.kvs);
    sbuf_free(&ps.str);
    sbuf_free(&ps.path);
    sbuf_free(&ps.key.bytes);
    free(ps.key.parts);
    if (ps.c_locale)
        freelocale(ps.c_locale);
    json_decref(ps.lines);
    json_decref(ps.warnings);
    return result;
}
