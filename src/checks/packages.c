/* Are the right packages installed? (checklist: "Do I have all the right
 * packages installed?": flux-core, flux-security, flux-sched on all nodes;
 * flux-pam and flux-accounting optional).
 *
 * Nothing is executed: the packages are recognised by the files they install,
 * probed (inside --root) in the Debian, RPM and autotools-prefix locations:
 *   flux-core      PREFIX/bin/flux, and flux-broker in flux-core's libexec dir
 *                  (PREFIX/libexec/flux/cmd, or PREFIX/lib/flux/cmd), flux.service
 *   flux-security  LIBDIR/libflux-security.so*, PREFIX/{libexec,lib}/flux/flux-imp
 *   flux-sched     LIBDIR/flux/modules/sched-fluxion-{resource,qmanager}.so
 *   flux-pam       LIBDIR/security/pam_flux.so
 *   flux-accounting  PREFIX/{libexec,lib}/flux/cmd/flux-account*, or
 *                  LIBDIR/flux/job-manager/plugins/mf_priority.so
 * PREFIX is /usr then /usr/local; LIBDIR is PREFIX/lib64, PREFIX/lib and
 * PREFIX/lib/<multiarch triplet>, and the same under /. Versions come from
 * dpkg's status file (/var/lib/dpkg/status, package installed) or else a
 * pkg-config file (flux-core.pc, flux-security.pc, flux-sched.pc); the rpm
 * database is not read. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/fluxunit.h"
#include "checks/distro.h"
#include "checks/fsutil.h"
#include "checks/libdeps.h"
#include "checks/packages.h"
#include "common/elf.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/check.h"
#include "engine/context.h"

#define PC_MAX (64 * 1024)
#define DOC_INSTALL "https://flux-framework.readthedocs.io/en/latest/guides/admin-guide.html"

const char *const pkg_prefixes[] = { "/usr", "/usr/local", NULL };
/* where a prefix keeps flux's libexec dir: Debian/RPM/autotools, older Debian */
static const char *const libexec_subdirs[] = { "libexec", "lib", NULL };

static void dirlist_add(struct dirlist *l, const char *a, const char *b, const char *c)
{
    if (l->n < MAX_DIRS &&
        snprintf(l->d[l->n], DIR_MAX, "%s%s%s", a, b, c ? c : "") < DIR_MAX)
        l->n++;
}

void pkg_names_free(char **names)
{
    for (char **p = names; p && *p; p++)
        free(*p);
    free(names);
}

struct name_filter {
    const char *prefix; /* NULL: every name */
    size_t len;
};

static bool keep_name(const char *name, void *arg)
{
    const struct name_filter *f = arg;
    return name[0] != '.' && (!f->prefix || strncmp(name, f->prefix, f->len) == 0);
}

/* The entries of dir (inside the root, through fileio) without dot files,
 * whose names start with prefix (NULL: all), sorted, NULL-terminated; NULL
 * when it cannot be read. A library directory holds thousands of names: the
 * prefix keeps the copies and the sort to the few that matter. */
#define LIST_MAX 65536
char **pkg_list_dir_prefixed(const struct fp_ctx *ctx, const char *dir, const char *prefix)
{
    struct name_filter f = { prefix, prefix ? strlen(prefix) : 0 };
    char **names = NULL, **t;
    size_t n = 0;

    if (fio_list(ctx->root, dir, keep_name, &f, LIST_MAX, &names, &n, NULL, NULL) < 0)
        return NULL;
    if (!(t = realloc(names, (n + 1) * sizeof(*t)))) {
        fio_names_free(names, n);
        return NULL;
    }
    t[n] = NULL;
    return t;
}

char **pkg_list_dir(const struct fp_ctx *ctx, const char *dir)
{
    return pkg_list_dir_prefixed(ctx, dir, NULL);
}

/* A regular file at path (following symlinks inside the root)? The shown
 * path (root prefix included) goes to shown. */
