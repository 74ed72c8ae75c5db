/* An installed systemd unit as the system manager loads it (unit file and
 * drop-ins), read from the files under a root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/errbuf.h"
#include "common/fileio.h"
#include "common/unitfile.h"

/* systemd refuses longer lines (LONG_LINE_MAX); a unit file is far smaller */
#define UNIT_FILE_MAX (4 * 1024 * 1024)
#define DROPINS_MAX 4096

/* systemd 252's lookup path for the system manager (lookup_paths_init()) */
static const char *const search_path[] = {
    "/etc/systemd/system.control",
    "/run/systemd/system.control",
    "/run/systemd/transient",
    "/run/systemd/generator.early",
    "/etc/systemd/system",
    "/etc/systemd/system.attached",
    "/run/systemd/system",
    "/run/systemd/system.attached",
    "/run/systemd/generator",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
    "/run/systemd/generator.late",
    NULL,
};

struct assignment {
    char *section;
    char *key;
    char *value;
    char *source; /* "FILE:LINE" */
};

struct unitfile {
    char *path;
    bool masked;
    struct assignment *v;
    size_t n, cap;
    char **dropins;
    size_t ndropins;
    const char **scratch; /* unitfile_get_all()'s answer, n + 1 slots */
};

static const char *prefix_of(const char *root)
{
    return root && strcmp(root, "/") != 0 ? root : "";
}

/* --- one file ------------------------------------------------------------- */

enum look { LOOK_ABSENT, LOOK_MASKED, LOOK_FILE, LOOK_OTHER };

/* What is at path: nothing (or a dangling link), a mask (a symlink to
 * /dev/null, /dev/null itself, an empty file: systemd's null_or_empty()), a
 * regular file (*fdp: open for reading), or something else (*st says what).
 * -errno when it cannot be looked at. */
static int look(const char *root, const char *path, int *fdp, struct stat *st)
{
    _cleanup_close_ int lfd = fio_open(root, path, O_PATH | O_NOFOLLOW);
    _cleanup_close_ int fd = -1;

    *fdp = -1;
    if (lfd == -ENOENT || lfd == -ENOTDIR)
        return LOOK_ABSENT;
    if (lfd < 0)
        return lfd;
    if (fstat(lfd, st) < 0)
        return -errno;
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t len = readlinkat(lfd, "", target, sizeof(target) - 1);
        if (len > 0) {
            target[len] = '\0';
            if (strcmp(target, "/dev/null") == 0)
                return LOOK_MASKED;
        }
        fd = fio_open(root, path, O_PATH);
        if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
            return LOOK_ABSENT;
        if (fd < 0)
            return fd;
        if (fstat(fd, st) < 0)
            return -errno;
    } else {
        fd = TAKE_FD(lfd);
    }
    if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
        return LOOK_MASKED;
    if (!S_ISREG(st->st_mode))
        return LOOK_OTHER;
    if (st->st_size == 0)
        return LOOK_MASKED;
    /* reopen the very inode judged, for reading (fileio) */
    if ((*fdp = fio_reopen(fd, 0, st)) == -EOPNOTSUPP)
        *fdp = fio_open_read(root, path, 0, st);
    if (*fdp < 0)
        return *fdp;
    return LOOK_FILE;
}

static int add_assignment(struct unitfile *u, const char *section, const char *key,
                          const char *value, const char *shown, int line)
{
    struct assignment *a;

    if (u->n == u->cap) {
        size_t ncap = u->cap ? 2 * u->cap : 32;
        struct assignment *nv = realloc(u->v, ncap * sizeof(*nv));
        if (!nv)
            return -ENOMEM;
        u->v = nv;
        u->cap = ncap;
    }
    a = &u->v[u->n];
    memset(a, 0, sizeof(*a));
    if (!(a->section = strdup(section)) || !(a->key = strdup(key)) ||
        !(a->value = strdup(value)) || asprintf(&a->source, "%s:%d", shown, line) < 0) {
        free(a->section);
        free(a->key);
        free(a->value);
        return -ENOMEM;
    }
    u->n++;
    return 0;
}

static char *strip(char *s)
{
    static const char blanks[] = " \t\n\r";
    char *end;

    s += strspn(s, blanks);
    end = s + strlen(s);
    while (end > s && strchr(blanks, end[-1]))
        *--end = '\0';
    return s;
}

