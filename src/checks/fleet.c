/* Fleet consistency (checklist: "Is the Flux network certificate synced?",
 * "Is the Flux configuration synced?", "Are users set up properly?", and the
 * shared munge key of "Is Munge working?").
 *
 * The leader publishes its fingerprint (`flux-preflight manifest`); every
 * node names it in its gate config (`manifest = URL`) and fleet.sync fetches
 * it with libcurl and compares it with its own items. The last good copy is
 * kept in <statedir>/preflight-manifest.json (root, 0644: the gate's own
 * file, the only one it writes there) for boots where the server is down.
 *
 * Judgement:
 *   no manifest configured                      skip
 *   every item equal                            pass
 *   an item differs                             fail, naming the items
 *   https server whose certificate does not     fail (TLS reason): the cache is
 *     verify                                    not used, an unverified server
 *                                               is a misconfiguration or attack
 *   unreachable, HTTP error, too large,         the cached copy is used (pass
 *     malformed                                 or fail, with a note); without
 *                                               one: error (blocks under
 *                                               severity fail), or warn with
 *                                               [fleet] allow-unreachable = true
 * A file:// manifest is read through fileio (not libcurl): inside the root
 * under --root, never a FIFO or a device, at most fleet.max-size. Under
 * --root http(s) is skipped, and the cache is neither read nor written. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


#include "checks/curl-dl.h"
#include "checks/fingerprint.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/check.h"
#include "engine/context.h"

extern const struct fp_check fp_checks_fleet[];

#define FLEET_MAX_REDIRS 3L

static const char *manifest_url(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "manifest");
}

static bool has_prefix(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

static void describe_fleet_sync(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *url = manifest_url(ctx);
    if (url) {
        fp_fact_str(r, "manifest", url);
        fp_fact_str(r, "target", url);
    }
}

/* A manifest fetched over the network: a child of its own (it reads files
 * too), concurrent with the filesystem worker. None, or a file:// one: only
 * files to read, in the worker, after the other filesystem checks. */
static unsigned fleet_sync_flags(const struct fp_ctx *ctx)
{
    const char *url = manifest_url(ctx);

    if (!url || has_prefix(url, "file://") || !ctx->live)
        return FP_CHECK_FS;
    return FP_CHECK_FS | FP_CHECK_SOLO;
}

/* --- fetching ------------------------------------------------------------ */

enum fetch_status {
    FETCH_OK,
    FETCH_FAILED,  /* unreachable, HTTP error, too large, bad document: the cache may stand in */
    FETCH_TLS,     /* the server's certificate does not verify: no stand-in */
    FETCH_REFUSED, /* not fetched: a restriction could not be set, or not a URL we fetch */
};

struct fetch {
    char *buf;
    size_t len, cap, max;
    bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct fetch *f = arg;
    size_t n = size * nmemb;

    if (n > f->max - f->len) {
        f->too_big = true;
        return 0; /* abort the transfer (CURLE_WRITE_ERROR) */
    }
    if (f->len + n + 1 > f->cap) {
        size_t ncap = f->cap ? f->cap : 4096;
        while (ncap < f->len + n + 1)
            ncap *= 2;
        char *nb = realloc(f->buf, ncap);
        if (!nb)
            return 0;
        f->buf = nb;
        f->cap = ncap;
    }
    memcpy(f->buf + f->len, ptr, n);
    f->len += n;
    f->buf[f->len] = '\0';
    return n;
}

static bool tls_failure(CURLcode rc)
{
    switch (rc) {
    /* not CURLE_SSL_CONNECT_ERROR: a handshake cut short by a restarting
     * server is an outage, for which the cache stands in */
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
        return true;
    default:
        return false;
    }
}

static long ms_of(double secs)
{
    return secs <= 0 ? 1 : (long)ceil(secs * 1000.0);
}

/* Total time curl may take: fleet.timeout, but ending a second before the
 * check's own timeout and the run's deadline, so that a stalled server
 * still leaves time to fall back on the cache and say why. */
