/* topology: TBON parents per scheme, and [tbon] validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/toml.h"
#include "common/topology.h"
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

static const char *interior(const char *scheme, int size)
{
    static char buf[256];
    char err[256];
    struct topology *t = topology_create(scheme, size, NULL, err, sizeof(err));
    char *s = t ? topology_interior_idset(t) : NULL;
    snprintf(buf, sizeof(buf), "%s", s ? s : err);
    free(s);
    topology_destroy(t);
    return buf;
}

/* "p0 p1 p2 ..." for ranks 0..size-1 */
static const char *parents(const char *scheme, int size, const int *keys)
{
    static char buf[1024];
    char err[256];
    struct topology *t = topology_create(scheme, size, keys, err, sizeof(err));
    if (!t) {
        snprintf(buf, sizeof(buf), "%s", err);
        return buf;
    }
    buf[0] = '\0';
    for (int i = 0; i < size; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? " " : "", topology_parent(t, i));
    }
    topology_destroy(t);
    return buf;
}

static void test_vectors(void)
{
    /* core: src/modules/overlay/test/topology.c */
    is(interior("kary:16", 48), "0-2", "kary:16 size 48: interior 0-2");
    is(interior("binomial", 8), "0,2,4,6", "binomial size 8: interior 0,2,4,6");
    is(interior("mincrit", 1025), "0", "mincrit size 1025: flat, interior 0");
    is(interior("mincrit", 1026), "0-2", "mincrit size 1026: interior 0-2");
    is(interior("mincrit", 2052), "0-3", "mincrit size 2052: interior 0-3");
    is(interior("mincrit", 10800), "0-11", "mincrit size 10800: interior 0-11");
    is(interior("kary:32", 1), "", "a singleton has no interior rank");
}

static void test_parent_tables(void)
{
    is(parents("kary:2", 7, NULL), "-1 0 0 1 1 2 2", "kary:2 size 7");
    is(parents("kary:3", 8, NULL), "-1 0 0 0 1 1 1 2", "kary:3 size 8");
    is(parents("kary:1", 5, NULL), "-1 0 1 2 3", "kary:1 is a chain");
    is(parents("kary:0", 5, NULL), "-1 0 0 0 0", "kary:0 is flat");
    is(parents("kary:32", 4, NULL), "-1 0 0 0", "kary:32 size 4");
    is(parents("binomial", 8, NULL), "-1 0 0 2 0 4 4 6", "binomial size 8: i & (i-1)");
    is(parents("mincrit:2", 7, NULL), "-1 0 0 1 2 1 2", "mincrit:2 size 7");
    is(parents("mincrit:3", 10, NULL), "-1 0 0 0 1 2 3 1 2 3", "mincrit:3 size 10");
    is(parents("mincrit:0", 4, NULL), "-1 0 0 0", "mincrit:0 is flat");
    is(parents("mincrit:9", 4, NULL), "-1 0 0 0", "mincrit:K with K >= size is flat");
    is(parents("mincrit", 5, NULL), "-1 0 0 0 0", "mincrit (auto) small is flat");
    is(parents("custom", 4, NULL), "-1 0 0 0", "custom without parent keys is flat");
}

