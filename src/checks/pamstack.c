/* A PAM service's stack as libpam reads it (pamstack.h). */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_appl.h>

#include "checks/fsutil.h"
#include "checks/pamstack.h"
#include "common/cleanup.h"
#include "common/dlib.h"
#include "common/fileio.h"
#include "engine/context.h"

typeof(pam_start) *sym_pam_start;
typeof(pam_end) *sym_pam_end;
typeof(pam_strerror) *sym_pam_strerror;
static struct dlib libpam = DLIB_INIT("libpam.so.0");

int pamstack_load_libpam(char *err, size_t errsz)
{
    static const struct dlib_sym syms[] = {
        DLIB_SYM(pam_start), DLIB_SYM(pam_end), DLIB_SYM(pam_strerror), { 0 },
    };
    return dlib_load(&libpam, syms, err, errsz);
}

static const char *const pam_type_names[PT_N] = { "auth", "account", "password", "session" };


/* Note a line, as written (json_sprintf needs jansson 2.11). */
static void pam_note(json_t *list, const char *a, const char *b, const char *c)
{
    char buf[2 * PATH_MAX + 128];

    snprintf(buf, sizeof(buf), "%s%s%s%s%s", a, b ? " " : "", b ? b : "", c ? " " : "",
             c ? c : "");
    json_t *v = json_string(buf);

    json_array_append_new(list, v ? v : json_string("(a line that is not UTF-8)"));
}

static void pam_missing(struct pamstack *s, const char *a, const char *b, const char *c)
{
    pam_note(s->missing, a, b, c);
}

static int pam_type(const char *tok)
{
    for (int i = 0; i < PT_N; i++)
        if (strcasecmp(tok, pam_type_names[i]) == 0)
            return i;
    return -1;
}

/* The module directories: where this host's libpam looks (the "security"
 * directory beside libpam.so, e.g. /lib/x86_64-linux-gnu/security), then the
 * usual Debian, RPM and plain locations, which matter for an image of another
 * layout. Under --root they are looked for inside the image. */
#if defined(__x86_64__)
#define PAM_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define PAM_MULTIARCH "aarch64-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PAM_MULTIARCH "powerpc64le-linux-gnu"
#endif
static void pam_module_dirs(struct pamstack *s, const char *known)
{
    if (known) { /* where the node's libpam loads from: there only */
        snprintf(s->moddirs[s->nmoddirs++], PATH_MAX, "%s", known);
        return;
    }
    static const char *const usual[] = {
#ifdef PAM_MULTIARCH /* Debian's layout, for an image of it checked from another */
        "/usr/lib/" PAM_MULTIARCH "/security", "/lib/" PAM_MULTIARCH "/security",
#endif
        "/usr/lib64/security", "/lib64/security", "/usr/lib/security", "/lib/security", NULL
    };
    Dl_info info;

    if (pamstack_load_libpam(NULL, 0) == 0 && dladdr((void *)sym_pam_start, &info) &&
        info.dli_fname && info.dli_fname[0] == '/') {
        char *slash;
        snprintf(s->moddirs[s->nmoddirs], PATH_MAX, "%s", info.dli_fname);
        if ((slash = strrchr(s->moddirs[s->nmoddirs], '/'))) {
            *slash = '\0';
            if (strlen(s->moddirs[s->nmoddirs]) + sizeof("/security") < PATH_MAX) {
                strcat(s->moddirs[s->nmoddirs], "/security");
                s->nmoddirs++;
            }
        }
    }
    for (int i = 0; usual[i] && s->nmoddirs < PAMSTACK_MODDIRS_MAX; i++)
        if (s->nmoddirs == 0 || strcmp(s->moddirs[0], usual[i]) != 0)
            snprintf(s->moddirs[s->nmoddirs++], PATH_MAX, "%s", usual[i]);
}

/* Does the path have a ".." component? */
static bool has_dotdot(const char *p)
{
    for (const char *c = p; (c = strstr(c, "..")); c += 2)
        if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
            return true;
    return false;
}