static double transfer_budget(const struct fp_ctx *ctx)
{
    double t = fp_setting_num(ctx->set, "fleet.timeout");
    double check = fp_settings_timeout(ctx->set, &fp_checks_fleet[0]);
    struct timespec ts;

    if (check - 1.0 < t)
        t = check - 1.0;
    if (ctx->deadline > 0 && clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
        double left = ctx->deadline - (ts.tv_sec + ts.tv_nsec / 1e9) - 1.0;
        if (left < t)
            t = left;
    }
    return t < 0.5 ? 0.5 : t;
}

/* The path of a file:// URL, percent-decoded: "file:///srv/m.json" or
 * "file://localhost/srv/m.json". 0, or -1 with why. */
static int file_url_path(const char *url, char *path, size_t pathsz, char *why, size_t whysz)
{
    const char *p = url + strlen("file://");
    size_t n = 0;

    if (strncasecmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/') {
        snprintf(why, whysz, "a file:// URL names a file of this host: file:///PATH");
        return -1;
    }
    for (; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '?' || c == '#') {
            snprintf(why, whysz, "a file:// URL with a query or a fragment is not a file");
            return -1;
        }
        if (c == '%') {
            unsigned v;
            if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
                sscanf(p + 1, "%2x", &v) != 1) {
                snprintf(why, whysz, "not a valid URL (a %% not followed by two hex digits)");
                return -1;
            }
            c = (int)v;
            p += 2;
        }
        if (c == 0) {
            snprintf(why, whysz, "not a valid URL (%%00 in the path)");
            return -1;
        }
        if (n + 1 >= pathsz) {
            snprintf(why, whysz, "the path of the file:// URL is too long");
            return -1;
        }
        path[n++] = (char)c;
    }
    path[n] = '\0';
    return 0;
}

/* A file:// manifest is read like every file of the node: through fileio,
 * inside the root under --root (where "%2e%2e" decodes to a ".." that stops
 * at the image's top), never a FIFO or a device, at most f->max bytes. */
static enum fetch_status fetch_file(const struct fp_ctx *ctx, const char *url, struct fetch *f,
                                    char *why, size_t whysz)
{
    char path[PATH_MAX];
    struct fio_file file = { 0 };

    if (file_url_path(url, path, sizeof(path), why, whysz) < 0)
        return FETCH_FAILED;
    if (fio_read(ctx->root, path, f->max, 0, &file, why, whysz) < 0)
        return FETCH_FAILED;
    f->buf = TAKE_PTR(file.data);
    f->len = file.len;
    f->cap = file.len + 1;
    return FETCH_OK;
}

/* Every restriction is set, or nothing is fetched: an option that the loaded
 * libcurl refuses (too old, built without it) would otherwise be dropped in
 * silence, and with it the limit. */
