/* rlist: [resource], resource.config, R v1 and the bootstrap re-rank. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/bootstrap.h"
#include "common/idset.h"
#include "common/rlist.h"
#include "common/toml.h"
#include "tap.h"

static json_t *toml(const char *text)
{
    struct toml_diag d;
    struct toml_opts opts = { .flags = TOML_FLUX };
    json_t *o = toml_parse(text, strlen(text), &opts, &d);
    if (!o)
        diag("TOML error %d:%d: %s in:\n%s", d.line, d.col, d.msg, text);
    return o;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What `flux R parse-config` does with a TOML text: the error, or "". */
static const char *parse_config_error(const char *text)
{
    static char err[512];
    json_t *c = toml(text);
    struct resource_conf rc;
    struct rlist *rl = NULL;

    err[0] = '\0';
    if (resource_conf_parse(c, &rc, err, sizeof(err)) == 0)
        rl = rlist_from_resource_conf(&rc, NULL, err, sizeof(err));
    if (rl)
        err[0] = '\0';
    rlist_destroy(rl);
    json_decref(c);
    return err;
}

static struct rlist *from_config(const char *text)
{
    char err[512];
    json_t *c = toml(text);
    struct resource_conf rc;
    struct rlist *rl = NULL;

    if (resource_conf_parse(c, &rc, err, sizeof(err)) == 0)
        rl = rlist_from_resource_conf(&rc, NULL, err, sizeof(err));
    if (!rl)
        diag("%s", err);
    json_decref(c);
    return rl;
}

/* "host:rank:cores:gpus host:..." */
static const char *nodes(const struct rlist *rl)
{
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; i < rlist_nnodes(rl); i++) {
        char *c = idset_encode(rlist_cores(rl, i));
        char *g = idset_encode(rlist_gpus(rl, i));
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s%s:%u:%s:%s", i ? " " : "",
                 rlist_host(rl, i) ? rlist_host(rl, i) : "-", rlist_rank(rl, i), c, g);
        free(c);
        free(g);
    }
    return buf;
}

static const char *props(const struct rlist *rl)
{
    static char buf[1024];
    json_t *o = rlist_properties(rl);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
    free(s);
    json_decref(o);
    return buf;
}

