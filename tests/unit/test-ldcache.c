/* ldcache: /etc/ld.so.cache as glibc's ld.so reads it. Synthetic caches of
 * each layout (new format alone, after the old one, either byte order),
 * every truncation, and this host's own cache. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/ldcache.h"
#include "tap.h"

static void put32(unsigned char *p, uint32_t v, int big)
{
    for (int i = 0; i < 4; i++)
        p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A new-format table at buf+start with two entries for libfoo.so.1 (two
 * paths, in that order) and one for libbar.so.2. Returns the length. */
static size_t make_new(unsigned char *buf, size_t start, int big)
{
    unsigned char *h = buf + start;
    const char *strings[] = { "libfoo.so.1", "/usr/lib/x86_64-linux-gnu/libfoo.so.1",
                              "/usr/lib/libfoo.so.1", "libbar.so.2", "/lib64/libbar.so.2" };
    uint32_t off[5];
    size_t p = 48 + 3 * 24;

    memcpy(h, "glibc-ld.so.cache1.1", 20);
    put32(h + 20, 3, big);
    h[28] = big ? 3 : 2;
    for (int i = 0; i < 5; i++) {
        off[i] = (uint32_t)p;
        strcpy((char *)h + p, strings[i]);
        p += strlen(strings[i]) + 1;
    }
    put32(h + 24, (uint32_t)(p - 48 - 3 * 24), big);
    const uint32_t keys[3][2] = { { off[0], off[1] }, { off[0], off[2] }, { off[3], off[4] } };
    for (int i = 0; i < 3; i++) {
        unsigned char *e = h + 48 + i * 24;
        put32(e, 0x0303, big);
        put32(e + 4, keys[i][0], big);
        put32(e + 8, keys[i][1], big);
    }
    return start + p;
}

static void check_lookups(const unsigned char *buf, size_t len, const char *what)
{
    struct ldcache *c = NULL;
    const char *paths[4];
    char err[128];

    ok(ldcache_parse(buf, len, &c, err, sizeof(err)) == 0, "%s: parses", what);
    is_int(ldcache_size(c), 3, "%s: three entries", what);
    is_int(ldcache_lookup(c, "libfoo.so.1", paths, 4), 2, "%s: libfoo.so.1 twice", what);
    is(paths[0], "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "%s: ...in the cache's order", what);
    is(paths[1], "/usr/lib/libfoo.so.1", "%s: ...the second", what);
    is_int(ldcache_lookup(c, "libbar.so.2", paths, 1), 1, "%s: libbar.so.2", what);
    is(paths[0], "/lib64/libbar.so.2", "%s: ...its path", what);
    is_int(ldcache_lookup(c, "libfoo.so", paths, 4), 0, "%s: a name is matched whole", what);
    ldcache_free(c);
}

int main(void)
{
    unsigned char buf[4096];
    struct ldcache *c = NULL;
    char err[128];
    size_t len;

    memset(buf, 0, sizeof(buf));
    len = make_new(buf, 0, 0);
    check_lookups(buf, len, "new format, little-endian");

    memset(buf, 0, sizeof(buf));
    len = make_new(buf, 0, 1);
    check_lookups(buf, len, "new format, big-endian flag");

    /* the old table first: 16-byte header, 2 x 12-byte entries, aligned to 8 */
    memset(buf, 0, sizeof(buf));
    memcpy(buf, "ld.so-1.7.0", 11);
    uint32_t two = 2;
    memcpy(buf + 12, &two, 4);
    len = make_new(buf, 40, 0);
    check_lookups(buf, len, "old + new format");

    /* every truncation fails cleanly or parses within bounds */
    memset(buf, 0, sizeof(buf));
    len = make_new(buf, 0, 0);
    int bad = 0;
    for (size_t n = 0; n < 48 + 3 * 24; n++)
        if (ldcache_parse(buf, n, &c, err, sizeof(err)) == 0) {
            ldcache_free(c);
            bad++;
        }
    is_int(bad, 0, "every cut before the strings is refused");
    for (size_t n = 48 + 3 * 24; n < len; n++) {
        const char *paths[4];
        if (ldcache_parse(buf, n, &c, err, sizeof(err)) == 0) {
            ldcache_lookup(c, "libfoo.so.1", paths, 4); /* strings cut: no overrun */
            ldcache_free(c);
        }
    }
    ok(1, "cuts inside the strings: lookups stay in bounds (ASan would say otherwise)");

    ok(ldcache_parse("ld.so-1.7.0\0\0\0\0\0", 16, &c, err, sizeof(err)) < 0 &&
           strstr(err, "old ld.so-1.7.0 format"),
       "the old format alone is refused, saying so (%s)", err);
    ok(ldcache_parse("not a cache at all, really", 26, &c, err, sizeof(err)) < 0 &&
           strstr(err, "not an ld.so cache"),
       "garbage is refused (%s)", err);
    put32(buf + 20, 1000, 0);
    ok(ldcache_parse(buf, len, &c, err, sizeof(err)) < 0 && strstr(err, "truncated"),
       "more entries announced than there are: refused (%s)", err);

    /* this host's own cache, when it has one */
    FILE *f = fopen("/etc/ld.so.cache", "rb");
    if (!f) {
        printf("ok %d # SKIP no /etc/ld.so.cache here\n", ++tap_n);
        return done_testing();
    }
    static unsigned char host[64 << 20];
    size_t n = fread(host, 1, sizeof(host), f);
    fclose(f);
    const char *paths[4];
    struct stat st;
    c = NULL;
    err[0] = '\0';
    int rc = ldcache_parse(host, n, &c, err, sizeof(err));
    ok(rc == 0, "this host's cache parses %s", err);
    size_t found = rc == 0 ? ldcache_lookup(c, "libc.so.6", paths, 4) : 0;
    ok(found >= 1 && stat(paths[0], &st) == 0, "...and names a libc.so.6 that exists (%s)",
       found ? paths[0] : "-");
    ldcache_free(c);
    return done_testing();
}
