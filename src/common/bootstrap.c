/* [bootstrap] as flux-core's conf_bootstrap.c parses it (bootstrap.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/fluxuri.h"
#include "common/hindex.h"
#include "common/hostlist.h"

enum { KEY_HOST, KEY_BIND, KEY_CONNECT, KEY_PARENT, KEY_COUNT };

static const char *key_names[KEY_COUNT] = { "host", "bind", "connect", "parent" };

/* warning kinds, reported once per (source, key) */
enum {
    W_PORT_UNSET = 1 << 0,
    W_NO_PORT = 1 << 1,
    W_IPV6 = 1 << 2,
    W_CONFLICT = 1 << 3,
    W_CHECKED = 1 << 4,  /* a template without %h, validated once */
    W_PER_HOST = 1 << 5, /* a template with %h, validated per host */
};

struct entry {                       /* one element of the original hosts array */
    const char *val[KEY_COUNT];      /* borrowed from b->table */
    unsigned char warned[KEY_COUNT];
};

struct bootstrap {
    json_t *table; /* private copy of [bootstrap]; entries borrow its strings */
    bool present;
    const char *curve_cert;
    const char *default_bind;
    const char *default_connect;
    int default_port;
    char port[16]; /* default_port as %p writes it */
    bool enable_ipv6;
    unsigned char default_warned[KEY_COUNT];

    struct entry *entries;
    size_t nentries;

    /* expanded hosts, by rank */
    int size;
    int cap;
    char *pool;
    size_t poolsz;
    size_t poolcap;
    size_t *name_off;
    int32_t *src[KEY_COUNT]; /* index of the entry that supplied each key, -1 none */
    int32_t *parent;         /* parent key as a rank, -1 none */
    bool has_parent_keys;

    struct hindex ix; /* host name -> rank (common/hindex.h) */

    int rank;
    char *singleton_host;
    json_t *warnings;
};