/* FLUX-FACTS §12.b: flux R parse-config */
static void test_parse_config(void)
{
    struct rlist *rl;

    rl = from_config("[resource]\nconfig = [{hosts = \"test[0-7]\", cores = \"0-3\"}]\n");
    is_int(rlist_nnodes(rl), 8, "test[0-7]: 8 nodes");
    is(nodes(rl),
       "test0:0:0-3: test1:1:0-3: test2:2:0-3: test3:3:0-3: test4:4:0-3: test5:5:0-3: "
       "test6:6:0-3: test7:7:0-3:",
       "rank i is test<i> with cores 0-3");
    is(props(rl), "{}", "no properties");
    rlist_destroy(rl);

    rl = from_config("[resource]\nconfig = [{hosts = \"b[2-3]\", cores = \"0-1\"},\n"
                     "  {hosts = \"a1\", cores = \"0-7\", gpus = \"0-1\"}]\n");
    is(nodes(rl), "b2:0:0-1: b3:1:0-1: a1:2:0-7:0-1",
       "ranks in order of first appearance, not sorted");
    is_int(rlist_find(rl, "a1"), 2, "find a1");
    is_int(rlist_find(rl, "a2"), -1, "a2 is not there");
    rlist_destroy(rl);

    rl = from_config("[resource]\nconfig = [{hosts = \"test[0-7]\", cores = \"0-3\"},\n"
                     "  {hosts = \"test[0-1]\", properties = [\"debug\"]}]\n");
    is(props(rl), "{\"debug\":\"0-1\"}", "properties as rank idsets");
    rlist_destroy(rl);

    /* found by fuzz-rlist: several new properties in one entry */
    rl = from_config("[resource]\nconfig = [{hosts = \"t[0-3]\", cores = \"0\", "
                     "properties = [\"a\", \"b\", \"c\", \"d\", \"e\", \"a\"]},\n"
                     "  {hosts = \"t[2-3]\", properties = [\"f\", \"b\"]}]\n");
    is(props(rl),
       "{\"a\":\"0-3\",\"b\":\"0-3\",\"c\":\"0-3\",\"d\":\"0-3\",\"e\":\"0-3\","
       "\"f\":\"2-3\"}",
       "many properties per entry, repeated names and entries");
    rlist_destroy(rl);

    rl = from_config("[resource]\nconfig = [{hosts = \"test[0-3]\", cores = \"0-3\"},\n"
                     "  {hosts = \"test[2-5]\", cores = \"4-7\"}]\n");
    is(nodes(rl), "test0:0:0-3: test1:1:0-3: test2:2:0-7: test3:3:0-7: test4:4:4-7: test5:5:4-7:",
       "overlapping entries are unioned, without touching the others' sets");
    rlist_destroy(rl);

    /* errors, all of flux-R's words */
    is(parse_config_error("[resource]\nconfig = [{hosts = \"test0\"}]\n"),
       "resource.config: test0 assigned no resources", "a host with no resources");
    is(parse_config_error("[resource]\nconfig = [{cores = \"0-3\"}]\n"),
       "config[0]: Object item not found: hosts", "an entry without hosts");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"test[0-1\", cores = \"0-3\"}]\n"),
       "config[0]: invalid hostlist 'test[0-1'", "an invalid hostlist");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"test0\", cores = \"a-b\"}]\n"),
       "config[0]: invalid idset cores='a-b'", "an invalid cores idset");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"test0\", cores = \"0-3\", foo = 1}]\n"),
       "config[0]: 1 object item(s) left unpacked: foo", "an unknown key in an entry");
    is(parse_config_error("[resource]\nnoverify = true\n"),
       "resource.config or resource.path must be defined", "neither config nor path");
    is(parse_config_error("[resource]\nconfig = []\n"), "no hosts configured", "config = []");

    /* more */
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\"},\n"
                          "  {hosts = \"t1\", gpus = \"2,1\"}]\n"),
       "config[1]: invalid idset gpus='2,1'", "gpus out of order (t0026-flux-R.t)");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", gpus = \"0\"}]\n"), "",
       "a gpu-only host has resources");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\", "
                          "properties = [\"a|b\"]}]\n"),
       "config[0]: invalid character '|' in property \"a|b\"", "a property with '|'");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\", "
                          "properties = [\"x!\"]}]\n"),
       "", "'!' is not checked by librlist");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\", "
                          "properties = \"debug\"}]\n"),
       "config[0]: properties must be an array of strings", "properties not an array");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\", "
                          "properties = [1]}]\n"),
       "config[0]: properties must be an array of strings", "a property not a string");
    is(parse_config_error("[resource]\nconfig = [{hosts = 5}]\n"),
       "config[0]: Expected string, got integer", "hosts not a string");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"a\", cores = \"0\"},"
                          " {hosts = \"b\"}, {hosts = \"c\", cores = \"1\"}]\n"),
       "resource.config: b assigned no resources", "the first host without resources is named");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"b\"}, {hosts = \"b\", cores = \"1\"}]\n"),
       "", "resources may come from a later entry");
    is(parse_config_error("[resource]\nconfig = 5\n"), "resource.config must be an array of tables",
       "config not an array");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"\", cores = \"0\"}]\n"),
       "config[0]: empty hostlist specified", "an empty hostlist (librlist)");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0\"}, {hosts = \",\"}]\n"),
       "config[1]: empty hostlist specified", "a hostlist of separators is empty too");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t[1-],t[+2]\", cores = \"0\"}]\n"), "",
       "t[1-],t[+2] are hosts to flux-core (t1, t02)");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"4294967296\"}]\n"), "",
       "cores = 4294967296 is core 0 to flux-core (ids are 32 bits)");
    errno = 0;
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", cores = \"0-16777217\"}]\n"),
       "config[0]: cores='0-16777217': ids up to 16777217: over flux-preflight's limit of 16777216 "
       "(flux-core accepts ids below 2^31)",
       "a core id over flux-preflight's limit is said to be its limit");
    is_int(errno, E2BIG, "with E2BIG (not checked, not a broker error)");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0\", gpus = \"2147483648\"}]\n"),
       "config[0]: invalid idset gpus='2147483648'", "an id past flux-core's universe is its error");
    errno = 0;
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t[0-18446744073709551615]x\", cores = \"0\"}]\n"),
       "config[0]: hosts='t[0-18446744073709551615]x': 't[0-18446744073709551615]x': a range that ends "
       "at 18446744073709551615 followed by a suffix: flux-core's libhostlist never finishes expanding it",
       "a hostlist flux-core never finishes expanding");
    is_int(errno, E2BIG, "with E2BIG");
    /* librlist reads each new name again as a hostlist for its host map */
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t0,a]b[1]\", cores = \"0\"}]\n"),
       "failed to append a]b1 to host map", "a]b[1] expands to a]b1, which is no hostlist");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t[1]99999999999999999999999\", cores = \"0\"}]\n"),
       "idset_set(ranks, -1): Invalid argument", "a first host whose digits overflow gets rank -1");
    is(parse_config_error("[resource]\nconfig = [{hosts = \"t1[2]\", cores = \"0\"}]\n"), "",
       "t1[2] decodes again (t12): accepted");
}