bool pkg_probe_file(const struct fp_ctx *ctx, const char *path, bool exec, char *shown,
                       size_t shownsz)
{
    struct fsu_node n;
    const struct stat *st;

    if (fsu_lookup(ctx, path, &n) < 0 || !(st = fsu_final(&n)) || !S_ISREG(st->st_mode))
        return false;
    if (exec && !(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
        return false;
    if (shown)
        snprintf(shown, shownsz, "%s", n.path);
    return true;
}

/* LIBDIRs: PREFIX/lib64, PREFIX/lib, PREFIX/lib/<triplet> for /usr, /usr/local and /. */
void pkg_lib_dirs(const struct fp_ctx *ctx, struct dirlist *l)
{
    static const char *const bases[] = { "/usr", "/usr/local", "", NULL };

    l->n = 0;
    for (int i = 0; bases[i]; i++) {
        char lib[PATH_MAX];
        snprintf(lib, sizeof(lib), "%s/lib", bases[i]);
        dirlist_add(l, bases[i], "/lib64", NULL);
        dirlist_add(l, lib, "", NULL);
        _cleanup_names_ char **names = pkg_list_dir(ctx, lib);
        for (char **p = names; p && *p; p++)
            if (strstr(*p, "-linux-gnu") || strstr(*p, "-linux-musl"))
                dirlist_add(l, lib, "/", *p);
    }
}

/* The first dir/sub/name that is a regular file. */
static bool find_in(const struct fp_ctx *ctx, const struct dirlist *dirs, const char *sub,
                    const char *name, char *shown, size_t shownsz)
{
    char path[PATH_MAX];

    for (int i = 0; i < dirs->n; i++) {
        if (snprintf(path, sizeof(path), "%s%s/%s", dirs->d[i], sub, name) >= (int)sizeof(path))
            continue;
        if (pkg_probe_file(ctx, path, false, shown, shownsz))
            return true;
    }
    return false;
}

/* A regular file whose name starts with prefix in one of dirs/sub (the last
 * in sort order: libfoo.so.1.2.3 rather than the libfoo.so.1 link). */
static bool find_prefixed(const struct fp_ctx *ctx, const struct dirlist *dirs, const char *sub,
                          const char *prefix, char *shown, size_t shownsz)
{
    char dir[PATH_MAX], path[PATH_MAX];
    struct stat seen[MAX_DIRS];
    int nseen = 0;

    for (int i = 0; i < dirs->n; i++) {
        if (snprintf(dir, sizeof(dir), "%s%s", dirs->d[i], sub) >= (int)sizeof(dir))
            continue;
        /* /lib/<triplet> is /usr/lib/<triplet> on a merged /usr, and holds
         * a thousand names or more: list it once */
        struct stat st;
        _cleanup_close_ int fd = fio_open(ctx->root, dir, O_PATH);
        bool again = fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode);
        for (int k = 0; k < nseen && !again; k++)
            again = seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
        if (again)
            continue;
        seen[nseen++] = st;
        _cleanup_names_ char **names = pkg_list_dir_prefixed(ctx, dir, prefix);
        size_t n = 0;
        while (names && names[n])
            n++;
        for (size_t j = n; j-- > 0;) {
            if (strncmp(names[j], prefix, strlen(prefix)) != 0)
                continue;
            if (snprintf(path, sizeof(path), "%s/%s", dir, names[j]) >= (int)sizeof(path))
                continue;
            if (pkg_probe_file(ctx, path, false, shown, shownsz))
                return true;
        }
    }
    return false;
}

/* PREFIX/{libexec,lib}/flux + sub, for every prefix: the dirs, and as text. */
void pkg_libexec_dirs(struct dirlist *l, const char *sub)
{
    l->n = 0;
    for (int i = 0; pkg_prefixes[i]; i++)
        for (int j = 0; libexec_subdirs[j]; j++) {
            char d[PATH_MAX];
            snprintf(d, sizeof(d), "%s/%s/flux", pkg_prefixes[i], libexec_subdirs[j]);
            dirlist_add(l, d, sub, NULL);
        }
}

static void dirlist_text(const struct fp_ctx *ctx, const struct dirlist *l, const char *name,
                         char *buf, size_t bufsz)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < l->n && len < bufsz; i++) {
        char shown[PATH_MAX];
        if (!fp_path(ctx, l->d[i], shown, sizeof(shown)))
            continue;
        len += (size_t)snprintf(buf + len, bufsz - len, "%s%s%s%s", len ? ", " : "", shown,
                                name ? "/" : "", name ? name : "");
    }
}

/* ---- versions, without running anything ---------------------------------- */

struct pkgver {
    char version[128];
    const char *source; /* "dpkg", "pkg-config" or NULL */
    bool dpkg_listed;   /* dpkg knows the package as installed */
};

/* dpkg's status file: stanzas of "Field: value" lines separated by blank lines. */
/* dpkg's status file is large (hundreds of KiB, thousands of stanzas): it
 * is read whole once, and its stanzas found in one pass (dpkg_status_load). */