static void seterr(struct bootstrap_error *err, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(struct bootstrap_error *err, const char *keypath, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    snprintf(err->keypath, sizeof(err->keypath), "%s", keypath ? keypath : "");
}

static int warn(struct bootstrap *b, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int warn(struct bootstrap *b, const char *keypath, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *w = json_pack("{s:s s:s}", "key", keypath, "message", msg);
    if (!w || json_array_append_new(b->warnings, w) < 0)
        return -1;
    return 0;
}

static uint64_t hash_name(const char *s)
{
    return hindex_hash_str(s);
}

static const char *name_of(const struct bootstrap *b, int rank)
{
    return b->pool + b->name_off[rank];
}

static int hash_lookup(const struct bootstrap *b, const char *name, uint64_t h)
{
    size_t cur = 0;
    for (ssize_t r; (r = hindex_next(&b->ix, h, &cur)) >= 0;)
        if (strcmp(name_of(b, (int)r), name) == 0)
            return (int)r;
    return -1;
}

static int find_host(const struct bootstrap *b, const char *name)
{
    return hash_lookup(b, name, hash_name(name));
}

static int hosts_grow(struct bootstrap *b, int ncap)
{
    size_t *off = realloc(b->name_off, (size_t)ncap * sizeof(*off));
    if (!off)
        return -1;
    b->name_off = off;
    for (int k = 0; k < KEY_COUNT; k++) {
        int32_t *s = realloc(b->src[k], (size_t)ncap * sizeof(*s));
        if (!s)
            return -1;
        b->src[k] = s;
    }
    int32_t *p = realloc(b->parent, (size_t)ncap * sizeof(*p));
    if (!p)
        return -1;
    b->parent = p;
    b->cap = ncap;
    return 0;
}

/* Append a new host (tables already sized by hosts_reserve()). */
static int add_host(struct bootstrap *b, const char *name, uint64_t h, int entry)
{
    size_t len = strlen(name);

    if (b->size == b->cap && hosts_grow(b, b->cap ? b->cap * 2 : 256) < 0)
        return -1;
    if (b->poolsz + len + 1 > b->poolcap) {
        size_t ncap = b->poolcap ? b->poolcap * 2 : 16384;
        while (ncap < b->poolsz + len + 1)
            ncap *= 2;
        char *n = realloc(b->pool, ncap);
        if (!n)
            return -1;
        b->pool = n;
        b->poolcap = ncap;
    }
    memcpy(b->pool + b->poolsz, name, len + 1);
    int r = b->size++;
    b->name_off[r] = b->poolsz;
    b->poolsz += len + 1;
    const struct entry *e = &b->entries[entry];
    for (int k = 0; k < KEY_COUNT; k++)
        b->src[k][r] = k == KEY_HOST || e->val[k] ? entry : -1;
    b->parent[r] = -1;
    if (hindex_add(&b->ix, h, (size_t)r) < 0)
        return -1;
    return r;
}

/* A later entry naming an existing host: json_object_update_missing(). */
static int merge_host(struct bootstrap *b, int r, int entry)
{
    struct entry *e = &b->entries[entry];

    for (int k = KEY_BIND; k < KEY_COUNT; k++) {
        if (!e->val[k])
            continue;
        int s = b->src[k][r];
        if (s < 0) {
            b->src[k][r] = entry;
        } else if (strcmp(b->entries[s].val[k], e->val[k]) != 0 &&
                   !(e->warned[k] & W_CONFLICT)) {
            e->warned[k] |= W_CONFLICT;
            char kp[128];
            snprintf(kp, sizeof(kp), "bootstrap.hosts[%d].%s", entry, key_names[k]);
            if (warn(b, kp,
                     "hosts[%d] sets %s=\"%s\" for %s, but hosts[%d] already set it to "
                     "\"%s\": the broker keeps the first and ignores this one",
                     entry, key_names[k], e->val[k], name_of(b, r), s, b->entries[s].val[k]) < 0)
                return -1;
        }
    }
    return 0;
}

/* RFC 1035 host name, as the broker checks each expanded host. */
static bool hostname_invalid(const char *name, char *msg, size_t msgsz)
{
    size_t len = strlen(name);

    if (len == 0) {
        snprintf(msg, msgsz, "host name is empty");
        return true;
    }
    if (len > 253) {
        snprintf(msg, msgsz, "%s domain name is longer than 253 characters", name);
        return true;
    }
    const char *label = name;
    for (;;) {
        size_t n = strcspn(label, ".");
        if (n == 0) {
            snprintf(msg, msgsz, "%s domain label is empty", name);
            return true;
        }
        if (n > 63) {
            snprintf(msg, msgsz, "%s domain label is longer than 63 characters", name);
            return true;
        }
        if (label[0] == '-') {
            snprintf(msg, msgsz, "%s domain label begins with hyphen", name);
            return true;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)label[i];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
            if (!ok) {
                snprintf(msg, msgsz, "%s domain label contains invalid character '%c' (0x%02x)",
                         name, c >= 0x20 && c < 0x7f ? c : '?', c);
                return true;
            }
        }
        if (label[n - 1] == '-') {
            snprintf(msg, msgsz, "%s domain label ends with hyphen", name);
            return true;
        }
        if (label[n] == '\0')
            return false;
        label += n + 1;
    }
}

/* conf_bootstrap_format_uri(): %h host, %p default_port, %% '%'; any other
 * %X is copied. Returns the length, or -1 if it reaches BOOTSTRAP_URI_MAX. */
static int format_uri(const char *tmpl, const char *host, const char *port, char *buf)
{
    char *out = buf;
    const char *end = buf + BOOTSTRAP_URI_MAX - 1;

    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '%' && (p[1] == 'h' || p[1] == 'p' || p[1] == '%')) {
            const char *add = p[1] == 'h' ? host : p[1] == 'p' ? port : "%";
            size_t len = strlen(add);
            if (len > (size_t)(end - out))
                return -1;
            memcpy(out, add, len);
            out += len;
            p++;
        } else {
            if (out == end)
                return -1;
            *out++ = *p;
        }
    }
    *out = '\0';
    return (int)(out - buf);
}

