/* conf.d loading and merging, exactly as the Flux readers do it (conf.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/conf.h"
#include "common/digest.h"
#include "common/toml.h"

static void diag_set(struct conf_diag *err, const char *file, int line, int col,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void diag_set(struct conf_diag *err, const char *file, int line, int col,
                     const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->col = col;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

static const char *file_type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return "directory";
    case S_IFIFO:
        return "fifo";
    case S_IFSOCK:
        return "socket";
    case S_IFCHR:
        return "character device";
    case S_IFBLK:
        return "block device";
    case S_IFLNK:
        return "symbolic link";
    default:
        return "unknown type";
    }
}

/* Read a whole config file without ever blocking on it: O_NONBLOCK keeps a
 * FIFO planted in conf.d from hanging the gate at boot, and the type and size
 * are judged on the opened descriptor, not the path. */
static int read_file(const char *path, char **bufp, size_t *lenp, struct conf_diag *err)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *buf = NULL;
    struct stat st;
    size_t len = 0;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        diag_set(err, path, 0, 0, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        diag_set(err, path, 0, 0, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_set(err, path, 0, 0, "not a regular file (%s)", file_type_name(st.st_mode));
        return -1;
    }
    if (st.st_size > CONF_FILE_MAX) {
        diag_set(err, path, 0, 0, "file too large (%lld bytes, limit %d)",
                 (long long)st.st_size, CONF_FILE_MAX);
        return -1;
    }
    /* The size may change under us: read until EOF, within the limit. */
    size_t cap = (size_t)st.st_size + 1;
    if (!(buf = malloc(cap))) {
        diag_set(err, path, 0, 0, "%s", strerror(ENOMEM));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            if (cap > CONF_FILE_MAX) {
                diag_set(err, path, 0, 0, "file too large (more than %d bytes)", CONF_FILE_MAX);
                return -1;
            }
            size_t ncap = cap * 2 > (size_t)CONF_FILE_MAX + 1 ? (size_t)CONF_FILE_MAX + 1
                                                               : cap * 2;
            char *n = realloc(buf, ncap);
            if (!n) {
                diag_set(err, path, 0, 0, "%s", strerror(ENOMEM));
                return -1;
            }
            buf = n;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            diag_set(err, path, 0, 0, "%s", strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > CONF_FILE_MAX) {
        diag_set(err, path, 0, 0, "file too large (more than %d bytes)", CONF_FILE_MAX);
        return -1;
    }
    *bufp = TAKE_PTR(buf);
    *lenp = len;
    return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int parse_json(struct conf_file *cf, const char *buf, size_t len, struct conf_diag *err)
{
    json_error_t jerr;
    json_t *o = json_loadb(buf, len, 0, &jerr);

    if (!o) {
        diag_set(err, cf->path, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0,
                 "%s", jerr.text);
        return -1;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        diag_set(err, cf->path, 0, 0, "JSON config must be an object");
        return -1;
    }
    cf->obj = o;
    return 0;
}

static int add_warning(struct conf *c, const char *file, json_int_t line, json_int_t col,
                       const char *msg)
{
    json_t *e = json_pack("{s:s s:I s:I s:s}", "file", file, "line", line, "col", col,
                          "message", msg);
    if (!e || json_array_append_new(c->warnings, e) < 0)
        return -1;
    return 0;
}

/* The file as flux-core reads it: NULL when the broker refuses it, with
 * err filled from its verdict and, where our own parser found the fault on
 * the same line, our more precise place and words. */
static json_t *broker_read(struct conf_file *cf, const char *buf, size_t len,
                           const struct toml_diag *ours, bool ours_ok, struct conf_diag *err)
{
    struct fluxtoml_error fe;
    json_t *o = fluxtoml_parse(buf, len, &fe);

    if (o)
        return o;
    if (!ours_ok && (fe.where == 0 || ours->line == fe.where))
        diag_set(err, cf->path, ours->line, ours->col, "%s", ours->msg);
    else
        diag_set(err, cf->path, fe.where, 0, "%s", fe.why[0] ? fe.why : fe.text);
    if (err)
        err->broker = fe;
    return NULL;
}

static int parse_toml(struct conf *c, struct conf_file *cf, const char *buf, size_t len,
                      int flags, struct conf_diag *err)
{
    _cleanup_json_ json_t *warnings = json_array();
    _cleanup_json_ json_t *o = NULL;
    _cleanup_json_ json_t *broker = NULL;
    struct toml_opts opts = { .flags = TOML_FLUX, .lines = cf->lines, .warnings = warnings };
    struct toml_diag tdiag = { 0 };
    size_t i;
    json_t *w;

    if (!warnings)
        goto nomem;
    o = toml_parse(buf, len, &opts, &tdiag);
    if (!tdiag.msg[0])
        snprintf(tdiag.msg, sizeof(tdiag.msg), "TOML parse error");
    if ((flags & CONF_BROKER) && !(broker = broker_read(cf, buf, len, &tdiag, o != NULL, err)))
        return -1;
    if (!o && !broker) {
        diag_set(err, cf->path, tdiag.line, tdiag.col, "%s", tdiag.msg);
        return -1;
    }
    const char *nul = memchr(buf, '\0', len);
    if (!o && nul) {
        /* flux-core reads a C string: nothing after the NUL exists for it */
        int line = 1;
        for (const char *p = buf; p < nul; p++)
            line += *p == '\n';
        const char *rest = nul + 1, *end = buf + len;
        bool content = false;
        while (rest < end && !content) {
            const char *eol = memchr(rest, '\n', (size_t)(end - rest));
            const char *l = rest;
            while (l < (eol ? eol : end) && (*l == ' ' || *l == '\t' || *l == '\r' || !*l))
                l++;
            content = l < (eol ? eol : end) && *l != '#';
            rest = eol ? eol + 1 : end;
        }
        if (content) {
            diag_set(err, cf->path, line, 0,
                     "a NUL byte on line %d: flux-core reads the file only up to it and "
                     "silently ignores the settings after it, so the broker would start with "
                     "another config than this file's; remove it (tr -d '\\000')",
                     line);
            return -1;
        }
    }
    if (!o) {
        char msg[sizeof(tdiag.msg) + 256];
        snprintf(msg, sizeof(msg),
                 "%s: not valid TOML 1.0, but flux-core's TOML parser (tomlc99, TOML 0.5) "
                 "accepts it, so the broker starts; other TOML tools may refuse the file",
                 tdiag.msg);
        if (add_warning(c, cf->path, tdiag.line, tdiag.col, msg) < 0)
            goto nomem;
        cf->obj = TAKE_PTR(broker);
        return 0;
    }
    /* what is merged is what the broker builds (the same object as ours,
     * key order included, wherever both read the file; fluxtoml.h); the
     * lines of its keys are ours */
    if (broker)
        cf->obj = TAKE_PTR(broker);
    else if (!(cf->obj = digest_toml_order(o)))
        goto nomem;
    json_array_foreach(warnings, i, w) {
        json_t *msg = json_object_get(w, "message");
        if (add_warning(c, cf->path, json_integer_value(json_object_get(w, "line")),
                        json_integer_value(json_object_get(w, "col")),
                        json_is_string(msg) ? json_string_value(msg) : "") < 0)
            goto nomem;
    }
    return 0;
nomem:
    diag_set(err, cf->path, 0, 0, "%s", strerror(ENOMEM));
    return -1;
}

/* Parse one file into cf (path already set); *total counts the bytes read
 * from the conf.d so far. */
static int parse_file(struct conf *c, struct conf_file *cf, size_t *total, int flags,
                      struct conf_diag *err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;

    if (read_file(cf->path, &buf, &len, err) < 0)
        return -1;
    *total += len;
    if (c->is_dir && *total > CONF_DIR_BYTES_MAX) {
        diag_set(err, c->path, 0, 0,
                 "its *.toml files hold more than %d bytes together (flux-preflight's limit "
                 "for one conf.d; reached at %s)",
                 CONF_DIR_BYTES_MAX, cf->path);
        return -1;
    }
    if (!(cf->lines = json_object())) {
        diag_set(err, cf->path, 0, 0, "%s", strerror(ENOMEM));
        return -1;
    }
    if (!c->is_dir && has_suffix(cf->path, ".json"))
        return parse_json(cf, buf, len, err);
    return parse_toml(c, cf, buf, len, flags, err);
}

/* Look up a "a.b[2].c" path in o; NULL when absent. */
static json_t *path_get(const json_t *o, const char *keypath)
{
    const json_t *cur = o;
    const char *p = keypath;

    while (cur && *p) {
        size_t n = strcspn(p, ".[");
        if (n > 0) {
            char key[256];
            if (n >= sizeof(key) || !json_is_object(cur))
                return NULL;
            memcpy(key, p, n);
            key[n] = '\0';
            cur = json_object_get(cur, key);
            p += n;
        }
        while (cur && *p == '[') {
            char *end;
            unsigned long idx = strtoul(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || !json_is_array(cur))
                return NULL;
            cur = json_array_get(cur, idx);
            p = end + 1;
        }
        if (*p == '.')
            p++;
        else if (*p)
            return NULL;
    }
    return (json_t *)cur;
}

/* Line of keypath in a file, or of the closest enclosing key that has one. */
static int file_line(const struct conf_file *cf, const char *keypath)
{
    char buf[1024];

    if (!cf->lines || snprintf(buf, sizeof(buf), "%s", keypath) >= (int)sizeof(buf))
        return 0;
    for (;;) {
        json_t *l = json_object_get(cf->lines, buf);
        if (json_is_integer(l))
            return (int)json_integer_value(l);
        char *dot = strrchr(buf, '.');
        char *br = strrchr(buf, '[');
        char *cut = dot > br ? dot : br;
        if (!cut || cut == buf)
            return 0;
        *cut = '\0';
    }
}

/* Last file before `before` whose own object has keypath, or -1. */
static ssize_t last_definer(const struct conf *c, size_t before, const char *keypath)
{
    for (size_t i = before; i > 0; i--)
        if (path_get(c->files[i - 1].obj, keypath))
            return (ssize_t)(i - 1);
    return -1;
}

static int record_override(struct conf *c, size_t fi, const char *keypath, const json_t *old,
                           const json_t *new)
{
    ssize_t prev = last_definer(c, fi, keypath);
    const char *pfile = prev >= 0 ? c->files[prev].path : "";
    int pline = prev >= 0 ? file_line(&c->files[prev], keypath) : 0;
    json_t *e = json_pack("{s:s s:s s:i s:s s:i s:b}", "key", keypath, "file", c->files[fi].path,
                          "line", file_line(&c->files[fi], keypath), "replaced_file", pfile,
                          "replaced_line", pline, "identical", json_equal(old, new));

    if (!e || json_array_append_new(c->overridden, e) < 0)
        return -1;
    return 0;
}

static int merge_tracked(struct conf *c, size_t fi, json_t *dst, json_t *src, const char *prefix)
{
    const char *key;
    json_t *v;

    json_object_foreach(src, key, v) {
        json_t *old = json_object_get(dst, key);
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s%s%s", prefix, *prefix ? "." : "", key) < 0)
            return -1;
        if (c->merge == CONF_MERGE_FLUX && json_is_object(old) && json_is_object(v)) {
            if (merge_tracked(c, fi, old, v, path) < 0)
                return -1;
            continue;
        }
        if (old && record_override(c, fi, path, old, v) < 0)
            return -1;
        if (json_object_set_new(dst, key, json_deep_copy(v)) < 0)
            return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The *.toml files of dir, as glob(3) lists them: no dotfiles, sorted in C-locale byte
 * order (glob sorts with strcoll, which is strcmp under the C locale flux
 * services run with). */
static int list_dir(const char *dir, char ***namesp, size_t *np, struct conf_diag *err)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;

    if (!d) {
        diag_set(err, dir, 0, 0, "%s", strerror(errno));
        return -1;
    }
    errno = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".toml"))
            continue;
        if (n == CONF_DIR_FILES_MAX) {
            diag_set(err, dir, 0, 0,
                     "more than %d *.toml files (flux-preflight's limit for one conf.d)",
                     CONF_DIR_FILES_MAX);
            closedir(d);
            free_names(names, n);
            return -1;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn)
                goto nomem;
            names = nn;
            cap = ncap;
        }
        if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
            goto nomem;
        n++;
        errno = 0;
    }
    if (errno != 0) {
        diag_set(err, dir, 0, 0, "%s", strerror(errno));
        closedir(d);
        free_names(names, n);
        return -1;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str);
    *namesp = names;
    *np = n;
    return 0;
