/* bootstrap: [bootstrap] as the broker validates it, message for message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/bootstrap.h"
#include "common/toml.h"
#include "common/topology.h"
#include "tap.h"

#define CERT "curve_cert = \"/etc/flux/system/curve.cert\"\n"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static json_t *toml(const char *text)
{
    struct toml_diag d;
    struct toml_opts opts = { .flags = TOML_FLUX };
    json_t *o = toml_parse(text, strlen(text), &opts, &d);
    if (!o)
        diag("TOML error %d:%d: %s in:\n%s", d.line, d.col, d.msg, text);
    return o;
}

/* Parse text as hostname; return the error text ("" on success). */
static const char *error_of(const char *text, const char *hostname)
{
    static struct bootstrap_error err;
    json_t *o = toml(text);
    struct bootstrap *b = bootstrap_parse(o, hostname, &err);
    if (b)
        err.text[0] = '\0';
    bootstrap_destroy(b);
    json_decref(o);
    return err.text;
}

static const char *keypath_of_error(const char *text, const char *hostname)
{
    static struct bootstrap_error err;
    json_t *o = toml(text);
    struct bootstrap *b = bootstrap_parse(o, hostname, &err);
    bootstrap_destroy(b);
    json_decref(o);
    return b ? "" : err.keypath;
}

static struct bootstrap *parse(const char *text, const char *hostname)
{
    struct bootstrap_error err;
    json_t *o = toml(text);
    struct bootstrap *b = bootstrap_parse(o, hostname, &err);
    if (!b)
        diag("bootstrap_parse: %s (%s)", err.text, err.keypath);
    json_decref(o);
    return b;
}

/* Messages of the warnings, joined by " | ". */
static const char *warnings_of(const struct bootstrap *b)
{
    static char buf[8192];
    size_t i;
    json_t *w;
    buf[0] = '\0';
    json_array_foreach(bootstrap_warnings(b), i, w) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s%s: %s", n ? " | " : "",
                 json_string_value(json_object_get(w, "key")),
                 json_string_value(json_object_get(w, "message")));
    }
    return buf;
}

static const char *uri(const struct bootstrap *b, int rank, bool bind)
{
    static char buf[BOOTSTRAP_URI_MAX];
    int rc = bind ? bootstrap_bind_uri(b, rank, buf, sizeof(buf))
                  : bootstrap_connect_uri(b, rank, buf, sizeof(buf));
    return rc < 0 ? "(error)" : rc == 0 ? "(none)" : buf;
}

/* FLUX-FACTS §12.d: every message the real broker printed. */
static void test_broker_messages(void)
{
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\"}, {host = \"test1\"}]\n", "vm"),
       "curve_cert must be defined for size > 1", "no curve_cert, size 2");
    is(error_of("[bootstrap]\ndefault_port = 70000\nhosts = [{host = \"vm\"}]\n", "vm"),
       "default_port must be in the range of 0-65535", "default_port = 70000");
    is(error_of("[bootstrap]\ndefault_port = \"8050\"\nhosts = [{host = \"vm\"}]\n", "vm"),
       "Expected integer, got string", "default_port = \"8050\"");
    is(error_of("[bootstrap]\ndefault_port = 8050\ndefault_bind = \"eth0:%p\"\n"
                "hosts = [{host = \"vm\"}]\n",
                "vm"),
       "invalid hosts[0]: bind key eth0:8050 has no URI scheme", "bind with no URI scheme");
    is(error_of("[bootstrap]\ndefault_port = 8050\ndefault_bind = \"udp://eth0:%p\"\n"
                "hosts = [{host = \"vm\"}]\n",
                "vm"),
       "invalid hosts[0]: bind key udp://eth0:8050 URI scheme must be tcp or ipc",
       "bind with udp scheme");
    is(error_of("[bootstrap]\ndefault_bind = \"tcp://eth0:*\"\nhosts = [{host = \"vm\"}]\n", "vm"),
       "invalid hosts[0]: bind key tcp://eth0:* contains 0MQ port wildcard", "0MQ wildcard");
    is(error_of("[bootstrap]\n" CERT "hosts = [{host = \"bad_host\"}, {host = \"vm\"}]\n", "vm"),
       "invalid hosts[0]: bad_host domain label contains invalid character '_' (0x5f)",
       "host name with '_'");
    is(error_of("[bootstrap]\nfoo = 1\nhosts = [{host = \"vm\"}]\n", "vm"),
       "1 object item(s) left unpacked: foo", "unknown key in [bootstrap]");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", port = 1}]\n", "vm"),
       "invalid hosts[0]: 1 object item(s) left unpacked: port", "unknown key in a hosts entry");
    is(error_of("[bootstrap]\nhosts = \"vm\"\n", "vm"), "must be array type", "hosts = \"vm\"");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm[\"}]\n", "vm"),
       "invalid hosts[0]: host key is not a valid RFC 29 hostlist", "host = \"vm[\"");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", parent = \"zz\"}]\n", "vm"),
       "invalid hosts[0]: parent key refers to unknown host", "parent = unknown host");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", parent = \"vm\"}]\n", "vm"),
       "invalid hosts[0]: parent key refers to self", "parent = self");
    is(error_of("[bootstrap]\nhosts = [{bind = \"tcp://eth0:1\"}]\n", "vm"),
       "invalid hosts[0]: Object item not found: host", "hosts entry without host");
    is(error_of("[bootstrap]\n" CERT "hosts = [{host = \"test[0-7]\"}]\n", "vm"),
       "vm not found in hosts", "this host not in hosts");
}

