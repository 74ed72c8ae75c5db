/* hostlist-parity: the gate's hostlist and idset decoders against flux-core
 * 0.88.0's own libhostlist and libidset (built from the source tarball by
 * build.sh), over the vectors we have, a generated corpus of tricky inputs
 * and a seeded random run.
 *
 *   hostlist-parity check [--hostlist-vectors F]... [--shared-vectors F]...
 *                         [--idset-vectors F]... [--seed N] [--random N] [--slow 1]
 *       TAP; every disagreement is printed (flux's outcome, the gate's)
 *   hostlist-parity hostlist STRING | idset STRING
 *       both outcomes of one input
 *   hostlist-parity hostlist-rows | idset-rows  < INPUTS
 *       vectors.tsv result columns from flux-core, one input per line
 *
 * The gate may differ from flux-core in two ways only, each checked: an
 * idset flux-core accepts with an id over the gate's limit (E2BIG), and a
 * hostlist flux-core never finishes decoding (EOVERFLOW). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outcome.h"
#include "parity.h"
#include "../unit/tsv.h"

#define SHOW_MAX 25 /* disagreements printed per run */

static int tap_n, tap_failed, shown;

static void tap(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(bool pass, const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass)
        tap_failed++;
    fflush(stdout);
}

static void diag_escaped(const char *label, const char *s)
{
    struct outcome o = { 0 };

    out_put(&o, "", 0);
    out_escaped(&o, s);
    printf("#   %s'%.600s'%s\n", label, o.s, o.len > 600 ? "..." : "");
    free(o.s);
}

struct tally {
    const char *what;
    size_t n, same, cap, hang, crash, different, skipped;
};

/* Inputs that cost flux-core seconds (a million hosts, each a malloc'd
 * string; an idset walked id by id, or sized to 2^31) run with --slow only. */
static bool slow_mode;
static unsigned long costly_hosts = 1UL << 20; /* the random run: 2^14 */
#define COSTLY_IDS (1UL << 20)
#define COSTLY_MAX_ID (1UL << 28)

static bool hostlist_costly(const char *a, const char *b)
{
    return !slow_mode && parity_hostlist_costly(a, b, costly_hosts);
}

static bool idset_costly(const char *in)
{
    return !slow_mode && parity_idset_costly(in, COSTLY_IDS, COSTLY_MAX_ID);
}

static void count(struct tally *t, enum parity p, const char *kind, const char *a, const char *b,
                  const char *ref, const char *gate)
{
    t->n++;
    switch (p) {
    case PARITY_SAME: t->same++; return;
    case PARITY_CAP: t->cap++; return;
    case PARITY_HANG: t->hang++; return;
    case PARITY_CRASH: t->crash++; return;
    case PARITY_DIFFERENT: t->different++; break;
    }
    if (shown++ >= SHOW_MAX)
        return;
    printf("# %s: %s differs from flux-core 0.88.0\n", t->what, kind);
    diag_escaped("input:  ", a);
    if (b)
        diag_escaped("append: ", b);
    printf("#   flux: %.600s\n#   gate: %.600s\n", ref, gate);
}

static double now(void);

/* PARITY_SLOW=1: name each input that took more than 50 ms. */
static void slow(double t0, const char *a, const char *b)
{
    double dt = now() - t0;

    if (getenv("PARITY_SLOW") && dt > 0.05)
        fprintf(stderr, "slow %.2f s: '%.80s' '%.80s'\n", dt, a, b ? b : "");
}

static void check_hostlist(struct tally *t, const char *in)
{
    char *ref, *gate;
    double t0 = now();

    if (hostlist_costly(in, NULL)) {
        t->skipped++;
        return;
    }
    enum parity p = parity_hostlist(in, &ref, &gate);
    slow(t0, in, NULL);

    count(t, p, "hostlist", in, NULL, ref, gate);
    free(ref);
    free(gate);
}

