/* Would a program's shared libraries load? (see libdeps.h) */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/fsutil.h"
#include "checks/libdeps.h"
#include "common/cleanup.h"
#include "common/elf.h"
#include "common/fileio.h"
#include "common/ldcache.h"
#include "engine/context.h"

#define LDCACHE "/etc/ld.so.cache"
#define LDCACHE_MAX (64 * 1024 * 1024)
#define SYSDIRS_MAX 4
#define BFS_MAX 1024 /* objects one program loads */

enum { OBJ_OK = 0, OBJ_NOT_ELF = 1, OBJ_BAD = -1 };

struct obj {
    char *path; /* as the node names it */
    int rc;     /* OBJ_OK, OBJ_NOT_ELF, or OBJ_BAD (err) */
    char err[160];
    struct elf_dyn dyn;
};

struct libdeps {
    const struct fp_ctx *ctx;
    struct ldcache *cache;
    char cache_note[192];
    struct obj **objs;
    size_t nobjs, cap;
    json_t *index; /* path -> position in objs */
    json_t *memo;  /* "class machine name" -> path found through cache/system dirs, or "" */
    char text[1024];
};

static void obj_free(struct obj *o)
{
    if (!o)
        return;
    if (o->rc == OBJ_OK)
        elf_dyn_clear(&o->dyn);
    free(o->path);
    free(o);
}

void libdeps_free(struct libdeps *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nobjs; i++)
        obj_free(d->objs[i]);
    free(d->objs);
    ldcache_free(d->cache);
    json_decref(d->index);
    json_decref(d->memo);
    free(d);
}

struct libdeps *libdeps_new(const struct fp_ctx *ctx)
{
    struct libdeps *d = calloc(1, sizeof(*d));
    char err[128];

    if (!d || !(d->index = json_object()) || !(d->memo = json_object())) {
        libdeps_free(d);
        return NULL;
    }
    d->ctx = ctx;
    /* through fileio: inside the root, never a FIFO or a device, capped */
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    int rc = fio_read(ctx->root, LDCACHE, LDCACHE_MAX, 0, &f, NULL, 0);
    if (rc < 0 && rc != -EFBIG) {
        snprintf(d->cache_note, sizeof(d->cache_note), "no ld.so cache (%s: %s)", LDCACHE,
                 rc == -EINVAL ? "not a regular file" : strerror(-rc));
        return d;
    }
    const char *buf = rc == 0 && f.len > 0 ? f.data : NULL;
    size_t len = f.len;
    if (!buf || ldcache_parse(buf, len, &d->cache, err, sizeof(err)) < 0)
        snprintf(d->cache_note, sizeof(d->cache_note), "%s unreadable (%s)", LDCACHE,
                 buf ? err : "empty or too large");
    else
        snprintf(d->cache_note, sizeof(d->cache_note), "the ld.so cache (%s, %zu entries)",
                 LDCACHE, ldcache_size(d->cache));
    return d;
}

/* The file at path, read once. Never NULL unless out of memory. */
static struct obj *load(struct libdeps *d, const char *path)
{
    json_t *i = json_object_get(d->index, path);
    struct obj *o;
    struct stat st;

    if (i)
        return d->objs[json_integer_value(i)];
    if (d->nobjs == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        struct obj **n = realloc(d->objs, ncap * sizeof(*n));
        if (!n)
            return NULL;
        d->objs = n;
        d->cap = ncap;
    }
    if (!(o = calloc(1, sizeof(*o))) || !(o->path = strdup(path))) {
        free(o);
        return NULL;
    }
    _cleanup_close_ int fd = fsu_open_regular(d->ctx, path, &st);
    if (fd < 0) {
        o->rc = OBJ_BAD;
        if (fd == -EINVAL) /* st: what is there instead (fileio) */
            snprintf(o->err, sizeof(o->err), "not a regular file: a %s",
                     fio_type_name(st.st_mode));
        else
            snprintf(o->err, sizeof(o->err), "%s", strerror(-fd));
    } else {
        int rc = elf_dyn_read(fd, &o->dyn, o->err, sizeof(o->err));
        o->rc = rc == 0 ? OBJ_OK : rc == -ENOEXEC ? OBJ_NOT_ELF : OBJ_BAD;
    }
    if (json_object_set_new(d->index, path, json_integer((json_int_t)d->nobjs)) < 0) {
        obj_free(o);
        return NULL;
    }
    d->objs[d->nobjs++] = o;
    return o;
}