static bool template_uses_port(const char *tmpl)
{
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '%' && (p[1] == 'p' || p[1] == '%')) {
            if (p[1] == 'p')
                return true;
            p++;
        }
    }
    return false;
}

/* conf_bootstrap_validate_zmq_uri(): NULL if valid, else the reason. */
static const char *uri_invalid(const char *uri)
{
    bool tcp = strncmp(uri, "tcp://", 6) == 0;
    bool sep = false, wildcard = false;

    for (const char *p = strchr(uri, ':'); p; p = strchr(p + 1, ':')) {
        sep = sep || (p[1] == '/' && p[2] == '/');
        wildcard = wildcard || p[1] == '*';
    }
    if (!sep)
        return "has no URI scheme";
    if (!tcp && strncmp(uri, "ipc://", 6) != 0)
        return "URI scheme must be tcp or ipc";
    if (wildcard)
        return "contains 0MQ port wildcard";
    size_t len = strlen(uri + 6);
    if (!tcp && len == 0)
        return "ipc path is empty";
    if (!tcp && len > 108)
        return "ipc path is too long";
    if (tcp && len == 0)
        return "tcp address is empty";
    return NULL;
}

/* A tcp:// URI's port: 1 valid (0-65535), 0 missing or invalid. */
static bool tcp_port_ok(const char *uri)
{
    struct fluxuri u;
    return fluxuri_parse(uri, &u) == 0 && !u.ipc && u.portnum >= 0;
}

static int keypath_of(const struct bootstrap *b, int rank, int k, char *buf, size_t bufsz)
{
    int s = b->src[k][rank];
    if (s >= 0)
        return snprintf(buf, bufsz, "bootstrap.hosts[%d].%s", s, key_names[k]);
    if (k == KEY_BIND && b->default_bind)
        return snprintf(buf, bufsz, "bootstrap.default_bind");
    if (k == KEY_CONNECT && b->default_connect)
        return snprintf(buf, bufsz, "bootstrap.default_connect");
    return -1;
}

static const char *template_of(const struct bootstrap *b, int rank, int k)
{
    int s = b->src[k][rank];
    if (s >= 0)
        return b->entries[s].val[k];
    return k == KEY_BIND ? b->default_bind : k == KEY_CONNECT ? b->default_connect : NULL;
}

static unsigned char *warned_of(struct bootstrap *b, int rank, int k)
{
    int s = b->src[k][rank];
    return s >= 0 ? &b->entries[s].warned[k] : &b->default_warned[k];
}