static void test_resource_table(void)
{
    char err[512];
    struct resource_conf rc;
    json_t *c;

#define PARSE(text) (c = toml(text), resource_conf_parse(c, &rc, err, sizeof(err)))
    ok(PARSE("[tbon]\n") == 0 && !rc.present, "no [resource]: nothing");
    ok(rc.verify.hostname == VERIFY_STRICT && rc.verify.core == VERIFY_ALLOW_EXTRA &&
           rc.verify.gpu == VERIFY_IGNORE && rc.journal_max == 100000 && rc.history == 90 * 86400,
       "defaults: verify hostname=strict core=allow-extra gpu=ignore, journal-max, history");
    json_decref(c);

    ok(PARSE("[resource]\npath = \"/etc/flux/system/R\"\nscheduling = \"/s.json\"\n"
             "exclude = \"test[0-1]\"\nnorestrict = true\nrediscover = true\n"
             "no-update-watch = true\njournal-max = 5000\nhistory = \"30d\"\n") == 0,
       "every documented key parses");
    ok(rc.present && strcmp(rc.path, "/etc/flux/system/R") == 0 &&
           strcmp(rc.scheduling, "/s.json") == 0 && strcmp(rc.exclude, "test[0-1]") == 0 &&
           rc.norestrict && rc.rediscover && rc.no_update_watch && rc.journal_max == 5000 &&
           rc.history == 30 * 86400 && rc.config == NULL,
       "with their values");
    json_decref(c);

    ok(PARSE("[resource]\nfoo = 1\n") < 0, "an unknown key fails");
    is(err, "error parsing [resource] configuration: 1 object item(s) left unpacked: foo",
       "error parsing [resource] configuration: ... left unpacked: foo");
    json_decref(c);
    ok(PARSE("[resource]\nnoverify = \"yes\"\n") < 0, "noverify not a bool");
    is(err, "error parsing [resource] configuration: Expected true or false, got string",
       "Expected true or false");
    json_decref(c);
    ok(PARSE("[resource]\njournal-max = \"x\"\n") < 0, "journal-max not an integer");
    is(err, "error parsing [resource] configuration: Expected integer, got string",
       "Expected integer");
    json_decref(c);
    ok(PARSE("[resource]\npath = 1\n") < 0, "path not a string");
    is(err, "error parsing [resource] configuration: Expected string, got integer",
       "Expected string");
    json_decref(c);
    ok(PARSE("[resource]\nhistory = \"1x\"\n") < 0, "history not an FSD");
    is(err, "error parsing [resource] configuration: history: invalid Flux Standard Duration '1x'",
       "invalid history");
    json_decref(c);

    ok(PARSE("[resource]\nverify = 1\n") < 0, "verify neither bool nor table");
    is(err, "error parsing [resource] configuration: verify must be a boolean or a table",
       "verify must be a boolean or a table");
    json_decref(c);
    ok(PARSE("[resource.verify]\ncore = \"bogus\"\n") < 0, "an unknown verify mode");
    is(err,
       "error parsing [resource] configuration: verify.core: invalid mode 'bogus' (strict, "
       "allow-extra, allow-missing or ignore)",
       "invalid mode named");
    json_decref(c);
    ok(PARSE("[resource.verify]\ncpu = \"strict\"\n") < 0, "an unknown verify key");
    is(err, "error parsing [resource] configuration: verify: 1 object item(s) left unpacked: cpu",
       "verify table is strict");
    json_decref(c);

    ok(PARSE("[resource.verify]\n") == 0 && rc.verify.hostname == VERIFY_STRICT &&
           rc.verify.core == VERIFY_STRICT && rc.verify.gpu == VERIFY_STRICT,
       "an explicit empty verify table is all strict");
    json_decref(c);
    ok(PARSE("[resource.verify]\ndefault = \"ignore\"\nhostname = \"allow-missing\"\n") == 0 &&
           rc.verify.hostname == VERIFY_ALLOW_MISSING && rc.verify.core == VERIFY_IGNORE &&
           rc.verify.gpu == VERIFY_IGNORE,
       "default applies to keys not given");
    json_decref(c);
    ok(PARSE("[resource]\nverify = false\n") == 0 && rc.verify.hostname == VERIFY_IGNORE &&
           rc.verify.core == VERIFY_IGNORE,
       "verify = false ignores everything");
    json_decref(c);
    ok(PARSE("[resource]\nverify = true\n") == 0 && rc.verify.core == VERIFY_ALLOW_EXTRA,
       "verify = true keeps the defaults");
    json_decref(c);
    ok(PARSE("[resource]\nnoverify = true\n[resource.verify]\ncore = \"strict\"\n") == 0 &&
           rc.verify.core == VERIFY_IGNORE && rc.noverify,
       "noverify overrides verify");
    json_decref(c);
    is(resource_verify_mode_name(VERIFY_ALLOW_EXTRA), "allow-extra", "mode names");
#undef PARSE
}

