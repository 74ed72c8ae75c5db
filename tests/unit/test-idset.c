/* idset: RFC 22 strings decoded strictly, as flux-core's idset_decode does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/idset.h"
#include "tap.h"
#include "tsv.h"

static void check_decode(const char *in, const char *want_encoded, size_t want_count)
{
    char err[128] = "";
    struct idset *ids = idset_decode(in, err, sizeof(err));
    _cleanup_free_ char *enc = ids ? idset_encode(ids) : NULL;

    if (!ids) {
        ok(0, "decode '%s': %s", in, err);
        return;
    }
    is(enc, want_encoded, "decode '%s' encodes as '%s'", in, want_encoded);
    is_int(idset_count(ids), want_count, "decode '%s' has %zu ids", in, want_count);
    idset_destroy(ids);
}

static void check_reject_errno(const char *in, int want_errno, const char *want_err)
{
    char err[160] = "";
    struct idset *ids;

    errno = 0;
    ids = idset_decode(in, err, sizeof(err));
    ok(ids == NULL && errno == want_errno && err[0], "decode '%s' fails with %s (%s)", in,
       strerror(want_errno), err);
    if (want_err)
        is(err, want_err, "decode '%s' says why", in);
    idset_destroy(ids);
}

static void check_reject(const char *in, const char *want_err)
{
    check_reject_errno(in, EINVAL, want_err);
}

/* tests/data/idset/vectors.tsv: input, flux-core 0.88.0's encoded set (or
 * ERROR), its count (or the errno), source.  A set flux-core accepts with an
 * id over IDSET_MAX_ID is E2BIG here, flux-preflight's own limit. */
static void test_vectors(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[4096];
    int rows = 0, invalid = 0, capped = 0;

    snprintf(path, sizeof(path), "%s/tests/data/idset/vectors.tsv", top ? top : ".");
    _cleanup_fclose_ FILE *f = fopen(path, "r");
    if (!ok(f != NULL, "%s is readable", path))
        return;
    if (!fgets(line, sizeof(line), f) || strncmp(line, "input\tencoded\tcount\tsource\n", 28) != 0) {
        ok(0, "idset vectors.tsv header");
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *fld[4];
        if (!ok(split_tabs(line, fld, 4) == 4, "idset vectors.tsv row %d has four fields", ++rows))
            continue;
        if (strcmp(fld[1], "ERROR") == 0) {
            check_reject_errno(fld[0], strcmp(fld[2], "ERANGE") == 0 ? ERANGE : EINVAL, NULL);
            invalid++;
            continue;
        }
        /* the largest id is the last number of the encoded set */
        const char *last = fld[1] + strlen(fld[1]);
        while (last > fld[1] && last[-1] != ',' && last[-1] != '-')
            last--;
        unsigned long max = strtoul(last, NULL, 10);
        if (max > IDSET_MAX_ID) {
            check_reject_errno(fld[0], E2BIG, NULL);
            capped++;
            continue;
        }
        check_decode(fld[0], fld[1], strtoul(fld[2], NULL, 10));
    }
    ok(rows >= 50 && invalid >= 25 && capped >= 2, "idset vectors.tsv: %d rows, %d invalid, %d over the limit",
       rows, invalid, capped);
}

static void test_decode(void)
{
    check_decode("", "", 0);
    check_decode("[]", "", 0);
    check_decode("0", "0", 1);
    check_decode("0-3,7", "0-3,7", 5);
    check_decode("[0-3,7]", "0-3,7", 5);
    check_decode("1,,2", "1-2", 2);
    check_decode(",1,", "1", 1);
    check_decode("1-3,4", "1-4", 4);
    check_decode("0-1023", "0-1023", 1024);
    check_decode("1,3,5-7,9", "1,3,5-7,9", 6);
    check_decode("16777216", "16777216", 1);
    check_decode("4294967296", "0", 1);         /* flux-core stores ids in 32 bits */
    check_decode("5-4294967296", "0-5", 6);     /* and then sets the range the other way round */
    check_decode("5-4294967296,1", "0-5", 6);   /* order is checked against the wrapped hi */
    check_decode("0-16777216", "0-16777216", 16777217);
    check_decode("10,20,30", "10,20,30", 3);
}