static int check_uri(struct bootstrap *b, int rank, int k, struct bootstrap_error *err)
{
    const char *tmpl = template_of(b, rank, k);
    char uri[BOOTSTRAP_URI_MAX];
    char kp[128];
    const char *why;

    if (!tmpl)
        return 0;
    /* Without %h every host gets the same URI: checked once is enough. */
    unsigned char *warned = warned_of(b, rank, k);
    if (*warned & W_CHECKED)
        return 0;
    if (!(*warned & W_PER_HOST)) {
        *warned |= strstr(tmpl, "%h") ? W_PER_HOST : W_CHECKED;
    }
    if (format_uri(tmpl, name_of(b, rank), b->port, uri) < 0) {
        keypath_of(b, rank, k, kp, sizeof(kp));
        seterr(err, kp, "invalid hosts[%d]: %s key is too long", rank, key_names[k]);
        return -1;
    }
    if ((why = uri_invalid(uri))) {
        keypath_of(b, rank, k, kp, sizeof(kp));
        seterr(err, kp, "invalid hosts[%d]: %s key %s %s", rank, key_names[k], uri, why);
        return -1;
    }

    /* What passes validation but fails later: warn once per source. */
    bool tcp = strncmp(uri, "tcp://", 6) == 0;
    if (!(*warned & W_PORT_UNSET) && b->default_port < 0 && template_uses_port(tmpl)) {
        *warned |= W_PORT_UNSET | W_NO_PORT;
        keypath_of(b, rank, k, kp, sizeof(kp));
        if (warn(b, kp,
                 "%s URI %s uses %%p but default_port is %s: it becomes %s (rank %d); "
                 "the broker accepts it, but a follower cannot connect",
                 key_names[k], tmpl, b->default_port == -1 ? "not set" : "negative", uri,
                 rank) < 0)
            return -1;
    }
    if (tcp && !(*warned & W_NO_PORT) && !tcp_port_ok(uri)) {
        *warned |= W_NO_PORT;
        keypath_of(b, rank, k, kp, sizeof(kp));
        int rc;
        if (k == KEY_CONNECT)
            rc = warn(b, kp,
                      "connect URI %s (rank %d) has no valid port: the broker accepts it, but "
                      "a follower of this rank hangs in overlay_connect",
                      uri, rank);
        else
            rc = warn(b, kp,
                      "bind URI %s (rank %d) has no valid port: binding fails if this rank "
                      "has children",
                      uri, rank);
        if (rc < 0)
            return -1;
    }
    if (tcp && uri[6] == '[' && !b->enable_ipv6 && !(*warned & W_IPV6)) {
        *warned |= W_IPV6;
        keypath_of(b, rank, k, kp, sizeof(kp));
        if (warn(b, kp,
                 "%s URI %s (rank %d) is an IPv6 address but enable_ipv6 is false: "
                 "0MQ will not use it",
                 key_names[k], uri, rank) < 0)
            return -1;
    }
    return 0;
}

static int hosts_reserve(struct bootstrap *b, size_t total)
{
    if (hindex_reserve(&b->ix, total) < 0)
        return -1;
    return hosts_grow(b, (int)total);
}

/* Pass 1: expand every entry's hostlist in order, first entry wins. The
 * entries are all unpacked and decoded first (the only errors of this pass,
 * met in the same order as the broker's single loop meets them), so that
 * the tables can be sized once. */
/* The usual entry (a table of "host" and the optional bind, connect and
 * parent, all strings) read without json_unpack's format parsing, which costs
 * some 3,500 instructions an entry; false for anything else, which then goes
 * to json_unpack_ex for flux-core's own words. */
static bool entry_plain(json_t *entry, struct entry *e)
{
    static const char *const names[] = { [KEY_HOST] = "host", [KEY_BIND] = "bind",
                                         [KEY_CONNECT] = "connect", [KEY_PARENT] = "parent" };
    const char *key;
    json_t *v;

    if (!json_is_object(entry))
        return false;
    json_object_foreach(entry, key, v) {
        size_t k = 0;
        while (k < sizeof(names) / sizeof(names[0]) && strcmp(key, names[k]) != 0)
            k++;
        if (k == sizeof(names) / sizeof(names[0]) || !json_is_string(v))
            return false;
        e->val[k] = json_string_value(v);
    }
    return e->val[KEY_HOST] != NULL;
}

