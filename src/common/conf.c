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
#include "common/fileio.h"
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

/* Read a whole config file through fileio: resolved inside the root, its type
 * judged on the descriptor before it is opened for reading (a FIFO planted in
 * conf.d never blocks the gate, /dev/zero is never read), read with a cap.
 * FD is the file open for reading, or -errno from opening it (ST says what it
 * is). */
static int read_file(int fd, const struct stat *st, const char *shown, char **bufp, size_t *lenp,
                     struct conf_diag *err)
{
    int rc;

    if (fd == -EINVAL) {
        diag_set(err, shown, 0, 0, "not a regular file (%s)", fio_type_name(st->st_mode));
        return -1;
    }
    if (fd < 0) {
        diag_set(err, shown, 0, 0, "%s", strerror(-fd));
        if (err)
            err->err = -fd;
        return -1;
    }
    if (st->st_size > CONF_FILE_MAX) {
        diag_set(err, shown, 0, 0, "file too large (%lld bytes, limit %d)", (long long)st->st_size,
                 CONF_FILE_MAX);
        close(fd);
        return -1;
    }
    /* the size may change under us: read until EOF, within the limit */
    rc = fio_read_fd(fd, CONF_FILE_MAX, 0, bufp, lenp);
    close(fd);
    if (rc == -EFBIG)
        diag_set(err, shown, 0, 0, "file too large (more than %d bytes)", CONF_FILE_MAX);
    else if (rc < 0 && err) {
        diag_set(err, shown, 0, 0, "%s", strerror(-rc));
        err->err = -rc;
    }
    return rc < 0 ? -1 : 0;
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
    else
        cf->obj = TAKE_PTR(o); /* TOML_FLUX: already in tomlc99's key order */
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

/* Parse one file into cf (path already set: as shown), read from FD (or the
 * -errno of opening it; ST says what it is); *total counts the bytes read
 * from the conf.d so far. */
static int parse_file(struct conf *c, struct conf_file *cf, int fd, const struct stat *st,
                      size_t *total, int flags, struct conf_diag *err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;

    if (read_file(fd, st, cf->path, &buf, &len, err) < 0)
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

static bool is_toml(const char *name, void *arg)
{
    (void)arg;
    return name[0] != '.' && has_suffix(name, ".toml");
}

/* The *.toml files of the directory (listed through its descriptor, *dfd), as
 * glob(3) lists them: no dotfiles, sorted in C-locale byte order (glob sorts
 * with strcoll, which is strcmp under the C locale flux services run with). */
static int list_dir(const char *root, const char *dir, const char *shown, int *dfd,
                    char ***namesp, size_t *np, struct conf_diag *err)
{
    int rc = fio_list(root, dir, is_toml, NULL, CONF_DIR_FILES_MAX, namesp, np, dfd, NULL);

    if (rc == -E2BIG)
        diag_set(err, shown, 0, 0,
                 "more than %d *.toml files (flux-preflight's limit for one conf.d)",
                 CONF_DIR_FILES_MAX);
    else if (rc < 0) {
        diag_set(err, shown, 0, 0, "%s", strerror(-rc));
        if (err)
            err->err = -rc;
    }
    return rc < 0 ? -1 : 0;
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

int conf_load(const char *root, const char *path, enum conf_merge merge, struct conf **out,
              struct conf_diag *err)
{
    return conf_load_flags(root, path, merge, 0, out, err);
}

int conf_load_flags(const char *root, const char *path, enum conf_merge merge, int flags,
                    struct conf **out, struct conf_diag *err)
{
    struct conf *c = NULL;
    char **names = NULL, shown[PATH_MAX + 1];
    size_t nnames = 0;
    _cleanup_close_ int pfd = -1, dfd = -1;
    struct stat st;

    if (err)
        memset(err, 0, sizeof(*err));
    *out = NULL;
    fio_shown(root, path, shown, sizeof(shown));
    /* looked at, never opened for reading, until its type is known */
    if ((pfd = fio_open(root, path, O_PATH)) < 0 || fstat(pfd, &st) < 0) {
        int e = pfd < 0 ? -pfd : errno;
        diag_set(err, shown, 0, 0, "%s", strerror(e));
        if (err)
            err->err = e;
        return -1;
    }
    if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(shown)) ||
        !(c->merged = json_object()) || !(c->warnings = json_array()) ||
        !(c->overridden = json_array()))
        goto nomem;
    c->merge = merge;
    c->is_dir = S_ISDIR(st.st_mode);

    if (c->is_dir) {
        if (list_dir(root, path, shown, &dfd, &names, &nnames, err) < 0)
            goto fail;
        if (nnames == 0 && merge == CONF_MERGE_SHALLOW) {
            diag_set(err, "", 0, 0, "%s/*.toml matched nothing", shown);
            goto fail;
        }
    }
    size_t nfiles = c->is_dir ? nnames : 1;
    if (nfiles > 0 && !(c->files = calloc(nfiles, sizeof(*c->files))))
        goto nomem;
    size_t total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        struct conf_file *cf = &c->files[i];
        struct stat fst;
        int fd;

        if (c->is_dir) {
            if (asprintf(&cf->path, "%s/%s", shown, names[i]) < 0) {
                cf->path = NULL;
                goto nomem;
            }
            fd = fio_openat_read(root, dfd, path, names[i], 0, &fst);
        } else {
            if (!(cf->path = strdup(shown)))
                goto nomem;
            fd = fio_open_read(root, path, 0, &fst);
        }
        c->nfiles++;
        if (parse_file(c, cf, fd, &fst, &total, flags, err) < 0)
            goto fail;
        if (merge_tracked(c, i, c->merged, cf->obj, "") < 0)
            goto nomem;
    }
    fio_names_free(names, nnames);
    *out = c;
    return 0;
nomem:
    diag_set(err, shown, 0, 0, "%s", strerror(ENOMEM));
fail:
    fio_names_free(names, nnames);
    conf_destroy(c);
    return -1;
}

