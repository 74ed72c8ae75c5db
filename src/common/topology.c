/* TBON topology and [tbon] validation (topology.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/errbuf.h"
#include "common/fsd.h"
#include "common/topology.h"

struct topology {
    char *scheme;
    int size;
    int *parent; /* parent[0] = -1 */
    int *nchild;
};

const char *topology_default_scheme(bool have_bootstrap)
{
    return have_bootstrap ? "custom" : "kary:32";
}

/* An unsigned decimal integer that fits an int; -1 otherwise. */
static int parse_uint(const char *s)
{
    long v = 0;

    if (!s || !*s)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > INT_MAX)
            return -1;
    }
    return (int)v;
}

/* Smallest K >= 2 whose routers each carry at most 1024 leaves; flat (0)
 * while rank 0 can hold everyone itself. */
static int mincrit_auto(int size)
{
    if (size <= 1025)
        return 0;
    long k = 2;
    while ((size - 1 - k + k - 1) / k > 1024)
        k++;
    return (int)k;
}

/* Custom parent keys: rank order, as the broker applies them. The broker
 * rejects the first key that closes a loop: in rank order, that is the
 * largest rank of the loop whose largest rank is smallest. */
static int custom_parents(struct topology *t, const int *keys, char *err, size_t errsz)
{
    int size = t->size;

    if (keys && size > 0 && keys[0] >= 0) {
        errbuf_set(err, errsz, "rank 0 may not have a parent in a tree topology");
        return -1;
    }
    for (int i = 1; i < size; i++) {
        int p = keys && keys[i] >= 0 ? keys[i] : 0;
        if (p >= size) {
            errbuf_set(err, errsz, "rank %d parent %d is out of range (size %d)", i, p, size);
            return -1;
        }
        t->parent[i] = p;
    }
    if (!keys)
        return 0;

    _cleanup_free_ unsigned char *state = calloc((size_t)size, 1); /* 0 new, 1 walking, 2 done */
    int worst = -1;
    if (!state) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        return -1;
    }
    state[0] = 2;
    for (int i = 1; i < size; i++) {
        int r = i;
        while (state[r] == 0) {
            state[r] = 1;
            r = t->parent[r];
        }
        if (state[r] == 1) { /* r is on a loop closed during this walk */
            int max = r;
            for (int x = t->parent[r]; x != r; x = t->parent[x])
                if (x > max)
                    max = x;
            if (worst < 0 || max < worst)
                worst = max;
        }
        for (r = i; state[r] == 1; r = t->parent[r])
            state[r] = 2;
    }
    if (worst >= 0) {
        errbuf_set(err, errsz, "rank %d parent %d violates rule against cycles", worst,
               t->parent[worst]);
        return -1;
    }
    return 0;
}

void topology_destroy(struct topology *t)
{
    if (!t)
        return;
    free(t->scheme);
    free(t->parent);
    free(t->nchild);
    free(t);
}

struct topology *topology_create(const char *uri, int size, const int *parent_keys, char *err,
                                 size_t errsz)
{
    struct topology *t = NULL;
    char name[64];
    const char *arg;

    if (!uri || size < 1) {
        errbuf_set(err, errsz, "invalid topology arguments");
        return NULL;
    }
    arg = strchr(uri, ':');
    size_t n = arg ? (size_t)(arg - uri) : strlen(uri);
    if (arg)
        arg++;
    if (n >= sizeof(name)) {
        errbuf_set(err, errsz, "unknown topology scheme '%.*s'", (int)n, uri);
        return NULL;
    }
    memcpy(name, uri, n);
    name[n] = '\0';

    if (!(t = calloc(1, sizeof(*t))) || !(t->scheme = strdup(uri)) ||
        !(t->parent = calloc((size_t)size, sizeof(int))) ||
        !(t->nchild = calloc((size_t)size, sizeof(int)))) {
        errbuf_set(err, errsz, "%s", strerror(ENOMEM));
        goto fail;
    }
    t->size = size;
    t->parent[0] = -1;

    if (strcmp(name, "custom") == 0) {
        if (arg) {
            errbuf_set(err, errsz, "custom topology does not accept an argument");
            goto fail;
        }
        if (custom_parents(t, parent_keys, err, errsz) < 0)
            goto fail;
    } else if (strcmp(name, "kary") == 0) {
        int k = parse_uint(arg);
        if (k < 0) {
            errbuf_set(err, errsz, "kary:%s: k must be an unsigned integer", arg ? arg : "");
            goto fail;
        }
        for (int i = 1; i < size; i++)
            t->parent[i] = k == 0 ? 0 : (i - 1) / k;
    } else if (strcmp(name, "binomial") == 0) {
        if (arg) {
            errbuf_set(err, errsz, "binomial topology does not accept an argument");
            goto fail;
        }
        for (int i = 1; i < size; i++)
            t->parent[i] = i & (i - 1);
    } else if (strcmp(name, "mincrit") == 0) {
        int k = arg ? parse_uint(arg) : mincrit_auto(size);
        if (k < 0) {
            errbuf_set(err, errsz, "mincrit:%s: k must be an unsigned integer", arg);
            goto fail;
        }
        for (int i = 1; i < size; i++)
            t->parent[i] = k == 0 || i <= k ? 0 : ((i - k - 1) % k) + 1;
    } else {
        errbuf_set(err, errsz, "unknown topology scheme '%s'", name);
        goto fail;
    }
    for (int i = 1; i < size; i++)
        t->nchild[t->parent[i]]++;
    return t;
fail:
    topology_destroy(t);
    return NULL;
}