nomem:
    diag_set(err, dir, 0, 0, "%s", strerror(ENOMEM));
    closedir(d);
    free_names(names, n);
    return -1;
}

void conf_destroy(struct conf *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].path);
        json_decref(c->files[i].obj);
        json_decref(c->files[i].lines);
    }
    free(c->files);
    free(c->path);
    json_decref(c->merged);
    json_decref(c->warnings);
    json_decref(c->overridden);
    free(c);
}

int conf_load(const char *path, enum conf_merge merge, struct conf **out, struct conf_diag *err)
{
    return conf_load_flags(path, merge, 0, out, err);
}

int conf_load_flags(const char *path, enum conf_merge merge, int flags, struct conf **out,
                    struct conf_diag *err)
{
    struct conf *c = NULL;
    char **names = NULL;
    size_t nnames = 0;
    struct stat st;

    if (err)
        memset(err, 0, sizeof(*err));
    *out = NULL;
    if (stat(path, &st) < 0) {
        diag_set(err, path, 0, 0, "%s", strerror(errno));
        return -1;
    }
    if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(path)) ||
        !(c->merged = json_object()) || !(c->warnings = json_array()) ||
        !(c->overridden = json_array()))
        goto nomem;
    c->merge = merge;
    c->is_dir = S_ISDIR(st.st_mode);

    if (c->is_dir) {
        if (access(path, R_OK | X_OK) < 0) {
            diag_set(err, path, 0, 0, "%s", strerror(errno));
            goto fail;
        }
        if (list_dir(path, &names, &nnames, err) < 0)
            goto fail;
        if (nnames == 0 && merge == CONF_MERGE_SHALLOW) {
            diag_set(err, "", 0, 0, "%s/*.toml matched nothing", path);
            goto fail;
        }
    } else {
        if (!(names = calloc(1, sizeof(*names))) || !(names[0] = strdup(path)))
            goto nomem;
        nnames = 1;
    }

    if (nnames > 0 && !(c->files = calloc(nnames, sizeof(*c->files))))
        goto nomem;
    size_t total = 0;
    for (size_t i = 0; i < nnames; i++) {
        struct conf_file *cf = &c->files[i];
        cf->path = TAKE_PTR(names[i]);
        c->nfiles++;
        if (parse_file(c, cf, &total, flags, err) < 0)
            goto fail;
        if (merge_tracked(c, i, c->merged, cf->obj, "") < 0)
            goto nomem;
    }
    free_names(names, nnames);
    *out = c;
    return 0;