/* One logical line (systemd's parse_line()). */
static int parse_line(struct unitfile *u, char *l, char **section, const char *shown, int line,
                      char *err, size_t errsz)
{
    char *eq;

    l = strip(l);
    if (!*l)
        return 0;
    if (*l == '[') {
        size_t k = strlen(l);
        if (l[k - 1] != ']') {
            errbuf_set(err, errsz, "%s:%d: Invalid section header '%s'", shown, line, l);
            return -EBADMSG;
        }
        free(*section);
        if (!(*section = strndup(l + 1, k - 2)))
            return -ENOMEM;
        return 0;
    }
    /* outside a section, without '=', or without a key: systemd ignores
     * the line (with a warning) */
    if (!*section || !(eq = strchr(l, '=')) || eq == l)
        return 0;
    *eq = '\0';
    return add_assignment(u, *section, strip(l), strip(eq + 1), shown, line);
}

/* systemd's config_parse() over buf (NUL-terminated, len bytes). */
static int parse_text(struct unitfile *u, char *buf, size_t len, const char *shown, char *err,
                      size_t errsz)
{
    _cleanup_free_ char *section = NULL;
    _cleanup_free_ char *cont = NULL;
    size_t contlen = 0;
    int line = 0, cont_line = 0, rc;
    char *p = buf, *end = buf + len;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    while (p < end) {
        char *eol = p + strcspn(p, "\r\n");
        char *next = eol;
        if (next < end && *next == '\r')
            next++;
        if (next < end && *next == '\n')
            next++;
        *eol = '\0';
        line++;
        char *l = p;
        p = next;

        char *first = l + strspn(l, " \t");
        if (*first == '#' || *first == ';')
            continue; /* a comment, also inside a continuation */

        char *logical = l;
        if (cont) {
            size_t add = strlen(l);
            char *more = realloc(cont, contlen + add + 1);
            if (!more)
                return -ENOMEM;
            cont = more;
            memcpy(cont + contlen, l, add + 1);
            contlen += add;
            logical = cont;
        }
        bool escaped = false;
        size_t n = 0;
        for (char *e = logical; *e; e++, n++)
            escaped = escaped ? false : *e == '\\';
        if (escaped) {
            logical[n - 1] = ' ';
            if (!cont) {
                if (!(cont = strdup(l)))
                    return -ENOMEM;
                contlen = n;
                cont_line = line;
            }
            continue;
        }
        rc = parse_line(u, logical, &section, shown, cont ? cont_line : line, err, errsz);
        free(cont);
        cont = NULL;
        contlen = 0;
        if (rc < 0)
            return rc;
    }
    if (cont) /* a continuation at the end of the file ends there */
        return parse_line(u, cont, &section, shown, cont_line, err, errsz);
    return 0;
}

static int parse_file(struct unitfile *u, int fd, const char *shown, char *err, size_t errsz)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int rc = fio_read_fd(fd, UNIT_FILE_MAX, 0, &buf, &len);

    if (rc == -EFBIG) {
        errbuf_set(err, errsz, "%s: larger than %d bytes", shown, UNIT_FILE_MAX);
        return rc;
    }
    if (rc < 0) {
        errbuf_set(err, errsz, "%s: %s", shown, strerror(-rc));
        return rc;
    }
    if (memchr(buf, '\0', len)) {
        errbuf_set(err, errsz, "%s: contains a NUL byte", shown);
        return -EBADMSG;
    }
    return parse_text(u, buf, len, shown, err, errsz);
}

/* --- drop-ins --------------------------------------------------------------- */

struct dirs {
    char **v;
    size_t n, cap;
};

static void dirs_free(struct dirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i]);
    free(d->v);
}

static int dirs_add(struct dirs *d, const char *base, const char *name)
{
    char *s;

    if (d->n == d->cap) {
        size_t ncap = d->cap ? 2 * d->cap : 64;
        char **nv = realloc(d->v, ncap * sizeof(*nv));
        if (!nv)
            return -ENOMEM;
        d->v = nv;
        d->cap = ncap;
    }
    if (asprintf(&s, "%s/%s.d", base, name) < 0)
        return -ENOMEM;
    d->v[d->n++] = s;
    return 0;
}

/* systemd's unit_file_find_dirs(): NAME.d, the template's, then the
 * dash-truncated prefix's (recursively), all in one directory base. */