static void test_more_errors(void)
{
    is(error_of("bootstrap = 5\n", "vm"), "Expected object, got integer",
       "[bootstrap] not a table");
    is(error_of("[bootstrap]\nfoo = 1\nbar = 2\n", "vm"), "2 object item(s) left unpacked: foo, bar",
       "two unknown keys, in order");
    is(error_of("[bootstrap]\ncurve_cert = 1\n", "vm"), "Expected string, got integer",
       "curve_cert not a string");
    is(error_of("[bootstrap]\nenable_ipv6 = \"yes\"\n", "vm"),
       "Expected true or false, got string", "enable_ipv6 not a boolean");
    is(error_of("[bootstrap]\ndefault_bind = 1\n", "vm"), "Expected string, got integer",
       "default_bind not a string");
    is(error_of("[bootstrap]\nhosts = [{host = 1}]\n", "vm"),
       "invalid hosts[0]: Expected string, got integer", "host not a string");
    is(error_of("[bootstrap]\nhosts = [\"vm\"]\n", "vm"),
       "invalid hosts[0]: Expected object, got string", "hosts entry not a table");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", bind = 5}]\n", "vm"),
       "invalid hosts[0]: Expected string, got integer", "bind not a string");

    /* hosts[N] in pass-2 messages indexes the expanded list */
    const char *t = "[bootstrap]\n" CERT "hosts = [{host = \"a[0-3]\"}, {host = \"b_x\"}]\n";
    is(error_of(t, NULL), "invalid hosts[4]: b_x domain label contains invalid character '_' (0x5f)",
       "pass 2 indexes the expanded list (hosts[4])");
    is(keypath_of_error(t, NULL), "bootstrap.hosts[1].host", "while the keypath names hosts[1]");
    is(error_of("[bootstrap]\nhosts = [{host = \"a\"}, {host = \"b\", parent = \"b\"}]\n" CERT,
                NULL),
       "invalid hosts[1]: parent key refers to self", "parent self on rank 1");

    /* host names: RFC 1035 */
    is(error_of("[bootstrap]\nhosts = [{host = \"-vm\"}]\n", NULL),
       "invalid hosts[0]: -vm domain label begins with hyphen", "leading hyphen");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm-\"}]\n", NULL),
       "invalid hosts[0]: vm- domain label ends with hyphen", "trailing hyphen");
    is(error_of("[bootstrap]\nhosts = [{host = \"a..b\"}]\n", NULL),
       "invalid hosts[0]: a..b domain label is empty", "empty label");
    char big[600];
    memset(big, 'a', 64);
    big[64] = '\0';
    char text[1024], want[1024];
    snprintf(text, sizeof(text), "[bootstrap]\nhosts = [{host = \"%s\"}]\n", big);
    snprintf(want, sizeof(want), "invalid hosts[0]: %s domain label is longer than 63 characters",
             big);
    is(error_of(text, NULL), want, "64-character label");
    for (int i = 0; i < 4; i++)
        memcpy(big + i * 64, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", 64);
    big[254] = '\0';
    snprintf(text, sizeof(text), "[bootstrap]\nhosts = [{host = \"%s\"}]\n", big);
    snprintf(want, sizeof(want),
             "invalid hosts[0]: %s domain name is longer than 253 characters", big);
    is(error_of(text, NULL), want, "254-character name");
    is(error_of("[bootstrap]\nhosts = [{host = \"node[01-02]-[1-2]\"}]\n" CERT, NULL),
       "invalid hosts[0]: node01-[1-2] domain label contains invalid character '[' (0x5b)",
       "only the first bracket expands; the rest is an invalid name");
    is(error_of("[bootstrap]\nhosts = [{host = \"Node-7.example.COM\"}, {host = \"14636\"}]\n" CERT,
                NULL),
       "", "FQDNs, upper case and all-digit labels are valid");

    /* URIs */
    is(error_of("[bootstrap]\ndefault_bind = \"\"\nhosts = [{host = \"vm\"}]\n", NULL),
       "invalid hosts[0]: bind key  has no URI scheme", "empty URI");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", connect = \"tcp://\"}]\n", NULL),
       "invalid hosts[0]: connect key tcp:// tcp address is empty", "tcp:// with no address");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", bind = \"ipc://\"}]\n", NULL),
       "invalid hosts[0]: bind key ipc:// ipc path is empty", "ipc:// with no path");
    char path[200];
    memset(path, 'p', 109);
    path[0] = '/';
    path[109] = '\0';
    snprintf(text, sizeof(text), "[bootstrap]\nhosts = [{host = \"vm\", bind = \"ipc://%s\"}]\n",
             path);
    snprintf(want, sizeof(want), "invalid hosts[0]: bind key ipc://%s ipc path is too long",
             path);
    is(error_of(text, NULL), want, "ipc path of 109 bytes");
    path[108] = '\0';
    snprintf(text, sizeof(text), "[bootstrap]\nhosts = [{host = \"vm\", bind = \"ipc://%s\"}]\n",
             path);
    is(error_of(text, NULL), "", "ipc path of 108 bytes is fine");
    char *huge = malloc(3000);
    char *htext = malloc(3200);
    memset(huge, 'x', 2999);
    huge[2999] = '\0';
    snprintf(htext, 3200, "[bootstrap]\ndefault_connect = \"tcp://%%h/%s\"\nhosts=[{host=\"vm\"}]\n",
             huge);
    is(error_of(htext, NULL), "invalid hosts[0]: connect key is too long",
       "a URI over 2048 bytes");
    is(keypath_of_error(htext, NULL), "bootstrap.default_connect", "keypath of the default");
    free(huge);
    free(htext);
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\", connect = \"pgm://x\"}]\n", NULL),
       "invalid hosts[0]: connect key pgm://x URI scheme must be tcp or ipc", "pgm scheme");
    is(keypath_of_error("[bootstrap]\nhosts = [{host = \"vm\", connect = \"pgm://x\"}]\n", NULL),
       "bootstrap.hosts[0].connect", "keypath of an entry's connect");

    /* host lookup is exact */
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\"}]\n", "VM"), "VM not found in hosts",
       "host match is case-sensitive");
    is(error_of("[bootstrap]\nhosts = [{host = \"vm\"}]\n", "vm.example.com"),
       "vm.example.com not found in hosts", "no short-name / FQDN normalisation");
    is(keypath_of_error("[bootstrap]\nhosts = [{host = \"vm\"}]\n", "x"), "bootstrap.hosts",
       "not-found keypath is bootstrap.hosts");
}

