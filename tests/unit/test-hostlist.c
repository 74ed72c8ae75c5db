/* hostlist: flux-core's decoding, ordering, widths and encoded forms. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/hostlist.h"
#include "tap.h"
#include "tsv.h"

/* All hosts of hl joined with commas, as vectors.tsv writes them. */
static char *expand(const struct hostlist *hl)
{
    size_t n = hostlist_count(hl), len = 0, alloc = 1;
    char *s = calloc(1, alloc), host[1024];

    for (size_t i = 0; s && i < n; i++) {
        if (hostlist_nth(hl, i, host, sizeof(host)) < 0) {
            free(s);
            return NULL;
        }
        size_t hlen = strlen(host);
        char *t = realloc(s, alloc + hlen + 1);
        if (!t) {
            free(s);
            return NULL;
        }
        s = t;
        alloc += hlen + 1;
        if (len > 0)
            s[len++] = ',';
        memcpy(s + len, host, hlen + 1);
        len += hlen;
    }
    return s;
}

/* Every host is found at the index of its first occurrence. */
static bool find_consistent(const struct hostlist *hl)
{
    char host[1024], first[1024];
    size_t n = hostlist_count(hl);

    for (size_t i = 0; i < n; i++) {
        ssize_t j;
        if (hostlist_nth(hl, i, host, sizeof(host)) < 0)
            return false;
        j = hostlist_find(hl, host);
        if (j < 0 || (size_t)j > i || hostlist_nth(hl, (size_t)j, first, sizeof(first)) < 0
            || strcmp(first, host) != 0)
            return false;
        for (ssize_t k = 0; k < j; k++) {
            if (hostlist_nth(hl, (size_t)k, first, sizeof(first)) < 0 || strcmp(first, host) == 0)
                return false;
        }
    }
    return true;
}

/* Decode in: its hosts must be want (joined with commas); unless the row is
 * one of flux-core's quirks (roundtrip false), the encoded form decodes back
 * to the same hosts, as it does in flux-core. */
static void check_expand_ex(const char *in, const char *want, bool roundtrip)
{
    char err[128];
    struct hostlist *hl = hostlist_decode(in, err, sizeof(err));
    _cleanup_free_ char *got = NULL, *enc = NULL, *again = NULL;
    struct hostlist *hl2 = NULL;

    if (!hl) {
        ok(0, "decode '%s': %s", in, err);
        return;
    }
    got = expand(hl);
    is(got, want, "decode '%s' expands in order", in);
    /* Names holding brackets ("a1b[3-4]") print literally, so their encoded
     * form means something else when decoded again; flux behaves the same. */
    enc = hostlist_encode(hl);
    if (roundtrip && !strpbrk(want, "[]")) {
        hl2 = enc ? hostlist_decode(enc, NULL, 0) : NULL;
        again = hl2 ? expand(hl2) : NULL;
        is(again, want, "encode '%s' -> '%s' decodes back to the same hosts", in, enc ? enc : "(null)");
    }
    ok(find_consistent(hl), "find '%s': every host found at its first index", in);
    hostlist_destroy(hl2);
    hostlist_destroy(hl);
}

static void check_expand(const char *in, const char *want)
{
    check_expand_ex(in, want, true);
}

static void check_invalid(const char *in, int want_errno)
{
    char err[128] = "";
    struct hostlist *hl;

    errno = 0;
    hl = hostlist_decode(in, err, sizeof(err));
    ok(hl == NULL && errno == want_errno && err[0] != '\0', "decode '%s' fails with %s (%s)", in,
       strerror(want_errno), err);
    hostlist_destroy(hl);
}

static void check_encode(const char *in, const char *want)
{
    struct hostlist *hl = hostlist_decode(in, NULL, 0);
    _cleanup_free_ char *got = hl ? hostlist_encode(hl) : NULL;

    is(got, want, "encode '%s'", in);
    hostlist_destroy(hl);
}