static void check_append(struct tally *t, const char *a, const char *b)
{
    char *ref, *gate;
    double t0 = now();

    if (hostlist_costly(a, b)) {
        t->skipped++;
        return;
    }
    enum parity p = parity_hostlist_append(a, b, &ref, &gate);
    slow(t0, a, b);

    count(t, p, "hostlist_append", a, b, ref, gate);
    free(ref);
    free(gate);
}

static void check_idset(struct tally *t, const char *in)
{
    char *ref, *gate;
    double t0 = now();

    if (idset_costly(in)) {
        t->skipped++;
        return;
    }
    enum parity p = parity_idset(in, &ref, &gate);
    slow(t0, in, NULL);

    count(t, p, "idset", in, NULL, ref, gate);
    free(ref);
    free(gate);
}

static void tally_report(const struct tally *t, double secs)
{
    tap(t->different == 0 && t->n > 0,
        "%s: %zu inputs, %zu agree, %zu over the gate's limit, %zu flux-core never finishes, "
        "%zu flux-core crashes, %zu differ; %zu too slow for flux-core without --slow (%.1f s)",
        t->what, t->n, t->same, t->cap, t->hang, t->crash, t->different, t->skipped, secs);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- vectors ------------------------------------------------------------ */

enum vectors_kind { VEC_HOSTLIST, VEC_SHARED, VEC_IDSET };

/* Every row's input through both sides, and its result columns against
 * flux-core's own (so the file holds what the reference says). */
static void check_vectors(const char *path, enum vectors_kind kind)
{
    static char line[1 << 16];
    struct tally t = { .what = path };
    size_t rows = 0, matching = 0;
    int nf = kind == VEC_SHARED ? 3 : 4;
    double t0 = now();
    FILE *f = fopen(path, "r");

    if (!f) {
        tap(false, "%s is readable", path);
        return;
    }
    if (!fgets(line, sizeof(line), f)) {
        tap(false, "%s has a header", path);
        fclose(f);
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *fld[4], *row;
        if (line[0] == '\n' || split_tabs(line, fld, nf) != nf)
            continue;
        rows++;
        if (kind == VEC_IDSET) {
            check_idset(&t, fld[0]);
            row = ref_idset_row(fld[0]);
        } else {
            check_hostlist(&t, fld[0]);
            row = ref_hostlist_row(fld[0]);
        }
        char want[sizeof(line)];
        if (kind == VEC_SHARED)
            snprintf(want, sizeof(want), "%s\t", fld[1]);
        else
            snprintf(want, sizeof(want), "%s\t%s", fld[1], fld[2]);
        if (row && (kind == VEC_SHARED ? strncmp(row, want, strlen(want)) == 0 : strcmp(row, want) == 0))
            matching++;
        else if (shown++ < SHOW_MAX)
            printf("# %s: the row for '%s' says '%s', flux-core says '%s'\n", path, fld[0], want,
                   row ? row : "(no row)");
        free(row);
    }
    fclose(f);
    tally_report(&t, now() - t0);
    tap(rows > 0 && matching == rows, "%s: %zu of %zu rows are what flux-core 0.88.0 gives", path,
        matching, rows);
}

/* --- the corpus --------------------------------------------------------- */

/* Number texts at the edges: 2^20, 2^32, 2^64, leading zeros, signs, blanks,
 * trailing junk. */
static const char *numbers[] = {
    "0", "1", "00", "01", "007", "9", "10", "010", "99", "100", "1048575", "1048576",
    "01048575", "2147483647", "2147483648", "4294967294", "4294967295", "4294967296",
    "4294967297", "18446744073709551614", "18446744073709551615", "18446744073709551616",
    "99999999999999999999999", "000000000000000000000000000001", "+1", "+01", "-1", "-0", " 1",
    "\t1", "\n1", "1 ", "1x", "x", "", " ", "+", "-", "+-1", "0x10", "1e3", "１",
};

/* What a bracket may hold, built from the numbers. */
static void corpus_elements(void (*fn)(const char *el, void *arg), void *arg)
{
    size_t nn = sizeof(numbers) / sizeof(numbers[0]);
    char el[256];
    /* high ends: 2^20-host ranges are few and in more[]: a million names
     * take a second on each side */
    static const char *his[] = { "", "0", "1", "3", "10", "18446744073709551615", "+2", " 2", "-2",
                                 "2x", "2 ", "x" };

    for (size_t i = 0; i < nn; i++) {
        fn(numbers[i], arg);
        for (size_t j = 0; j < sizeof(his) / sizeof(his[0]); j++) {
            snprintf(el, sizeof(el), "%s-%s", numbers[i], his[j]);
            fn(el, arg);
        }
    }
    static const char *more[] = { "1-2-3", "1--3", "--1", "-", "1,", ",1", ",", "1,,2", "0-1048576",
                                  "00-1048576", "1-1048577", "2-1048578", "0-18446744073709551615",
                                  "1-18446744073709551615",
                                  "18446744073709551615,0", "18446744073709551614-18446744073709551615,0-2",
                                  "0-18446744073709551615,0-3", "5,0-18446744073709551615",
                                  "1,00000000000000000000000000001", "9,10", "8-9,010", "99-100,0101",
                                  "1-3,2", "3-1", "1x-3", "1 -3", "+1-+3", "0-+0", "1- -1",
                                  "0- -18446744073709551615", "0- -18446744073709551614" };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
        fn(more[i], arg);
}

struct shapes {
    struct tally *t;
};

static void hostlist_shapes(const char *el, void *arg)
{
    struct tally *t = arg;
    static const char *forms[] = { "foo[%s]", "[%s]", "foo[%s]-ib", "f00[%s]", "foo[%s]x[1-2]",
                                   "a]b[%s]", "x,foo[1,%s]", "foo[%s,1]y", "foo[%s" };
    char in[512];

    /* an element ending at ULONG_MAX hangs flux-core once suffixed, and
     * each such case costs a child process's 0.15 s: one suffixed form */
    bool huge = strstr(el, "18446744073709551615") || strstr(el, "18446744073709551616")
                || strstr(el, "99999999999999999999999");

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        if (huge && (strstr(forms[i], "]x[") || strstr(forms[i], "]y")))
            continue;
        snprintf(in, sizeof(in), forms[i], el);
        check_hostlist(t, in);
    }
}