#define SETOPT(h, opt, val)                                                                     \
    do {                                                                                        \
        CURLcode _c = curl_easy_setopt(h, opt, val);                                            \
        if (_c != CURLE_OK) {                                                                   \
            snprintf(why, whysz, "%s: libcurl %s refuses %s (%s): not fetched without it",      \
                     url, fp_curl_version(), #opt, curl_easy_strerror(_c));                     \
            st = FETCH_REFUSED;                                                                 \
            goto out;                                                                           \
        }                                                                                       \
    } while (0)

static enum fetch_status fetch(const struct fp_ctx *ctx, const char *url, struct fetch *f,
                               struct fp_result *r, char *why, size_t whysz)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    const char *ca = fp_setting_str(ctx->set, "fleet.ca-path");
    double budget = transfer_budget(ctx);
    double connect = fp_setting_num(ctx->set, "fleet.connect-timeout");
    enum fetch_status st = FETCH_FAILED;
    bool https = has_prefix(url, "https://");
    CURLU *u = NULL;
    CURL *h = NULL;
    CURLcode rc;

    f->max = (size_t)fp_setting_num(ctx->set, "fleet.max-size");
    if (has_prefix(url, "file://"))
        return fetch_file(ctx, url, f, why, whysz);
    if (!https && !has_prefix(url, "http://")) {
        snprintf(why, whysz, "%s: only https://, http:// and file:// manifests are fetched", url);
        return FETCH_REFUSED;
    }
    if (fp_curl_load(why, whysz) < 0)
        return FETCH_FAILED;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(why, whysz, "cannot initialise libcurl");
        return FETCH_FAILED;
    }
    if (!(h = curl_easy_init()) || !(u = curl_url())) {
        snprintf(why, whysz, "cannot initialise libcurl");
        goto out;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        snprintf(why, whysz, "not a valid URL");
        goto out;
    }

    SETOPT(h, CURLOPT_CURLU, u);
    SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    SETOPT(h, CURLOPT_USERAGENT, "flux-preflight/" PACKAGE_VERSION);
    /* http(s) only, and a redirect never leaves http(s) nor drops TLS: the
     * string form where the loaded libcurl has it (7.85 and later), the
     * bitmask before (removed from the string-only builds) */
    if (fp_curl_version_num() >= 0x075500) {
        SETOPT(h, CURLOPT_PROTOCOLS_STR, https ? "https" : "http,https");
        SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    } else {
        long https_only = (long)CURLPROTO_HTTPS, both = (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS);
        SETOPT(h, CURLOPT_PROTOCOLS, https ? https_only : both);
        SETOPT(h, CURLOPT_REDIR_PROTOCOLS, https ? https_only : both);
    }
    SETOPT(h, CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(h, CURLOPT_MAXREDIRS, FLEET_MAX_REDIRS);
    SETOPT(h, CURLOPT_FAILONERROR, 1L);
    SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
    /* A configured CA replaces the system store: the bundle and the
     * directory libcurl was built with are both cleared. It is a path of
     * this host (the gate's own config), looked at without being opened. */
    if (ca) {
        struct stat sb;
        _cleanup_close_ int cfd = fio_open(NULL, ca, O_PATH);
        bool dir = cfd >= 0 && fstat(cfd, &sb) == 0 && S_ISDIR(sb.st_mode);
        SETOPT(h, CURLOPT_CAINFO, dir ? NULL : ca);
        SETOPT(h, CURLOPT_CAPATH, dir ? ca : NULL);
    }
    SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, ms_of(connect < budget ? connect : budget));
    SETOPT(h, CURLOPT_TIMEOUT_MS, ms_of(budget));
    SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max);
    SETOPT(h, CURLOPT_WRITEFUNCTION, on_data);
    SETOPT(h, CURLOPT_WRITEDATA, f);

    rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        st = FETCH_OK;
        goto out;
    }
    st = FETCH_FAILED;
    fp_fact_int(r, "curl_code", rc);
    char bytes[32];
    if (f->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(why, whysz, "larger than the %s limit (fleet.max-size)",
                 fp_format_bytes(bytes, sizeof(bytes), f->max));
    } else if (rc == CURLE_HTTP_RETURNED_ERROR) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        fp_fact_int(r, "http_status", code);
        snprintf(why, whysz, "the server answered HTTP %ld", code);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(why, whysz, "no complete answer within %gs (%s)", ms_of(budget) / 1000.0,
                 errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else {
        snprintf(why, whysz, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        if (tls_failure(rc))
            st = FETCH_TLS;
    }
out:
    curl_url_cleanup(u);
    if (h)
        curl_easy_cleanup(h);
    curl_global_cleanup();
    return st;
}
#undef SETOPT

/* Add to the message without changing the result (a pass note after a
 * finding would be dropped). */
static void note(struct fp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct fp_result *r, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fp_report(r, r->status, "%s", buf);
}

/* --- the cache ------------------------------------------------------------ */

static bool cache_path(const struct fp_ctx *ctx, char *buf, size_t bufsz)
{
    return snprintf(buf, bufsz, "%s/%s", fp_setting_str(ctx->set, "statedir"),
                    FP_MANIFEST_CACHE_NAME) < (int)bufsz;
}

/* Read the cached copy if it can be trusted: a regular file (not a link)
 * owned by root, writable by nobody else (statedir belongs to flux). */
static int cache_read(const char *path, size_t max, char **bufp, size_t *lenp, char *why,
                      size_t whysz)
{
    struct fio_file f = { 0 };
    int rc = fio_read(NULL, path, max, FIO_NOFOLLOW, &f, why, whysz);

    if (rc == -ENOENT) {
        snprintf(why, whysz, "no cached copy at %s", path);
        return -1;
    }
    if (rc == -ELOOP) {
        snprintf(why, whysz, "cached copy %s ignored: a symbolic link", path);
        return -1;
    }
    if (rc == -EFBIG) {
        snprintf(why, whysz, "cached copy %s ignored: too large", path);
        return -1;
    }
    if (rc == -EINVAL || (rc == 0 && (f.st.st_uid != 0 || (f.st.st_mode & (S_IWGRP | S_IWOTH))))) {
        fio_file_free(&f);
        snprintf(why, whysz, "cached copy %s ignored: not a regular file owned by root and "
                             "writable only by root", path);
        return -1;
    }
    if (rc < 0) {
        snprintf(why, whysz, "cached copy %s: %s", path, strerror(-rc));
        return -1;
    }
    *bufp = f.data;
    *lenp = f.len;
    return 0;
}

/* Keep the fetched copy for boots where the server is down. Nothing to do
 * when it is unchanged. A failure is a note, not a finding: the comparison
 * was made. */
/* Write the cache; 0 written or unchanged, 1 no statedir yet, -1 error (err). */
static int cache_store(const char *statedir, const char *path, const struct fetch *f, char *err,
                       size_t errsz)
{
    struct stat st;
    char *old = NULL;
    size_t oldlen = 0;
    char why[PATH_MAX + 256];
    _cleanup_close_ int sfd = fio_open(NULL, statedir, O_PATH);

    /* statedir is the broker's (systemd creates it for flux.service): never create it */
    if (sfd < 0 || fstat(sfd, &st) < 0 || !S_ISDIR(st.st_mode))
        return 1;
    if (cache_read(path, f->max, &old, &oldlen, why, sizeof(why)) == 0 && oldlen == f->len &&
        memcmp(old, f->buf, f->len) == 0) {
        free(old);
        return 0;
    }
    free(old);
    return fp_write_atomic(path, f->buf, f->len, err, errsz) < 0 ? -1 : 0;
}

/* statedir may sit on a filesystem that does not answer (statedir.* report
 * that): the verdict is already known, so the cache is written by a
 * grandchild that gets one second, and is left behind if it hangs. */
#define CACHE_WRITE_WAIT_MSEC 1000

static void cache_write(const struct fp_ctx *ctx, const struct fetch *f, struct fp_result *r)
{
    char path[PATH_MAX], err[PATH_MAX + 128] = "";
    const char *statedir = fp_setting_str(ctx->set, "statedir"), *hung;
    int p[2];

    if (!cache_path(ctx, path, sizeof(path)))
        return;
    fp_fact_str(r, "cache", path);
    if ((hung = fp_unresponsive(statedir))) {
        /* an earlier check of this run waited on it in vain: not again */
        fp_fact_str(r, "cache_error", "statedir did not answer");
        note(r, "cached copy not updated: %s did not answer earlier in this run", hung);
        return;
    }
    if (pipe2(p, O_CLOEXEC) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        int rc = cache_store(statedir, path, f, err, sizeof(err));
        if (rc < 0 && write(p[1], err, strlen(err)) < 0)
            rc = -2;
        _exit(rc < 0 ? 2 : rc);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return;
    }
    /* the writer's end of the pipe closes when it exits: wait for that */
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    int status = 0, n;
    pid_t done = 0;
    do
        n = poll(&pfd, 1, CACHE_WRITE_WAIT_MSEC);
    while (n < 0 && errno == EINTR);
    if (n > 0) /* its error message, or its exit: it is gone or about to be */
        for (int i = 0; i < 100 && (done = waitpid(pid, &status, WNOHANG)) == 0; i++)
            usleep(1000);
    if (done == 0) {
        fp_fact_str(r, "cache_error", "statedir did not answer");
        note(r, "cached copy not updated: statedir %s did not answer within 1s", statedir);
    } else if (done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1) {
        fp_fact_str(r, "cache_error", "statedir does not exist");
        note(r, "no cached copy kept: statedir %s does not exist yet", statedir);
    } else if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ssize_t n = read(p[0], err, sizeof(err) - 1);
        err[n > 0 ? n : 0] = '\0';
        if (!err[0])
            snprintf(err, sizeof(err), "%s: the cache writer failed", path);
        fp_fact_str(r, "cache_error", err);
        note(r, "cached copy not updated: %s", err);
    }
    close(p[0]);
}

