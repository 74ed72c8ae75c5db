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
#include "engine/context.h"

static const char *const pam_type_names[PT_N] = { "auth", "account", "password", "session" };

#define PAM_MAX_DEPTH 8          /* libpam allows substacks to nest this deep and more */
#define PAM_FILE_MAX (1 << 20)   /* a larger PAM config file is not read */


/* Note an unusable line, as written (json_sprintf needs jansson 2.11). */
static void pam_missing(struct pamstack *s, const char *a, const char *b, const char *c)
{
    char buf[PATH_MAX + 128];

    snprintf(buf, sizeof(buf), "%s%s%s%s%s", a, b ? " " : "", b ? b : "", c ? " " : "",
             c ? c : "");
    json_t *v = json_string(buf);

    json_array_append_new(s->missing, v ? v : json_string("(a line that is not UTF-8)"));
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
 * usual RPM and plain locations, which matter for an image of another
 * layout. Under --root they are looked for inside the image. */
static void pam_module_dirs(struct pamstack *s, const char *known)
{
    if (known) { /* where the node's libpam loads from: there only */
        snprintf(s->moddirs[s->nmoddirs++], PATH_MAX, "%s", known);
        return;
    }
    static const char *const usual[] = { "/usr/lib64/security", "/lib64/security",
                                         "/usr/lib/security", "/lib/security", NULL };
    Dl_info info;

    if (dladdr((void *)pam_start, &info) && info.dli_fname && info.dli_fname[0] == '/') {
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
    for (int i = 0; usual[i] && s->nmoddirs < 8; i++)
        snprintf(s->moddirs[s->nmoddirs++], PATH_MAX, "%s", usual[i]);
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

/* Read a PAM config file inside the root: 0, or -errno. */
static int pam_read(const struct fp_ctx *ctx, const char *path, char **out)
{
    struct stat st;
    _cleanup_close_ int fd = fsu_open_regular(ctx, path, &st);
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    ssize_t n = 0;

    if (fd < 0)
        return fd;
    if (st.st_size > PAM_FILE_MAX)
        return -EFBIG;
    if (!(buf = malloc((size_t)st.st_size + 1)))
        return -ENOMEM;
    while (len < (size_t)st.st_size && (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
        len += (size_t)n;
    if (n < 0 && len < (size_t)st.st_size)
        return -errno;
    buf[len] = '\0';
    *out = TAKE_PTR(buf);
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

/* Count the usable lines of each type that `path` gives, following
 * `@include FILE` (every type) and `TYPE include|substack FILE` (that type)
 * into files in the same pam.d. counts[] adds up; `only` >= 0 keeps only
 * that type (an include of one type). Returns 0 or -errno (for `path`). */
static int pam_scan_file(struct pamstack *s, const char *path, int only, int depth,
                         int counts[PT_N])
{
    _cleanup_free_ char *buf = NULL;
    char *line, *next;
    int rc;

    if ((rc = pam_read(s->ctx, path, &buf)) < 0)
        return rc;
    /* a backslash at the end of a line joins it with the next */
    for (char *c = buf; (c = strstr(c, "\\\n"));)
        c[0] = c[1] = ' ';
    for (line = buf; line; line = next) {
        char *tok, *type_tok, *control, *p, inc[PATH_MAX];
        bool dash;
        int type;

        if ((next = strchr(line, '\n')))
            *next++ = '\0';
        if ((p = strchr(line, '#')))
            *p = '\0';
        p = line;
        if (!(type_tok = pam_token(&p)))
            continue;
        if (strcasecmp(type_tok, "@include") == 0) {
            if (!(tok = pam_token(&p)) || depth >= PAM_MAX_DEPTH)
                continue;
            pam_include_path(s, tok, inc, sizeof(inc));
            if (pam_scan_file(s, inc, only, depth + 1, counts) < 0)
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
            if (depth >= PAM_MAX_DEPTH)
                continue;
            pam_include_path(s, tok, inc, sizeof(inc));
            if (pam_scan_file(s, inc, type, depth + 1, sub) < 0)
                pam_missing(s, pam_type_names[type], control, tok);
            counts[type] += sub[type];
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
    if (!(s->missing = json_array()) || !(s->modules = json_array()))
        return -ENOMEM;
    pam_module_dirs(s, moddir);
    return 0;
}

void pamstack_fini(struct pamstack *s)
{
    json_decref(s->missing);
    json_decref(s->modules);
    s->missing = s->modules = NULL;
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