static char *repeat(char c, size_t n, const char *tail)
{
    size_t tl = strlen(tail);
    char *s = malloc(n + tl + 1);

    if (!s)
        abort();
    memset(s, c, n);
    memcpy(s + n, tail, tl + 1);
    return s;
}

static void check_fmt(struct tally *t, const char *fmt, const char *a, const char *b)
{
    size_t len = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *in = malloc(len);

    if (!in)
        abort();
    snprintf(in, len, fmt, a, b ? b : "");
    check_hostlist(t, in);
    free(in);
}

/* Names and prefixes around the 270/271-byte iteration buffer and the
 * 1023-byte word cut, and widths of hundreds of zeros. */
static void hostlist_lengths(struct tally *t)
{
    static const size_t lens[] = { 250, 253, 254, 266, 267, 268, 269, 270, 271, 272, 300,
                                   1020, 1021, 1022, 1023, 1024, 1025, 2000 };

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        char *a = repeat('a', lens[i], ""), *d = repeat('a', lens[i], "123"), *z = repeat('0', lens[i], "1");
        char *n9 = repeat('9', lens[i], "");
        check_fmt(t, "%s", a, NULL);
        check_fmt(t, "vm,%s,b", a, NULL);
        check_fmt(t, "%s,vm", d, NULL);
        check_fmt(t, "%s[1-3],vm", a, NULL);
        check_fmt(t, "%s[8-12]x,vm", a, NULL);
        check_fmt(t, "x%s", n9, NULL);
        check_fmt(t, "x[%s]", z, NULL);
        check_fmt(t, "x[%s-3]", z, NULL);
        check_fmt(t, "x[1,%s]y", z, NULL);
        check_fmt(t, "x[%s,1]y,vm", z, NULL);
        check_fmt(t, "vm,%s[1-2]", a, NULL);
        free(a);
        free(d);
        free(z);
        free(n9);
    }
    for (size_t p = 250; p <= 272; p++) { /* suffixed names reaching 271 mid-range */
        char *a = repeat('a', p, "");
        check_fmt(t, "%s[7-12]%s", a, "-ib");
        check_fmt(t, "%s[98-101]%s", a, "x,vm");
        check_fmt(t, "%s[9-10],vm%s", a, NULL);
        check_fmt(t, "vm,%s[990-1010]%s", a, "y");
        check_fmt(t, "%s[99990-100010]%s", a, "y");
        free(a);
    }
}