/* --- comparing ------------------------------------------------------------- */

/* "a", "a and b", "a, b and c" */
static void join_names(char *buf, size_t sz, const char **names, size_t n, const char *sep)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && off < sz; i++) {
        const char *s = i == 0 ? "" : (sep ? sep : (i + 1 == n ? " and " : ", "));
        off += snprintf(buf + off, sz - off, "%s%s", s, names[i]);
    }
}

static void hint(const struct fp_item *it, const char *theirs, const char *host,
                 struct fp_result *r)
{
    char here[640] = "";

    if (strcmp(it->name, "flux.uid") == 0 || strcmp(it->name, "flux.gid") == 0) {
        bool uid = strcmp(it->name, "flux.uid") == 0;
        if (it->state != FP_ITEM_OK)
            fp_fail(r, "%s: %s; on %s it is %s", it->name, it->detail, host, theirs);
        else
            fp_fail(r, "the flux user has %s %s here, %s on %s: give it the same %s on every "
                       "node (%s, or fix the NSS source)",
                    uid ? "uid" : "gid", it->value, theirs, host, uid ? "uid" : "gid",
                    uid ? "usermod -u" : "groupmod -g");
        return;
    }
    if (strcmp(theirs, "missing") == 0) {
        fp_fail(r, "%s: present here, missing on %s: remove %s here, or add it on %s and write "
                   "the manifest again",
                it->name, host, it->source, host);
        return;
    }
    if (it->state != FP_ITEM_OK)
        snprintf(here, sizeof(here), " (here: %s)", it->detail);
    if (strcmp(it->name, "munge.key") == 0)
        fp_fail(r, "munge.key%s: copy %s from %s (owner munge, mode 0400), then systemctl "
                   "restart munge",
                here, it->source, host);
    else if (strncmp(it->name, "cert", 4) == 0)
        fp_fail(r, "%s%s: copy %s from %s (owner flux, mode 0400)", it->name, here, it->source,
                host);
    else
        fp_fail(r, "%s%s: copy %s from %s", it->name, here, it->source, host);
}