static struct rlist *R(const char *text, char *err, size_t errsz)
{
    return rlist_from_R_text(text, strlen(text), err, errsz);
}

static const char *R_error(const char *text)
{
    static char err[512];
    struct rlist *rl = R(text, err, sizeof(err));
    if (rl)
        err[0] = '\0';
    rlist_destroy(rl);
    return err;
}

static void test_R(void)
{
    char err[512];
    /* what flux R parse-config printed for the b[2-3],a1 case */
    struct rlist *rl = R("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-1\", "
                         "\"children\": {\"core\": \"0-1\"}}, {\"rank\": \"2\", \"children\": "
                         "{\"gpu\": \"0-1\", \"core\": \"0-7\"}}], \"starttime\": 0.0, "
                         "\"expiration\": 0.0, \"nodelist\": [\"b[2-3],a1\"]}}",
                         err, sizeof(err));
    ok(rl != NULL, "R v1 from flux R parse-config reads back");
    is(nodes(rl), "b2:0:0-1: b3:1:0-1: a1:2:0-7:0-1", "nodelist follows rank order");
    rlist_destroy(rl);

    rl = R("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"4-5\", \"children\": "
           "{\"core\": \"0\"}}, {\"rank\": \"1,3\", \"children\": {\"core\": \"1\"}}], "
           "\"nodelist\": [\"n[1,3]\", \"n[4-5]\"], \"properties\": {\"big\": \"3-4\"}}}",
           err, sizeof(err));
    is(nodes(rl), "n1:1:1: n3:3:1: n4:4:0: n5:5:0:",
       "R_lite in any order; nodelist maps to sorted ranks");
    is(props(rl), "{\"big\":\"3-4\"}", "properties keep their ranks");
    rlist_destroy(rl);

    rl = R("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
           "{\"core\": \"0\"}}]}}",
           err, sizeof(err));
    ok(rl && rlist_host(rl, 0) == NULL, "no nodelist: nodes without host names");
    rlist_destroy(rl);

    is(R_error("{\"version\": 2, \"execution\": {\"R_lite\": []}}"),
       "invalid R version 2 (only version 1 is supported)", "version 2");
    is(R_error("{\"execution\": {\"R_lite\": []}}"), "Object item not found: version",
       "version missing");
    is(R_error("{\"version\": 1, \"execution\": {}}"), "Object item not found: R_lite",
       "R_lite missing");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": {}}}"), "R_lite must be an array",
       "R_lite not an array");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\"}]}}"),
       "R_lite[0]: Object item not found: children", "no children");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"gpu\": \"0\"}}]}}"),
       "R_lite[0]: Object item not found: core", "no core");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"x\", \"children\": "
               "{\"core\": \"0\"}}]}}"),
       "R_lite[0]: invalid rank idset 'x'", "invalid rank idset");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"core\": \"3-1\"}}]}}"),
       "R_lite[0]: invalid core idset '3-1'", "invalid core idset");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"core\": \"0\", \"gpu\": \"01\"}}]}}"),
       "R_lite[0]: invalid gpu idset '01'", "invalid gpu idset");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-1\", \"children\": "
               "{\"core\": \"0\"}}, {\"rank\": \"1\", \"children\": {\"core\": \"1\"}}]}}"),
       "R_lite[1]: rank 1 appears more than once", "a rank twice");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-1\", \"children\": "
               "{\"core\": \"0\"}}], \"nodelist\": [\"a\"]}}"),
       "nodelist has 1 hosts but R_lite has 2 ranks", "nodelist too short");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-1\", \"children\": "
               "{\"core\": \"0\"}}], \"nodelist\": [\"a,a\"]}}"),
       "nodelist: host a appears more than once", "a host twice");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"core\": \"0\"}}], \"nodelist\": [\"a[\"]}}"),
       "nodelist[0]: invalid hostlist 'a['", "a bad nodelist hostlist");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"core\": \"0\"}}], \"properties\": {\"x\": \"1\"}}}"),
       "properties: x: rank 1 is not in R_lite", "a property on an unknown rank");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": "
               "{\"core\": \"0\"}}], \"properties\": {\"a!\": \"0\"}}}"),
       "properties: invalid character '!' in property \"a!\"", "RFC 20 forbids '!' in R");
    is(R_error("{\"version\": 1, \"execution\": {\"R_lite\": [], \"starttime\": 10.0, "
               "\"expiration\": 5.0}}"),
       "expiration (5) must be greater than starttime (10)", "expiration before starttime");
    is(R_error("{\"version\": 1,\n \"execution\": }"),
       "line 2 column 15: unexpected token near '}'", "JSON syntax error with its position");
    is(R_error("[]"), "Expected object, got array", "R not an object");

    /* parse-config with resource.path: the caller loads the file */
    json_t *c = toml("[resource]\npath = \"/etc/flux/system/R\"\n");
    json_t *Rj = json_loads("{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", "
                            "\"children\": {\"core\": \"0-3\"}}], \"nodelist\": [\"vm\"]}}",
                            0, NULL);
    struct resource_conf rc;
    resource_conf_parse(c, &rc, err, sizeof(err));
    rl = rlist_from_resource_conf(&rc, Rj, err, sizeof(err));
    is(nodes(rl), "vm:0:0-3:", "resource.path: R handed in by the caller");
    rlist_destroy(rl);
    json_decref(c);
    json_decref(Rj);
}