static void check_find(const char *list, const char *host, ssize_t want)
{
    struct hostlist *hl = hostlist_decode(list, NULL, 0);

    ok(hl != NULL, "decode '%s'", list);
    is_int(hostlist_find(hl, host), want, "find '%s' in '%s'", host, list);
    hostlist_destroy(hl);
}

/* The project's own vectors (tests/data/hostlist/vectors.tsv): every row was
 * run through flux-core 0.88.0's libhostlist; input, expanded hosts (or
 * ERROR), encoded form (or the errno), source ("quirk" rows do not survive
 * encode/decode, in flux-core either). */
static void test_project_vectors(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[8192];
    int rows = 0, invalid = 0;

    snprintf(path, sizeof(path), "%s/tests/data/hostlist/vectors.tsv", top ? top : ".");
    _cleanup_fclose_ FILE *f = fopen(path, "r");
    if (!ok(f != NULL, "%s is readable", path))
        return;
    if (!fgets(line, sizeof(line), f) ||
        strncmp(line, "input\texpanded\tencoded\tsource\n", 31) != 0) {
        ok(0, "vectors.tsv header");
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *fld[4];
        if (line[0] == '\n')
            continue;
        rows++;
        if (!ok(split_tabs(line, fld, 4) == 4, "vectors.tsv row %d has four fields", rows))
            continue;
        if (strcmp(fld[1], "ERROR") == 0) {
            check_invalid(fld[0], strcmp(fld[2], "ERANGE") == 0 ? ERANGE : EINVAL);
            invalid++;
            continue;
        }
        check_expand_ex(fld[0], fld[1], !strstr(fld[3], "quirk"));
        check_encode(fld[0], fld[2]);
    }
    ok(rows >= 110 && invalid >= 15, "vectors.tsv: %d rows read, %d invalid", rows, invalid);
}

/* The team's shared vectors (cross-checked with pdsh), when SHARED_DIR has
 * them: rows are input<TAB>expanded<TAB>source; "ERROR" rows must be rejected. */
static void test_shared_vectors(void)
{
    const char *dir = getenv("SHARED_DIR");
    char path[4096], line[8192];
    int rows = 0;

    snprintf(path, sizeof(path), "%s/testdata/hostlist/vectors.tsv", dir ? dir : "");
    _cleanup_fclose_ FILE *f = dir && *dir ? fopen(path, "r") : NULL;
    if (!f) {
        skip("shared hostlist vectors: no %s (SHARED_DIR: the team's shared test data)",
             dir && *dir ? path : "SHARED_DIR");
        return;
    }
    if (!fgets(line, sizeof(line), f) || strncmp(line, "input\texpanded\tsource", 21) != 0) {
        ok(0, "%s: header", path);
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *fld[3];
        if (line[0] == '\n')
            continue;
        rows++;
        if (!ok(split_tabs(line, fld, 3) == 3, "shared vectors row %d has three fields", rows))
            continue;
        if (strcmp(fld[1], "ERROR") == 0) {
            struct hostlist *hl = hostlist_decode(fld[0], NULL, 0);
            ok(hl == NULL, "shared vectors (%s): '%s' is rejected", fld[2], fld[0]);
            hostlist_destroy(hl);
        } else {
            check_expand(fld[0], fld[1]);
        }
    }
    is_int(rows, 56, "shared vectors: all 56 rows read");
}

