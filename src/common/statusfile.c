/* The status file reader, shared by pam_flux_preflight(8) and `flux-preflight status`. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/errbuf.h"
#include "common/fileio.h"
#include "common/statusfile.h"

static int fail(int r, char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(int r, char *why, size_t whysz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errbuf_vset(why, whysz, fmt, ap);
    va_end(ap);
    return r;
}

/* Boot ids come with dashes from /proc (8-4-4-4-12) and without from
 * sd_id128_to_string(); compare them as 32 lowercase hex digits. */
static int boot_id_normalise(const char *s, char out[33])
{
    size_t n = 0;

    for (; *s && *s != '\n'; s++) {
        if (*s == '-')
            continue;
        if (!isxdigit((unsigned char)*s) || n == 32)
            return -EINVAL;
        out[n++] = (char)tolower((unsigned char)*s);
    }
    if (*s == '\n' && s[1] != '\0')
        return -EINVAL;
    if (n != 32)
        return -EINVAL;
    out[32] = '\0';
    return 0;
}

static int boot_id_current(char out[33], char *why, size_t whysz)
{
    char buf[64];
    ssize_t n;
    _cleanup_close_ int fd = open(STATUSFILE_BOOT_ID_PATH, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return fail(-errno, why, whysz, "cannot open %s: %s", STATUSFILE_BOOT_ID_PATH,
                    strerror(errno));
    do
        n = read(fd, buf, sizeof(buf) - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail(-errno, why, whysz, "cannot read %s: %s", STATUSFILE_BOOT_ID_PATH,
                    strerror(errno));
    buf[n] = '\0';
    if (boot_id_normalise(buf, out) < 0)
        return fail(-EINVAL, why, whysz, "%s does not hold a boot id", STATUSFILE_BOOT_ID_PATH);
    return 0;
}

/* Open PATH through its directory and check both descriptors: what fstat()
 * says is what we read. The directory must be root's and writable by nobody
 * else (a user who can write there can delete or replace the file). */
static int open_trusted(const char *path, struct stat *st, char *why, size_t whysz)
{
    _cleanup_free_ char *dcopy = strdup(path), *bcopy = strdup(path);
    _cleanup_close_ int dfd = -1;
    const char *dir, *base;
    char dwhy[PATH_MAX + 128];
    int fd;

    if (!dcopy || !bcopy)
        return fail(-ENOMEM, why, whysz, "out of memory reading %s", path);
    dir = dirname(dcopy);
    base = basename(bcopy);
    if ((dfd = fio_open(NULL, dir, O_PATH | O_DIRECTORY)) < 0) {
        if (dfd == -ENOENT)
            return fail(STATUSFILE_MISSING, why, whysz, "%s does not exist", path);
        return fail(dfd, why, whysz, "cannot open %s: %s", dir, strerror(-dfd));
    }
    if (fio_dir_trusted(dfd, dir, dwhy, sizeof(dwhy)) < 0)
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s: whoever can write there can "
                    "replace or delete %s", dwhy, path);
    fd = fio_openat_read(NULL, dfd, dir, base, FIO_NOFOLLOW, st);
    if (fd == -ENOENT)
        return fail(STATUSFILE_MISSING, why, whysz, "%s does not exist", path);
    if (fd == -ELOOP)
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s is a symbolic link", path);
    if (fd == -EINVAL)
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s is not a regular file", path);
    if (fd < 0)
        return fail(fd, why, whysz, "cannot open %s: %s", path, strerror(-fd));
    if (st->st_uid != 0) {
        close(fd);
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s is owned by uid %u, not root", path,
                    (unsigned)st->st_uid);
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        close(fd);
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s is %s-writable (mode %04o)", path,
                    (st->st_mode & S_IWOTH) ? "world" : "group", (unsigned)(st->st_mode & 07777));
    }
    if (st->st_size > STATUSFILE_MAX_SIZE) {
        close(fd);
        return fail(STATUSFILE_UNTRUSTED, why, whysz, "%s is %lld bytes, over the %d byte limit",
                    path, (long long)st->st_size, STATUSFILE_MAX_SIZE);
    }
    return fd;
}

/* Read what fstat() reported, and no more. The gate replaces the file by
 * rename(), so a file that changes while we read it is not the gate's. */
static int read_all(int fd, const char *path, const struct stat *st, char **bufp, size_t *lenp,
                    char *why, size_t whysz)
{
    int r = fio_read_fd(fd, (size_t)st->st_size, 0, bufp, lenp);

    if (r == -EFBIG)
        return fail(-EAGAIN, why, whysz, "%s grew while being read", path);
    if (r == -ENOMEM)
        return fail(-ENOMEM, why, whysz, "out of memory reading %s", path);
    if (r < 0)
        return fail(r, why, whysz, "cannot read %s: %s", path, strerror(-r));
    return 0;
}

static int malformed(char *why, size_t whysz, const char *path, const char *what)
{
    return fail(STATUSFILE_MALFORMED, why, whysz, "%s: %s", path, what);
}

