/* digest: canonical JSON fingerprints and the `flux config get` bytes. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/digest.h"
#include "common/toml.h"
#include "tap.h"

static char tmpdir[1024];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static const char *make_dir(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    if (mkdir(path, 0755) < 0) {
        perror(path);
        exit(1);
    }
    return path;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static struct conf *load(const char *dir)
{
    struct conf *c = NULL;
    struct conf_diag d;
    if (conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0)
        diag("conf_load %s: %s:%d: %s", dir, d.file, d.line, d.msg);
    return c;
}

/* FLUX-FACTS §12.b sample, and what `flux config get -c` printed for it. */
static const char *sample_toml =
    "[bootstrap]\n"
    "curve_cert = \"/tmp/x/curve.cert\"\n"
    "default_port = 8050\n"
    "default_bind = \"tcp://eth0:%p\"\n"
    "default_connect = \"tcp://%h:%p\"\n"
    "hosts = [\n"
    "  { host = \"test[0-7]\" },\n"
    "]\n"
    "\n"
    "[tbon]\n"
    "topo = \"kary:2\"\n"
    "\n"
    "[resource]\n"
    "config = [\n"
    "  { hosts = \"test[0-7]\", cores = \"0-3\" },\n"
    "]\n";

static const char *sample_out =
    "{\"bootstrap\":{\"curve_cert\":\"/tmp/x/curve.cert\",\"default_port\":8050,"
    "\"default_bind\":\"tcp://eth0:%p\",\"default_connect\":\"tcp://%h:%p\","
    "\"hosts\":[{\"host\":\"test[0-7]\"}]},\"tbon\":{\"topo\":\"kary:2\"},"
    "\"resource\":{\"config\":[{\"hosts\":\"test[0-7]\",\"cores\":\"0-3\"}]}}\n";

static void test_hashes(void)
{
    char sha[DIGEST_SHA256_STRLEN], md5[DIGEST_MD5_STRLEN];

    ok(digest_sha256("abc", 3, sha) == 0, "sha256 of abc");
    is(sha, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
       "sha256 matches the FIPS 180-2 vector");
    ok(digest_md5("", 0, md5) == 0, "md5 of empty input");
    is(md5, "d41d8cd98f00b204e9800998ecf8427e", "md5 matches RFC 1321");
}

static void test_canonical(void)
{
    json_t *a = json_loads("{\"b\":{\"z\":1,\"a\":[3,{\"y\":true,\"x\":null}]},\"a\":0.5,"
                           "\"\u00e9\":\"caf\u00e9 /\"}",
                           0, NULL);
    json_t *b = json_loads("{\"\u00e9\":\"caf\u00e9 /\",\"a\":0.5,"
                           "\"b\":{\"a\":[3,{\"x\":null,\"y\":true}],\"z\":1}}",
                           0, NULL);
    char *s = digest_canonical_json(a);
    char h1[DIGEST_SHA256_STRLEN], h2[DIGEST_SHA256_STRLEN];

    is(s, "{\"a\":0.5,\"b\":{\"a\":[3,{\"x\":null,\"y\":true}],\"z\":1},\"\u00e9\":\"caf\u00e9 /\"}",
       "canonical JSON sorts keys recursively, compact, raw UTF-8, '/' unescaped");
    free(s);
    ok(digest_json_sha256(a, h1) == 0 && digest_json_sha256(b, h2) == 0, "hash both orders");
    is(h1, h2, "key order does not change the canonical digest");
    json_object_set_new(json_object_get(b, "b"), "z", json_integer(2));
    digest_json_sha256(b, h2);
    ok(strcmp(h1, h2) != 0, "a changed value changes the canonical digest");
    json_t *i = json_integer(1), *r = json_real(1.0);
    s = digest_canonical_json(i);
    is(s, "1", "an integer stays an integer");
    free(s);
    s = digest_canonical_json(r);
    is(s, "1.0", "a real prints as jansson prints it");
    free(s);
    ok(digest_canonical_json(NULL) == NULL, "NULL is refused");
    json_decref(i);
    json_decref(r);
    json_decref(a);
    json_decref(b);
}

static void test_toml_order(void)
{
    /* FLUX-FACTS §12.b, verified against flux config get. */
    const char *dir = make_dir("order");
    write_file(dir, "a.toml",
               "arr0 = [1, 2]\n"
               "zz = \"top\"\n"
               "[t]\n"
               "sub = { y = 1, a = 2 }\n"
               "list = [\"a\"]\n"
               "k = 1\n"
               "[t.inner]\n"
               "q = 1\n"
               "[[t.aot]]\n"
               "n = 1\n");
    struct conf *c = load(dir);
    char *s = conf_flux_config_get(c, NULL);
    is(s,
       "{\"zz\":\"top\",\"arr0\":[1,2],\"t\":{\"k\":1,\"list\":[\"a\"],\"aot\":[{\"n\":1}],"
       "\"sub\":{\"y\":1,\"a\":2},\"inner\":{\"q\":1}}}\n",
       "tomlc99 order: scalars, then arrays, then tables, each in definition order");
    free(s);
    conf_destroy(c);

    /* the order every config file's object has (toml.c's TOML_FLUX) */
    static const char order_toml[] = "t = 1979-05-27T07:32:00Z\na = [1]\ns = 1\n"
                                     "h = [ { x = {}, b = 1 } ]\n";
    struct toml_opts topts = { .flags = TOML_FLUX };
    json_t *r = toml_parse(order_toml, strlen(order_toml), &topts, NULL);
    s = json_dumps(r, JSON_COMPACT);
    is(s, "{\"t\":{\"iso-8601-ts\":\"1979-05-27T07:32:00Z\"},\"s\":1,\"a\":[1],"
          "\"h\":[{\"b\":1,\"x\":{}}]}",
       "tomlc99's key order: a datetime sits with the scalars; tables inside arrays too");
    free(s);
    json_decref(r);
}