static void test_core_vector(void)
{
    /* core: src/common/libfluxutil/test/conf_bootstrap.c */
    struct bootstrap *b = parse("[bootstrap]\n" CERT "default_port = 42\n"
                                "default_bind = \"tcp://en0:%p\"\n"
                                "default_connect = \"tcp://x%h:%p\"\n"
                                "hosts = [{host = \"foo0\"}, {host = \"foo[1-62]\"}, "
                                "{host = \"foo63\"}]\n",
                                "foo42");
    ok(b != NULL, "64-host config parses");
    is_int(bootstrap_size(b), 64, "size 64");
    is_int(bootstrap_rank(b), 42, "foo42 is rank 42");
    is(bootstrap_host(b, 42), "foo42", "rank 42 is foo42");
    is(uri(b, 42, true), "tcp://en0:42", "foo42 bind tcp://en0:42");
    is(uri(b, 42, false), "tcp://xfoo42:42", "foo42 connect tcp://xfoo42:42");
    is_int(bootstrap_find(b, "foo63"), 63, "find foo63");
    is_int(bootstrap_find(b, "foo64"), -1, "foo64 is not there");
    ok(bootstrap_host(b, 64) == NULL && bootstrap_host(b, -1) == NULL, "out-of-range ranks");
    ok(bootstrap_present(b) && !bootstrap_has_parent_keys(b), "present, no parent keys");
    is(bootstrap_curve_cert(b), "/etc/flux/system/curve.cert", "curve_cert");
    is_int(bootstrap_default_port(b), 42, "default_port");
    ok(!bootstrap_enable_ipv6(b), "enable_ipv6 defaults to false");
    is(warnings_of(b), "", "no warnings");
    char kp[128];
    is(bootstrap_keypath(b, 5, "bind", kp, sizeof(kp)), "bootstrap.default_bind",
       "rank 5's bind comes from default_bind");
    is(bootstrap_keypath(b, 5, "host", kp, sizeof(kp)), "bootstrap.hosts[1].host",
       "rank 5's host comes from hosts[1]");
    ok(bootstrap_keypath(b, 5, "parent", kp, sizeof(kp)) == NULL, "rank 5 has no parent key");
    char small[8];
    ok(bootstrap_bind_uri(b, 1, small, sizeof(small)) < 0, "a small buffer is refused");
    bootstrap_destroy(b);
}