static void test_rerank(void)
{
    char err[512];
    struct bootstrap_error berr;
    json_t *c = toml("[bootstrap]\nhosts = [{host = \"vm\"}]\n"
                     "[resource]\nconfig = [{hosts = \"test0\", cores = \"0-1\"}]\n");
    struct bootstrap *b = bootstrap_parse(c, NULL, &berr);
    struct rlist *rl = rlist_from_config(json_object_get(json_object_get(c, "resource"), "config"),
                                         err, sizeof(err));
    ok(rlist_rerank(rl, b, err, sizeof(err)) < 0, "the host set differs");
    is(err, "Host vm not found in resources", "Host vm not found in resources (§12.d)");
    rlist_destroy(rl);
    bootstrap_destroy(b);
    json_decref(c);

    c = toml("[bootstrap]\ncurve_cert = \"/c\"\nhosts = [{host = \"n[0-2]\"}]\n"
             "[resource]\nconfig = [{hosts = \"n[0-1]\", cores = \"0\"}]\n");
    b = bootstrap_parse(c, NULL, &berr);
    rl = rlist_from_config(json_object_get(json_object_get(c, "resource"), "config"), err,
                           sizeof(err));
    ok(rlist_rerank(rl, b, err, sizeof(err)) < 0, "more bootstrap hosts than nodes");
    is(err, "Number of hosts (3) is greater than node count (2)", "greater than node count");
    rlist_destroy(rl);
    bootstrap_destroy(b);
    json_decref(c);

    c = toml("[bootstrap]\nhosts = [{host = \"n0\"}]\n"
             "[resource]\nconfig = [{hosts = \"n[0-1]\", cores = \"0\"}]\n");
    b = bootstrap_parse(c, NULL, &berr);
    rl = rlist_from_config(json_object_get(json_object_get(c, "resource"), "config"), err,
                           sizeof(err));
    ok(rlist_rerank(rl, b, err, sizeof(err)) < 0, "fewer bootstrap hosts than nodes");
    is(err, "Number of hosts (1) is less than node count (2)", "less than node count");
    rlist_destroy(rl);
    bootstrap_destroy(b);
    json_decref(c);

    c = toml("[bootstrap]\ncurve_cert = \"/c\"\nhosts = [{host = \"n2,n0,n1\"}]\n"
             "[resource]\nconfig = [{hosts = \"n[0-2]\", cores = \"0\"},\n"
             "  {hosts = \"n2\", cores = \"1\", properties = [\"big\"]},\n"
             "  {hosts = \"n1\", gpus = \"0\", properties = [\"gpu\"]}]\n");
    b = bootstrap_parse(c, NULL, &berr);
    rl = rlist_from_config(json_object_get(json_object_get(c, "resource"), "config"), err,
                           sizeof(err));
    is(props(rl), "{\"big\":\"2\",\"gpu\":\"1\"}", "before: config order ranks");
    ok(rlist_rerank(rl, b, err, sizeof(err)) == 0, "same host set in another order re-ranks");
    is(nodes(rl), "n2:0:0-1: n0:1:0: n1:2:0:0", "nodes follow the bootstrap rank order");
    is(props(rl), "{\"big\":\"0\",\"gpu\":\"2\"}", "properties follow their nodes");
    is_int(rlist_find(rl, "n1"), 2, "the index follows too");
    rlist_destroy(rl);
    bootstrap_destroy(b);
    json_decref(c);
}

