/* /etc/ld.so.cache, as glibc's ld.so reads it (elf/dl-cache.c): the
 * "glibc-ld.so.cache1.1" table of shared library names and paths that
 * ldconfig writes, alone or after the old "ld.so-1.7.0" table. The old
 * table alone (glibc before 2.32 could write only that) is not read: such
 * a cache is reported as unreadable, never as empty.
 */
#ifndef FP_COMMON_LDCACHE_H
#define FP_COMMON_LDCACHE_H

#include <stddef.h>

struct ldcache;

/* Parse len bytes (copied). Returns 0, or -1 with the reason in err. */
int ldcache_parse(const void *buf, size_t len, struct ldcache **out, char *err, size_t errsz);
void ldcache_free(struct ldcache *c);

/* The paths the cache gives for soname, in the cache's order (ld.so takes
 * the first one that suits it): up to max pointers into the cache; returns
 * how many there are in all. */
size_t ldcache_lookup(const struct ldcache *c, const char *soname, const char **paths,
                      size_t max);

/* Number of entries. */
size_t ldcache_size(const struct ldcache *c);

#endif