static int expand_hosts(struct bootstrap *b, json_t *hosts, struct bootstrap_error *err)
{
    size_t i;
    json_t *entry;
    char kp[128];
    size_t total = 0;
    struct hostlist **hl = NULL;
    int rc = -1;

    b->nentries = json_array_size(hosts);
    if (b->nentries > INT32_MAX) {
        seterr(err, "bootstrap.hosts", "too many hosts entries");
        return -1;
    }
    if (b->nentries == 0)
        return 0;
    if (!(b->entries = calloc(b->nentries, sizeof(*b->entries))) ||
        !(hl = calloc(b->nentries, sizeof(*hl))))
        goto nomem;

    json_array_foreach(hosts, i, entry) {
        struct entry *e = &b->entries[i];
        json_error_t jerr;

        if (!entry_plain(entry, e)) {
            memset(e->val, 0, sizeof(e->val));
            if (json_unpack_ex(entry, &jerr, JSON_STRICT, "{s:s s?s s?s s?s}", "host",
                               &e->val[KEY_HOST], "bind", &e->val[KEY_BIND], "connect",
                               &e->val[KEY_CONNECT], "parent", &e->val[KEY_PARENT]) < 0) {
                snprintf(kp, sizeof(kp), "bootstrap.hosts[%zu]", i);
                seterr(err, kp, "invalid hosts[%zu]: %s", i, jerr.text);
                goto out;
            }
        }
        if (!(hl[i] = hostlist_decode(e->val[KEY_HOST], NULL, 0))) {
            snprintf(kp, sizeof(kp), "bootstrap.hosts[%zu].host", i);
            if (errno == EOVERFLOW) { /* no broker message: it never gets that far */
                seterr(err, kp,
                       "hosts[%zu]: flux-core's libhostlist never finishes expanding host \"%s\" "
                       "(a range ending at %lu followed by a suffix): the broker would hang "
                       "at startup",
                       i, e->val[KEY_HOST], ULONG_MAX);
                if (err)
                    err->over_cap = true;
            } else {
                seterr(err, kp, "invalid hosts[%zu]: host key is not a valid RFC 29 hostlist", i);
            }
            goto out;
        }
        total += hostlist_count(hl[i]);
    }
    if (total > BOOTSTRAP_HOSTS_MAX) {
        seterr(err, "bootstrap.hosts",
               "hosts lists %zu hosts (counted before duplicates are removed), over "
               "flux-preflight's limit of %d hosts",
               total, BOOTSTRAP_HOSTS_MAX);
        if (err)
            err->over_cap = true;
        goto out;
    }
    if (total > 0 && hosts_reserve(b, total) < 0)
        goto nomem;

    for (i = 0; i < b->nentries; i++) {
        size_t count = hostlist_count(hl[i]);
        if (count == 0) {
            snprintf(kp, sizeof(kp), "bootstrap.hosts[%zu].host", i);
            if (warn(b, kp, "hosts[%zu] host \"%s\" names no host: the entry is ignored", i,
                     b->entries[i].val[KEY_HOST]) < 0)
                goto nomem;
        }
        /* One name ahead: its slot is prefetched while the current one is
         * placed, which hides most of the cache miss on a large table. */
        char names[2][4096];
        uint64_t hs[2];
        for (size_t n = 0; n <= count; n++) {
            char *next = names[n % 2];
            if (n < count) {
                if (hostlist_nth(hl[i], n, next, sizeof(names[0])) < 0) {
                    snprintf(kp, sizeof(kp), "bootstrap.hosts[%zu].host", i);
                    seterr(err, kp,
                           "invalid hosts[%zu]: host key is not a valid RFC 29 hostlist", i);
                    goto out;
                }
                hs[n % 2] = hash_name(next);
                __builtin_prefetch(hindex_home(&b->ix, hs[n % 2]));
            }
            if (n == 0)
                continue;
            const char *name = names[(n - 1) % 2];
            uint64_t h = hs[(n - 1) % 2];
            int r = hash_lookup(b, name, h);
            if ((r >= 0 ? merge_host(b, r, (int)i) : add_host(b, name, h, (int)i)) < 0)
                goto nomem;
        }
    }
    rc = 0;
    goto out;
nomem:
    seterr(err, "bootstrap.hosts", "%s", strerror(ENOMEM));
out:
    for (i = 0; hl && i < b->nentries; i++)
        hostlist_destroy(hl[i]);
    free(hl);
    return rc;
}