/* ld.so takes a candidate only if it is an ELF file of the same class and machine. */
static bool suits(struct libdeps *d, const char *path, int bits, int machine)
{
    struct obj *o = load(d, path);
    return o && o->rc == OBJ_OK && o->dyn.bits == bits && o->dyn.machine == machine;
}

static const char *triplet(int machine, int bits)
{
    switch (machine) {
    case EM_X86_64: return bits == 64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
    case EM_386: return "i386-linux-gnu";
    case EM_AARCH64: return "aarch64-linux-gnu";
    case EM_PPC64: return "powerpc64le-linux-gnu";
    case EM_S390: return "s390x-linux-gnu";
    case EM_RISCV: return "riscv64-linux-gnu";
    case EM_ARM: return "arm-linux-gnueabihf";
    }
    return NULL;
}

/* The loader's built-in directories for this class and machine. */
static size_t sysdirs(struct libdeps *d, int bits, int machine, char dirs[SYSDIRS_MAX][64])
{
    const char *t = triplet(machine, bits);
    char libc[96];
    struct fsu_node n;

    snprintf(libc, sizeof(libc), "/usr/lib/%s/libc.so.6", t ? t : "");
    if (t && fsu_lookup(d->ctx, libc, &n) == 0) {
        snprintf(dirs[0], 64, "/lib/%s", t);
        snprintf(dirs[1], 64, "/usr/lib/%s", t);
        snprintf(dirs[2], 64, "/lib");
        snprintf(dirs[3], 64, "/usr/lib");
        return 4;
    }
    snprintf(dirs[0], 64, bits == 64 ? "/lib64" : "/lib");
    snprintf(dirs[1], 64, bits == 64 ? "/usr/lib64" : "/usr/lib");
    return 2;
}

const char *libdeps_search_text(const struct libdeps *d)
{
    return d->cache_note;
}

/* A candidate dir/name: the path into buf when it suits. */
static bool try_dir(struct libdeps *d, const char *dir, const char *name, int bits,
                    int machine, char *buf, size_t bufsz)
{
    if (snprintf(buf, bufsz, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name) >=
        (int)bufsz)
        return false;
    return suits(d, buf, bits, machine);
}

/* The cache, then the system directories (memoised per name, class, machine). */
static bool search_default(struct libdeps *d, const char *name, int bits, int machine,
                           char *buf, size_t bufsz)
{
    char key[PATH_MAX + 32], dirs[SYSDIRS_MAX][64];
    const char *paths[16];
    json_t *m;

    snprintf(key, sizeof(key), "%d %d %s", bits, machine, name);
    if ((m = json_object_get(d->memo, key))) {
        snprintf(buf, bufsz, "%s", json_string_value(m));
        return buf[0] != '\0';
    }
    size_t n = ldcache_lookup(d->cache, name, paths, 16);
    bool found = false;
    for (size_t i = 0; i < n && i < 16 && !found; i++)
        if (paths[i][0] == '/' && strlen(paths[i]) < bufsz &&
            suits(d, paths[i], bits, machine)) {
            snprintf(buf, bufsz, "%s", paths[i]);
            found = true;
        }
    size_t nd = sysdirs(d, bits, machine, dirs);
    for (size_t i = 0; i < nd && !found; i++)
        found = try_dir(d, dirs[i], name, bits, machine, buf, bufsz);
    if (!found)
        buf[0] = '\0';
    json_object_set_new(d->memo, key, json_string(buf));
    return found;
}

/* Each directory of an RPATH/RUNPATH list, $ORIGIN expanded. */
static bool search_list(struct libdeps *d, const char *list, const char *origin,
                        const char *name, int bits, int machine, char *buf,
                        size_t bufsz)
{
    _cleanup_free_ char *copy = strdup(list);
    char *save = NULL, dir[PATH_MAX];

    for (char *e = copy ? strtok_r(copy, ":", &save) : NULL; e; e = strtok_r(NULL, ":", &save)) {
        const char *rest = NULL;
        if (strncmp(e, "$ORIGIN", 7) == 0)
            rest = e + 7;
        else if (strncmp(e, "${ORIGIN}", 9) == 0)
            rest = e + 9;
        if (rest) {
            if (snprintf(dir, sizeof(dir), "%s%s", origin, rest) >= (int)sizeof(dir))
                continue;
        } else if (e[0] != '/' || strchr(e, '$')) {
            continue; /* relative (the broker's cwd), or $LIB/$PLATFORM: not modelled */
        } else {
            snprintf(dir, sizeof(dir), "%s", e);
        }
        if (try_dir(d, dir, name, bits, machine, buf, bufsz))
            return true;
    }
    return false;
}