static int find_dirs(struct dirs *d, const char *base, const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *at = strchr(name, '@');
    char prefix[NAME_MAX + 1], built[NAME_MAX + 1];
    bool chopped = false;
    size_t n;
    int rc;

    if ((rc = dirs_add(d, base, name)) < 0)
        return rc;
    if (!dot || dot == name)
        return 0; /* a type's drop-ins ("service") */
    if (at && at + 1 < dot) { /* an instance: its template's too */
        snprintf(built, sizeof(built), "%.*s%s", (int)(at - name + 1), name, dot);
        if ((rc = find_dirs(d, base, built)) < 0)
            return rc;
    }
    n = (size_t)((at ? at : dot) - name);
    if (n >= sizeof(prefix))
        return 0;
    memcpy(prefix, name, n);
    prefix[n] = '\0';
    for (;;) {
        char *dash = strrchr(prefix, '-');
        if (!dash || dash == prefix)
            return 0;
        if (dash[1] != '\0' || chopped) {
            dash[1] = '\0';
            break;
        }
        *dash = '\0'; /* a trailing dash: chop it off, once */
        chopped = true;
    }
    if (at && at + 1 < dot) /* "foo-@x.service" */
        snprintf(built, sizeof(built), "%s%s", prefix, at);
    else
        snprintf(built, sizeof(built), "%s%s", prefix, dot);
    return find_dirs(d, base, built);
}

struct dropin {
    char *name;
    size_t dir; /* index into dirs: the earlier wins */
};