static void test_singleton(void)
{
    struct bootstrap *b = parse("[tbon]\ntopo = \"kary:2\"\n", "vm");
    ok(b && !bootstrap_present(b), "no [bootstrap]: parsed, not present");
    is_int(bootstrap_size(b), 1, "singleton size 1");
    is_int(bootstrap_rank(b), 0, "rank 0");
    is(bootstrap_host(b, 0), "vm", "host 0 is this host");
    is_int(bootstrap_find(b, "vm"), 0, "find this host");
    is(uri(b, 0, true), "(none)", "no bind URI");
    is_int(bootstrap_parent_key(b, 0), -1, "no parent key");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\nhosts = []\ndefault_bind = \"tcp://eth0:%p\"\n", "vm");
    ok(b && bootstrap_present(b), "empty hosts: present");
    ok(bootstrap_size(b) == 1 && bootstrap_rank(b) == 0, "singleton, rank 0, no cert needed");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\n", NULL);
    ok(b && bootstrap_size(b) == 1 && bootstrap_rank(b) == -1 && !bootstrap_host(b, 0),
       "no hostname given: rank -1, host unknown");
    bootstrap_destroy(b);

    struct bootstrap_error err;
    b = bootstrap_parse(NULL, "vm", &err);
    ok(b && bootstrap_size(b) == 1, "a NULL config is a singleton");
    bootstrap_destroy(b);
}