struct topology *topology_from_config(const json_t *config, const struct bootstrap *b, char *err,
                                      size_t errsz)
{
    const json_t *tbon = json_object_get(config, "tbon");
    const json_t *topo = json_is_object(tbon) ? json_object_get(tbon, "topo") : NULL;
    const char *scheme = json_is_string(topo) ? json_string_value(topo)
                                              : topology_default_scheme(bootstrap_present(b));
    int size = b ? bootstrap_size(b) : 1;
    _cleanup_free_ int *keys = NULL;

    if (b && bootstrap_has_parent_keys(b)) {
        if (!(keys = malloc((size_t)size * sizeof(int)))) {
            errbuf_set(err, errsz, "%s", strerror(ENOMEM));
            return NULL;
        }
        for (int i = 0; i < size; i++)
            keys[i] = bootstrap_parent_key(b, i);
    }
    return topology_create(scheme, size, keys, err, errsz);
}

int topology_size(const struct topology *t)
{
    return t ? t->size : 0;
}

const char *topology_scheme(const struct topology *t)
{
    return t ? t->scheme : NULL;
}

int topology_parent(const struct topology *t, int rank)
{
    if (!t || rank < 0 || rank >= t->size)
        return -1;
    return t->parent[rank];
}

int topology_child_count(const struct topology *t, int rank)
{
    if (!t || rank < 0 || rank >= t->size)
        return 0;
    return t->nchild[rank];
}

bool topology_is_interior(const struct topology *t, int rank)
{
    return topology_child_count(t, rank) > 0;
}

int topology_path(const struct topology *t, int rank, int *path, int maxlen)
{
    int n = 0;

    if (!t || rank < 0 || rank >= t->size)
        return -1;
    for (int r = rank; r >= 0; r = t->parent[r]) {
        if (n < maxlen)
            path[n] = r;
        n++;
    }
    return n;
}

int topology_depth(const struct topology *t, int rank)
{
    int n = topology_path(t, rank, NULL, 0);
    return n < 0 ? -1 : n - 1;
}

char *topology_interior_idset(const struct topology *t)
{
    size_t cap = 64, len = 0;
    char *s = malloc(cap);

    if (!t || !s) {
        free(s);
        return NULL;
    }
    s[0] = '\0';
    for (int i = 0; i < t->size; i++) {
        if (!t->nchild[i])
            continue;
        int j = i;
        while (j + 1 < t->size && t->nchild[j + 1])
            j++;
        char buf[32];
        int n = j > i ? snprintf(buf, sizeof(buf), "%s%d-%d", len ? "," : "", i, j)
                      : snprintf(buf, sizeof(buf), "%s%d", len ? "," : "", i);
        if (len + (size_t)n + 1 > cap) {
            cap = (len + (size_t)n + 1) * 2;
            char *ns = realloc(s, cap);
            if (!ns) {
                free(s);
                return NULL;
            }
            s = ns;
        }
        memcpy(s + len, buf, (size_t)n + 1);
        len += (size_t)n;
        i = j;
    }
    return s;
}

int topology_check_uris(const struct topology *t, const struct bootstrap *b, int rank, char *err,
                        size_t errsz)
{
    char uri[BOOTSTRAP_URI_MAX];

    if (!t || !b || rank >= t->size || bootstrap_size(b) != t->size) {
        errbuf_set(err, errsz, "%s", strerror(EINVAL));
        return -1;
    }
    if (t->size == 1)
        return 0;
    for (int r = rank < 0 ? 0 : rank; r < (rank < 0 ? t->size : rank + 1); r++) {
        if (t->nchild[r] > 0 && bootstrap_bind_uri(b, r, uri, sizeof(uri)) == 0) {
            errbuf_set(err, errsz, "bind URI is undefined for rank %d", r);
            return -1;
        }
        int p = t->parent[r];
        if (p >= 0 && bootstrap_connect_uri(b, p, uri, sizeof(uri)) == 0) {
            errbuf_set(err, errsz, "connect URI is undefined for rank %d", p);
            return -1;
        }
    }
    return 0;
}