/* FLUX-FACTS §5.3 items 1-22 not already covered by vectors.tsv. */
static void test_facts_vectors(void)
{
    struct hostlist *hl;
    char host[64];

    hl = hostlist_decode("", NULL, 0);
    ok(hl && hostlist_count(hl) == 0, "'' is the empty list");
    _cleanup_free_ char *e = hl ? hostlist_encode(hl) : NULL;
    is(e, "", "empty list encodes as ''");
    is_int(hostlist_nth(hl, 0, host, sizeof(host)), -1, "nth(0) of the empty list fails");
    hostlist_destroy(hl);

    check_expand("foox,fooy,fooz", "foox,fooy,fooz");
    check_expand("foo[1-5]", "foo1,foo2,foo3,foo4,foo5");
    check_expand("foo[0-4]-eth2", "foo0-eth2,foo1-eth2,foo2-eth2,foo3-eth2,foo4-eth2");
    check_expand("[00-02]", "00,01,02");
    check_expand("node[01-02]-[1-2]", "node01-[1-2],node02-[1-2]");
    check_expand("a[1-2]b[3-4]", "a1b[3-4],a2b[3-4]");
    check_expand("\tfoo1\t, ,foo2,,", "foo1,foo2");
    check_expand("x[9-11]", "x9,x10,x11");
    check_expand("foho|to[1,1,2,1]3,foo1", "foho|to13,foho|to13,foho|to23,foho|to13,foo1");

    hl = hostlist_decode("foo[1-2,4,5],bar", NULL, 0);
    ok(hl != NULL, "decode 'foo[1-2,4,5],bar'");
    ok(hostlist_nth(hl, 0, host, sizeof(host)) == 0 && strcmp(host, "foo1") == 0, "nth(0) = foo1");
    ok(hostlist_nth(hl, 2, host, sizeof(host)) == 0 && strcmp(host, "foo4") == 0, "nth(2) = foo4");
    ok(hostlist_nth(hl, 4, host, sizeof(host)) == 0 && strcmp(host, "bar") == 0, "nth(4) = bar");
    errno = 0;
    ok(hostlist_nth(hl, 5, host, sizeof(host)) < 0 && errno == ERANGE, "nth(5) is out of range");
    ok(hostlist_nth(hl, 0, host, 4) < 0 && errno == ERANGE, "nth into a too small buffer fails");
    hostlist_destroy(hl);

    hl = hostlist_create();
    ok(hl && hostlist_append(hl, "foo12") == 0 && hostlist_append(hl, "foo[4,1-2]") == 0,
       "append foo12 then foo[4,1-2]");
    free(e);
    e = hostlist_encode(hl);
    is(e, "foo[12,4,1-2]", "appended order kept");
    ok(hostlist_append(hl, "foo[3") < 0 && errno == EINVAL, "append of an invalid hostlist fails");
    is_int(hostlist_count(hl), 4, "and leaves the list unchanged");
    ok(hostlist_append(hl, "foo[3-5],foo[") < 0, "a bad word after good ones fails the whole append");
    is_int(hostlist_count(hl), 4, "and still leaves the list unchanged");
    ok(hostlist_append_host(hl, "foo3") == 0, "append_host foo3");
    free(e);
    e = hostlist_encode(hl);
    is(e, "foo[12,4,1-3]", "append_host joins a consecutive number");
    ok(hostlist_append_host(hl, "x[1-2]") == 0, "append_host takes brackets literally");
    is_int(hostlist_find(hl, "x[1-2]"), 5, "and finds that literal name");
    ok(hostlist_append_host(hl, "") < 0 && errno == EINVAL, "append_host '' fails");
    hostlist_destroy(hl);
}

static void test_find(void)
{
    check_find("i[00-05]", "i04", 4);
    check_find("i[0-5]", "i00", -1);
    check_find("i[0-5]", "i0", 0);
    check_find("f00[7-8,10]", "f0010", 2);
    check_find("f00[7-8,10]", "f007", 0);
    check_find("f00[7-8,10]", "f0007", -1);
    check_find("[0-5]i", "0", -1);
    check_find("[0-5]i", "3i", 3);
    check_find("x[9-11]", "x10", 1);
    check_find("x[9-11]", "x010", -1);
    check_find("x9,x10,x11", "x11", 2);
    check_find("foo1,foo01,foo001", "foo001", 2);
    check_find("foo1,foo01,foo001", "foo0001", -1);
    check_find("test3,test1,test2,test1", "test1", 1);
    check_find("n[98-101]", "n100", 2);
    check_find("n[98-101]", "n0100", -1);
    check_find("bar,foo,bar1", "foo", 1);
    check_find("bar,foo,bar1", "fo", -1);
    check_find("node[1-4]-ib", "node3-ib", 2);
    check_find("node[1-4]-ib", "node3", -1);
    check_find("foo[1,1,2,1]3", "foo13", 0);
    check_find("foo[1,1,2,1]3", "foo23", 2);
    check_find("foo[1,1,2,1]3", "foo3", -1);
    check_find("x99999999999999999999999,x1", "x99999999999999999999999", -1); /* dropped */
    check_find("x99999999999999999999999,x1", "x1", 0);
    check_find("foo[99999999999999999999999]", "foo00018446744073709551615", 0);
    check_find("x[8-12]y", "x12y", 4);
    check_find("x[8-12]y", "x012y", -1);
    check_find("x[0-1048575]", "x1048575", 1048575);
    check_find("x[0-1048575]", "x1048576", -1);
    check_find("x[0-5]", "x99999999999999999999999999", -1);
    check_find("x[0-5]", "x", -1);
}