static bool optional_string(json_t *root, const char *key, const char **out)
{
    json_t *v = json_object_get(root, key);

    *out = json_string_value(v);
    return !v || json_is_string(v);
}

static bool optional_array_of(json_t *root, const char *key, json_type type, json_t **out)
{
    json_t *v = json_object_get(root, key), *e;
    size_t i;

    *out = NULL;
    if (!v)
        return true;
    if (!json_is_array(v))
        return false;
    json_array_foreach (v, i, e)
        if (json_typeof(e) != type)
            return false;
    *out = v;
    return true;
}

/* Fill SF's convenience fields from SF->root, checking the version 1 schema:
 * only what readers rely on is required (version, boot_id, verdict); the rest
 * must have the right type when present. */
static int parse(struct statusfile *sf, const char *path, char *why, size_t whysz)
{
    json_t *root = sf->root, *version;
    const char *boot_id;

    if (!json_is_object(root))
        return malformed(why, whysz, path, "not a JSON object");
    version = json_object_get(root, "version");
    if (!json_is_integer(version))
        return malformed(why, whysz, path, "\"version\" is missing or not an integer");
    if (json_integer_value(version) != 1)
        return fail(STATUSFILE_MALFORMED, why, whysz, "%s: unsupported version %lld", path,
                    (long long)json_integer_value(version));
    boot_id = json_string_value(json_object_get(root, "boot_id"));
    if (!boot_id || boot_id_normalise(boot_id, sf->boot_id) < 0)
        return malformed(why, whysz, path, "\"boot_id\" is missing or not a boot id");
    static const char *const verdicts[] = {
        [STATUSFILE_PASS] = "pass", [STATUSFILE_FAIL] = "fail",
        [STATUSFILE_RUNNING] = "running", [STATUSFILE_OFF] = "off",
    };
    size_t v = 0;
    sf->verdict = json_string_value(json_object_get(root, "verdict"));
    while (sf->verdict && v < sizeof(verdicts) / sizeof(verdicts[0]) &&
           strcmp(sf->verdict, verdicts[v]) != 0)
        v++;
    if (!sf->verdict || v == sizeof(verdicts) / sizeof(verdicts[0]))
        return malformed(why, whysz, path,
                         "\"verdict\" is missing or not \"pass\", \"fail\", \"running\" or \"off\"");
    sf->state = (enum statusfile_state)v;
    if (!optional_string(root, "host", &sf->host) || !optional_string(root, "time", &sf->time)
        || !optional_string(root, "mode", &sf->mode) || !optional_string(root, "summary", &sf->summary))
        return malformed(why, whysz, path,
                         "\"host\", \"time\", \"mode\" or \"summary\" is not a string");
    if (sf->mode && strcmp(sf->mode, "enforce") != 0 && strcmp(sf->mode, "warn") != 0)
        return malformed(why, whysz, path, "\"mode\" is not \"enforce\" or \"warn\"");
    if (!optional_array_of(root, "failed", JSON_STRING, &sf->failed))
        return malformed(why, whysz, path, "\"failed\" is not an array of check ids");
    if (!optional_array_of(root, "results", JSON_OBJECT, &sf->results))
        return malformed(why, whysz, path, "\"results\" is not an array of objects");
    return 0;
}

int statusfile_read(const char *path, const char *boot_id, struct statusfile *out, char *why,
                    size_t whysz)
{
    char current[33];
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    struct stat st;
    json_error_t jerr;
    int r;

    memset(out, 0, sizeof(*out));
    if (whysz > 0)
        why[0] = '\0';
    if (boot_id) {
        if (boot_id_normalise(boot_id, current) < 0)
            return fail(-EINVAL, why, whysz, "\"%s\" is not a boot id", boot_id);
    } else if ((r = boot_id_current(current, why, whysz)) < 0)
        return r;

    if ((fd = open_trusted(path, &st, why, whysz)) < 0)
        return fd;
    if ((r = read_all(fd, path, &st, &buf, &len, why, whysz)) < 0)
        return r;

    out->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!out->root)
        return fail(STATUSFILE_MALFORMED, why, whysz, "%s:%d: %s", path, jerr.line, jerr.text);
    if ((r = parse(out, path, why, whysz)) < 0) {
        statusfile_free(out);
        return r;
    }
    if (strcmp(out->boot_id, current) != 0)
        return fail(STATUSFILE_STALE, why, whysz, "%s is from an earlier boot (boot id %s)", path,
                    out->boot_id);
    return 0;
}

const char *statusfile_message(const struct statusfile *sf, const char *id)
{
    json_t *res;
    size_t i;

    json_array_foreach (sf->results, i, res) {
        const char *rid = json_string_value(json_object_get(res, "id"));
        if (rid && strcmp(rid, id) == 0)
            return json_string_value(json_object_get(res, "message"));
    }
    return NULL;
}

void statusfile_free(struct statusfile *sf)
{
    if (sf->root)
        json_decref(sf->root);
    memset(sf, 0, sizeof(*sf));
}