static void test_reject(void)
{
    check_reject("2,1", "range '1' is out of order");
    check_reject("1-3,3", "range '3' is out of order");
    check_reject("1-3,2-5", "range '2-5' is out of order");
    check_reject("1,1", "range '1' is out of order");
    check_reject("3-3", "error parsing range '3-3': hi must be greater than lo");
    check_reject("5-2", "error parsing range '5-2': hi must be greater than lo");
    check_reject("01", "error parsing range '01': leading zero");
    check_reject("1-02", "error parsing range '1-02': leading zero");
    check_reject("00", NULL);
    check_reject("0-", "error parsing range '0-': missing id");
    check_reject("-1", NULL);
    check_reject("1-2-3", NULL);
    check_reject("1--3", NULL);
    check_reject("[1-3", "mismatched or nested brackets in '[1-3'");
    check_reject("1-3]", NULL);
    check_reject("[", NULL);
    check_reject("]", NULL);
    check_reject("[[1]]", NULL);
    check_reject("[1],[2]", NULL);
    check_reject("1 ,2", "error parsing range '1 ': invalid character");
    check_reject("1,00", "error parsing range '00': leading zero");
    check_reject("99999999999999999999999", "error parsing range '99999999999999999999999': number too large");
    check_reject("4294967294", "error appending '4294967294': Invalid argument");
    check_reject("5-4294967296,0", "range '0' is out of order");
    check_reject(" 1", NULL);
    check_reject("+1", NULL);
    check_reject("a", NULL);
    check_reject("1;2", NULL);
    check_reject("0-99999999999999999999999", NULL);
    check_reject_errno("2147483648", ERANGE, "error appending '2147483648': set universe size would exceed maximum");
    check_reject_errno("3,2147483648", ERANGE, NULL);
    check_reject_errno("16777217", E2BIG,
                       "ids up to 16777217: over flux-preflight's limit of 16777216 (flux-core accepts ids below 2^31)");
    check_reject_errno("0-3,16777217-16777219", E2BIG, NULL);
    check_reject("20000000,1", "range '1' is out of order"); /* flux-core's error comes first */

    errno = 0;
    ok(idset_decode(NULL, NULL, 0) == NULL && errno == EINVAL, "decode NULL fails with EINVAL");
}

static void test_api(void)
{
    struct idset *a = idset_create(), *b = idset_create();
    _cleanup_free_ char *s = NULL;
    unsigned int id, n;

    ok(a && b, "create");
    is_int(idset_first(a), IDSET_INVALID_ID, "empty set has no first id");
    ok(idset_set(a, 5) == 0 && idset_set(a, 3) == 0 && idset_set(a, 4) == 0 && idset_set(a, 10) == 0,
       "set 5, 3, 4, 10");
    ok(idset_set(a, 4) == 0, "setting an id twice is fine");
    s = idset_encode(a);
    is(s, "3-5,10", "ids merge into ranges");
    is_int(idset_count(a), 4, "count 4");
    ok(idset_test(a, 3) && idset_test(a, 5) && idset_test(a, 10), "test members");
    ok(!idset_test(a, 2) && !idset_test(a, 6) && !idset_test(a, 11), "test non-members");
    errno = 0;
    ok(idset_set(a, IDSET_MAX_ID + 1) < 0 && errno == EINVAL, "set beyond IDSET_MAX_ID fails");
    ok(idset_set(a, IDSET_MAX_ID) == 0, "set IDSET_MAX_ID itself");

    n = 0;
    for (id = idset_first(a); id != IDSET_INVALID_ID; id = idset_next(a, id))
        n++;
    is_int(n, 5, "iteration visits 5 ids");
    is_int(idset_next(a, 5), 10, "next after 5 is 10");
    is_int(idset_next(a, 3), 4, "next after 3 is 4");
    is_int(idset_next(a, IDSET_MAX_ID), IDSET_INVALID_ID, "nothing after the last id");
    is_int(idset_next(a, IDSET_INVALID_ID), IDSET_INVALID_ID, "next(INVALID) is INVALID");

    ok(idset_set(b, 6) == 0 && idset_set(b, 0) == 0 && idset_set(b, 9) == 0, "set 0, 6, 9 in b");
    ok(idset_add(a, b) == 0, "add b to a");
    free(s);
    s = idset_encode(a);
    is(s, "0,3-6,9-10,16777216", "union merges touching ranges");
    is_int(idset_count(a), 8, "union count");

    struct idset *c = idset_decode("0-2,4-6,8-10", NULL, 0);
    struct idset *d = idset_decode("3,7", NULL, 0);
    ok(c && d && idset_add(c, d) == 0, "add 3,7 to 0-2,4-6,8-10");
    free(s);
    s = idset_encode(c);
    is(s, "0-10", "bridging ids merge three ranges into one");
    is_int(idset_count(c), 11, "count 11");
    idset_destroy(c);
    idset_destroy(d);
    idset_destroy(a);
    idset_destroy(b);
}

int main(void)
{
    test_vectors();
    test_decode();
    test_reject();
    test_api();
    return done_testing();
}