/* Compressed forms from FLUX-FACTS §5.3 and what flux hostlist printed (§12.c). */
static void test_encode(void)
{
    check_encode("test[0-7]", "test[0-7]");
    check_encode("foo[01-03,7]", "foo[01-03,7]");
    check_encode("a[1-2]b[3-4]", "a1b[3-4],a2b[3-4]");
    check_encode("x9,x10,x11", "x[9-11]");
    check_encode("foo09,foo10,foo11", "foo[09-11]");
    check_encode("foo1,foo01,foo001", "foo[1,01,001]");
    check_encode("foo9,foo010", "foo[9,010]");
    check_encode("test3,test1,test2,test1", "test[3,1-2,1]");
    check_encode("test[1-3]-ib", "test1-ib,test2-ib,test3-ib");
    check_encode("n[1-2]x", "n1x,n2x");
    check_encode("[1-3]", "[1-3]");
    check_encode("a,b,c[1-2]", "a,b,c[1-2]");
    check_encode(",1,2,3,4,5,9,", "[1-5,9]");
    check_encode("foo1,fooi,foo2,foo3", "foo1,fooi,foo[2-3]");
    check_encode("foo-1a-2,foo-1a-3", "foo-1a-[2-3]");
    check_encode("14636", "14636");
    check_encode("host1 host0 host5 host4", "host[1,0,5,4]");
    check_encode("foo[1-2,4,5],bar", "foo[1-2,4-5],bar");
    check_encode("bar1,bar2,foo1,foo,foo", "bar[1-2],foo1,foo,foo");
    check_encode("foo[0-3],foo[0-3]", "foo[0-3,0-3]");
    check_encode("x[08-09],x10", "x[08-10]");
    check_encode("x[8-9],x010", "x[8-9,010]");
    check_encode("foo[1]-eth2,foo1-eth3", "foo1-eth2,foo1-eth3");
    check_encode("foo1-eth2,foo1-eth3", "foo1-eth[2-3]");
    check_encode("n[98-101]", "n[98-101]");
    check_encode("foo7", "foo7");
    check_encode("foo", "foo");
}

static void test_invalid(void)
{
    check_invalid("[]", EINVAL);
    check_invalid("foo[]", EINVAL);
    check_invalid("foo[", EINVAL);
    check_invalid("foo[1,3", EINVAL);
    check_invalid("foo[[1,3]", EINVAL);
    check_invalid("foo]", EINVAL);
    check_invalid("foo[x-y]", EINVAL);
    check_invalid("foo[0-1,2--5]", EINVAL);
    check_invalid("foo[1-", EINVAL);
    check_invalid("foo[-5]", EINVAL);
    check_invalid("foo[--5]", EINVAL);
    check_invalid("foo[1,,2]", EINVAL);
    check_invalid("foo[1,]", EINVAL);
    check_invalid("test[3-1]", EINVAL);
    check_invalid("test[0-1", EINVAL);
    check_invalid("a],b", EINVAL);
    check_invalid("ok,foo[2-1],ok2", EINVAL);
    check_invalid("foo[0-1048576]", ERANGE);
    check_invalid("foo[1- 99999999999999999999999]", ERANGE);
    /* the first failing element decides the errno, as in flux-core */
    check_invalid("foo[0-1048576,x]", ERANGE);
    check_invalid("foo[x,0-1048576]", EINVAL);
    /* flux-core's loop over a suffixed range ending at ULONG_MAX wraps */
    check_invalid("x[18446744073709551615]-ib", EOVERFLOW);
    check_invalid("x[1,0-18446744073709551615]y", EOVERFLOW);
    check_invalid("x[99999999999999999999999]y", EOVERFLOW);
    check_invalid("x[99999999999999999999999,q]y", EINVAL);

    struct hostlist *hl = hostlist_decode("x[0-1048575]", NULL, 0);
    ok(hl && hostlist_count(hl) == 1048576, "x[0-1048575] is 2^20 hosts");
    hostlist_destroy(hl);

    errno = 0;
    ok(hostlist_decode(NULL, NULL, 0) == NULL && errno == EINVAL, "decode NULL fails with EINVAL");
}