static void test_custom(void)
{
    /* flux-config-bootstrap(5): 3-level tree */
    int keys[] = { -1, -1, -1, 1, 1, 2, 2 };
    is(parents("custom", 7, keys), "-1 0 0 1 1 2 2", "custom with parent keys");
    is(parents("kary:0", 7, keys), "-1 0 0 0 0 0 0", "parent keys are ignored by kary");
    is(parents("binomial", 4, keys), "-1 0 0 2", "and by binomial");

    int root[] = { 1, -1, -1 };
    is(parents("custom", 3, root), "rank 0 may not have a parent in a tree topology",
       "rank 0 may not have a parent");
    is(parents("kary:2", 3, root), "-1 0 0", "(not checked for kary)");

    int cycle[] = { -1, 2, 1, -1 };
    is(parents("custom", 4, cycle), "rank 2 parent 1 violates rule against cycles",
       "a 2-cycle is rejected at its last rank");
    int two[] = { -1, 5, 0, 4, 3, 1, -1 };
    is(parents("custom", 7, two), "rank 4 parent 3 violates rule against cycles",
       "of two cycles, the one closed first in rank order is reported");
    int self[] = { -1, 1, -1 };
    is(parents("custom", 3, self), "rank 1 parent 1 violates rule against cycles",
       "a self parent is a cycle");
    int tail[] = { -1, 3, 1, 4, 3 };
    is(parents("custom", 5, tail), "rank 4 parent 3 violates rule against cycles",
       "a chain leading into a cycle reports the cycle");
    int range[] = { -1, 7 };
    is(parents("custom", 2, range), "rank 1 parent 7 is out of range (size 2)",
       "a parent out of range");

    char err[256];
    struct topology *t = topology_create("custom", 7, keys, err, sizeof(err));
    int path[8];
    is_int(topology_path(t, 6, path, 8), 3, "path from rank 6 has 3 ranks");
    ok(path[0] == 6 && path[1] == 2 && path[2] == 0, "6 -> 2 -> 0");
    is_int(topology_depth(t, 6), 2, "depth of rank 6 is 2");
    is_int(topology_depth(t, 0), 0, "depth of rank 0 is 0");
    is_int(topology_path(t, 6, path, 1), 3, "a short buffer still returns the full length");
    is_int(topology_path(t, 7, path, 8), -1, "rank out of range");
    is_int(topology_child_count(t, 0), 2, "rank 0 has 2 children");
    is_int(topology_child_count(t, 1), 2, "rank 1 has 2 children");
    ok(topology_is_interior(t, 2) && !topology_is_interior(t, 3), "2 interior, 3 a leaf");
    is_int(topology_parent(t, 0), -1, "rank 0 has no parent");
    is_int(topology_parent(t, 99), -1, "out-of-range parent is -1");
    is_int(topology_size(t), 7, "size");
    is(topology_scheme(t), "custom", "scheme");
    topology_destroy(t);
}

static void test_scheme_errors(void)
{
    is(interior("foo:2", 4), "unknown topology scheme 'foo'", "unknown scheme (broker text)");
    is(interior("", 4), "unknown topology scheme ''", "empty scheme");
    is(interior("kary:x", 4), "kary:x: k must be an unsigned integer", "kary:x");
    is(interior("kary:-1", 4), "kary:-1: k must be an unsigned integer", "kary:-1");
    is(interior("kary", 4), "kary:: k must be an unsigned integer", "kary without k");
    is(interior("kary:99999999999", 4), "kary:99999999999: k must be an unsigned integer",
       "kary:K beyond int");
    is(interior("binomial:2", 4), "binomial topology does not accept an argument",
       "binomial takes no argument");
    is(interior("custom:1", 4), "custom topology does not accept an argument",
       "custom takes no argument");
    is(interior("mincrit:x", 4), "mincrit:x: k must be an unsigned integer", "mincrit:x");
    char err[64];
    ok(topology_create("kary:2", 0, NULL, err, sizeof(err)) == NULL, "size 0 is refused");
}