/* what: "the manifest" or "the cached manifest in PATH" */
static void compare(const struct fp_fingerprint *fp, const struct fp_manifest *m,
                    const char *what, struct fp_result *r)
{
    const char *differ[FP_ITEM_COUNT], *absent[FP_ITEM_COUNT];
    size_t ndiffer = 0, nabsent = 0, nmatch = 0;
    char list[512];

    fp_fact_str(r, "manifest_host", m->host);
    fp_fact_str(r, "manifest_time", m->time);
    for (int i = 0; i < FP_ITEM_COUNT; i++) {
        const struct fp_item *it = &fp->items[i];
        const char *theirs = json_string_value(json_object_get(m->items, it->name));
        if (!theirs)
            absent[nabsent++] = it->name;
        else if (strcmp(theirs, it->value) != 0)
            differ[ndiffer++] = it->name;
        else
            nmatch++;
    }
    if (nmatch + ndiffer == 0) {
        fp_error(r, "%s has none of the items this flux-preflight compares", what);
        return;
    }
    if (ndiffer > 0) {
        join_names(list, sizeof(list), differ, ndiffer, ",");
        fp_fact_str(r, "different", list);
        join_names(list, sizeof(list), differ, ndiffer, NULL);
        fp_fail(r, "%s %s from %s (generated on %s at %s)", list,
                ndiffer == 1 ? "differs" : "differ", what, m->host, m->time);
        bool cert_differs = false;
        for (int i = 0; i < FP_ITEM_COUNT; i++) {
            const struct fp_item *it = &fp->items[i];
            const char *theirs = json_string_value(json_object_get(m->items, it->name));
            if (!theirs || strcmp(theirs, it->value) == 0)
                continue;
            /* one file, one hint */
            if (i == FP_ITEM_CERT_FILE && cert_differs)
                continue;
            cert_differs |= i == FP_ITEM_CERT;
            hint(it, theirs, m->host, r);
        }
        fp_fail(r, "compare `flux-preflight fingerprint` here and on %s", m->host);
    } else {
        fp_fact_str(r, "different", "");
        fp_pass(r, "all %zu items match %s (generated on %s at %s)", nmatch, what, m->host,
                m->time);
    }
    if (nabsent > 0) {
        join_names(list, sizeof(list), absent, nabsent, NULL);
        note(r, "not in the manifest, not compared: %s", list);
    }
    const char *k;
    json_t *v;
    size_t nunknown = 0;
    json_object_foreach(m->items, k, v) {
        bool known = false;
        for (int i = 0; i < FP_ITEM_COUNT && !known; i++)
            known = strcmp(k, fp->items[i].name) == 0;
        if (!known && nunknown++ < 8)
            note(r, "item %s of the manifest is unknown to this version: ignored", k);
    }
}