static void test_expansion(void)
{
    /* first entry wins; later ones fill missing keys (update_missing) */
    struct bootstrap *b = parse("[bootstrap]\n" CERT
                                "default_bind = \"tcp://d:1\"\n"
                                "hosts = [\n"
                                "  {host = \"a[0-2]\"},\n"
                                "  {host = \"a1\", bind = \"tcp://x:1\", parent = \"a0\"},\n"
                                "  {host = \"a3,a1\", connect = \"tcp://%h:2\"},\n"
                                "]\n",
                                "a3");
    ok(b != NULL, "duplicate hosts parse");
    is_int(bootstrap_size(b), 4, "a0 a1 a2 a3: 4 ranks");
    is_int(bootstrap_rank(b), 3, "a3 is rank 3");
    is(uri(b, 1, true), "tcp://x:1", "a1 gets bind from its later entry");
    is_int(bootstrap_parent_key(b, 1), 0, "a1 gets parent a0 from its later entry");
    is(uri(b, 1, false), "tcp://a1:2", "a1 gets connect from a third entry");
    is(uri(b, 0, true), "tcp://d:1", "a0 uses default_bind");
    is(uri(b, 0, false), "(none)", "a0 has no connect");
    ok(bootstrap_has_parent_keys(b), "parent keys present");
    char kp[128];
    is(bootstrap_keypath(b, 1, "parent", kp, sizeof(kp)), "bootstrap.hosts[1].parent",
       "a1's parent came from hosts[1]");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\n" CERT
              "hosts = [{host = \"a0\", bind = \"tcp://a:1\"},\n"
              "         {host = \"a[0-1]\", bind = \"tcp://b:1\"}]\n",
              NULL);
    is(uri(b, 0, true), "tcp://a:1", "a conflicting later bind is ignored");
    is(uri(b, 1, true), "tcp://b:1", "while a1 takes it");
    is(warnings_of(b),
       "bootstrap.hosts[1].bind: hosts[1] sets bind=\"tcp://b:1\" for a0, but hosts[0] already "
       "set it to \"tcp://a:1\": the broker keeps the first and ignores this one",
       "and warned about");
    bootstrap_destroy(b);

    /* %h %p %% and unknown %X */
    b = parse("[bootstrap]\ndefault_port = 7\n"
              "default_bind = \"ipc:///run/%h-%p-%%-%x-%\"\nhosts = [{host = \"vm\"}]\n",
              "vm");
    is(uri(b, 0, true), "ipc:///run/vm-7-%-%x-%", "%%h %%p %%%% substituted, %%x and a lone %% kept");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\nhosts = [{host = \"\"}, {host = \"vm\"}]\n", "vm");
    ok(b && bootstrap_size(b) == 1, "an entry naming no host adds no rank");
    is(warnings_of(b), "bootstrap.hosts[0].host: hosts[0] host \"\" names no host: the entry is "
                       "ignored",
       "and is warned about");
    bootstrap_destroy(b);
}

/* Hostlists the broker reads as flux-core's libhostlist does (hostlist.c),
 * not as RFC 29 would: the ranks follow flux-core. */
static void test_flux_hostlists(void)
{
    struct bootstrap *b;
    static struct bootstrap_error err;
    json_t *o;

    b = parse("[bootstrap]\n" CERT "hosts = [{host = \"vm[1-]\"}, {host = \"vm[+2],n[ 1-2]\"}]\n",
              "vm02");
    ok(b && bootstrap_size(b) == 4 && bootstrap_rank(b) == 1,
       "vm[1-] is vm1 and vm[+2] is vm02 (rank 1), as flux-core reads them");
    is(b ? bootstrap_host(b, 3) : "", "n02", "n[ 1-2] is n01,n02");
    bootstrap_destroy(b);

    is(error_of("[bootstrap]\n" CERT "hosts = [{host = \"vm\"}, {host = \"a]b[1]\"}]\n", "vm"),
       "invalid hosts[1]: a]b1 domain label contains invalid character ']' (0x5d)",
       "a]b[1] decodes (a]b1) and fails the broker's RFC 1035 check, not the hostlist one");

    b = parse("[bootstrap]\n" CERT "hosts = [{host = \"vm,n99999999999999999999999\"}]\n", "vm");
    ok(b && bootstrap_size(b) == 1, "a name whose digits overflow unsigned long is dropped, as flux-core drops it");
    bootstrap_destroy(b);

    o = toml("[bootstrap]\n" CERT "hosts = [{host = \"vm\"}, {host = \"x[18446744073709551615]-ib\"}]\n");
    b = bootstrap_parse(o, "vm", &err);
    ok(!b && err.over_cap, "a hostlist flux-core never finishes expanding is refused, not in the broker's words");
    is(err.text,
       "hosts[1]: flux-core's libhostlist never finishes expanding host \"x[18446744073709551615]-ib\" "
       "(a range ending at 18446744073709551615 followed by a suffix): the broker would hang at startup",
       "and the message says why");
    is(err.keypath, "bootstrap.hosts[1].host", "at hosts[1].host");
    bootstrap_destroy(b);
    json_decref(o);
}