static void test_from_config(void)
{
    char err[256];
    struct bootstrap_error berr;
    json_t *c = toml("[bootstrap]\ncurve_cert = \"/c\"\n"
                     "hosts = [{host = \"n[0-6]\"}, {host = \"n3\", parent = \"n1\"}]\n");
    struct bootstrap *b = bootstrap_parse(c, "n3", &berr);
    struct topology *t = topology_from_config(c, b, err, sizeof(err));
    ok(t != NULL, "topology from a config with [bootstrap]");
    is(topology_scheme(t), "custom", "[bootstrap] makes custom the default");
    is_int(topology_parent(t, 3), 1, "n3's parent key gives rank 1");
    is_int(topology_parent(t, 4), 0, "others are flat under 0");
    topology_destroy(t);
    json_object_set_new(c, "tbon", json_pack("{s:s}", "topo", "kary:2"));
    t = topology_from_config(c, b, err, sizeof(err));
    is(topology_scheme(t), "kary:2", "[tbon] topo overrides");
    is_int(topology_parent(t, 3), 1, "kary:2 parent of 3 is 1 (keys ignored)");
    is_int(topology_parent(t, 6), 2, "kary:2 parent of 6 is 2");
    topology_destroy(t);
    bootstrap_destroy(b);
    json_decref(c);

    c = toml("[bootstrap]\ncurve_cert = \"/c\"\n"
             "hosts = [{host = \"n0\", parent = \"n1\"}, {host = \"n1\"}]\n");
    b = bootstrap_parse(c, NULL, &berr);
    ok(b != NULL, "the broker's [bootstrap] check lets a parent on rank 0 through");
    t = topology_from_config(c, b, err, sizeof(err));
    ok(t == NULL, "the overlay refuses it");
    is(err, "rank 0 may not have a parent in a tree topology", "rank 0 may not have a parent");
    bootstrap_destroy(b);
    json_decref(c);

    /* §3.6: bind on ranks with children, the parent's connect on the others */
    c = toml("[bootstrap]\ncurve_cert = \"/c\"\ndefault_port = 8050\n"
             "hosts = [{host = \"n0\", bind = \"tcp://eth0:%p\", connect = \"tcp://n0:%p\"},\n"
             "  {host = \"n[1-3]\"}]\n[tbon]\ntopo = \"kary:2\"\n");
    b = bootstrap_parse(c, NULL, &berr);
    t = topology_from_config(c, b, err, sizeof(err));
    ok(topology_check_uris(t, b, 0, err, sizeof(err)) == 0, "rank 0 binds: fine");
    ok(topology_check_uris(t, b, 2, err, sizeof(err)) == 0, "rank 2 connects to rank 0: fine");
    ok(topology_check_uris(t, b, 3, err, sizeof(err)) < 0, "rank 3's parent 1 has no connect");
    is(err, "connect URI is undefined for rank 1", "connect URI is undefined for rank 1");
    ok(topology_check_uris(t, b, 1, err, sizeof(err)) < 0, "rank 1 has a child, no bind");
    is(err, "bind URI is undefined for rank 1", "bind URI is undefined for rank 1");
    ok(topology_check_uris(t, b, -1, err, sizeof(err)) < 0, "all ranks: the first fault");
    is(err, "bind URI is undefined for rank 1", "in rank order");
    topology_destroy(t);
    json_object_set_new(c, "tbon", json_pack("{s:s}", "topo", "kary:0"));
    t = topology_from_config(c, b, err, sizeof(err));
    ok(topology_check_uris(t, b, -1, err, sizeof(err)) == 0, "flat: only rank 0 binds, all fine");
    topology_destroy(t);
    bootstrap_destroy(b);
    json_decref(c);
    c = toml("[bootstrap]\nhosts = [{host = \"n0\"}]\n");
    b = bootstrap_parse(c, NULL, &berr);
    t = topology_from_config(c, b, err, sizeof(err));
    ok(topology_check_uris(t, b, -1, err, sizeof(err)) == 0, "a singleton needs no URIs");
    topology_destroy(t);
    bootstrap_destroy(b);
    json_decref(c);

    c = toml("[tbon]\ntopo = \"binomial\"\n");
    t = topology_from_config(c, NULL, err, sizeof(err));
    ok(t && topology_size(t) == 1, "no bootstrap: a singleton");
    topology_destroy(t);
    json_decref(c);
    is(topology_default_scheme(false), "kary:32", "default without [bootstrap] is kary:32");
    is(topology_default_scheme(true), "custom", "default with [bootstrap] is custom");
}

/* Run tbon_validate; return "E:key: msg | W:key: msg ..." */
static const char *tbon(const char *text, int *nerr)
{
    static char buf[4096];
    json_t *c = toml(text);
    json_t *e = json_array(), *w = json_array();
    int n = tbon_validate(c, 8, e, w);
    size_t i;
    json_t *x;

    buf[0] = '\0';
    json_array_foreach(e, i, x) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof(buf) - l, "%sE:%s: %s", l ? " | " : "",
                 json_string_value(json_object_get(x, "key")),
                 json_string_value(json_object_get(x, "message")));
    }
    json_array_foreach(w, i, x) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof(buf) - l, "%sW:%s: %s", l ? " | " : "",
                 json_string_value(json_object_get(x, "key")),
                 json_string_value(json_object_get(x, "message")));
    }
    if (nerr)
        *nerr = n;
    json_decref(c);
    json_decref(e);
    json_decref(w);
    return buf;
}

