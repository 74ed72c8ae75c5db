/* CURVE certificate reader with the rules of flux-core's cert_read()
 * (src/common/libzmqutil/cert.c, FLUX-FACTS §7.2), so that the gate refuses
 * exactly the files the broker would refuse with "Error loading
 * certificate: ...: Invalid argument" -- but says which line and why. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/crypto.h"
#include "common/zcert.h"

static const char z85_alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

static int z85_value(char c)
{
    const char *p = c ? strchr(z85_alphabet, c) : NULL;

    return p ? (int)(p - z85_alphabet) : -1;
}

int zcert_z85_decode(const char *s, size_t len, unsigned char *out, size_t outsz)
{
    if (!s || !out || len % 5 != 0)
        return -EINVAL;
    if (len / 5 * 4 > outsz)
        return -ENOBUFS;
    if (len / 5 * 4 > INT32_MAX)
        return -EINVAL;
    for (size_t i = 0; i < len; i += 5) {
        uint64_t value = 0;

        for (size_t j = 0; j < 5; j++) {
            int v = z85_value(s[i + j]);
            if (v < 0)
                return -EINVAL;
            value = value * 85 + (uint64_t)v;
        }
        /* "#####" and friends exceed 32 bits; libzmq rejects them too */
        if (value > UINT32_MAX)
            return -EINVAL;
        for (size_t j = 0; j < 4; j++)
            out[i / 5 * 4 + j] = (unsigned char)(value >> (24 - 8 * j));
    }
    return (int)(len / 5 * 4);
}

int zcert_z85_encode(const unsigned char *data, size_t len, char *out, size_t outsz)
{
    if (!data || !out || len % 4 != 0 || len / 4 * 5 > INT32_MAX)
        return -EINVAL;
    if (len / 4 * 5 + 1 > outsz)
        return -ENOBUFS;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t value = (uint32_t)data[i] << 24 | (uint32_t)data[i + 1] << 16 | (uint32_t)data[i + 2] << 8
                         | data[i + 3];
        for (size_t j = 5; j-- > 0;) {
            out[i / 4 * 5 + j] = z85_alphabet[value % 85];
            value /= 85;
        }
    }
    out[len / 4 * 5] = '\0';
    return (int)(len / 4 * 5);
}

/* X25519 public key of secret, as libzmq's zmq_curve_public() computes it,
 * with libcrypto (loaded on first use: common/crypto.h). 0, or -1 with err. */
static int curve_public_from_secret(const unsigned char *secret, unsigned char *public,
                                    char *err, size_t errsz)
{
    EVP_PKEY *pkey;
    size_t len = ZCERT_KEY_SIZE;
    int r = 0;

    if (crypto_load(err, errsz) < 0)
        return -1;
    if (!(pkey = sym_EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, secret, ZCERT_KEY_SIZE))) {
        snprintf(err, errsz, "no X25519 in this OpenSSL");
        return -1;
    }
    if (sym_EVP_PKEY_get_raw_public_key(pkey, public, &len) != 1 || len != ZCERT_KEY_SIZE) {
        snprintf(err, errsz, "OpenSSL could not derive the X25519 public key");
        r = -1;
    }
    sym_EVP_PKEY_free(pkey); /* OpenSSL clears the private key on free */
    return r;
}

enum section { SECTION_NONE, SECTION_METADATA, SECTION_CURVE };

/* Everything that may hold secret material is here, wiped on every return. */
struct parser {
    char line[ZCERT_LINE_MAX + 1];
    char secret_z85[ZCERT_KEY_Z85_LEN + 1];
    unsigned char secret[ZCERT_KEY_SIZE];
    bool has_public, has_secret;
    enum section section;
    json_t *meta; /* metadata keys seen, to refuse duplicates */
    int lineno;
    char *err;
    size_t errsz;
};

static void parser_wipe(struct parser *p)
{
    explicit_bzero(p->line, sizeof(p->line));
    explicit_bzero(p->secret_z85, sizeof(p->secret_z85));
    explicit_bzero(p->secret, sizeof(p->secret));
    json_decref(p->meta);
    p->meta = NULL;
}