#define DPKG_STATUS_MAX (64 * 1024 * 1024)

static const char *stanza_field(const char *stanza, const char *end, const char *field,
                                char *out, size_t outsz)
{
    size_t flen = strlen(field);
    for (const char *p = stanza; p && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if ((size_t)(eol - p) > flen && strncmp(p, field, flen) == 0) {
            snprintf(out, outsz, "%.*s", (int)(eol - p - flen), p + flen);
            return out;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* The status file, read once per process for every package asked about
 * (packages.* ask for several each), with where each stanza starts: kept
 * while the file is the same one (device, inode, size, mtime). */
struct dpkg_stanza {
    const char *name; /* after "Package: ", up to the newline */
    size_t len;
};
static struct {
    struct stat st;
    char *buf; /* the file, NUL-terminated */
    size_t len;
    struct dpkg_stanza *stanzas;
    size_t n;
} dpkg_cache;

static bool dpkg_status_load(const struct fp_ctx *ctx)
{
    struct stat st;
    _cleanup_close_ int fd = fio_open_read(ctx->root, "/var/lib/dpkg/status", 0, &st);
    size_t len, cap = 0;
    char *buf;

    if (fd < 0)
        return false;
    if (dpkg_cache.buf && st.st_dev == dpkg_cache.st.st_dev &&
        st.st_ino == dpkg_cache.st.st_ino && st.st_size == dpkg_cache.st.st_size &&
        st.st_mtim.tv_sec == dpkg_cache.st.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == dpkg_cache.st.st_mtim.tv_nsec)
        return true;
    free(dpkg_cache.buf);
    free(dpkg_cache.stanzas);
    memset(&dpkg_cache, 0, sizeof(dpkg_cache));
    if (fio_read_fd(fd, DPKG_STATUS_MAX, 0, &buf, &len) < 0)
        return false;
    if (len == 0) {
        free(buf);
        return false;
    }
    dpkg_cache.buf = buf;
    dpkg_cache.len = len;
    dpkg_cache.st = st;
    if ((size_t)st.st_size != len)
        dpkg_cache.st.st_size = -1; /* it changed while read: read it again next time */
    /* one pass for every stanza, instead of one search of the file per
     * package: "Package: " at the start of the file, or after a newline */
    const char *end = buf + len;
    for (const char *p = buf; p;) {
        const char *name, *nl;
        if (p == buf && strncmp(p, "Package: ", 9) == 0)
            name = p + 9;
        else if ((p = memmem(p, (size_t)(end - p), "\nPackage: ", 10)))
            name = p + 10;
        else
            break;
        if (!(nl = memchr(name, '\n', (size_t)(end - name))))
            break;
        if (dpkg_cache.n == cap) {
            struct dpkg_stanza *more =
                realloc(dpkg_cache.stanzas, (cap = cap ? 2 * cap : 1024) * sizeof(*more));
            if (!more)
                break;
            dpkg_cache.stanzas = more;
        }
        dpkg_cache.stanzas[dpkg_cache.n++] = (struct dpkg_stanza){ name, (size_t)(nl - name) };
        p = nl;
    }
    return true;
}

static void dpkg_version(const struct fp_ctx *ctx, const char *pkg, struct pkgver *v)
{
    char status[128], version[128];
    size_t plen = strlen(pkg);
    const char *p = NULL;

    if (!dpkg_status_load(ctx))
        return;
    for (size_t i = 0; i < dpkg_cache.n && !p; i++)
        if (dpkg_cache.stanzas[i].len == plen && memcmp(dpkg_cache.stanzas[i].name, pkg, plen) == 0)
            p = dpkg_cache.stanzas[i].name - 9; /* "Package: " */
    if (!p)
        return;
    const char *end_all = dpkg_cache.buf + dpkg_cache.len;
    const char *end = memmem(p, (size_t)(end_all - p), "\n\n", 2);
    if (!end)
        end = end_all;
    /* "install ok installed": the last word is the state */
    if (!stanza_field(p, end, "Status: ", status, sizeof(status)))
        return;
    const char *w = strrchr(status, ' ');
    if (!w || strcmp(w + 1, "installed") != 0)
        return;
    if (stanza_field(p, end, "Version: ", version, sizeof(version)))
        snprintf(v->version, sizeof(v->version), "%s", version);
    v->source = "dpkg";
    v->dpkg_listed = true;
}

static void pc_version(const struct fp_ctx *ctx, const struct dirlist *libs, const char *pc,
                       struct pkgver *v)
{
    struct dirlist dirs = { .n = 0 };
    char path[PATH_MAX];

    for (int i = 0; i < libs->n; i++)
        dirlist_add(&dirs, libs->d[i], "/pkgconfig", NULL);
    for (int i = 0; pkg_prefixes[i]; i++)
        dirlist_add(&dirs, pkg_prefixes[i], "/share/pkgconfig", NULL);
    for (int i = 0; i < dirs.n; i++) {
        _cleanup_(fio_file_free) struct fio_file f = { 0 };

        if (snprintf(path, sizeof(path), "%s/%s", dirs.d[i], pc) >= (int)sizeof(path))
            continue;
        if (fio_read(ctx->root, path, PC_MAX, 0, &f, NULL, 0) < 0 || f.len == 0)
            continue;
        char *buf = f.data;
        for (char *l = buf; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            if (strncmp(l, "Version:", 8) != 0)
                continue;
            l += 8;
            l += strspn(l, " \t");
            size_t vl = strcspn(l, " \t\r\n");
            if (vl == 0 || vl >= sizeof(v->version))
                break;
            memcpy(v->version, l, vl);
            v->version[vl] = '\0';
            v->source = "pkg-config";
            return;
        }
    }
}

static void pkg_version(const struct fp_ctx *ctx, const struct dirlist *libs, const char *pkg,
                        const char *pc, struct pkgver *v)
{
    memset(v, 0, sizeof(*v));
    dpkg_version(ctx, pkg, v);
    if (!v->source && pc)
        pc_version(ctx, libs, pc, v);
}

static void fact_version(struct fp_result *r, const struct pkgver *v)
{
    if (v->source) {
        fp_fact_str(r, "version", v->version);
        fp_fact_str(r, "version_source", v->source);
    }
}

/* " 0.88.0 (dpkg)" or "" */
static const char *version_text(const struct pkgver *v, char *buf, size_t bufsz)
{
    if (v->source)
        snprintf(buf, bufsz, " %s (%s)", v->version, v->source);
    else
        buf[0] = '\0';
    return buf;
}

/* ---- packages.core -------------------------------------------------------- */

static const char *const unit_dirs[] = { "/etc/systemd/system", "/usr/local/lib/systemd/system",
                                         "/usr/lib/systemd/system", "/lib/systemd/system",
                                         NULL };

static void check_packages_core(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct dirlist libs, cmd;
    char flux[PATH_MAX] = "", broker[PATH_MAX] = "", unit[PATH_MAX] = "", path[PATH_MAX];
    char looked[4096], ver[160], how[512];
    bool masked = false;
    struct pkgver v;
    struct fp_distro distro;

    pkg_lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-core", "flux-core.pc", &v);
    fact_version(r, &v);
    fp_distro_detect(ctx, &distro);
    fp_flux_install_advice(&distro, "flux-core", how, sizeof(how));

    for (int i = 0; pkg_prefixes[i] && !flux[0]; i++) {
        snprintf(path, sizeof(path), "%s/bin/flux", pkg_prefixes[i]);
        pkg_probe_file(ctx, path, true, flux, sizeof(flux));
    }
    pkg_libexec_dirs(&cmd, "/cmd");
    find_in(ctx, &cmd, "", "flux-broker", broker, sizeof(broker));
    for (int i = 0; unit_dirs[i] && !unit[0] && !masked; i++) {
        struct fsu_node n;
        snprintf(path, sizeof(path), "%s/flux.service", unit_dirs[i]);
        if (fsu_lookup(ctx, path, &n) < 0)
            continue;
        if (n.is_link && strcmp(n.link, "/dev/null") == 0)
            masked = true;
        else if (fsu_final(&n) && S_ISREG(fsu_final(&n)->st_mode))
            snprintf(unit, sizeof(unit), "%s", n.path);
    }
    if (flux[0])
        fp_fact_str(r, "command", flux);
    if (broker[0])
        fp_fact_str(r, "broker", broker);
    if (unit[0])
        fp_fact_str(r, "unit", unit);

    if (!flux[0] && !broker[0]) {
        char p1[PATH_MAX], p2[PATH_MAX];
        dirlist_text(ctx, &cmd, NULL, looked, sizeof(looked));
        fp_path(ctx, "/usr/bin/flux", p1, sizeof(p1));
        fp_path(ctx, "/usr/local/bin/flux", p2, sizeof(p2));
        fp_fail(r, "flux-core is not installed%s: no flux command (looked for %s and %s) and "
                   "no flux-broker (looked in %s): there is no broker to start: install "
                   "flux-core on every node (%s; see the Flux admin guide, " DOC_INSTALL ")",
                v.dpkg_listed ? " (dpkg lists it as installed, but its files are gone)" : "",
                p1, p2, looked, how);
        return;
    }
    if (!flux[0]) {
        char noexec[PATH_MAX] = "";
        for (int i = 0; pkg_prefixes[i] && !noexec[0]; i++) {
            snprintf(path, sizeof(path), "%s/bin/flux", pkg_prefixes[i]);
            pkg_probe_file(ctx, path, false, noexec, sizeof(noexec));
        }
        if (noexec[0])
            fp_fail(r, "flux-core is broken: %s is not executable: flux.service runs flux "
                       "broker: chmod 0755 %s, or reinstall flux-core (%s)", noexec, noexec, how);
        else
            fp_fail(r, "flux-core is incomplete: %s is there but no flux command (looked for "
                       "/usr/bin/flux and /usr/local/bin/flux): flux.service runs flux broker: "
                       "reinstall flux-core (%s)", broker, how);
    }
    if (!broker[0]) {
        dirlist_text(ctx, &cmd, NULL, looked, sizeof(looked));
        fp_fail(r, "flux-core is incomplete: %s is there but flux-broker is not (looked in %s): "
                   "flux broker cannot start: reinstall flux-core (%s)", flux, looked, how);
    }
    if (masked)
        fp_warn(r, "flux.service is masked (a link to /dev/null): the broker is never started: "
                   "systemctl unmask flux");
    else if (!unit[0])
        fp_warn(r, "flux.service not found in /etc/systemd/system, /usr/local/lib/systemd/system, "
                   "/usr/lib/systemd/system or /lib/systemd/system: systemd cannot start the "
                   "broker: reinstall flux-core (a source build installs it with make install)");
    if (fp_nothing_found(r))
        fp_pass(r, "flux-core%s: %s, %s, %s", version_text(&v, ver, sizeof(ver)), flux, broker,
                unit);
}

/* ---- packages.security ---------------------------------------------------- */

/* [exec] imp in the system config: the IMP is in use. */
const char *pkg_imp_configured(const struct fp_ctx *ctx)
{
    const json_t *exec = ctx->system ? json_object_get(ctx->system->merged, "exec") : NULL;
    const json_t *imp = json_is_object(exec) ? json_object_get(exec, "imp") : NULL;
    return json_is_string(imp) ? json_string_value(imp) : NULL;
}

static void check_packages_security(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct dirlist libs, impdirs;
    char lib[PATH_MAX] = "", imp[PATH_MAX] = "", ver[160], how[512];
    const char *configured = pkg_imp_configured(ctx);
    struct pkgver v;
    struct fp_distro distro;

    fp_distro_detect(ctx, &distro);
    fp_flux_install_advice(&distro, "flux-security", how, sizeof(how));

    pkg_lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-security", "flux-security.pc", &v);
    fact_version(r, &v);
    fp_fact_bool(r, "imp_enabled", configured != NULL);

    find_prefixed(ctx, &libs, "", "libflux-security.so", lib, sizeof(lib));
    pkg_libexec_dirs(&impdirs, "");
    if (!find_in(ctx, &impdirs, "", "flux-imp", imp, sizeof(imp)) && configured &&
        configured[0] == '/')
        pkg_probe_file(ctx, configured, false, imp, sizeof(imp));
    if (lib[0])
        fp_fact_str(r, "library", lib);
    if (imp[0])
        fp_fact_str(r, "imp", imp);

    if (!lib[0] || !imp[0]) {
        char what[512], looked[4096];
        enum fp_status st = configured ? FP_FAIL : FP_WARN;
        dirlist_text(ctx, &impdirs, "flux-imp", looked, sizeof(looked));
        snprintf(what, sizeof(what), "%s%s%s",
                 lib[0] ? "" : "no libflux-security.so* in the library directories",
                 !lib[0] && !imp[0] ? " and " : "",
                 imp[0] ? "" : "no flux-imp");
        fp_report(r, st,
                  "flux-security is %s%s (%s; looked in %s): %s: install flux-security on every "
                  "node (%s)",
                  lib[0] || imp[0] ? "incomplete" : "not installed",
                  v.dpkg_listed ? " although dpkg lists it" : "", what, looked,
                  configured ? "[exec] imp is set in the system config, so every multi-user "
                               "job needs the IMP and its library"
                             : "without it the instance can only run jobs as the flux user "
                               "(no [exec] imp is configured, so this only warns)",
                  how);
        return;
    }
    fp_pass(r, "flux-security%s: %s, %s%s", version_text(&v, ver, sizeof(ver)), lib, imp,
            configured ? "" : " ([exec] imp not set: the IMP is not used)");
}

/* ---- packages.sched ------------------------------------------------------- */

static void check_packages_sched(const struct fp_ctx *ctx, struct fp_result *r)
{
    static const char *const mods[] = { "sched-fluxion-resource.so", "sched-fluxion-qmanager.so",
                                        NULL };
    struct dirlist libs;
    char found[2][PATH_MAX] = { "", "" }, ver[160], how[512];
    struct pkgver v;
    struct fp_distro distro;
    int n = 0;

    fp_distro_detect(ctx, &distro);
    fp_flux_install_advice(&distro, "flux-sched", how, sizeof(how));

    pkg_lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-sched", "flux-sched.pc", &v);
    fact_version(r, &v);
    for (int i = 0; mods[i]; i++)
        if (find_in(ctx, &libs, "/flux/modules", mods[i], found[i], sizeof(found[i])))
            n++;
    if (found[0][0])
        fp_fact_str(r, "resource_module", found[0]);
    if (found[1][0])
        fp_fact_str(r, "qmanager_module", found[1]);
    if (n == 0) {
        fp_warn(r, "flux-sched is not installed%s (no sched-fluxion-resource.so or "
                   "sched-fluxion-qmanager.so in LIBDIR/flux/modules): the broker falls back to "
                   "sched-simple (first-come first-served, no backfill, no node-exclusive or "
                   "hierarchical resource matching): %s",
                v.dpkg_listed ? " although dpkg lists it" : "", how);
        return;
    }
    if (n == 1) {
        fp_warn(r, "flux-sched is incomplete: %s is there but %s is not: fluxion cannot load "
                   "and the broker falls back to sched-simple: reinstall flux-sched (%s)",
                found[0][0] ? found[0] : found[1], found[0][0] ? mods[1] : mods[0], how);
        return;
    }
    fp_pass(r, "flux-sched%s: %s, %s", version_text(&v, ver, sizeof(ver)), found[0], found[1]);
}

/* ---- packages.optional ---------------------------------------------------- */

static void check_packages_optional(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct dirlist libs, cmd;
    char pam[PATH_MAX] = "", acct[PATH_MAX] = "", v1[160], v2[160], t1[512], t2[512];
    struct pkgver vp, va;

    pkg_lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-pam", NULL, &vp);
    pkg_version(ctx, &libs, "flux-accounting", NULL, &va);
    find_in(ctx, &libs, "/security", "pam_flux.so", pam, sizeof(pam));
    pkg_libexec_dirs(&cmd, "/cmd");
    if (!find_prefixed(ctx, &cmd, "", "flux-account", acct, sizeof(acct)))
        find_in(ctx, &libs, "/flux/job-manager/plugins", "mf_priority.so", acct, sizeof(acct));

    fp_fact_bool(r, "flux_pam", pam[0] != '\0');
    fp_fact_bool(r, "flux_accounting", acct[0] != '\0');
    if (pam[0])
        fp_fact_str(r, "flux_pam_path", pam);
    if (acct[0])
        fp_fact_str(r, "flux_accounting_path", acct);
    if (vp.source)
        fp_fact_str(r, "flux_pam_version", vp.version);
    if (va.source)
        fp_fact_str(r, "flux_accounting_version", va.version);

    if (pam[0])
        snprintf(t1, sizeof(t1), "flux-pam installed%s (%s)", version_text(&vp, v1, sizeof(v1)),
                 pam);
    else
        snprintf(t1, sizeof(t1), "flux-pam not installed (optional: pam_flux.so keeps users "
                                 "without a job on the node from logging in)");
    if (acct[0])
        snprintf(t2, sizeof(t2), "flux-accounting installed%s (%s)",
                 version_text(&va, v2, sizeof(v2)), acct);
    else
        snprintf(t2, sizeof(t2), "flux-accounting not installed (optional: banks, fair-share "
                                 "priorities and limits)");
    fp_pass(r, "%s; %s", t1, t2);
}

const struct fp_check fp_checks_packages[] = {
    {
        .id = "packages.core",
        .message_id = "4598171cdfec4b9990aa64ac09337322",
        .summary = "flux-core installed: the flux command, flux-broker and flux.service "
                   "(version from dpkg or flux-core.pc)",
        .subject = "flux-core is not installed, or incomplete",
        .journal =
            "The pre-flight check packages.core looked for the files flux-core installs:\n"
            "@MESSAGE@",
        .details =
            "flux-core is installed: the flux command (/usr/bin/flux, or\n"
            "/usr/local/bin/flux) and flux-broker in flux-core's libexec directory\n"
            "(PREFIX/libexec/flux/cmd, or PREFIX/lib/flux/cmd), for PREFIX /usr and\n"
            "/usr/local; either missing fails, with what was looked for. A missing\n"
            "flux.service (in /etc/systemd/system, /usr/local/lib/systemd/system,\n"
            "/usr/lib/systemd/system or /lib/systemd/system) or one masked (a link to\n"
            "/dev/null) warns. Nothing is executed: the version comes from dpkg's status\n"
            "file /var/lib/dpkg/status (package installed) or else flux-core.pc; the rpm\n"
            "database is not read. Facts: command, broker, unit, version, version_source.\n"
            "Fix: on RHEL, TOSS and Fedora 'dnf install flux-core'; Debian has no flux\n"
            "packages: build flux-core from its release tarball ('make install', or 'make\n"
            "deb' for a package), or install it with spack. Messages give the advice for\n"
            "the distribution /etc/os-release names (the image's under --root).",
        .explain =
            "Every node of a Flux system instance runs a broker. flux.service starts\n"
            "\"flux broker\": the flux command (/usr/bin/flux, or /usr/local/bin/flux for a\n"
            "source build) running flux-broker from flux-core's libexec directory\n"
            "(/usr/libexec/flux/cmd). Without either, the node cannot join the instance.\n"
            "A missing or masked flux.service only warns: systemd then never starts the\n"
            "broker. Nothing is executed by the check; the version comes from dpkg's\n"
            "status file or flux-core.pc.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -l /usr/bin/flux /usr/libexec/flux/cmd/flux-broker\n"
            "    dnf install flux-core            (RHEL, TOSS, Fedora)\n"
            "    Debian has no flux packages: build flux-core from its release tarball\n"
            "    (https://github.com/flux-framework/flux-core/releases; make install, or\n"
            "    make deb for a package) or install it with spack\n"
            "    systemctl unmask flux            (if masked)\n"
            "\n"
            "Install the same flux-core version on every node (see the Flux admin guide).",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_packages_core,
    },
    {
        .id = "packages.security",
        .message_id = "806e29879ab94906a36efa1b35d38690",
        .summary = "flux-security installed: libflux-security.so* and flux-imp (fails only when "
                   "[exec] imp is configured, else warns)",
        .subject = "flux-security is not installed, or incomplete",
        .documentation = "man:flux-imp(8)",
        .journal =
            "The pre-flight check packages.security looked for libflux-security and\n"
            "flux-imp: @MESSAGE@",
        .details =
            "flux-security is installed: libflux-security.so* in a library directory\n"
            "(PREFIX/lib64, PREFIX/lib, PREFIX/lib/triplet, and the same under /) and\n"
            "PREFIX/{libexec,lib}/flux/flux-imp (or the file [exec] imp names). Missing or\n"
            "incomplete fails when the system config sets [exec] imp (the IMP is in use),\n"
            "and only warns otherwise. Version from dpkg or flux-security.pc. Facts:\n"
            "library, imp, imp_enabled, version, version_source. Fix: as for\n"
            "packages.core, with flux-security.",
        .explain =
            "flux-security provides job signing (libflux-security) and the IMP\n"
            "(flux-imp), through which the broker starts jobs as the users who submitted\n"
            "them. When the system config sets [exec] imp, a node without flux-security\n"
            "cannot run any job of another user: the check fails. Without [exec] imp the\n"
            "instance only runs jobs as the flux user, and the check only warns.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -l /usr/lib/*/libflux-security.so* /usr/libexec/flux/flux-imp\n"
            "    dnf install flux-security        (RHEL, TOSS, Fedora; Debian: build it\n"
            "                                      from its release tarball, or spack)",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_packages_security,
    },
    {
        .id = "packages.sched",
        .message_id = "50f9545547f442a5bc2fcf0627d9c1b3",
        .summary = "flux-sched (the fluxion scheduler modules) installed; if not, sched-simple "
                   "is used (warn)",
        .subject = "flux-sched (fluxion) is not installed: sched-simple is used",
        .journal =
            "The pre-flight check packages.sched looked for the fluxion scheduler\n"
            "modules: @MESSAGE@",
        .details =
            "flux-sched is installed: the fluxion modules sched-fluxion-resource.so and\n"
            "sched-fluxion-qmanager.so in LIBDIR/flux/modules. Missing, or only one of\n"
            "them, warns (default severity warn): the broker then uses sched-simple.\n"
            "Facts: resource_module, qmanager_module, version, version_source. Fix: as for\n"
            "packages.core, with flux-sched.",
        .explain =
            "flux-sched provides fluxion (the sched-fluxion-resource and\n"
            "sched-fluxion-qmanager broker modules), the scheduler a system instance is\n"
            "meant to run. Without them the broker falls back to sched-simple: first come\n"
            "first served, no backfill, no rich resource matching. Flux still runs, so\n"
            "this is a warning; it never blocks the broker.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls /usr/lib/*/flux/modules/sched-fluxion-*.so\n"
            "    dnf install flux-sched           (RHEL, TOSS, Fedora; Debian: build it\n"
            "                                      from its release tarball, or spack)",
        .severity = FP_SEV_WARN,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_packages_sched,
    },
    { 0 },
};

/* packages.optional comes after packages.runtime (packages-runtime.c) */
const struct fp_check fp_checks_packages_optional[] = {
    {
        .id = "packages.optional",
        .message_id = "ba4bf4a037bc41f18c6a8b3ebb08aab6",
        .summary = "reports whether the optional flux-pam and flux-accounting are installed "
                   "(information only)",
        .subject = "Optional Flux packages (flux-pam, flux-accounting)",
        .journal =
            "The pre-flight check packages.optional reports which optional Flux packages\n"
            "are installed: @MESSAGE@",
        .details =
            "Reports whether flux-pam (LIBDIR/security/pam_flux.so) and flux-accounting\n"
            "(PREFIX/{libexec,lib}/flux/cmd/flux-account*, or\n"
            "LIBDIR/flux/job-manager/plugins/mf_priority.so) are installed. Information\n"
            "only: always passes (default severity warn). Facts: flux_pam,\n"
            "flux_accounting, flux_pam_path, flux_accounting_path, flux_pam_version,\n"
            "flux_accounting_version.",
        .explain =
            "flux-pam (pam_flux.so) lets only users with a job on a node log in to it;\n"
            "flux-accounting adds banks, fair-share priorities and limits. Both are\n"
            "optional: this entry is information, so nodes can be compared. The check\n"
            "always passes.\n"
            "\n"
            "To install them:\n"
            "\n"
            "    dnf install flux-pam flux-accounting   (Debian: build them from their\n"
            "                                            release tarballs)",
        .severity = FP_SEV_WARN,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_packages_optional,
    },
    { 0 },
};

/* ---- for other families ---------------------------------------------------- */

int packages_core_uses_security(const struct fp_ctx *ctx, char *module, size_t modulesz)
{
    char path[PATH_MAX], err[256];
    struct dirlist libs;
    struct elf_dyn d;
    struct stat st;
    int rc;

    pkg_lib_dirs(ctx, &libs);
    if (!find_in(ctx, &libs, "/flux/modules", "job-ingest.so", module, modulesz))
        return -ENOENT;
    /* module is the shown path: root prefix + the path inside the image */
    snprintf(path, sizeof(path), "%s", module + strlen(ctx->root ? ctx->root : ""));
    _cleanup_close_ int fd = fsu_open_regular(ctx, path, &st);
    if (fd < 0) {
        snprintf(module + strlen(module), modulesz - strlen(module), ": %s", strerror(-fd));
        return fd;
    }
    if ((rc = elf_dyn_read(fd, &d, err, sizeof(err))) < 0) {
        snprintf(module + strlen(module), modulesz - strlen(module), ": %s", err);
        return rc;
    }
    rc = elf_dyn_needs(&d, "libflux-security.so") ? 1 : 0;
    elf_dyn_clear(&d);
    return rc;
}