/* Whole lists: separators, empty words, brackets in odd places, counts. */
static const char *lists[] = {
    "", ",", ",,,", " ", "\t", "\n", "a,,b", " a\tb , c ", "a\nb", "a\rb", "a\vb", "a\fb", "\xc3\xa9t\xc3\xa9[1-2]",
    "foo[1-3]", "foo[1-3]bar", "foo[1-3][4]", "foo[1][2]", "foo[[1]]", "foo[1]]", "foo]", "]foo", "foo]x,bar[1]",
    "foo[1]x[,y", "a],b", "a] b[1]", "a]]b[[1]", "[", "]", "[]", "][", "[,]", "foo[ 1, 2 ]", "foo[1 ,2]",
    "foo[1\t,2]", "foo[1,\n2]", "x[1-2] y[3-4]", "x[1-2],,y[3]", "x9,x10,x11", "x9,x010", "x09,x10",
    "foo1,foo01,foo001", "x[8-9],x010", "x[08-09],x10", "x[9-10],x011", "x[100-101],x0102", "x[0-5],x[6-8]",
    "x[0-5],x[5-8]", "x[18446744073709551615],x[0-3]", "x18446744073709551615,x0",
    "x[18446744073709551615],x0,x1", "x[0-18446744073709551615],a,b", "x[0-18446744073709551615],x[0-2],a",
    "a,x[0-18446744073709551615]", "x[0-18446744073709551615]", "x[18446744073709551615,0],a,b",
    "x99999999999999999999999,x1", "x99999999999999999999999", "18446744073709551616,1",
    "x18446744073709551615", "x018446744073709551615", "999999999999999999999,5", "x[1]99999999999999999999999",
    "x[18446744073709551615]y", "x[0-18446744073709551615]y", "x[1-2,18446744073709551615]y",
    "x[1-2,99999999999999999999999]y", "x[18446744073709551615,a]y", "a[1-2]b[3-4]", "node[01-02]-[1-2]",
    /* 2^20 hosts, the most one range may hold (a second each) */
    "foo[0-1048575]-ib", "foo[ 1-+1048576]", "foo[0-1048576]", "foo[1-1048577]",
    "n1,n2,n3,n0", "x1,x1,x1", "x1-ib,x2-ib", "x[1]-ib,x[2]-ib", "14636", "0,1,2,00", "[1-3],4,5,06",
};

static void check_many_elements(struct tally *t, int n, const char *suffix)
{
    size_t len = (size_t)n * 8 + 32;
    char *s = malloc(len);
    size_t off;

    if (!s)
        abort();
    off = (size_t)snprintf(s, len, "n[");
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(s + off, len - off, "%s%d", i ? "," : "", i * 2);
    snprintf(s + off, len - off, "]%s", suffix);
    check_hostlist(t, s);
    free(s);
}