/* A C string as JSON: itself when it is UTF-8, else {"hex": "..."} (a file
 * name in an image may be any bytes). */
static json_t *str_json(const char *s)
{
    json_t *v = json_string(s);
    char *hex;

    if (v || !(hex = malloc(2 * strlen(s) + 1)))
        return v;
    for (size_t i = 0; s[i]; i++)
        sprintf(hex + 2 * i, "%02x", (unsigned char)s[i]);
    v = json_pack("{s:s}", "hex", hex);
    free(hex);
    return v;
}

/* ...and back (malloc'd; NULL when it is neither). */
static char *json_str(const json_t *v)
{
    const char *hex = json_string_value(json_object_get(v, "hex"));
    size_t n;
    char *s;

    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (!hex || (n = strlen(hex)) % 2 || !(s = malloc(n / 2 + 1)))
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1 || b == 0) {
            free(s);
            return NULL;
        }
        s[i] = (char)b;
    }
    s[n / 2] = '\0';
    return s;
}

json_t *conf_to_json(const struct conf *c)
{
    json_t *files = json_array();
    json_t *o;

    if (!files)
        return NULL;
    for (size_t i = 0; i < c->nfiles; i++) {
        json_t *f = json_pack("{s:o s:O s:O}", "path", str_json(c->files[i].path), "obj",
                              c->files[i].obj ? c->files[i].obj : json_null(), "lines",
                              c->files[i].lines ? c->files[i].lines : json_null());
        if (!f || json_array_append_new(files, f) < 0) {
            json_decref(files);
            return NULL;
        }
    }
    o = json_pack("{s:o s:b s:i s:O s:o s:O s:O}", "path", str_json(c->path), "is_dir", c->is_dir,
                  "merge",
                  (int)c->merge, "merged", c->merged, "files", files, "warnings", c->warnings,
                  "overridden", c->overridden);
    return o;
}