static char *repeat(char c, size_t n, const char *tail)
{
    size_t tl = strlen(tail);
    char *s = malloc(n + tl + 1);

    if (s) {
        memset(s, c, n);
        memcpy(s + n, tail, tl + 1);
    }
    return s;
}

/* What flux-core's hostlist_first()/hostlist_next() walk gives when it
 * differs from hostlist_count() of flux-core (hostlist_nhosts() here): the
 * broker's readers see the walk. */
static void test_walk(void)
{
    struct hostlist *hl;
    char host[512];
    _cleanup_free_ char *a269 = repeat('a', 269, "[9-11]"), *a267 = repeat('a', 267, "[98-101]x,b"),
                        *a300 = repeat('a', 300, ",b"), *in1 = NULL, *in2 = NULL;

    hl = hostlist_decode("foo[0-18446744073709551615],a,b", NULL, 0);
    ok(hl && hostlist_nhosts(hl) == 2 && hostlist_count(hl) == 2,
       "0-ULONG_MAX counts 0 hosts: nhosts 2, and the walk stops after 2 names");
    ok(hl && hostlist_nth(hl, 0, host, sizeof(host)) == 0 && strcmp(host, "foo0") == 0, "its first name is foo0");
    ok(hl && hostlist_nth(hl, 1, host, sizeof(host)) == 0 && strcmp(host, "a") == 0, "then a; b is never reached");
    hostlist_destroy(hl);

    hl = hostlist_decode("x[18446744073709551615,0],a", NULL, 0);
    ok(hl && hostlist_nhosts(hl) == 3 && hostlist_count(hl) == 0,
       "a range joined across ULONG_MAX (lo > hi) ends the walk at once");
    hostlist_destroy(hl);

    hl = hostlist_decode(a300, NULL, 0);
    ok(hl && hostlist_nhosts(hl) == 2 && hostlist_count(hl) == 0, "a 300-byte name ends the walk at once");
    hostlist_destroy(hl);

    if ((in1 = malloc(strlen(a269) + 4)))
        sprintf(in1, "vm,%s", a269);
    hl = in1 ? hostlist_decode(in1, NULL, 0) : NULL;
    ok(hl && hostlist_count(hl) == 4, "269 a's and [9-11]: 4 names");
    ok(hl && hostlist_nth(hl, 2, host, sizeof(host)) == 0 && strlen(host) == 270 && host[269] == '1',
       "a 271-byte name is cut to 270 bytes");
    ok(hl && hostlist_nth(hl, 3, host, 270) < 0 && errno == ERANGE, "nth into 270 bytes fails (ERANGE)");
    hostlist_destroy(hl);

    if ((in2 = malloc(strlen(a267) + 4)))
        sprintf(in2, "vm,%s", a267);
    hl = in2 ? hostlist_decode(in2, NULL, 0) : NULL;
    ok(hl && hostlist_nhosts(hl) == 6 && hostlist_count(hl) == 3,
       "suffixed names: the walk ends at the first of 271 bytes (x100x)");
    hostlist_destroy(hl);

    hl = hostlist_decode("foo[0-18446744073709551615]", NULL, 0);
    ok(hl && hostlist_nhosts(hl) == 0 && hostlist_count(hl) == 0, "0-ULONG_MAX alone: no name at all");
    ok(hl && hostlist_append(hl, "a") == 0 && hostlist_count(hl) == 1
           && hostlist_nth(hl, 0, host, sizeof(host)) == 0 && strcmp(host, "foo0") == 0,
       "appending a host lets the walk reach foo0");
    ok(hl && hostlist_append(hl, "b") == 0 && hostlist_count(hl) == 2
           && hostlist_nth(hl, 1, host, sizeof(host)) == 0 && strcmp(host, "a") == 0,
       "and another, a");
    errno = 0;
    ok(hl && hostlist_append(hl, "x[18446744073709551615],x[0-3]") < 0 && errno == EFAULT,
       "appending a range joined across ULONG_MAX fails (EFAULT; flux-core corrupts its list)");
    ok(hl && hostlist_count(hl) == 2 && hostlist_nhosts(hl) == 2, "and leaves the list unchanged");
    hostlist_destroy(hl);
}