static void test_flux_format(void)
{
    const char *dir = make_dir("sample");
    write_file(dir, "system.toml", sample_toml);
    struct conf *c = load(dir);
    size_t len = 0;
    char *s = conf_flux_config_get(c, &len);
    char md5[DIGEST_MD5_STRLEN], want[DIGEST_MD5_STRLEN];

    is(s, sample_out, "the §12.b sample prints byte for byte as flux config get -c");
    is_int(len, 248, "and is 248 bytes long");
    ok(conf_flux_md5(c, md5) == 0, "md5 of the flux form");
    digest_md5(sample_out, strlen(sample_out), want);
    is(md5, want, "equals md5sum of the flux config get output");
    free(s);
    conf_destroy(c);

    /* Split across files: later files merge into earlier positions. */
    dir = make_dir("split");
    write_file(dir, "10-boot.toml",
               "[bootstrap]\ncurve_cert = \"/tmp/x/curve.cert\"\ndefault_port = 8050\n"
               "hosts = [{ host = \"test[0-7]\" }]\n");
    write_file(dir, "20-tbon.toml", "[tbon]\ntopo = \"kary:2\"\n");
    write_file(dir, "30-more.toml",
               "[resource]\nconfig = [{ hosts = \"test[0-7]\", cores = \"0-3\" }]\n"
               "[bootstrap]\ndefault_bind = \"tcp://eth0:%p\"\n"
               "default_connect = \"tcp://%h:%p\"\n");
    struct conf *c2 = load(dir);
    s = conf_flux_config_get(c2, NULL);
    is(s,
       "{\"bootstrap\":{\"curve_cert\":\"/tmp/x/curve.cert\",\"default_port\":8050,"
       "\"hosts\":[{\"host\":\"test[0-7]\"}],\"default_bind\":\"tcp://eth0:%p\","
       "\"default_connect\":\"tcp://%h:%p\"},\"tbon\":{\"topo\":\"kary:2\"},"
       "\"resource\":{\"config\":[{\"hosts\":\"test[0-7]\",\"cores\":\"0-3\"}]}}\n",
       "split files: keys first seen earlier keep their place, later keys append");
    free(s);

    c = NULL;
    dir = make_dir("sample2");
    write_file(dir, "system.toml", sample_toml);
    c = load(dir);
    char h1[DIGEST_SHA256_STRLEN], h2[DIGEST_SHA256_STRLEN];
    ok(c && c2 && digest_json_sha256(c->merged, h1) == 0 &&
           digest_json_sha256(c2->merged, h2) == 0,
       "canonical digests of both layouts");
    is(h1, h2, "the same config split differently has the same canonical digest");
    conf_destroy(c2);

    write_file(dir, "system.toml", "[tbon]\ntopo = \"kary:3\"\n");
    conf_destroy(c);
    c = load(dir);
    digest_json_sha256(c->merged, h2);
    ok(strcmp(h1, h2) != 0, "a changed value changes the canonical digest");
    conf_destroy(c);

    dir = make_dir("empty");
    c = load(dir);
    s = conf_flux_config_get(c, NULL);
    is(s, "{}\n", "an empty directory prints {}");
    free(s);
    conf_destroy(c);

    /* flux config get uses the recursive merge even for the IMP's dir. */
    dir = make_dir("imp");
    write_file(dir, "a.toml", "[run.prolog]\npath = \"/p\"\n");
    write_file(dir, "b.toml", "[run.epilog]\npath = \"/e\"\n");
    struct conf_diag d;
    ok(conf_load(NULL, dir, CONF_MERGE_SHALLOW, &c, &d) == 0, "load the imp dir shallow");
    s = conf_flux_config_get(c, NULL);
    is(s, "{\"run\":{\"prolog\":{\"path\":\"/p\"},\"epilog\":{\"path\":\"/e\"}}}\n",
       "the flux form merges recursively whatever the reader's merge");
    free(s);
    conf_destroy(c);

    /* A single .json file keeps jansson's (file) order. */
    write_file(tmpdir, "single.json", "{\"b\":{\"y\":[1],\"x\":1},\"a\":1.5}");
    char path[4096];
    snprintf(path, sizeof(path), "%s/single.json", tmpdir);
    c = load(path);
    s = conf_flux_config_get(c, NULL);
    is(s, "{\"b\":{\"y\":[1],\"x\":1},\"a\":1.5}\n", "a .json file keeps its own key order");
    free(s);
    conf_destroy(c);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/test-digest.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_hashes();
    test_canonical();
    test_toml_order();
    test_flux_format();
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