static int parser_fail(struct parser *p, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int parser_fail(struct parser *p, int rc, const char *fmt, ...)
{
    int n = 0;

    if (!p->err || p->errsz == 0)
        return rc;
    if (p->lineno > 0)
        n = snprintf(p->err, p->errsz, "line %d: ", p->lineno);
    if (n >= 0 && (size_t)n < p->errsz) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Quote a byte for an error message: 'x', or '\xNN' if unprintable. */
static const char *show_char(char c, char buf[8])
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "'\\x%02x'", (unsigned char)c);
    return buf;
}

/* ASCII only, whatever the locale: the broker's verdict can't depend on LANG. */
static bool is_ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_key_char(char c)
{
    return is_ascii_alnum(c) || c == '.' || c == '-';
}

/* Quote the leading key-like word of s for an error message; a misplaced
 * "secret-key = ..." line shows as 'secret-key', never with its value. */
static const char *show_word(const char *s, char buf[48])
{
    size_t n = 0;

    while (n < 40 && is_key_char(s[n]))
        n++;
    if (n == 0)
        return show_char(s[0], buf);
    snprintf(buf, 48, "'%.*s%s'", (int)n, s, is_key_char(s[n]) ? "..." : "");
    return buf;
}

/* The ZPL value characters cert_read() allows: no '_', ',', quotes. */
static bool is_value_char(char c)
{
    return is_ascii_alnum(c) || (c && strchr(" \t.-:+=^!/*?&<>()[]{}@%$#", c));
}

static int parse_curve_key(struct parser *p, const char *key, const char *value, struct zcert_info *out)
{
    bool public = strcmp(key, "public-key") == 0;
    size_t len = strlen(value);
    unsigned char *dst;
    bool *have;

    if (!public && strcmp(key, "secret-key") != 0)
        return parser_fail(p, -EINVAL, "unknown key '%s' in curve section (only public-key and secret-key)", key);
    have = public ? &p->has_public : &p->has_secret;
    if (*have)
        return parser_fail(p, -EEXIST, "duplicate %s", key);
    if (len != ZCERT_KEY_Z85_LEN)
        return parser_fail(p, -EINVAL, "%s is %zu characters long, a Z85 key is %d", key, len, ZCERT_KEY_Z85_LEN);
    dst = public ? out->public_key : p->secret;
    if (zcert_z85_decode(value, len, dst, ZCERT_KEY_SIZE) != ZCERT_KEY_SIZE)
        return parser_fail(p, -EINVAL, "%s is not valid Z85", key);
    if (public)
        memcpy(out->public_z85, value, len + 1);
    else
        memcpy(p->secret_z85, value, len + 1);
    *have = true;
    return 0;
}

static int parse_metadata(struct parser *p, const char *key, const char *value, struct zcert_info *out)
{
    if (json_object_get(p->meta, key))
        return parser_fail(p, -EEXIST, "duplicate metadata key '%s'", key);
    if (json_object_set_new(p->meta, key, json_null()) < 0)
        return parser_fail(p, -ENOMEM, "out of memory");
    if (strcmp(key, "name") == 0) {
        snprintf(out->name, sizeof(out->name), "%s", value);
        out->has_name = true;
    }
    return 0;
}