int conf_from_json(const json_t *o, struct conf **out)
{
    struct conf *c = calloc(1, sizeof(*c));
    json_t *path, *merged, *files, *warnings, *overridden, *f;
    int is_dir, merge;
    size_t i;

    *out = NULL;
    if (!c)
        goto nomem;
    if (json_unpack((json_t *)o, "{s:o s:b s:i s:o s:o s:o s:o}", "path", &path, "is_dir", &is_dir,
                    "merge", &merge, "merged", &merged, "files", &files, "warnings", &warnings,
                    "overridden", &overridden) < 0 ||
        !json_is_object(merged) || !json_is_array(files) || !json_is_array(warnings) ||
        !json_is_array(overridden))
        goto inval;
    if (!(c->path = json_str(path)))
        goto inval;
    c->is_dir = is_dir;
    c->merge = merge == CONF_MERGE_SHALLOW ? CONF_MERGE_SHALLOW : CONF_MERGE_FLUX;
    c->merged = json_incref(merged);
    c->warnings = json_incref(warnings);
    c->overridden = json_incref(overridden);
    if (json_array_size(files) > 0 &&
        !(c->files = calloc(json_array_size(files), sizeof(*c->files))))
        goto nomem;
    json_array_foreach(files, i, f) {
        json_t *fpath, *obj, *lines;
        if (json_unpack(f, "{s:o s:o s:o}", "path", &fpath, "obj", &obj, "lines", &lines) < 0)
            goto inval;
        if (!(c->files[i].path = json_str(fpath)))
            goto inval;
        c->nfiles++;
        c->files[i].obj = json_is_null(obj) ? NULL : json_incref(obj);
        c->files[i].lines = json_is_null(lines) ? NULL : json_incref(lines);
    }
    *out = c;
    return 0;
inval:
    conf_destroy(c);
    errno = EINVAL;
    return -1;
nomem:
    conf_destroy(c);
    errno = ENOMEM;
    return -1;
}

json_t *conf_diag_to_json(const struct conf_diag *d)
{
    const struct fluxtoml_error *b = &d->broker;

    return json_pack("{s:o s:i s:i s:o s:i s:{s:i s:i s:o s:i s:o}}", "file", str_json(d->file),
                     "line", d->line, "col", d->col, "msg", str_json(d->msg), "err", d->err,
                     "broker", "kind", (int)b->kind, "line", b->line, "text", str_json(b->text),
                     "where", b->where, "why", str_json(b->why));
}

void conf_diag_from_json(const json_t *o, struct conf_diag *d)
{
    json_t *file = NULL, *msg = NULL, *btext = NULL, *bwhy = NULL;
    _cleanup_free_ char *f = NULL, *m = NULL, *bt = NULL, *bw = NULL;
    int kind = 0;

    memset(d, 0, sizeof(*d));
    if (json_unpack((json_t *)o, "{s:o s:i s:i s:o s:i s:{s:i s:i s:o s:i s:o}}", "file", &file,
                    "line", &d->line, "col", &d->col, "msg", &msg, "err", &d->err, "broker",
                    "kind", &kind, "line", &d->broker.line, "text", &btext, "where",
                    &d->broker.where, "why", &bwhy) < 0 ||
        !(f = json_str(file)) || !(m = json_str(msg)) || !(bt = json_str(btext)) ||
        !(bw = json_str(bwhy))) {
        memset(d, 0, sizeof(*d));
        snprintf(d->msg, sizeof(d->msg), "the config loader sent a malformed answer");
        d->err = CONF_NOT_READ;
        return;
    }
    d->broker.kind = (enum fluxtoml_fail)kind;
    snprintf(d->file, sizeof(d->file), "%s", f);
    snprintf(d->msg, sizeof(d->msg), "%s", m);
    snprintf(d->broker.text, sizeof(d->broker.text), "%s", bt);
    snprintf(d->broker.why, sizeof(d->broker.why), "%s", bw);
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

bool conf_locate_nearest(const struct conf *c, const char *key, const char **file, int *line)
{
    char buf[512];

    *file = NULL;
    *line = 0;
    if (!c || !key || !*key || snprintf(buf, sizeof(buf), "%s", key) >= (int)sizeof(buf))
        return false;
    for (;;) {
        if (conf_locate(c, buf, file, line) == 0)
            return true;
        char *dot = strrchr(buf, '.');
        char *br = strrchr(buf, '[');
        char *cut = dot > br ? dot : br;
        if (!cut || cut == buf)
            return false;
        *cut = '\0';
    }
}

json_t *conf_get_dotted(const json_t *o, const char *path)
{
    char buf[512];
    char *save = NULL;

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
        o = json_is_object(o) ? json_object_get(o, tok) : NULL;
    return (json_t *)o;
}

static int file_line_of(const struct conf_file *cf, const char *path)
{
    json_t *l = cf->lines ? json_object_get(cf->lines, path) : NULL;
    return json_is_integer(l) ? (int)json_integer_value(l) : 0;
}

/* Appends {"path", "top", "file" (index of the last file defining it)} for
 * each path of rec that shallow lacks. */
static int shallow_walk(const struct conf *c, json_t *drops, const json_t *rec,
                        const json_t *shallow, const char *prefix)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)rec, key, v) {
        _cleanup_free_ char *path = NULL;
        json_t *s = json_is_object(shallow) ? json_object_get(shallow, key) : NULL;

        if (asprintf(&path, "%s%s%s", prefix, *prefix ? "." : "", key) < 0)
            return -1;
        if (s && json_is_object(s) && json_is_object(v)) {
            if (shallow_walk(c, drops, v, s, path) < 0)
                return -1;
            continue;
        }
        if (s)
            continue;
        for (size_t i = c->nfiles; i > 0; i--) {
            if (conf_get_dotted(c->files[i - 1].obj, path)) {
                if (json_array_append_new(drops, json_pack("{s:s s:s# s:I}", "path", path, "top",
                                                           path, (int)strcspn(path, "."), "file",
                                                           (json_int_t)(i - 1))) < 0)
                    return -1;
                break;
            }
        }
    }
    return 0;
}