static void test_exclude(void)
{
    char err[512];
    struct rlist *rl = from_config("[resource]\nconfig = [{hosts = \"test[0-7]\", cores = \"0\"}]\n");
    struct idset *ids;
    char *s;

    ids = resource_exclude_ranks("0-1", rl, err, sizeof(err));
    s = ids ? idset_encode(ids) : NULL;
    is(s, "0-1", "exclude as an idset of ranks");
    free(s);
    idset_destroy(ids);
    ids = resource_exclude_ranks("test[6-7]", rl, err, sizeof(err));
    s = ids ? idset_encode(ids) : NULL;
    is(s, "6-7", "exclude as a hostlist");
    free(s);
    idset_destroy(ids);
    ok(resource_exclude_ranks("8", rl, err, sizeof(err)) == NULL, "a rank beyond the size");
    is(err, "exclude: rank 8 is not in the instance (size 8)", "named");
    ok(resource_exclude_ranks("20000000", rl, err, sizeof(err)) == NULL,
       "a rank over flux-preflight's idset limit (an idset to flux-core)");
    is(err, "exclude: '20000000' names ranks over 16777216, not in the instance (size 8)",
       "is out of range, not a host name");
    ok(resource_exclude_ranks("test9", rl, err, sizeof(err)) == NULL, "an unknown host");
    is(err, "exclude: host test9 is not in the resource set", "named");
    ok(resource_exclude_ranks("x[", rl, err, sizeof(err)) == NULL, "garbage");
    is(err, "exclude: 'x[' is neither an idset nor a hostlist", "named");
    rlist_destroy(rl);
}

static void test_scale(void)
{
    char err[512];
    struct bootstrap_error berr;
    json_t *c = toml("[bootstrap]\ncurve_cert = \"/c\"\nhosts = [{host = \"n[0-99999]\"}]\n"
                     "[resource]\nconfig = [{hosts = \"n[0-99999]\", cores = \"0-127\"},\n"
                     "  {hosts = \"n[0-9]\", gpus = \"0-7\"}]\n");
    struct bootstrap *b = bootstrap_parse(c, "n5", &berr);
    double t0 = now();
    struct rlist *rl =
        rlist_from_config(json_object_get(json_object_get(c, "resource"), "config"), err,
                          sizeof(err));
    double t1 = now();
    int rc = rlist_rerank(rl, b, err, sizeof(err));
    double t2 = now();
    ok(rl && rlist_nnodes(rl) == 100000 && rc == 0, "100k hosts: config and re-rank");
    ok(idset_count(rlist_gpus(rl, 5)) == 8 && idset_count(rlist_cores(rl, 5)) == 128 &&
           idset_count(rlist_gpus(rl, 50)) == 0,
       "per-host sets");
    diag("100k hosts: rlist_from_config %.1f ms, rerank %.1f ms (this build)", (t1 - t0) * 1e3,
         (t2 - t1) * 1e3);
    rlist_destroy(rl);
    bootstrap_destroy(b);
    json_decref(c);
}

int main(void)
{
    test_parse_config();
    test_resource_table();
    test_R();
    test_rerank();
    test_exclude();
    test_scale();
    return done_testing();
}