static void idset_corpus(struct tally *t)
{
    size_t nn = sizeof(numbers) / sizeof(numbers[0]);
    char in[512];
    static const char *sets[] = {
        "", ",", ",,", "[]", "[", "]", "[[1]]", "[1", "1]", "[1]", "[1],[2]", "[1,2]", " [1]", "1,,2", ",1,",
        "0-3,7", "2,1", "1,1", "1-3,3", "1-3,4", "3-3", "5-2", "01", "00", "0-", "-1", "1-2-3", "1--3", "1 ,2",
        "1, 2", " 1", "+1", "1-+2", "0x1", "1e3", "16777216", "16777217", "0-16777216", "0-16777217",
        "16777216-16777217", "2147483646", "2147483647", "2147483648", "2147483647,2147483648", "4294967293",
        "4294967294", "4294967295", "4294967296", "4294967297", "0,4294967297", "1,4294967297",
        "4294967296,1", "5-4294967296", "5-4294967296,1", "5-4294967296,6", "0-4294967296", "1-4294967296",
        "3-4294967298", "4294967298-4294967299", "4294967296-4294967297", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999", "1,99999999999999999999999", "1-18446744073709551615",
        "1-18446744073709551616", "1-5,10,20-25,100", "\xef\xbc\x91",
    };

    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        check_idset(t, sets[i]);
    for (size_t i = 0; i < nn; i++) {
        static const char *forms[] = { "%s", "[%s]", "%s,5", "0,%s", "%s-7", "1-%s", "3,%s-20", "[0-%s]" };
        for (size_t j = 0; j < sizeof(forms) / sizeof(forms[0]); j++) {
            snprintf(in, sizeof(in), forms[j], numbers[i]);
            check_idset(t, in);
        }
    }
}

static void run_corpus(void)
{
    struct tally h = { .what = "hostlist corpus" }, a = { .what = "hostlist_append corpus" },
                 i = { .what = "idset corpus" };
    double t0 = now();

    corpus_elements(hostlist_shapes, &h);
    for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
        check_hostlist(&h, lists[k]);
    hostlist_lengths(&h);
    check_many_elements(&h, 10240, "");
    check_many_elements(&h, 10241, "");
    check_many_elements(&h, 10240, "-ib");
    check_many_elements(&h, 10241, "-ib");
    tally_report(&h, now() - t0);

    t0 = now();
    static const char *seams[][2] = {
        { "x9", "x10" }, { "x[0-3]", "x[4-5]" }, { "x[18446744073709551615]", "x[0-2]" },
        { "x[0-18446744073709551615]", "a" }, { "x[0-18446744073709551615]", "x[0-3],b" }, { "a", "" },
        { "", "a" }, { "a", "b[" }, { "x[1-2]-ib", "x3" }, { "x1", "x[2-3]-ib" }, { "x08", "x9" },
        { "x[9-10]", "x011" }, { "x[0-5]", "x[18446744073709551615]" },
    };
    for (size_t k = 0; k < sizeof(seams) / sizeof(seams[0]); k++)
        check_append(&a, seams[k][0], seams[k][1]);
    for (size_t k = 0; k + 1 < sizeof(lists) / sizeof(lists[0]); k++)
        check_append(&a, lists[k], lists[k + 1]);
    tally_report(&a, now() - t0);

    t0 = now();
    idset_corpus(&i);
    tally_report(&i, now() - t0);
}