/* The per-bracket element cap (10240) and big lists stay cheap: decoding is
 * O(ranges), never O(hosts). */
static void test_limits(void)
{
    size_t len = 10241 * 8 + 16;
    _cleanup_free_ char *s = malloc(len);
    struct hostlist *hl;
    char host[64];
    size_t off;

    off = (size_t)snprintf(s, len, "n[");
    for (int i = 0; i < 10240; i++)
        off += (size_t)snprintf(s + off, len - off, "%s%d", i ? "," : "", i * 2);
    snprintf(s + off, len - off, "]");
    hl = hostlist_decode(s, NULL, 0);
    ok(hl && hostlist_count(hl) == 10240, "10240 elements in one bracket are accepted");
    ok(hl && hostlist_nth(hl, 10239, host, sizeof(host)) == 0 && strcmp(host, "n20478") == 0,
       "nth(10239) = n20478");
    is_int(hostlist_find(hl, "n20478"), 10239, "find the last one");
    hostlist_destroy(hl);
    snprintf(s + off, len - off, ",99999]");
    errno = 0;
    ok(hostlist_decode(s, NULL, 0) == NULL && errno == EINVAL,
       "10241 elements fail with EINVAL (flux-core's errno left by the last good element)");

    hl = hostlist_decode("x[0-1048575]-ib,y[0-1048575],z", NULL, 0);
    ok(hl && hostlist_count(hl) == 2 * 1048576 + 1, "two 2^20 ranges and a name");
    ok(hl && hostlist_nth(hl, 1048576 + 17, host, sizeof(host)) == 0 && strcmp(host, "y17") == 0,
       "nth in the second range");
    is_int(hostlist_find(hl, "x1048575-ib"), 1048575, "find in a suffixed range");
    is_int(hostlist_find(hl, "z"), 2 * 1048576, "find the trailing name");
    hostlist_destroy(hl);

    /* 100k single names: decode and find stay linear. */
    size_t biglen = 100000 * 12;
    _cleanup_free_ char *big = malloc(biglen);
    off = 0;
    for (int i = 0; i < 100000; i++)
        off += (size_t)snprintf(big + off, biglen - off, "%sh%dx", i ? "," : "", i);
    hl = hostlist_decode(big, NULL, 0);
    ok(hl && hostlist_count(hl) == 100000, "100000 literal names");
    is_int(hostlist_find(hl, "h99999x"), 99999, "find the last of 100000 names");
    _cleanup_free_ char *enc = hl ? hostlist_encode(hl) : NULL;
    ok(enc && strcmp(enc, big) == 0, "literal names encode unchanged");
    hostlist_destroy(hl);
}

int main(void)
{
    test_project_vectors();
    test_shared_vectors();
    test_facts_vectors();
    test_find();
    test_encode();
    test_invalid();
    test_walk();
    test_limits();
    return done_testing();
}