/* An indented entry: key = "value" */
static int parse_entry(struct parser *p, char *s, struct zcert_info *out)
{
    char *key = s, *value, *q;
    char c[8];

    if (p->section == SECTION_NONE)
        return parser_fail(p, -EINVAL, "indented entry before any 'metadata' or 'curve' section");
    while (is_key_char(*s))
        s++;
    if (s == key)
        return parser_fail(p, -EINVAL, "expected a key, found %s", show_char(*s, c));
    if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '=')
        return parser_fail(p, -EINVAL, "key contains invalid character %s", show_char(*s, c));
    q = s;
    s += strspn(s, " \t");
    if (*s != '=') {
        *q = '\0';
        return parser_fail(p, -EINVAL, "expected '=' after key '%s'", key);
    }
    *q = '\0';
    s++;
    s += strspn(s, " \t");
    if (*s != '"')
        return parser_fail(p, -EINVAL, "value of '%s' is not in double quotes", key);
    value = ++s;
    while (*s && *s != '"') {
        if (!is_value_char(*s)) {
            /* never echo a byte of the secret key */
            if (p->section == SECTION_CURVE && strcmp(key, "secret-key") == 0)
                return parser_fail(p, -EINVAL, "value of '%s' contains an invalid character", key);
            return parser_fail(p, -EINVAL, "value of '%s' contains invalid character %s", key,
                               show_char(*s, c));
        }
        s++;
    }
    if (*s != '"')
        return parser_fail(p, -EINVAL, "value of '%s' has no closing quote", key);
    *s++ = '\0';
    if (*s != '\0')
        return parser_fail(p, -EINVAL, "unexpected text after the value of '%s'", key);
    if (p->section == SECTION_CURVE)
        return parse_curve_key(p, key, value, out);
    return parse_metadata(p, key, value, out);
}

static int parse_line(struct parser *p, struct zcert_info *out)
{
    char *s = p->line, *end, word[48];
    bool indented = s[0] == ' ' || s[0] == '\t';

    /* strip: blank and comment lines are judged after this, and a CRLF file
     * loses its '\r' here */
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0' || *s == '#')
        return 0;
    if (indented)
        return parse_entry(p, s, out);
    if (strcmp(s, "metadata") == 0)
        p->section = SECTION_METADATA;
    else if (strcmp(s, "curve") == 0)
        p->section = SECTION_CURVE;
    else
        return parser_fail(p, -EINVAL, "unindented line is neither 'metadata' nor 'curve' (found %s); entries must be indented",
                           show_word(s, word));
    return 0;
}

static int parse(struct parser *p, const char *buf, size_t len, struct zcert_info *out)
{
    const char *pos = buf, *bufend = buf + len;

    while (pos < bufend) {
        const char *nl = memchr(pos, '\n', (size_t)(bufend - pos));
        size_t linelen = nl ? (size_t)(nl - pos) : (size_t)(bufend - pos);

        p->lineno++;
        if (linelen + (nl ? 1 : 0) > ZCERT_LINE_MAX)
            return parser_fail(p, -EINVAL, "line is longer than %d bytes", ZCERT_LINE_MAX);
        if (memchr(pos, '\0', linelen))
            return parser_fail(p, -EINVAL, "line contains a NUL byte");
        memcpy(p->line, pos, linelen);
        p->line[linelen] = '\0';
        int r = parse_line(p, out);
        if (r < 0)
            return r;
        pos += linelen + (nl ? 1 : 0);
    }
    p->lineno = 0;
    if (!p->has_public)
        return parser_fail(p, -EINVAL, "no public-key in a curve section");
    if (!p->has_secret)
        return parser_fail(p, -EINVAL, "no secret-key in a curve section");
    return 0;
}

int zcert_parse(const char *buf, size_t len, struct zcert_info *out, int *line, char *err, size_t errsz)
{
    struct parser p = { .err = err, .errsz = errsz };
    int r;

    if (line)
        *line = 0;
    if (err && errsz > 0)
        err[0] = '\0';
    if ((!buf && len > 0) || !out)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    p.meta = json_object();
    if (!p.meta)
        return parser_fail(&p, -ENOMEM, "out of memory");
    r = parse(&p, buf ? buf : "", len, out);
    if (r == 0) {
        unsigned char derived[ZCERT_KEY_SIZE];

        out->pair_checked = curve_public_from_secret(p.secret, derived, out->pair_error,
                                                     sizeof(out->pair_error)) == 0;
        out->pair_ok = out->pair_checked && memcmp(derived, out->public_key, ZCERT_KEY_SIZE) == 0;
        explicit_bzero(derived, sizeof(derived));
    } else {
        if (line)
            *line = p.lineno;
        memset(out, 0, sizeof(*out));
    }
    parser_wipe(&p);
    return r;
}