json_t *conf_shallow_drops(const struct conf *c)
{
    _cleanup_json_ json_t *rec = json_object();
    _cleanup_json_ json_t *drops = json_array();
    _cleanup_json_ json_t *out = json_array();
    size_t i, j;
    json_t *d, *e;

    if (!rec || !drops || !out)
        return NULL;
    for (i = 0; i < c->nfiles; i++)
        if (conf_merge_recursive(rec, c->files[i].obj) < 0)
            return NULL;
    if (shallow_walk(c, drops, rec, c->merged, "") < 0)
        return NULL;
    json_array_foreach(drops, i, d) {
        const char *top = json_string_value(json_object_get(d, "top"));
        json_int_t fi = json_integer_value(json_object_get(d, "file"));
        const struct conf_file *cf = &c->files[fi];
        const char *win_file = NULL;
        int win_line = 0;
        json_t *keys = json_array();

        if (!keys)
            return NULL;
        if (json_is_true(json_object_get(d, "done"))) {
            json_decref(keys);
            continue;
        }
        json_array_foreach(drops, j, e) {
            if (j < i || json_integer_value(json_object_get(e, "file")) != fi ||
                strcmp(json_string_value(json_object_get(e, "top")), top) != 0)
                continue;
            json_array_append(keys, json_object_get(e, "path"));
            json_object_set_new(e, "done", json_true());
        }
        conf_locate_nearest(c, top, &win_file, &win_line);
        if (json_array_append_new(
                out, json_pack("{s:s s:i s:s s:o s:s? s:i}", "file", cf->path, "line",
                               file_line_of(cf, json_string_value(json_object_get(d, "path"))),
                               "top", top, "keys", keys, "winner", win_file, "winner_line",
                               win_line)) < 0)
            return NULL;
    }
    return TAKE_PTR(out);
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

/* ---- what `flux config get` prints ------------------------------------------ */

char *conf_flux_config_get(const struct conf *c, size_t *lenp)
{
    _cleanup_json_ json_t *merged = json_object();
    _cleanup_free_ char *s = NULL;
    char *out;

    if (!c || !merged)
        return NULL;
    for (size_t i = 0; i < c->nfiles; i++) {
        /* Every file's object is in tomlc99's key order already (toml.c's
         * TOML_FLUX, or fluxtoml.c's own); a single .json file in jansson's
         * (file order). A copy: merging into tables shared with the file's
         * object would change it. */
        _cleanup_json_ json_t *o = json_deep_copy(c->files[i].obj);
        if (!o || conf_merge_recursive(merged, o) < 0)
            return NULL;
    }
    if (!(s = json_dumps(merged, JSON_COMPACT | JSON_ENCODE_ANY)))
        return NULL;
    size_t len = strlen(s);
    if (!(out = malloc(len + 2)))
        return NULL;
    memcpy(out, s, len);
    out[len] = '\n';
    out[len + 1] = '\0';
    if (lenp)
        *lenp = len + 1;
    return out;
}

int conf_flux_md5(const struct conf *c, char out[DIGEST_MD5_STRLEN])
{
    size_t len;
    _cleanup_free_ char *s = conf_flux_config_get(c, &len);

    if (!s)
        return -1;
    return digest_md5(s, len, out);
}