static void test_tbon(void)
{
    int n;

    is(tbon("x = 1\n", &n), "", "no [tbon]: nothing to say");
    is(tbon("[tbon]\ntopo = \"kary:2\"\ntorpid_min = \"5s\"\ntorpid_max = \"30s\"\n"
            "tcp_user_timeout = \"20s\"\nconnect_timeout = \"30s\"\nzmqdebug = 0\n"
            "zmq_io_threads = 1\nchild_rcvhwm = 0\n",
            &n),
       "", "every key at its default is clean");
    is_int(n, 0, "zero errors");

    /* core: t/t0013-config-file.t */
    is(tbon("[tbon]\ntorpid_max = 5\n", &n), "E:tbon.torpid_max: Config file error [tbon]: Expected string, got integer",
       "torpid_max = 5: Expected string");
    is_int(n, 1, "one error");
    is(tbon("[tbon]\ntcp_user_timeout = 42\n", NULL),
       "E:tbon.tcp_user_timeout: Config file error [tbon]: Expected string, got integer", "tcp_user_timeout = 42");
    is(tbon("[tbon]\nzmqdebug = \"x\"\n", NULL), "E:tbon.zmqdebug: Config file error [tbon]: Expected integer, got string",
       "zmqdebug = \"x\": Expected integer");
    is(tbon("[tbon]\nconnect_timeout = \"1x\"\n", NULL),
       "E:tbon.connect_timeout: Config file error parsing tbon.connect_timeout", "an invalid FSD");
    is(tbon("[tbon]\nchild_rcvhwm = 1\n", NULL), "E:tbon.child_rcvhwm: tbon.child_rcvhwm must be 0 (unlimited) or >= 2",
       "child_rcvhwm = 1");
    is(tbon("[tbon]\nchild_rcvhwm = -3\n", NULL),
       "E:tbon.child_rcvhwm: tbon.child_rcvhwm must be 0 (unlimited) or >= 2", "child_rcvhwm negative");
    is(tbon("[tbon]\nchild_rcvhwm = 2.0\n", NULL),
       "E:tbon.child_rcvhwm: Config file error [tbon]: Expected integer, got real", "child_rcvhwm a real");
    is(tbon("[tbon]\nzmq_io_threads = 0\n", NULL),
       "E:tbon.zmq_io_threads: tbon.zmq_io_threads must be >= 1", "zmq_io_threads = 0");
    is(tbon("[tbon]\ntorpid_min = \"0\"\n", NULL), "E:tbon.torpid_min: tbon.torpid_min must be nonzero",
       "torpid_min = 0");
    is(tbon("[tbon]\ntorpid_min = \"40s\"\n", NULL),
       "E:tbon.torpid_min: tbon.torpid_min must be less than torpid_max",
       "torpid_min above the default torpid_max");
    is(tbon("[tbon]\ntorpid_min = \"1m\"\ntorpid_max = \"1m\"\n", NULL),
       "E:tbon.torpid_min: tbon.torpid_min must be less than torpid_max",
       "torpid_min equal to torpid_max");
    is(tbon("[tbon]\ntorpid_max = \"0\"\ntorpid_min = \"1m\"\n", NULL),
       "W:tbon.torpid_max: torpid_max = 0 disables torpid detection: a hung node stays schedulable",
       "torpid_max = 0 lifts the relation but is warned about");
    is(tbon("[tbon]\ntopo = \"foo:2\"\n", NULL), "E:tbon.topo: Error creating foo:2 topology: unknown topology scheme 'foo'",
       "topo = foo:2");
    is(tbon("[tbon]\ntopo = 2\n", NULL),
       "E:tbon.topo: Config file error [tbon]: Expected string, got integer", "topo not a string");
    is(tbon("[tbon]\ntopo = \"kary:x\"\n", NULL),
       "E:tbon.topo: Error creating kary:x topology: kary:x: k must be an unsigned integer",
       "topo kary:x");
    is(tbon("tbon = 1\n", &n), "E:tbon: Config file error [tbon]: Expected object, got integer",
       "[tbon] not a table");
    is(tbon("[tbon]\ninterface-hint = 3\n", NULL),
       "E:tbon.interface-hint: Config file error [tbon]: Expected string, got integer",
       "interface-hint not a string");

    /* warnings */
    is(tbon("[tbon]\nbogus = 1\n", &n), "W:tbon.bogus: unknown key 'bogus' is ignored by the broker",
       "an unknown key is accepted by the broker, warned here");
    is_int(n, 0, "and is not an error");
    is(tbon("[tbon]\ntorpid_min = \"100ms\"\ntorpid_max = \"2s\"\n", NULL),
       "W:tbon.torpid_min: torpid_min = 0.1s is below 1s: idle children send keepalives that "
       "often | W:tbon.torpid_max: torpid_max = 2s is below 5s: a briefly busy node is marked "
       "torpid",
       "short torpid values");
    is(tbon("[tbon]\ntorpid_min = \"10m\"\ntorpid_max = \"1h\"\n", NULL),
       "W:tbon.torpid_min: torpid_min = 10m is above 5m: a stalled node is noticed late | "
       "W:tbon.torpid_max: torpid_max = 1h is above 30m: a hung node is noticed late",
       "long torpid values");
    is(tbon("[tbon]\ntcp_user_timeout = \"0\"\n", NULL),
       "W:tbon.tcp_user_timeout: tcp_user_timeout = 0 uses the kernel default: a dead peer is "
       "noticed only after ~15 minutes of retransmits (flux default 20s)",
       "tcp_user_timeout = 0");
    is(tbon("[tbon]\ntcp_user_timeout = \"2m\"\n", NULL), "",
       "tcp_user_timeout = 2m (the admin guide's value) is within range");
    is(tbon("[tbon]\ntcp_user_timeout = \"1s\"\n", NULL),
       "W:tbon.tcp_user_timeout: tcp_user_timeout = 1s is below 5s: brief congestion disconnects "
       "children",
       "tcp_user_timeout = 1s");
    is(tbon("[tbon]\ntcp_user_timeout = \"2h\"\n", NULL),
       "W:tbon.tcp_user_timeout: tcp_user_timeout = 2h is above 1h: a dead peer is noticed late",
       "tcp_user_timeout = 2h");
    ok(strstr(tbon("[tbon]\nconnect_timeout = \"0\"\n", NULL), "W:tbon.connect_timeout") != NULL,
       "connect_timeout = 0 warned");
    ok(strstr(tbon("[tbon]\nconnect_timeout = \"0.5s\"\n", NULL), "below 1s") != NULL,
       "connect_timeout = 0.5s warned");
    ok(strstr(tbon("[tbon]\nconnect_timeout = \"1h\"\n", NULL), "above 10m") != NULL,
       "connect_timeout = 1h warned");
    ok(strstr(tbon("[tbon]\nzmqdebug = 1\n", NULL), "W:tbon.zmqdebug") != NULL,
       "zmqdebug = 1 warned");
    ok(strstr(tbon("[tbon]\nzmq_io_threads = 64\n", NULL), "above 32") != NULL,
       "zmq_io_threads = 64 warned");
    ok(strstr(tbon("[tbon]\nchild_rcvhwm = 10\n", NULL), "below 100") != NULL,
       "child_rcvhwm = 10 warned");
    is(tbon("[bootstrap]\n[tbon]\ninterface-hint = \"eth0\"\n", NULL),
       "W:tbon.interface-hint: interface-hint is only used for PMI boot: ignored with [bootstrap]",
       "interface-hint with [bootstrap]");
    is(tbon("[tbon]\ninterface-hint = \"eth0\"\n", NULL), "", "interface-hint without it");
}

int main(void)
{
    test_vectors();
    test_parent_tables();
    test_custom();
    test_scheme_errors();
    test_from_config();
    test_tbon();
    return done_testing();
}