nomem:
    diag_set(err, path, 0, 0, "%s", strerror(ENOMEM));
fail:
    free_names(names, nnames);
    conf_destroy(c);
    return -1;
}

int conf_locate(const struct conf *c, const char *keypath, const char **file, int *line)
{
    if (!c || !keypath || !path_get(c->merged, keypath))
        return -1;
    /* Both merges keep, for any path still present, the value of the last
     * file that defined it (a shallow merge keeps the last file's whole
     * top-level table, which therefore holds every surviving path). */
    ssize_t fi = last_definer(c, c->nfiles, keypath);
    if (fi < 0)
        return -1;
    if (file)
        *file = c->files[fi].path;
    if (line)
        *line = file_line(&c->files[fi], keypath);
    return 0;
}

static int merge_recursive(json_t *dst, json_t *src)
{
    const char *key;
    json_t *v;

    json_object_foreach(src, key, v) {
        json_t *old = json_object_get(dst, key);
        if (json_is_object(old) && json_is_object(v)) {
            if (merge_recursive(old, v) < 0)
                return -1;
        } else if (json_object_set_new(dst, key, json_deep_copy(v)) < 0) {
            return -1;
        }
    }
    return 0;
}

int conf_merge_recursive(json_t *dst, json_t *src)
{
    if (!json_is_object(dst) || !json_is_object(src)) {
        errno = EINVAL;
        return -1;
    }
    return merge_recursive(dst, src);
}

int conf_merge_shallow(json_t *dst, json_t *src)
{
    const char *key;
    json_t *v;

    if (!json_is_object(dst) || !json_is_object(src)) {
        errno = EINVAL;
        return -1;
    }
    json_object_foreach(src, key, v) {
        if (json_object_set_new(dst, key, json_deep_copy(v)) < 0)
            return -1;
    }
    return 0;
}