/* [tbon] */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "real";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return "null";
    }
}

struct tbon_ctx {
    json_t *errors;
    json_t *warnings;
    int nerrors;
    int rc;
};

static void report(struct tbon_ctx *x, bool is_error, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(struct tbon_ctx *x, bool is_error, const char *key, const char *fmt, ...)
{
    char msg[512];
    char kp[128];
    va_list ap;
    json_t *list = is_error ? x->errors : x->warnings;

    if (is_error)
        x->nerrors++;
    if (!list)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(kp, sizeof(kp), "tbon%s%s", key ? "." : "", key ? key : "");
    /* errors: "message" is the broker's own text; "detail", when there is
     * one (after a \x1f in fmt), says more in our words */
    char *sep = strchr(msg, '\x1f');
    if (sep)
        *sep++ = '\0';
    json_t *e = json_pack("{s:s s:s s:s}", "key", kp, "message", msg, "detail", sep ? sep : "");
    if (!e || json_array_append_new(list, e) < 0)
        x->rc = -1;
}

/* A duration key: FSD string. Returns 1 and *d when set and valid, 0 when
 * unset, -1 when invalid (reported). */
static int get_duration(struct tbon_ctx *x, const json_t *tbon, const char *key, double *d)
{
    const json_t *v = json_object_get(tbon, key);

    if (!v)
        return 0;
    if (!json_is_string(v)) {
        report(x, true, key, "Config file error [tbon]: Expected string, got %s", type_name(v));
        return -1;
    }
    if (fsd_parse_duration(json_string_value(v), d) < 0) {
        report(x, true, key, "Config file error parsing tbon.%s\x1f'%s' is not a Flux Standard "
               "Duration", key, json_string_value(v));
        return -1;
    }
    return 1;
}

/* An integer key: 1 and *i when set, 0 unset, -1 wrong type (reported). */
static int get_int(struct tbon_ctx *x, const json_t *tbon, const char *key, json_int_t *i)
{
    const json_t *v = json_object_get(tbon, key);

    if (!v)
        return 0;
    if (!json_is_integer(v)) {
        report(x, true, key, "Config file error [tbon]: Expected integer, got %s", type_name(v));
        return -1;
    }
    *i = json_integer_value(v);
    return 1;
}

static void fmt_d(char *buf, size_t len, double d)
{
    if (!fsd_format_duration(buf, len, d))
        snprintf(buf, len, "%g", d);
}

int tbon_validate(const json_t *config, int size, json_t *errors, json_t *warnings)
{
    static const char *known[] = {
        "topo",    "torpid_min",     "torpid_max",   "tcp_user_timeout", "connect_timeout",
        "zmqdebug", "zmq_io_threads", "child_rcvhwm", "interface-hint",   NULL,
    };
    struct tbon_ctx x = { .errors = errors, .warnings = warnings };
    const json_t *tbon = json_object_get(config, "tbon");
    const char *key;
    json_t *v;
    char buf[64], buf2[64];

    if (!tbon)
        return 0;
    if (!json_is_object(tbon)) {
        report(&x, true, NULL, "Config file error [tbon]: Expected object, got %s", type_name(tbon));
        return x.rc < 0 ? -1 : x.nerrors;
    }

    json_object_foreach((json_t *)tbon, key, v) {
        bool found = false;
        for (int i = 0; known[i]; i++)
            found = found || strcmp(key, known[i]) == 0;
        if (!found)
            report(&x, false, key, "unknown key '%s' is ignored by the broker", key);
    }

    const json_t *topo = json_object_get(tbon, "topo");
    if (topo && !json_is_string(topo)) {
        report(&x, true, "topo", "Config file error [tbon]: Expected string, got %s",
               type_name(topo));
    } else if (topo) {
        char err[256];
        struct topology *t = topology_create(json_string_value(topo), size > 0 ? size : 1, NULL,
                                             err, sizeof(err));
        if (!t)
            report(&x, true, "topo", "Error creating %s topology: %s", json_string_value(topo),
                   err);
        topology_destroy(t);
    }

    double tmin = 5, tmax = 30, d;
    int has_min = get_duration(&x, tbon, "torpid_min", &tmin);
    int has_max = get_duration(&x, tbon, "torpid_max", &tmax);
    if (has_min >= 0 && has_max >= 0) {
        if (has_min > 0 && tmin == 0) {
            report(&x, true, "torpid_min", "tbon.torpid_min must be nonzero");
        } else if (tmax != 0 && tmin >= tmax) {
            fmt_d(buf, sizeof(buf), tmin);
            fmt_d(buf2, sizeof(buf2), tmax);
            report(&x, true, has_min > 0 ? "torpid_min" : "torpid_max",
                   "%s\x1ftorpid_min %s, torpid_max %s",
                   has_min > 0 ? "tbon.torpid_min must be less than torpid_max"
                               : "tbon.torpid_max must be greater than torpid_min",
                   buf, buf2);
        }
    }
    if (has_min > 0 && tmin > 0) {
        fmt_d(buf, sizeof(buf), tmin);
        if (tmin < 1)
            report(&x, false, "torpid_min",
                   "torpid_min = %s is below 1s: idle children send keepalives that often", buf);
        else if (tmin > 300)
            report(&x, false, "torpid_min",
                   "torpid_min = %s is above 5m: a stalled node is noticed late", buf);
    }
    if (has_max > 0) {
        fmt_d(buf, sizeof(buf), tmax);
        if (tmax == 0)
            report(&x, false, "torpid_max",
                   "torpid_max = 0 disables torpid detection: a hung node stays schedulable");
        else if (tmax < 5)
            report(&x, false, "torpid_max",
                   "torpid_max = %s is below 5s: a briefly busy node is marked torpid", buf);
        else if (tmax > 1800)
            report(&x, false, "torpid_max",
                   "torpid_max = %s is above 30m: a hung node is noticed late", buf);
    }

    if (get_duration(&x, tbon, "tcp_user_timeout", &d) > 0) {
        fmt_d(buf, sizeof(buf), d);
        if (d == 0)
            report(&x, false, "tcp_user_timeout",
                   "tcp_user_timeout = 0 uses the kernel default: a dead peer is noticed only "
                   "after ~15 minutes of retransmits (flux default 20s)");
        else if (d < 5)
            report(&x, false, "tcp_user_timeout",
                   "tcp_user_timeout = %s is below 5s: brief congestion disconnects children",
                   buf);
        else if (d > 3600)
            report(&x, false, "tcp_user_timeout",
                   "tcp_user_timeout = %s is above 1h: a dead peer is noticed late", buf);
    }
    if (get_duration(&x, tbon, "connect_timeout", &d) > 0) {
        fmt_d(buf, sizeof(buf), d);
        if (d == 0)
            report(&x, false, "connect_timeout",
                   "connect_timeout = 0 uses the system default (about 2 minutes of SYN "
                   "retries per attempt; flux default 30s)");
        else if (d < 1)
            report(&x, false, "connect_timeout",
                   "connect_timeout = %s is below 1s: connects fail on a loaded network", buf);
        else if (d > 600)
            report(&x, false, "connect_timeout",
                   "connect_timeout = %s is above 10m: an unreachable parent is retried late",
                   buf);
    }

    json_int_t i;
    if (get_int(&x, tbon, "zmqdebug", &i) > 0 && i != 0)
        report(&x, false, "zmqdebug", "zmqdebug = %lld: 0MQ socket event logging is on",
               (long long)i);
    if (get_int(&x, tbon, "zmq_io_threads", &i) > 0) {
        if (i < 1)
            report(&x, true, "zmq_io_threads", "tbon.zmq_io_threads must be >= 1");
        else if (i > 32)
            report(&x, false, "zmq_io_threads",
                   "zmq_io_threads = %lld is above 32: more I/O threads than a leader uses",
                   (long long)i);
    }
    if (get_int(&x, tbon, "child_rcvhwm", &i) > 0) {
        if (i < 0 || i == 1)
            report(&x, true, "child_rcvhwm", "tbon.child_rcvhwm must be 0 (unlimited) or >= 2");
        else if (i > 0 && i < 100)
            report(&x, false, "child_rcvhwm",
                   "child_rcvhwm = %lld is below 100: a small high-water mark throttles "
                   "children",
                   (long long)i);
    }
    const json_t *hint = json_object_get(tbon, "interface-hint");
    if (hint && !json_is_string(hint))
        report(&x, true, "interface-hint", "Config file error [tbon]: Expected string, got %s",
               type_name(hint));
    else if (hint && json_object_get(config, "bootstrap"))
        report(&x, false, "interface-hint",
               "interface-hint is only used for PMI boot: ignored with [bootstrap]");

    return x.rc < 0 ? -1 : x.nerrors;
}