/* --- the check -------------------------------------------------------------- */

static void check_fleet_sync(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *url = manifest_url(ctx);
    struct fetch f = { 0 };
    struct fp_manifest m = { 0 };
    struct fp_fingerprint fp;
    char why[CURL_ERROR_SIZE + 256] = "";
    char what[PATH_MAX + 64] = "the manifest";
    char cache[PATH_MAX];

    if (!url) {
        fp_skip(r, "no manifest configured (set manifest = \"https://.../manifest.json\" in the "
                   "gate config; the leader writes it with flux-preflight manifest)");
        return;
    }
    describe_fleet_sync(ctx, r);
    bool remote = !has_prefix(url, "file://");
    if (!ctx->live && remote) {
        fp_skip(r, "%s not fetched under --root (an offline check makes no network requests): "
                   "use a file:// manifest, or compare flux-preflight fingerprint outputs",
                url);
        return;
    }

    enum fetch_status st = fetch(ctx, url, &f, r, why, sizeof(why));
    if (st == FETCH_OK) {
        char perr[256];
        if (fp_manifest_parse(f.buf ? f.buf : "", f.len, &m, perr, sizeof(perr)) == 0) {
            fp_fact_str(r, "source", "fetched");
        } else {
            snprintf(why, sizeof(why), "not a usable manifest: %s", perr);
            st = FETCH_FAILED;
        }
    }
    if (st == FETCH_REFUSED) {
        fp_fact_str(r, "fetch_error", why);
        fp_error(r, "%s", why);
        goto out;
    }
    if (st == FETCH_TLS) {
        fp_fact_str(r, "fetch_error", why);
        fp_fail(r, "cannot verify the manifest server %s: %s; the cached copy is not used for "
                   "a server that does not prove its identity: set [fleet] ca-path to the CA "
                   "that signed its certificate (or fix the server's certificate)",
                url, why);
        goto out;
    }
    if (st != FETCH_OK) {
        fp_fact_str(r, "fetch_error", why);
        char cwhy[PATH_MAX + 512] = "";
        bool have_cache = false;
        if (ctx->live && cache_path(ctx, cache, sizeof(cache))) {
            char *buf = NULL;
            size_t len = 0;
            char perr[256];
            fp_fact_str(r, "cache", cache);
            if (cache_read(cache, (size_t)fp_setting_num(ctx->set, "fleet.max-size"), &buf, &len,
                           cwhy, sizeof(cwhy)) == 0) {
                if (fp_manifest_parse(buf, len, &m, perr, sizeof(perr)) == 0)
                    have_cache = true;
                else
                    snprintf(cwhy, sizeof(cwhy), "cached copy %s unusable: %s", cache, perr);
            }
            free(buf);
        } else if (!ctx->live) {
            snprintf(cwhy, sizeof(cwhy), "no cache under --root");
        }
        if (!have_cache) {
            enum fp_status bad = fp_setting_bool(ctx->set, "fleet.allow-unreachable") ? FP_WARN
                                                                                       : FP_ERROR;
            fp_report(r, bad, "cannot get the manifest %s: %s; %s: cannot compare this node with "
                              "the fleet (check the server and the manifest setting; [fleet] "
                              "allow-unreachable = true makes this a warning)",
                      url, why, cwhy);
            goto out;
        }
        fp_fact_str(r, "source", "cache");
        snprintf(what, sizeof(what), "the cached manifest in %s", cache);
    }

    fp_fingerprint_compute(ctx, &fp, false);
    compare(&fp, &m, what, r);
    if (st != FETCH_OK)
        note(r, "used the cached copy: %s could not be fetched: %s", url, why);
    else if (ctx->live)
        cache_write(ctx, &f, r);
out:
    fp_manifest_fini(&m);
    free(f.buf);
}