/* Under --root libpam is not started: a module is judged by where it is.
 * One named by an absolute path outside the module directories, or with a
 * ".." component, is not a module of the image's PAM installation: the
 * reason, or NULL when the name is fine. */
static const char *pam_module_outside(const struct pamstack *s, const char *mod)
{
    if (has_dotdot(mod))
        return "a path with \"..\"";
    if (mod[0] != '/')
        return NULL;
    for (int i = 0; i < s->nmoddirs; i++) {
        size_t n = strlen(s->moddirs[i]);
        if (strncmp(mod, s->moddirs[i], n) == 0 && mod[n] == '/')
            return NULL;
    }
    return "an absolute path outside the module directories";
}

static bool pam_module_exists(struct pamstack *s, const char *mod, char *found, size_t foundsz)
{
    char path[PATH_MAX];
    struct fsu_node n;
    const struct stat *st;

    if (mod[0] == '/') {
        snprintf(found, foundsz, "%s", mod);
        return fsu_lookup(s->ctx, mod, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode);
    }
    found[0] = '\0';
    for (int i = 0; i < s->nmoddirs; i++) {
        if (snprintf(path, sizeof(path), "%s/%s", s->moddirs[i], mod) >= (int)sizeof(path))
            continue;
        if (fsu_lookup(s->ctx, path, &n) == 0 && (st = fsu_final(&n)) && S_ISREG(st->st_mode)) {
            snprintf(found, foundsz, "%s", path);
            return true;
        }
    }
    return false;
}

/* Read a PAM config file inside the root (fileio), within the scan's limits:
 * 0, or -errno (-EINVAL: not a regular file; -E2BIG: a limit, s->limit says
 * which); s->why says why it could not be read. */
static int pam_read(struct pamstack *s, const char *path, struct fio_file *f)
{
    char shown[PATH_MAX];
    int rc;

    if (++s->files > PAMSTACK_FILES_MAX) {
        snprintf(s->limit, sizeof(s->limit), "it reads more than %d files, includes counted "
                 "each time (flux-preflight's limit)", PAMSTACK_FILES_MAX);
        return -E2BIG;
    }
    rc = fio_read(s->ctx->root, path, PAMSTACK_FILE_MAX, 0, f, s->why, sizeof(s->why));
    if (rc == -EFBIG) {
        snprintf(s->limit, sizeof(s->limit), "%s", s->why);
        return -E2BIG;
    }
    if (rc < 0)
        return rc;
    if ((s->bytes += f->len) > PAMSTACK_BYTES_MAX) {
        snprintf(s->limit, sizeof(s->limit), "it reads more than %d bytes, includes counted "
                 "each time (flux-preflight's limit; reached at %s)", PAMSTACK_BYTES_MAX,
                 fp_path(s->ctx, path, shown, sizeof(shown)) ? shown : path);
        fio_file_free(f);
        return -E2BIG;
    }
    return 0;
}

/* Next whitespace-separated token; a control in brackets ("[success=1
 * default=ignore]") is one token. NULL at the end of the line. */
static char *pam_token(char **p)
{
    char *s = *p, *start;

    while (*s && isspace((unsigned char)*s))
        s++;
    if (!*s)
        return NULL;
    start = s;
    if (*s == '[') {
        while (*s && *s != ']')
            s++;
        if (*s)
            s++;
    } else {
        while (*s && !isspace((unsigned char)*s))
            s++;
    }
    if (*s)
        *s++ = '\0';
    *p = s;
    return start;
}

/* An included file: relative names are in /etc/pam.d, else libpam's
 * vendor directory /usr/lib/pam.d. */
static void pam_include_path(const struct pamstack *s, const char *name, char *buf, size_t bufsz)
{
    struct fsu_node n;

    if (name[0] == '/') {
        snprintf(buf, bufsz, "%s", name);
        return;
    }
    snprintf(buf, bufsz, "/usr/lib/pam.d/%s", name);
    if (fsu_lookup(s->ctx, buf, &n) < 0)
        snprintf(buf, bufsz, "/etc/pam.d/%s", name);
    else {
        char etc[PATH_MAX];
        snprintf(etc, sizeof(etc), "/etc/pam.d/%s", name);
        if (fsu_lookup(s->ctx, etc, &n) == 0)
            snprintf(buf, bufsz, "%s", etc);
    }
}