/* --- random ------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static const char *pick(const char **v, size_t n)
{
    return v[below(n)];
}
#define PICK(v) pick(v, sizeof(v) / sizeof(v[0]))

struct gen {
    char s[4096];
    size_t len;
};

static void gen_put(struct gen *g, const char *p)
{
    size_t n = strlen(p);

    if (g->len + n < sizeof(g->s)) {
        memcpy(g->s + g->len, p, n + 1);
        g->len += n;
    }
}

static void gen_number(struct gen *g, unsigned long base)
{
    static const char *pre[] = { "", "", "", "", "", "", "0", "00", "+", " ", "-", "\t" };
    static const char *post[] = { "", "", "", "", "", "", "", "", "x", " " };
    static const unsigned long edges[] = { 0, 1, 9, 10, 99, 100, 1048575, 1048576, 4294967295UL,
                                           4294967296UL, 18446744073709551615UL };
    char num[64];

    gen_put(g, PICK(pre));
    if (below(10) == 0)
        snprintf(num, sizeof(num), "%lu", edges[below(sizeof(edges) / sizeof(edges[0]))] - below(2));
    else if (below(40) == 0)
        snprintf(num, sizeof(num), "%s", "99999999999999999999999");
    else
        snprintf(num, sizeof(num), "%lu", base);
    gen_put(g, num);
    gen_put(g, PICK(post));
}

/* A random hostlist from the grammar, with mistakes sprinkled in. */
static void gen_hostlist(struct gen *g)
{
    static const char *seps[] = { ",", ",", ",", " ", "\t", ",,", ", ", "\n" };
    static const char *prefixes[] = { "n", "node", "", "x-", "f00", "a]b", "rack1-n", "é", "a]", "n0" };
    static const char *suffixes[] = { "", "", "", "", "-ib", "x", "[1-2]", "]", "[", ".c", ",y", "0" };
    size_t words = 1 + below(4);

    g->len = 0;
    g->s[0] = '\0';
    if (below(8) == 0)
        gen_put(g, PICK(seps));
    for (size_t w = 0; w < words; w++) {
        if (w)
            gen_put(g, PICK(seps));
        gen_put(g, PICK(prefixes));
        if (below(3) == 0) { /* a bare name, maybe with digits */
            char num[32];
            snprintf(num, sizeof(num), "%0*lu", (int)below(4), (unsigned long)below(120));
            if (below(2))
                gen_put(g, num);
            continue;
        }
        gen_put(g, "[");
        size_t els = 1 + below(4);
        for (size_t e = 0; e < els; e++) {
            static const unsigned long spans[] = { 0, 0, 1, 2, 3, 10, 99, 300 };
            unsigned long lo = (unsigned long)below(120);
            if (e)
                gen_put(g, below(30) ? "," : ",,");
            gen_number(g, lo);
            if (below(2)) {
                gen_put(g, below(25) ? "-" : "--");
                if (below(20))
                    gen_number(g, lo + spans[below(sizeof(spans) / sizeof(spans[0]))]);
            }
        }
        if (below(25))
            gen_put(g, "]");
        gen_put(g, PICK(suffixes));
    }
}

/* Random bytes from the characters that matter. */
static void gen_noise(struct gen *g, const char *alphabet)
{
    size_t n = below(24), na = strlen(alphabet);

    for (size_t i = 0; i < n; i++)
        g->s[i] = alphabet[below(na)];
    g->s[n] = '\0';
    g->len = n;
}

static void gen_idset(struct gen *g)
{
    static const unsigned long big[] = { 16777215, 16777216, 16777217, 2147483646, 2147483647, 2147483648UL,
                                         4294967293UL, 4294967294UL, 4294967295UL, 4294967296UL,
                                         4294967297UL, 18446744073709551615UL };
    static const char *odd[] = { "", "", "", "", "", "", "", "", "", "0", "+", " ", "-", "x" };
    size_t els = below(5);
    unsigned long at = 0;
    char num[64];

    g->len = 0;
    g->s[0] = '\0';
    if (below(6) == 0)
        gen_put(g, "[");
    for (size_t e = 0; e < els; e++) {
        if (e)
            gen_put(g, below(15) ? "," : ",,");
        at += below(4) == 0 ? 0 : below(6);
        unsigned long lo = below(60) == 0 ? big[below(sizeof(big) / sizeof(big[0]))] : at;
        gen_put(g, PICK(odd));
        snprintf(num, sizeof(num), "%lu", lo);
        gen_put(g, num);
        if (below(2)) {
            unsigned long hi = below(60) == 0 ? big[below(sizeof(big) / sizeof(big[0]))] : lo + below(40);
            /* flux-core walks a span one id at a time and sizes its set to
             * the highest id: keep both small enough for a quick run */
            if (hi > lo && hi - lo > 100000 && (unsigned int)hi > (unsigned int)lo + 100000)
                hi = lo + 1;
            gen_put(g, "-");
            gen_put(g, PICK(odd));
            snprintf(num, sizeof(num), "%lu", hi);
            gen_put(g, num);
            at = hi + 1;
        } else {
            at = lo + 1;
        }
    }
    if (below(6) == 0)
        gen_put(g, "]");
}