const struct fp_check fp_checks_fleet[] = {
    {
        .id = "fleet.sync",
        .message_id = "d2b7a335e03143a79cf287c89c94beb0",
        .summary = "cert, configs, munge key and flux uid/gid match the fleet manifest",
        .subject = "Flux fleet consistency: this node against the manifest @FLUX_PREFLIGHT_MANIFEST@",
        .documentation = "man:flux-preflight.toml(5)",
        .journal =
            "The pre-flight check fleet.sync compared this node's CURVE certificate, its\n"
            "system, security and IMP configurations, its munge key and the flux user's\n"
            "uid and gid with the fleet manifest @FLUX_PREFLIGHT_MANIFEST@ (the items\n"
            "that differ are in FLUX_PREFLIGHT_DIFFERENT): @MESSAGE@",
        .details =
            "This node's certificate, configurations, munge key and flux user match the\n"
            "fleet's reference, the manifest the leader writes with flux-preflight manifest\n"
            "and the gate config names with manifest (https://, http:// or file://).\n"
            "Skipped when no manifest is configured. The items and their digests are those\n"
            "of fingerprint: cert, cert.file, config.system, config.security, config.imp,\n"
            "munge.key, flux.uid and flux.gid. Any difference fails, naming the items and\n"
            "the manifest's host and time ('config.system and munge.key differ from the\n"
            "manifest (generated on node0 at ...)') with what to copy from where; the fact\n"
            "FLUX_PREFLIGHT_DIFFERENT lists them ('config.system,munge.key'). An http(s)\n"
            "manifest is fetched with libcurl: TLS verified (peer and host name, against\n"
            "[fleet] ca-path or the system store), at most 3 redirects and never from https\n"
            "to http, only http and https, within [fleet] connect-timeout and [fleet]\n"
            "timeout (ending a second before the check's own timeout, 15s), and no larger\n"
            "than [fleet] max-size. Each of these limits is set, or nothing is fetched: an\n"
            "option the loaded libcurl refuses is an error naming it and the libcurl\n"
            "version (the protocol limits use CURLOPT_PROTOCOLS_STR from libcurl 7.85, the\n"
            "older CURLOPT_PROTOCOLS before, chosen from the library that is loaded). A\n"
            "file:// manifest is read as every file of the node is, not by libcurl: a\n"
            "regular file, at most [fleet] max-size, and under --root inside the image\n"
            "(Images). The last good copy is kept in statedir/preflight-manifest.json\n"
            "(root, mode 0644, written atomically and only when it changes; the only file\n"
            "the gate writes there). When the server is down, answers an HTTP error, sends\n"
            "too much or sends a document that is not a version 1 manifest, the cached copy\n"
            "is compared instead and the message says so (FLUX_PREFLIGHT_SOURCE=cache,\n"
            "FLUX_PREFLIGHT_FETCH_ERROR); a cached copy that is a symbolic link, not owned\n"
            "by root or writable by others is not trusted. With no usable cached copy the\n"
            "check reports error, which blocks under the default severity fail; [fleet]\n"
            "allow-unreachable = true makes that a warning while differences still fail,\n"
            "and '[severity] \"fleet.sync\" = \"warn\"' makes the whole check report only. A\n"
            "server whose certificate does not verify fails with the TLS reason, and the\n"
            "cached copy is not used for it: that is a misconfiguration or an attack, not\n"
            "an outage. Under --root, a file:// manifest is read inside the root, an\n"
            "http(s):// one is not fetched (skip), and the cache is neither read nor\n"
            "written. Facts: FLUX_PREFLIGHT_MANIFEST, FLUX_PREFLIGHT_SOURCE (fetched or\n"
            "cache), FLUX_PREFLIGHT_MANIFEST_HOST, FLUX_PREFLIGHT_MANIFEST_TIME,\n"
            "FLUX_PREFLIGHT_DIFFERENT, FLUX_PREFLIGHT_CACHE, FLUX_PREFLIGHT_FETCH_ERROR,\n"
            "FLUX_PREFLIGHT_CURL_CODE, FLUX_PREFLIGHT_HTTP_STATUS. Fix: copy the differing\n"
            "files from the leader (certificate owner flux, mode 0400; munge key owner\n"
            "munge, mode 0400, then systemctl restart munge), give flux the same uid and\n"
            "gid on every node, and compare pdsh -a flux-preflight fingerprint | dshbak -c.",
        .explain =
            "Every broker of a Flux instance must share these. A node with another\n"
            "certificate cannot authenticate to its overlay parent; with another munge\n"
            "key every credential from or to it fails to decode; with another flux uid\n"
            "files the broker owns elsewhere are not its own; with another system config\n"
            "it reads a different [bootstrap] or [tbon] (followers adopt the rest of the\n"
            "leader's config), and the IMP and signing library only ever read their own\n"
            "files. The failures show up later, far from the cause: overlay errors, munge\n"
            "decode errors, jobs that fail on some nodes only.\n"
            "\n"
            "Compare the node with the leader item by item, and see which nodes agree:\n"
            "\n"
            "    flux-preflight fingerprint                  (here and on the leader)\n"
            "    pdsh -a flux-preflight fingerprint | dshbak -c\n"
            "\n"
            "Then copy the differing files from the leader:\n"
            "\n"
            "    /etc/flux/system/curve.cert                 owner flux, mode 0400\n"
            "    /etc/flux/system/conf.d, /etc/flux/security/conf.d, /etc/flux/imp/conf.d\n"
            "    /etc/munge/munge.key                        owner munge, mode 0400,\n"
            "                                                then: systemctl restart munge\n"
            "\n"
            "and give the flux user the same uid and gid on every node (usermod -u,\n"
            "groupmod -g, or the NSS source). If the leader's files are the ones that\n"
            "changed on purpose, write the manifest again on the leader:\n"
            "\n"
            "    flux-preflight manifest -o <the file the manifest URL serves>\n"
            "\n"
            "When the manifest cannot be fetched, fleet.sync uses the last good copy in\n"
            "<statedir>/preflight-manifest.json and says so; with no copy it reports\n"
            "error, which blocks like a failure. If the manifest server is down and this\n"
            "node must start, set [fleet] allow-unreachable = true in\n"
            "/etc/flux/preflight/conf.d (a missing manifest then warns), or\n"
            "[severity] \"fleet.sync\" = \"warn\" (report only). A server whose TLS\n"
            "certificate does not verify is not trusted: set [fleet] ca-path to the CA\n"
            "that signed it.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS | FP_CHECK_SOLO,
        .timeout = 15.0,
        .settings = FP_SETTINGS(
            { "manifest", FP_SET_URL, NULL, "fleet reference (https://, http://, file://) for fleet.sync" },
            { "fleet.ca-path", FP_SET_PATH, NULL, "CA file, or hashed CA directory, that verifies an https:// manifest server (unset: the system store)" },
            { "fleet.connect-timeout", FP_SET_FSD, "5s", "fleet.sync: time to connect to the manifest server" },
            { "fleet.timeout", FP_SET_FSD, "10s", "fleet.sync: time for the whole manifest transfer" },
            { "fleet.max-size", FP_SET_BYTES, "1M", "fleet.sync: a larger manifest is refused" },
            { "fleet.allow-unreachable", FP_SET_BOOL, NULL, "true: no manifest and no cached copy is a warning, not an error" }),
        .run = check_fleet_sync,
        .describe = describe_fleet_sync,
        .flags_for = fleet_sync_flags,
    },
    { 0 },
};