/* Is path already being read (an include cycle)? Then say so, once. */
static bool pam_cycle(struct pamstack *s, int depth, const char *path, const char *how, int line)
{
    int at = -1;
    size_t off;

    for (int i = 0; i <= depth && at < 0; i++)
        if (strcmp(s->chain[i], path) == 0)
            at = i;
    if (at < 0)
        return false;
    if (s->cycle[0])
        return true;
    off = (size_t)snprintf(s->cycle, sizeof(s->cycle), "%s line %d: %s %s: ", s->chain[depth],
                           line, how, path);
    for (int i = at; i <= depth && off < sizeof(s->cycle); i++)
        off += (size_t)snprintf(s->cycle + off, sizeof(s->cycle) - off, "%s%s",
                                i == at ? "" : " -> ", s->chain[i]);
    if (off < sizeof(s->cycle))
        snprintf(s->cycle + off, sizeof(s->cycle) - off, " -> %s", path);
    return true;
}

static int pam_scan_file(struct pamstack *s, const char *path, int only, int depth,
                         int counts[PT_N]);

/* Follow an include (an @include, or an include/substack line of type only)
 * of name at line of the file at depth. 0 when it was read, or not followed
 * (a cycle or a limit: noted in s; a file that exists but cannot be read:
 * noted in s->unreadable); -1 when the file does not exist (the caller notes
 * it). */
static int pam_follow(struct pamstack *s, const char *name, const char *how, int only, int depth,
                      int line, int counts[PT_N])
{
    char inc[PATH_MAX];

    pam_include_path(s, name, inc, sizeof(inc));
    if (pam_cycle(s, depth, inc, how, line))
        return 0;
    if (depth + 1 > PAMSTACK_DEPTH_MAX) {
        if (!s->limit[0])
            snprintf(s->limit, sizeof(s->limit), "its includes nest deeper than %d levels "
                     "(flux-preflight's limit; reached at %s)", PAMSTACK_DEPTH_MAX, inc);
        return 0;
    }
    int rc = pam_scan_file(s, inc, only, depth + 1, counts);
    if (rc < 0 && rc != -ENOENT && rc != -ENOTDIR && rc != -E2BIG) {
        char why[2 * PATH_MAX];
        snprintf(why, sizeof(why), "%s (%s)", name, s->why);
        pam_note(s->unreadable, how, why, NULL);
    }
    return rc == -ENOENT || rc == -ENOTDIR ? -1 : 0;
}

/* Count the usable lines of each type that `path` gives, following
 * `@include FILE` (every type) and `TYPE include|substack FILE` (that type)
 * into files in the same pam.d. counts[] adds up; `only` >= 0 keeps only
 * that type (an include of one type). Returns 0 or -errno (for `path`). A
 * cycle or a limit stops the scan (s->cycle, s->limit). */