/* Pass 2: per expanded host (rank order, so hosts[N] is the expanded index). */
static int validate_hosts(struct bootstrap *b, struct bootstrap_error *err)
{
    char kp[128];
    char msg[1024];

    for (int r = 0; r < b->size; r++) {
        const char *name = name_of(b, r);
        int ps = b->src[KEY_PARENT][r];

        if (ps >= 0) {
            const char *parent = b->entries[ps].val[KEY_PARENT];
            snprintf(kp, sizeof(kp), "bootstrap.hosts[%d].parent", ps);
            if (strcmp(parent, name) == 0) {
                seterr(err, kp, "invalid hosts[%d]: parent key refers to self", r);
                return -1;
            }
            if ((b->parent[r] = find_host(b, parent)) < 0) {
                seterr(err, kp, "invalid hosts[%d]: parent key refers to unknown host", r);
                return -1;
            }
            b->has_parent_keys = true;
        }
        if (hostname_invalid(name, msg, sizeof(msg))) {
            snprintf(kp, sizeof(kp), "bootstrap.hosts[%d].host", b->src[KEY_HOST][r]);
            seterr(err, kp, "invalid hosts[%d]: %s", r, msg);
            return -1;
        }
        if (check_uri(b, r, KEY_BIND, err) < 0 || check_uri(b, r, KEY_CONNECT, err) < 0)
            return -1;
    }
    return 0;
}

void bootstrap_destroy(struct bootstrap *b)
{
    if (!b)
        return;
    json_decref(b->table);
    json_decref(b->warnings);
    free(b->entries);
    free(b->pool);
    free(b->name_off);
    for (int k = 0; k < KEY_COUNT; k++)
        free(b->src[k]);
    free(b->parent);
    hindex_free(&b->ix);
    free(b->singleton_host);
    free(b);
}

struct bootstrap *bootstrap_parse(const json_t *config, const char *hostname,
                                  struct bootstrap_error *err)
{
    struct bootstrap *b = calloc(1, sizeof(*b));
    json_t *hosts = NULL;
    json_int_t port = -1;
    int ipv6 = 0;
    json_error_t jerr;

    if (err)
        memset(err, 0, sizeof(*err));
    if (!b || !(b->warnings = json_array()))
        goto nomem;
    b->default_port = -1;
    snprintf(b->port, sizeof(b->port), "-1");
    b->rank = -1;

    json_t *table = json_is_object(config) ? json_object_get(config, "bootstrap") : NULL;
    if (table) {
        b->present = true;
        if (!(b->table = json_deep_copy(table)))
            goto nomem;
        if (json_unpack_ex(b->table, &jerr, JSON_STRICT, "{s?s s?I s?s s?s s?o s?b}",
                           "curve_cert", &b->curve_cert, "default_port", &port, "default_bind",
                           &b->default_bind, "default_connect", &b->default_connect, "hosts",
                           &hosts, "enable_ipv6", &ipv6) < 0) {
            seterr(err, "bootstrap", "%s", jerr.text);
            goto fail;
        }
        b->enable_ipv6 = ipv6;
        /* jansson's "i" casts to int without a range check. */
        b->default_port = (int)port;
        snprintf(b->port, sizeof(b->port), "%d", b->default_port);
        if (b->default_port > 65535) {
            seterr(err, "bootstrap.default_port", "default_port must be in the range of 0-65535");
            goto fail;
        }
        if ((json_int_t)b->default_port != port &&
            warn(b, "bootstrap.default_port",
                 "default_port %lld does not fit an int: the broker uses %d", (long long)port,
                 b->default_port) < 0)
            goto nomem;
        if (b->default_port < 0 && json_object_get(b->table, "default_port") &&
            warn(b, "bootstrap.default_port",
                 "default_port is %d: the broker accepts a negative port but treats it as "
                 "unset (%%p becomes %d)",
                 b->default_port, b->default_port) < 0)
            goto nomem;
        if (hosts && !json_is_array(hosts)) {
            seterr(err, "bootstrap.hosts", "must be array type");
            goto fail;
        }
        if (hosts && (expand_hosts(b, hosts, err) < 0 || validate_hosts(b, err) < 0))
            goto fail;
        if (b->size > 1 && !b->curve_cert) {
            seterr(err, "bootstrap", "curve_cert must be defined for size > 1");
            goto fail;
        }
    }