static void test_warnings(void)
{
    struct bootstrap *b;

    b = parse("[bootstrap]\n" CERT "default_bind = \"tcp://eth0:%p\"\n"
              "default_connect = \"tcp://%h:%p\"\nhosts = [{host = \"n[0-3]\"}]\n",
              "n0");
    ok(b != NULL, "%%p with no default_port passes validation");
    is(uri(b, 2, false), "tcp://n2:-1", "and gives port -1");
    is(warnings_of(b),
       "bootstrap.default_bind: bind URI tcp://eth0:%p uses %p but default_port is not set: it "
       "becomes tcp://eth0:-1 (rank 0); the broker accepts it, but a follower cannot connect | "
       "bootstrap.default_connect: connect URI tcp://%h:%p uses %p but default_port is not set: "
       "it becomes tcp://n0:-1 (rank 0); the broker accepts it, but a follower cannot connect",
       "warned once per template, not per host");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\n" CERT "default_connect = \"tcp://%h\"\n"
              "hosts = [{host = \"n0\", bind = \"tcp://eth0\"}, {host = \"n1\"}]\n",
              "n1");
    ok(b != NULL, "tcp URIs with no port pass validation");
    is(warnings_of(b),
       "bootstrap.hosts[0].bind: bind URI tcp://eth0 (rank 0) has no valid port: binding fails "
       "if this rank has children | bootstrap.default_connect: connect URI tcp://n0 (rank 0) has "
       "no valid port: the broker accepts it, but a follower of this rank hangs in "
       "overlay_connect",
       "a missing port is warned about");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\ndefault_port = -1\nhosts = [{host = \"vm\"}]\n", "vm");
    ok(b && bootstrap_default_port(b) == -1, "default_port = -1 is accepted");
    is(warnings_of(b),
       "bootstrap.default_port: default_port is -1: the broker accepts a negative port but "
       "treats it as unset (%p becomes -1)",
       "and warned about");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\ndefault_port = -5\nhosts = [{host = \"vm\"}]\n", "vm");
    ok(b && bootstrap_default_port(b) == -5, "default_port = -5 is accepted (broker parity)");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\ndefault_port = 4294975346\nhosts = [{host = \"vm\"}]\n", "vm");
    ok(b && bootstrap_default_port(b) == 8050, "an int-overflowing port wraps as jansson's \"i\"");
    ok(strstr(warnings_of(b), "does not fit an int: the broker uses 8050") != NULL,
       "and is warned about");
    bootstrap_destroy(b);

    b = parse("[bootstrap]\ndefault_port = 65535\n"
              "hosts = [{host = \"vm\", bind = \"tcp://[::1]:%p\"}]\n",
              "vm");
    ok(b && strstr(warnings_of(b), "is an IPv6 address but enable_ipv6 is false") != NULL,
       "an IPv6 literal without enable_ipv6 is warned about");
    bootstrap_destroy(b);
    b = parse("[bootstrap]\nenable_ipv6 = true\ndefault_port = 0\n"
              "hosts = [{host = \"vm\", bind = \"tcp://[::1]:%p\"}]\n",
              "vm");
    ok(b && bootstrap_enable_ipv6(b) && strcmp(warnings_of(b), "") == 0,
       "with enable_ipv6 = true it is not");
    bootstrap_destroy(b);
}

static void test_scale(void)
{
    const char *text = "[bootstrap]\n" CERT "default_port = 8050\n"
                       "default_bind = \"tcp://eth0:%p\"\n"
                       "default_connect = \"tcp://%h:%p\"\n"
                       "hosts = [{host = \"n[0-99999]\"}, {host = \"n99999\", parent = \"n5\"}]\n";
    json_t *o = toml(text);
    struct bootstrap_error err;
    char buf[256];

    double t0 = now();
    struct bootstrap *b = bootstrap_parse(o, "n99999", &err);
    double t1 = now();
    struct topology *t = topology_from_config(o, b, buf, sizeof(buf));
    int parent = topology_parent(t, bootstrap_rank(b));
    double t2 = now();
    ok(b && bootstrap_size(b) == 100000, "100k hosts from one entry");
    is_int(bootstrap_rank(b), 99999, "n99999 is rank 99999");
    is_int(parent, 5, "its custom parent is rank 5");
    is(bootstrap_host(b, 77777), "n77777", "rank 77777 is n77777");
    is(uri(b, 77777, false), "tcp://n77777:8050", "its connect URI");
    diag("100k hosts: parse+rank %.1f ms, topology+parent %.1f ms (this build)",
         (t1 - t0) * 1e3, (t2 - t1) * 1e3);
    ok(t2 - t0 < 2.0, "well under 2 s even with sanitizers");
    topology_destroy(t);
    bootstrap_destroy(b);
    json_decref(o);
}

int main(void)
{
    test_broker_messages();
    test_more_errors();
    test_core_vector();
    test_singleton();
    test_expansion();
    test_flux_hostlists();
    test_warnings();
    test_scale();
    return done_testing();
}
