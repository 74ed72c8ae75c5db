/* /etc/ld.so.cache (see ldcache.h). Layout (glibc sysdeps/generic/dl-cache.h):
 *
 *   [old header "ld.so-1.7.0", uint32 nlibs, nlibs x 12-byte entries]   optional
 *   new header: "glibc-ld.so.cache" "1.1", uint32 nlibs, uint32 len_strings,
 *               uint8 flags (byte order: 2 little, 3 big), 3 pad,
 *               uint32 extension_offset, 3 x uint32 unused          (48 bytes)
 *   nlibs x { int32 flags; uint32 key, value; uint32 osversion; uint64 hwcap }
 *   strings
 *
 * key and value are offsets of the soname and the path, from the start of
 * the new header.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ldcache.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_HEADER 48
#define NEW_ENTRY 24
#define OLD_HEADER 16
#define OLD_ENTRY 12

struct ldcache {
    unsigned char *buf; /* the new table, from its header on */
    size_t len;
    uint32_t nlibs;
    bool big;
};

static uint32_t get32(const struct ldcache *c, size_t off)
{
    const unsigned char *p = c->buf + off;
    return c->big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool host_big(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 0;
}

int ldcache_parse(const void *buf, size_t len, struct ldcache **out, char *err, size_t errsz)
{
    const unsigned char *p = buf;
    size_t start = 0;
    struct ldcache *c;

    *out = NULL;
    if (len >= OLD_HEADER && memcmp(p, OLD_MAGIC, strlen(OLD_MAGIC)) == 0) {
        /* the old table's entry count, in the host's order (it has no flag) */
        uint32_t n;
        memcpy(&n, p + 12, 4);
        uint64_t end = OLD_HEADER + (uint64_t)n * OLD_ENTRY;
        start = (size_t)((end + 7) & ~(uint64_t)7);
        if (end > len || start > len) {
            snprintf(err, errsz, "truncated (old format table)");
            return -1;
        }
        if (len - start < strlen(NEW_MAGIC) || memcmp(p + start, NEW_MAGIC, strlen(NEW_MAGIC))) {
            snprintf(err, errsz, "only the old ld.so-1.7.0 format, which glibc 2.32 and later "
                                 "no longer read");
            return -1;
        }
    } else if (len < strlen(NEW_MAGIC) || memcmp(p, NEW_MAGIC, strlen(NEW_MAGIC)) != 0) {
        snprintf(err, errsz, "not an ld.so cache (no %s header)", NEW_MAGIC);
        return -1;
    }
    if (len - start < NEW_HEADER) {
        snprintf(err, errsz, "truncated header");
        return -1;
    }
    if (!(c = calloc(1, sizeof(*c))) || !(c->buf = malloc(len - start))) {
        free(c);
        snprintf(err, errsz, "%s", strerror(ENOMEM));
        return -1;
    }
    memcpy(c->buf, p + start, len - start);
    c->len = len - start;
    switch (c->buf[28] & 3) {
    case 2: c->big = false; break;
    case 3: c->big = true; break;
    default: c->big = host_big(); break; /* written before the flag existed */
    }
    c->nlibs = get32(c, 20);
    if ((uint64_t)c->nlibs * NEW_ENTRY > c->len - NEW_HEADER) {
        snprintf(err, errsz, "truncated (%u entries announced)", c->nlibs);
        ldcache_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void ldcache_free(struct ldcache *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c);
}

/* The NUL-terminated string at off, or NULL when it runs off the end. */
static const char *str_at(const struct ldcache *c, uint32_t off)
{
    if (off >= c->len || !memchr(c->buf + off, '\0', c->len - off))
        return NULL;
    return (const char *)c->buf + off;
}

size_t ldcache_lookup(const struct ldcache *c, const char *soname, const char **paths,
                      size_t max)
{
    size_t n = 0;

    for (uint32_t i = 0; c && i < c->nlibs; i++) {
        size_t e = NEW_HEADER + (size_t)i * NEW_ENTRY;
        const char *key = str_at(c, get32(c, e + 4));
        const char *value = str_at(c, get32(c, e + 8));
        if (!key || !value || strcmp(key, soname) != 0)
            continue;
        if (n < max)
            paths[n] = value;
        n++;
    }
    return n;
}

size_t ldcache_size(const struct ldcache *c)
{
    return c ? c->nlibs : 0;
}