static int cmp_dropin(const void *a, const void *b)
{
    const struct dropin *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

static bool is_conf(const char *name, void *arg)
{
    size_t len = strlen(name);
    (void)arg;
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

/* The *.conf names of each drop-in directory (listed through its descriptor,
 * inside the root), with the index of their directory; sorted by name, the
 * earlier directory first. (A directory named *.conf is looked at later, and
 * skipped as not a file.) */
static int list_dropins(const char *root, const struct dirs *d, struct dropin **out, size_t *nout,
                        char *err, size_t errsz)
{
    struct dropin *v = NULL;
    size_t n = 0;
    int rc = 0;

    for (size_t i = 0; i < d->n && rc == 0; i++) {
        char **names = NULL;
        size_t k = 0;

        rc = fio_list(root, d->v[i], is_conf, NULL, DROPINS_MAX - n, &names, &k, NULL, NULL);
        if (rc == -ENOENT || rc == -ENOTDIR || rc == -EINVAL) { /* no such directory */
            rc = 0;
            continue;
        }
        if (rc == -E2BIG) {
            errbuf_set(err, errsz, "%s%s: more than %d drop-ins", prefix_of(root), d->v[i],
                   DROPINS_MAX);
            break;
        }
        if (rc < 0) {
            errbuf_set(err, errsz, "%s%s: %s", prefix_of(root), d->v[i], strerror(-rc));
            break;
        }
        struct dropin *nv = k ? realloc(v, (n + k) * sizeof(*nv)) : v;
        if (k && !nv) {
            fio_names_free(names, k);
            rc = -ENOMEM;
            break;
        }
        v = nv;
        for (size_t j = 0; j < k; j++) {
            v[n].name = names[j]; /* taken */
            v[n++].dir = i;
        }
        free(names);
    }
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            free(v[i].name);
        free(v);
        return rc;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_dropin);
    *out = v;
    *nout = n;
    return 0;
}

static int load_dropins(struct unitfile *u, const char *root, const char *name, char *err,
                        size_t errsz)
{
    struct dirs d = { 0 };
    struct dropin *v = NULL;
    size_t n = 0;
    const char *dot = strrchr(name, '.');
    int rc = 0;

    for (int i = 0; search_path[i] && rc == 0; i++)
        rc = find_dirs(&d, search_path[i], name);
    for (int i = 0; search_path[i] && rc == 0 && dot && dot[1]; i++)
        rc = dirs_add(&d, search_path[i], dot + 1);
    if (rc == 0)
        rc = list_dropins(root, &d, &v, &n, err, errsz);
    if (rc == 0 && n && !(u->dropins = calloc(n, sizeof(*u->dropins))))
        rc = -ENOMEM;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[PATH_MAX], shown[PATH_MAX];
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (i > 0 && strcmp(v[i].name, v[i - 1].name) == 0)
            continue; /* overridden by the same name in an earlier directory */
        snprintf(path, sizeof(path), "%s/%s", d.v[v[i].dir], v[i].name);
        snprintf(shown, sizeof(shown), "%s%s", prefix_of(root), path);
        rc = look(root, path, &fd, &st);
        if (rc < 0) {
            errbuf_set(err, errsz, "%s: %s", shown, strerror(-rc));
            break;
        }
        if (rc != LOOK_FILE) { /* masked, dangling, a directory */
            rc = 0;
            continue;
        }
        if ((rc = parse_file(u, fd, shown, err, errsz)) < 0)
            break;
        if (!(u->dropins[u->ndropins++] = strdup(shown)))
            rc = -ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    dirs_free(&d);
    return rc;
}

/* --- the unit ----------------------------------------------------------------- */

/* The unit file: the first FILE along the search path. rc as look(), with
 * u->path set when found. */
static int find_fragment(struct unitfile *u, const char *root, const char *file, int *fdp,
                         char *err, size_t errsz)
{
    for (int i = 0; search_path[i]; i++) {
        char path[PATH_MAX], shown[PATH_MAX];
        struct stat st;
        int rc;

        snprintf(path, sizeof(path), "%s/%s", search_path[i], file);
        snprintf(shown, sizeof(shown), "%s%s", prefix_of(root), path);
        rc = look(root, path, fdp, &st);
        if (rc == LOOK_ABSENT)
            continue;
        if (rc < 0) {
            errbuf_set(err, errsz, "%s: %s", shown, strerror(-rc));
            return rc;
        }
        if (!(u->path = strdup(shown)))
            return -ENOMEM;
        return rc;
    }
    return LOOK_ABSENT;
}

int unitfile_load(const char *root, const char *name, struct unitfile **out, char *err,
                  size_t errsz)
{
    struct unitfile *u;
    _cleanup_close_ int fd = -1;
    const char *at, *dot;
    int rc;

    *out = NULL;
    if (!name || !*name || strchr(name, '/') || strlen(name) > NAME_MAX) {
        errbuf_set(err, errsz, "invalid unit name '%s'", name ? name : "");
        return -EINVAL;
    }
    if (!(u = calloc(1, sizeof(*u))))
        return -ENOMEM;
    rc = find_fragment(u, root, name, &fd, err, errsz);
    at = strchr(name, '@');
    dot = strrchr(name, '.');
    if (rc == LOOK_ABSENT && at && dot && at + 1 < dot) {
        /* an instance without a file of its own comes from its template */
        char template[NAME_MAX + 1];
        snprintf(template, sizeof(template), "%.*s%s", (int)(at - name + 1), name, dot);
        rc = find_fragment(u, root, template, &fd, err, errsz);
    }
    switch (rc) {
    case LOOK_ABSENT:
        rc = -ENOENT;
        break;
    case LOOK_MASKED:
        u->masked = true;
        rc = 0;
        break;
    case LOOK_OTHER:
        errbuf_set(err, errsz, "%s: not a regular file", u->path);
        rc = -EINVAL;
        break;
    case LOOK_FILE:
        rc = parse_file(u, fd, u->path, err, errsz);
        if (rc == 0)
            rc = load_dropins(u, root, name, err, errsz);
        break;
    }
    if (rc == 0 && !(u->scratch = calloc(u->n + 1, sizeof(*u->scratch))))
        rc = -ENOMEM;
    if (rc < 0) {
        unitfile_free(u);
        return rc;
    }
    *out = u;
    return 0;
}

static const struct assignment *last(const struct unitfile *u, const char *section,
                                     const char *key)
{
    for (size_t i = u->n; i > 0; i--) {
        const struct assignment *a = &u->v[i - 1];
        if (strcmp(a->key, key) == 0 && strcmp(a->section, section) == 0)
            return a;
    }
    return NULL;
}

const char *unitfile_get(const struct unitfile *u, const char *section, const char *key)
{
    const struct assignment *a = last(u, section, key);
    return a && *a->value ? a->value : NULL;
}

const char *unitfile_source(const struct unitfile *u, const char *section, const char *key)
{
    const struct assignment *a = last(u, section, key);
    return a ? a->source : NULL;
}

size_t unitfile_get_all(const struct unitfile *u, const char *section, const char *key,
                        const char *const **vals)
{
    size_t n = 0;

    for (size_t i = 0; i < u->n; i++) {
        const struct assignment *a = &u->v[i];
        if (strcmp(a->key, key) != 0 || strcmp(a->section, section) != 0)
            continue;
        if (!*a->value)
            n = 0; /* "Key=" empties the list */
        else
            u->scratch[n++] = a->value;
    }
    u->scratch[n] = NULL;
    *vals = u->scratch;
    return n;
}

const char *unitfile_path(const struct unitfile *u)
{
    return u->path;
}

bool unitfile_masked(const struct unitfile *u)
{
    return u->masked;
}

size_t unitfile_dropins(const struct unitfile *u, const char *const **paths)
{
    *paths = (const char *const *)u->dropins;
    return u->ndropins;
}

void unitfile_free(struct unitfile *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++) {
        free(u->v[i].section);
        free(u->v[i].key);
        free(u->v[i].value);
        free(u->v[i].source);
    }
    for (size_t i = 0; i < u->ndropins; i++)
        free(u->dropins[i]);
    free(u->dropins);
    free(u->v);
    free(u->scratch);
    free(u->path);
    free(u);
}