static void origin_of(const char *path, char *buf, size_t bufsz)
{
    const char *slash = strrchr(path, '/');
    snprintf(buf, bufsz, "%.*s", slash && slash != path ? (int)(slash - path) : 1, path);
}

bool libdeps_find(struct libdeps *d, const char *soname, int bits, int machine,
                  char *buf, size_t bufsz)
{
    return search_default(d, soname, bits, machine, buf, bufsz);
}

static int add_entry(json_t *list, json_t *e)
{
    if (!e || json_array_append_new(list, e) < 0)
        return -1;
    return 0;
}

int libdeps_check(struct libdeps *d, const char *path, json_t *missing, json_t *errors)
{
    struct obj *top = load(d, path), *bfs[BFS_MAX];
    int parent[BFS_MAX];
    size_t n = 0;
    int rc = 0;
    char found[PATH_MAX], origin[PATH_MAX];
    _cleanup_json_ json_t *loaded = json_object();

    if (!top || !loaded)
        return add_entry(errors, json_pack("{s:s s:s}", "file", path, "error", "out of memory"));
    if (top->rc == OBJ_NOT_ELF)
        return 1;
    if (top->rc == OBJ_BAD) {
        add_entry(errors, json_pack("{s:s s:s}", "file", path, "error", top->err));
        return -1;
    }
    bfs[n] = top;
    parent[n++] = -1;
    json_object_set_new(loaded, path, json_true());
    for (size_t i = 0; i < n; i++) {
        struct obj *o = bfs[i];
        for (size_t k = 0; k < o->dyn.nneeded; k++) {
            const char *name = o->dyn.needed[k];
            bool ok = false;
            if (json_object_get(loaded, name))
                continue;
            if (strchr(name, '/')) {
                ok = name[0] == '/' && strlen(name) < sizeof(found) &&
                     suits(d, name, o->dyn.bits, o->dyn.machine);
                if (ok)
                    snprintf(found, sizeof(found), "%s", name);
            }
            /* DT_RPATH of this object and of those that loaded it, unless
             * this one has DT_RUNPATH */
            for (int p = (int)i; !ok && !o->dyn.runpath && p >= 0; p = parent[p]) {
                if (!bfs[p]->dyn.rpath || bfs[p]->dyn.runpath)
                    continue;
                origin_of(bfs[p]->path, origin, sizeof(origin));
                ok = search_list(d, bfs[p]->dyn.rpath, origin, name, o->dyn.bits,
                                 o->dyn.machine, found, sizeof(found));
            }
            if (!ok && o->dyn.runpath) {
                origin_of(o->path, origin, sizeof(origin));
                ok = search_list(d, o->dyn.runpath, origin, name, o->dyn.bits,
                                 o->dyn.machine, found, sizeof(found));
            }
            if (!ok && !strchr(name, '/'))
                ok = search_default(d, name, o->dyn.bits, o->dyn.machine, found,
                                    sizeof(found));
            if (!ok) {
                if (add_entry(missing, json_pack("{s:s s:s s:s}", "soname", name, "by",
                                                 o->path, "file", path)) < 0)
                    return -1;
                json_object_set_new(loaded, name, json_false()); /* reported once */
                rc = -1;
                continue;
            }
            json_object_set_new(loaded, name, json_true());
            if (json_object_get(loaded, found))
                continue;
            struct obj *lib = load(d, found);
            if (!lib)
                return -1;
            json_object_set_new(loaded, found, json_true());
            if (lib->dyn.soname)
                json_object_set_new(loaded, lib->dyn.soname, json_true());
            if (n < BFS_MAX) {
                bfs[n] = lib;
                parent[n++] = (int)i;
            }
        }
    }
    return rc;
}