static int pam_scan_file(struct pamstack *s, const char *path, int only, int depth,
                         int counts[PT_N])
{
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    char *line, *next;
    int rc, lineno = 0;

    if (s->cycle[0] || s->limit[0])
        return 0;
    s->chain[depth] = path;
    if ((rc = pam_read(s, path, &f)) < 0)
        return rc;
    /* a backslash at the end of a line joins it with the next */
    for (char *c = f.data; (c = strstr(c, "\\\n"));)
        c[0] = c[1] = ' ';
    for (line = f.data; line && !s->cycle[0] && !s->limit[0]; line = next) {
        char *tok, *type_tok, *control, *p;
        const char *why;
        bool dash;
        int type;

        lineno++;
        if (++s->lines > PAMSTACK_LINES_MAX) {
            snprintf(s->limit, sizeof(s->limit), "it reads more than %d lines, includes "
                     "counted each time (flux-preflight's limit)", PAMSTACK_LINES_MAX);
            break;
        }
        if ((next = strchr(line, '\n')))
            *next++ = '\0';
        if ((p = strchr(line, '#')))
            *p = '\0';
        p = line;
        if (!(type_tok = pam_token(&p)))
            continue;
        if (strcasecmp(type_tok, "@include") == 0) {
            if (!(tok = pam_token(&p)))
                continue;
            if (pam_follow(s, tok, "@include", only, depth, lineno, counts) < 0)
                pam_missing(s, "@include", tok, NULL);
            continue;
        }
        dash = type_tok[0] == '-';
        if ((type = pam_type(type_tok + (dash ? 1 : 0))) < 0)
            continue; /* libpam ignores the line too */
        if (only >= 0 && type != only)
            continue;
        if (!(control = pam_token(&p)) || !(tok = pam_token(&p)))
            continue; /* no module: libpam logs it and the stack fails */
        if (strcasecmp(control, "include") == 0 || strcasecmp(control, "substack") == 0) {
            int sub[PT_N] = { 0 };
            char how[64];
            snprintf(how, sizeof(how), "%s %s", pam_type_names[type], control);
            if (pam_follow(s, tok, how, type, depth, lineno, sub) < 0)
                pam_missing(s, pam_type_names[type], control, tok);
            counts[type] += sub[type];
            continue;
        }
        /* Under --root nothing is loaded: a module outside the module
         * directories is not judged by existing, it is a finding. */
        if (!s->ctx->live && (why = pam_module_outside(s, tok))) {
            char what[PATH_MAX + 128];
            snprintf(what, sizeof(what), "%s (%s)", tok, why);
            pam_note(s->outside, pam_type_names[type], control, what);
            continue;
        }
        /* A "-" line is skipped silently by libpam when its module is
         * absent; any other line with a module that cannot be loaded makes
         * libpam log an error and fail the call, whatever its control. */
        char found[PATH_MAX];
        bool ok = pam_module_exists(s, tok, found, sizeof(found));
        json_array_append_new(s->modules,
                              json_pack("{s:s s:s s:s s:b s:b s:s s:s}", "type",
                                        pam_type_names[type], "control", control, "module", tok,
                                        "dash", dash, "found", ok, "path", found, "file", path));
        if (!ok) {
            if (!dash)
                pam_missing(s, pam_type_names[type], control, tok);
            continue;
        }
        counts[type]++;
    }
    return 0;
}

int pamstack_init(struct pamstack *s, const struct fp_ctx *ctx, const char *moddir)
{
    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    if (!(s->missing = json_array()) || !(s->modules = json_array()) ||
        !(s->outside = json_array()) || !(s->unreadable = json_array()))
        return -ENOMEM;
    pam_module_dirs(s, moddir);
    return 0;
}

void pamstack_fini(struct pamstack *s)
{
    json_decref(s->missing);
    json_decref(s->modules);
    json_decref(s->outside);
    json_decref(s->unreadable);
    s->missing = s->modules = s->outside = s->unreadable = NULL;
}

int pamstack_scan(struct pamstack *s, const char *path)
{
    return pam_scan_file(s, path, -1, 0, s->counts);
}

int pamstack_scan_service(struct pamstack *s, const char *name, char *used, size_t usedsz)
{
    static const char *const dirs[] = { "/etc/pam.d", "/usr/lib/pam.d", NULL };
    const char *names[] = { name, "other", NULL };
    int rc = -ENOENT;

    for (int i = 0; names[i]; i++)
        for (int j = 0; dirs[j]; j++) {
            snprintf(used, usedsz, "%s/%s", dirs[j], names[i]);
            rc = pamstack_scan(s, used);
            if (rc != -ENOENT && rc != -ENOTDIR)
                return rc;
        }
    return rc;
}

const char *pamstack_type_name(int type)
{
    return type >= 0 && type < PT_N ? pam_type_names[type] : "?";
}