static void run_random(uint64_t seed, size_t n)
{
    struct tally h = { .what = "hostlist random" }, a = { .what = "hostlist_append random" },
                 i = { .what = "idset random" };
    struct gen g1, g2;
    double t0 = now();

    rng_state = seed * 2654435761ULL + 1;
    costly_hosts = 1UL << 14;
    for (size_t k = 0; k < n; k++) {
        if (below(4) == 0)
            gen_noise(&g1, "[]-,+ \t0123456789ax");
        else
            gen_hostlist(&g1);
        check_hostlist(&h, g1.s);
    }
    tally_report(&h, now() - t0);
    h.what = NULL;

    t0 = now();
    for (size_t k = 0; k < n / 4; k++) {
        gen_hostlist(&g1);
        gen_hostlist(&g2);
        check_append(&a, g1.s, g2.s);
    }
    tally_report(&a, now() - t0);

    t0 = now();
    for (size_t k = 0; k < n; k++) {
        if (below(4) == 0)
            gen_noise(&g1, "[]-,+ 0123456789");
        else
            gen_idset(&g1);
        check_idset(&i, g1.s);
    }
    tally_report(&i, now() - t0);
}

/* --- main --------------------------------------------------------------- */

static int rows(bool idset)
{
    static char line[1 << 16];

    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *row = idset ? ref_idset_row(line) : ref_hostlist_row(line);
        if (!row) {
            fprintf(stderr, "hostlist-parity: '%s': the result holds a tab or a newline\n", line);
            return 1;
        }
        printf("%s\t%s\n", line, row);
        free(row);
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: hostlist-parity check [--hostlist-vectors F] [--shared-vectors F] "
                    "[--idset-vectors F] [--seed N] [--random N] [--slow 1]\n"
                    "       hostlist-parity hostlist|idset STRING\n"
                    "       hostlist-parity hostlist-rows|idset-rows < INPUTS\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "hostlist") == 0 || strcmp(argv[1], "idset") == 0)) {
        char *ref, *gate;
        bool hl = strcmp(argv[1], "hostlist") == 0;
        enum parity p = hl ? parity_hostlist(argv[2], &ref, &gate) : parity_idset(argv[2], &ref, &gate);
        static const char *verdict[] = { "same", "over the gate's limit", "flux-core never finishes",
                                         "flux-core crashes", "DIFFERENT" };
        printf("flux: %s\ngate: %s\n%s\n", ref, gate, verdict[p]);
        return p == PARITY_DIFFERENT;
    }
    if (argc == 2 && strcmp(argv[1], "hostlist-rows") == 0)
        return rows(false);
    if (argc == 2 && strcmp(argv[1], "idset-rows") == 0)
        return rows(true);
    if (argc < 2 || strcmp(argv[1], "check") != 0)
        return usage();

    uint64_t seed = 1;
    size_t nrandom = 0;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--hostlist-vectors") == 0)
            check_vectors(argv[++i], VEC_HOSTLIST);
        else if (strcmp(argv[i], "--shared-vectors") == 0)
            check_vectors(argv[++i], VEC_SHARED);
        else if (strcmp(argv[i], "--idset-vectors") == 0)
            check_vectors(argv[++i], VEC_IDSET);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--random") == 0)
            nrandom = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--slow") == 0)
            slow_mode = strcmp(argv[++i], "1") == 0;
        else
            return usage();
    }
    run_corpus();
    if (nrandom)
        run_random(seed, nrandom);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
