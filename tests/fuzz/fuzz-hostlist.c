/* libFuzzer: hostlist decode, then check that nth/find agree with each other
 * and that the encoded form decodes back to the same hosts (where it does in
 * flux-core too: see check_roundtrip).  Errors are the documented ones
 * (hostlist.h): EINVAL, ERANGE, EOVERFLOW; hostlist_append() may also
 * refuse a decodable list with EFAULT, leaving the list unchanged. */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hostlist.h"

#define FULL_CHECK_MAX 300 /* hosts: the all-pairs check below is O(n^2) strcmp */
#define ENCODE_MAX 2000     /* hosts: encoding is O(n) for suffixed ranges */

static char *nth(const struct hostlist *hl, size_t i)
{
    static char buf[8192];

    assert(hostlist_nth(hl, i, buf, sizeof(buf)) == 0);
    return strdup(buf);
}

/* find(nth(i)) is an index holding the same name, no later than i. */
static void check_find(const struct hostlist *hl, size_t i)
{
    char *host = nth(hl, i);
    ssize_t j = hostlist_find(hl, host);

    assert(host);
    assert(j >= 0 && (size_t)j <= i);
    char *first = nth(hl, (size_t)j);
    assert(first && strcmp(first, host) == 0);
    free(first);
    free(host);
}

/* For small lists: find returns exactly the first occurrence. */
static void check_find_all(const struct hostlist *hl, size_t count)
{
    char **names = calloc(count, sizeof(*names));

    assert(names);
    for (size_t i = 0; i < count; i++)
        assert((names[i] = nth(hl, i)));
    for (size_t i = 0; i < count; i++) {
        size_t first = 0;
        while (strcmp(names[first], names[i]) != 0)
            first++;
        assert(hostlist_find(hl, names[i]) == (ssize_t)first);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Does s hold a run of 16 digits or more (a number that may reach
 * ULONG_MAX)? */
static bool has_long_number(const char *s)
{
    size_t run = 0;

    for (; *s; s++) {
        run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
        if (run >= 16)
            return true;
    }
    return false;
}

/* The encoded form decodes back to the same names. */
static void check_roundtrip(const struct hostlist *hl, size_t count, const char *in)
{
    char *enc = hostlist_encode(hl);
    bool literal = false;

    assert(enc);
    for (size_t i = 0; i < count && !literal; i++) {
        char *h = nth(hl, i);
        literal = strpbrk(h, "[], \t") != NULL;
        free(h);
    }
    /* names holding brackets or separators (a word with an open bracket
     * keeps them) print literally and mean something else when decoded
     * again (as in flux); so do lists whose walk ends early (count is not
     * nhosts) and numbers near ULONG_MAX, where flux-core's range arithmetic
     * wraps (vectors.tsv "quirk" rows); everything else must survive */
    if (!literal && count == hostlist_nhosts(hl) && !has_long_number(in)) {
        struct hostlist *again = hostlist_decode(enc, NULL, 0);
        assert(again);
        assert(hostlist_count(again) == count);
        for (size_t i = 0; i < count; i++) {
            char *a = nth(hl, i), *b = nth(again, i);
            assert(a && b && strcmp(a, b) == 0);
            free(a);
            free(b);
        }
        hostlist_destroy(again);
    }
    free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = strndup((const char *)data, size);
    char err[256] = "";
    struct hostlist *hl, *appended;
    size_t count;
    char buf[8];

    if (!s)
        return 0;
    errno = 0;
    hl = hostlist_decode(s, err, sizeof(err));
    appended = hostlist_create();
    assert(appended);
    if (!hl) {
        int e = errno;
        assert(e == EINVAL || e == ERANGE || e == EOVERFLOW);
        assert(err[0] != '\0');
        assert(hostlist_append(appended, s) < 0 && errno == e && hostlist_count(appended) == 0);
        goto out;
    }
    count = hostlist_count(hl);
    errno = 0;
    if (hostlist_append(appended, s) == 0)
        assert(hostlist_count(appended) == count && hostlist_nhosts(appended) == hostlist_nhosts(hl));
    else
        assert(errno == EFAULT && hostlist_count(appended) == 0 && hostlist_nhosts(appended) == 0);
    assert(hostlist_nth(hl, count, buf, sizeof(buf)) < 0 && errno == ERANGE);
    if (count <= FULL_CHECK_MAX) {
        check_find_all(hl, count);
    } else {
        check_find(hl, 0);
        check_find(hl, count / 2);
        check_find(hl, count - 1);
    }
    if (count <= ENCODE_MAX)
        check_roundtrip(hl, count, s);
out:
    hostlist_destroy(appended);
    hostlist_destroy(hl);
    free(s);
    return 0;
}