    if (b->size == 0) { /* singleton */
        b->size = 1;
        if (hostname && !(b->singleton_host = strdup(hostname)))
            goto nomem;
        b->rank = hostname ? 0 : -1;
        return b;
    }
    if (hostname && (b->rank = find_host(b, hostname)) < 0) {
        seterr(err, "bootstrap.hosts", "%s not found in hosts", hostname);
        goto fail;
    }
    return b;
nomem:
    seterr(err, "bootstrap", "%s", strerror(ENOMEM));
fail:
    bootstrap_destroy(b);
    return NULL;
}

bool bootstrap_present(const struct bootstrap *b)
{
    return b && b->present;
}

int bootstrap_size(const struct bootstrap *b)
{
    return b ? b->size : 0;
}

int bootstrap_rank(const struct bootstrap *b)
{
    return b ? b->rank : -1;
}

static bool singleton(const struct bootstrap *b)
{
    return b->cap == 0;
}

const char *bootstrap_host(const struct bootstrap *b, int rank)
{
    if (!b || rank < 0 || rank >= b->size)
        return NULL;
    return singleton(b) ? b->singleton_host : name_of(b, rank);
}

int bootstrap_find(const struct bootstrap *b, const char *host)
{
    if (!b || !host)
        return -1;
    if (singleton(b))
        return b->singleton_host && strcmp(b->singleton_host, host) == 0 ? 0 : -1;
    return find_host(b, host);
}

static int uri_of(const struct bootstrap *b, int rank, int k, char *buf, size_t bufsz)
{
    char uri[BOOTSTRAP_URI_MAX];
    const char *tmpl;

    if (!b || rank < 0 || rank >= b->size) {
        errno = EINVAL;
        return -1;
    }
    tmpl = singleton(b) ? NULL : template_of(b, rank, k);
    if (!tmpl) {
        if (bufsz > 0)
            buf[0] = '\0';
        return 0;
    }
    int n = format_uri(tmpl, name_of(b, rank), b->port, uri);
    if (n < 0 || (size_t)n >= bufsz) {
        errno = EOVERFLOW;
        return -1;
    }
    memcpy(buf, uri, (size_t)n + 1);
    return 1;
}

int bootstrap_bind_uri(const struct bootstrap *b, int rank, char *buf, size_t bufsz)
{
    return uri_of(b, rank, KEY_BIND, buf, bufsz);
}

int bootstrap_connect_uri(const struct bootstrap *b, int rank, char *buf, size_t bufsz)
{
    return uri_of(b, rank, KEY_CONNECT, buf, bufsz);
}

int bootstrap_parent_key(const struct bootstrap *b, int rank)
{
    if (!b || rank < 0 || rank >= b->size || singleton(b))
        return -1;
    return b->parent[rank];
}

bool bootstrap_has_parent_keys(const struct bootstrap *b)
{
    return b && b->has_parent_keys;
}

const char *bootstrap_keypath(const struct bootstrap *b, int rank, const char *key, char *buf,
                              size_t bufsz)
{
    if (!b || !key || rank < 0 || rank >= b->size || singleton(b))
        return NULL;
    for (int k = 0; k < KEY_COUNT; k++) {
        if (strcmp(key, key_names[k]) == 0) {
            int n = keypath_of(b, rank, k, buf, bufsz);
            return n >= 0 && (size_t)n < bufsz ? buf : NULL;
        }
    }
    return NULL;
}

const char *bootstrap_curve_cert(const struct bootstrap *b)
{
    return b ? b->curve_cert : NULL;
}

bool bootstrap_enable_ipv6(const struct bootstrap *b)
{
    return b && b->enable_ipv6;
}

int bootstrap_default_port(const struct bootstrap *b)
{
    return b ? b->default_port : -1;
}

const json_t *bootstrap_warnings(const struct bootstrap *b)
{
    return b ? b->warnings : NULL;
}
