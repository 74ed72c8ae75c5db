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

#define MAX_DIRS 48
#define DIR_MAX 256 /* longest directory probed: /usr/local/lib/<triplet>/pkgconfig */
#define PC_MAX (64 * 1024)
#define DOC_INSTALL "https://flux-framework.readthedocs.io/en/latest/guides/admin-guide.html"

static const char *const prefixes[] = { "/usr", "/usr/local", NULL };
/* where a prefix keeps flux's libexec dir: Debian/RPM/autotools, older Debian */
static const char *const libexec_subdirs[] = { "libexec", "lib", NULL };

struct dirlist {
    char d[MAX_DIRS][DIR_MAX];
    int n;
};

static void dirlist_add(struct dirlist *l, const char *a, const char *b, const char *c)
{
    if (l->n < MAX_DIRS &&
        snprintf(l->d[l->n], DIR_MAX, "%s%s%s", a, b, c ? c : "") < DIR_MAX)
        l->n++;
}

static void names_free(char **names)
{
    for (char **p = names; p && *p; p++)
        free(*p);
    free(names);
}
static inline void names_freep(char ***p)
{
    names_free(*p);
}
#define _cleanup_names_ _cleanup_(names_freep)

static bool not_dot(const char *name, void *arg)
{
    (void)arg;
    return name[0] != '.';
}

/* The entries of dir (inside the root, through fileio) without dot files,
 * sorted, NULL-terminated; NULL when it cannot be read. */
#define LIST_MAX 65536
static char **list_dir(const struct fp_ctx *ctx, const char *dir)
{
    char **names = NULL, **t;
    size_t n = 0;

    if (fio_list(ctx->root, dir, not_dot, NULL, LIST_MAX, &names, &n, NULL, NULL) < 0)
        return NULL;
    if (!(t = realloc(names, (n + 1) * sizeof(*t)))) {
        fio_names_free(names, n);
        return NULL;
    }
    t[n] = NULL;
    return t;
}

/* A regular file at path (following symlinks inside the root)? The shown
 * path (root prefix included) goes to shown. */
static bool probe_file(const struct fp_ctx *ctx, const char *path, bool exec, char *shown,
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
static void lib_dirs(const struct fp_ctx *ctx, struct dirlist *l)
{
    static const char *const bases[] = { "/usr", "/usr/local", "", NULL };

    l->n = 0;
    for (int i = 0; bases[i]; i++) {
        char lib[PATH_MAX];
        snprintf(lib, sizeof(lib), "%s/lib", bases[i]);
        dirlist_add(l, bases[i], "/lib64", NULL);
        dirlist_add(l, lib, "", NULL);
        _cleanup_names_ char **names = list_dir(ctx, lib);
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
        if (probe_file(ctx, path, false, shown, shownsz))
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

    for (int i = 0; i < dirs->n; i++) {
        if (snprintf(dir, sizeof(dir), "%s%s", dirs->d[i], sub) >= (int)sizeof(dir))
            continue;
        _cleanup_names_ char **names = list_dir(ctx, dir);
        size_t n = 0;
        while (names && names[n])
            n++;
        for (size_t j = n; j-- > 0;) {
            if (strncmp(names[j], prefix, strlen(prefix)) != 0)
                continue;
            if (snprintf(path, sizeof(path), "%s/%s", dir, names[j]) >= (int)sizeof(path))
                continue;
            if (probe_file(ctx, path, false, shown, shownsz))
                return true;
        }
    }
    return false;
}

/* PREFIX/{libexec,lib}/flux + sub, for every prefix: the dirs, and as text. */
static void libexec_dirs(struct dirlist *l, const char *sub)
{
    l->n = 0;
    for (int i = 0; prefixes[i]; i++)
        for (int j = 0; libexec_subdirs[j]; j++) {
            char d[PATH_MAX];
            snprintf(d, sizeof(d), "%s/%s/flux", prefixes[i], libexec_subdirs[j]);
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
/* dpkg's status file is large (hundreds of KiB, thousands of stanzas) and
 * is read once per package: read it whole and jump to the stanza with
 * memmem() rather than walking it line by line. */
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

static void dpkg_version(const struct fp_ctx *ctx, const char *pkg, struct pkgver *v)
{
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    char needle[300], status[128], version[128];

    if (fio_read(ctx->root, "/var/lib/dpkg/status", DPKG_STATUS_MAX, 0, &f, NULL, 0) < 0 ||
        f.len == 0)
        return;
    /* "Package: NAME" at the start of a stanza: of the file, or after a newline */
    snprintf(needle, sizeof(needle), "\nPackage: %s\n", pkg);
    const char *end_all = f.data + f.len, *p;
    if (strncmp(f.data, needle + 1, strlen(needle + 1)) == 0)
        p = f.data;
    else if ((p = memmem(f.data, f.len, needle, strlen(needle))))
        p++;
    else
        return;
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
    for (int i = 0; prefixes[i]; i++)
        dirlist_add(&dirs, prefixes[i], "/share/pkgconfig", NULL);
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

    lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-core", "flux-core.pc", &v);
    fact_version(r, &v);
    fp_distro_detect(ctx, &distro);
    fp_flux_install_advice(&distro, "flux-core", how, sizeof(how));

    for (int i = 0; prefixes[i] && !flux[0]; i++) {
        snprintf(path, sizeof(path), "%s/bin/flux", prefixes[i]);
        probe_file(ctx, path, true, flux, sizeof(flux));
    }
    libexec_dirs(&cmd, "/cmd");
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
        for (int i = 0; prefixes[i] && !noexec[0]; i++) {
            snprintf(path, sizeof(path), "%s/bin/flux", prefixes[i]);
            probe_file(ctx, path, false, noexec, sizeof(noexec));
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
static const char *imp_configured(const struct fp_ctx *ctx)
{
    const json_t *exec = ctx->system ? json_object_get(ctx->system->merged, "exec") : NULL;
    const json_t *imp = json_is_object(exec) ? json_object_get(exec, "imp") : NULL;
    return json_is_string(imp) ? json_string_value(imp) : NULL;
}

static void check_packages_security(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct dirlist libs, impdirs;
    char lib[PATH_MAX] = "", imp[PATH_MAX] = "", ver[160], how[512];
    const char *configured = imp_configured(ctx);
    struct pkgver v;
    struct fp_distro distro;

    fp_distro_detect(ctx, &distro);
    fp_flux_install_advice(&distro, "flux-security", how, sizeof(how));

    lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-security", "flux-security.pc", &v);
    fact_version(r, &v);
    fp_fact_bool(r, "imp_enabled", configured != NULL);

    find_prefixed(ctx, &libs, "", "libflux-security.so", lib, sizeof(lib));
    libexec_dirs(&impdirs, "");
    if (!find_in(ctx, &impdirs, "", "flux-imp", imp, sizeof(imp)) && configured &&
        configured[0] == '/')
        probe_file(ctx, configured, false, imp, sizeof(imp));
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

    lib_dirs(ctx, &libs);
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

    lib_dirs(ctx, &libs);
    pkg_version(ctx, &libs, "flux-pam", NULL, &vp);
    pkg_version(ctx, &libs, "flux-accounting", NULL, &va);
    find_in(ctx, &libs, "/security", "pam_flux.so", pam, sizeof(pam));
    libexec_dirs(&cmd, "/cmd");
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

/* ---- packages.runtime ------------------------------------------------------ */

/* Format into a fixed buffer; false when it did not fit (paths: skipped). */
static bool textf(char *buf, size_t bufsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool textf(char *buf, size_t bufsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, bufsz, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < bufsz;
}

/* What a missing library breaks, worst first: it decides the consequence
 * told and whether the finding blocks. */
enum role {
    ROLE_BROKER,  /* flux, flux-broker: flux.service's ExecStart */
    ROLE_PYTHON,  /* Python 3 and flux's bindings: rc1 runs flux modprobe */
    ROLE_MODULE,  /* broker modules and connectors */
    ROLE_SHELL,   /* flux-shell: every job */
    ROLE_IMP,     /* flux-imp: multi-user jobs, when [exec] imp is set */
    ROLE_COMMAND, /* the other flux commands */
    ROLE_OPTIONAL, /* jobtap plugins (loaded when configured); flux-imp without [exec] imp */
};

#define LOADER_TEXT "%s: cannot open shared object file: No such file or directory"

struct runtime {
    const struct fp_ctx *ctx;
    struct libdeps *deps;
    struct fp_distro distro;
    json_t *missing; /* {"soname", "by", "file"} + "role" */
    json_t *errors;  /* {"file", "error"} */
    json_t *seen;    /* paths checked */
    int programs, modules, extensions;
};

static void runtime_check(struct runtime *rt, const char *path, enum role role)
{
    size_t before = json_array_size(rt->missing), i;
    json_t *m;

    if (json_object_get(rt->seen, path))
        return;
    json_object_set_new(rt->seen, path, json_true());
    int rc = libdeps_check(rt->deps, path, rt->missing, rt->errors);
    if (rc == 1)
        return; /* a script */
    if (role == ROLE_MODULE || role == ROLE_OPTIONAL)
        rt->modules++;
    else if (role == ROLE_PYTHON && strstr(path, ".so"))
        rt->extensions++;
    else
        rt->programs++;
    json_array_foreach(rt->missing, i, m) {
        if (i >= before)
            json_object_set_new(m, "role", json_integer(role));
    }
}

/* Every file in dir (inside the root) whose name matches: the ELF ones are
 * checked, and anything else that is not a directory (a FIFO, a device where
 * a module should be) is reported by libdeps_check as what it is. */
static void runtime_check_dir(struct runtime *rt, const char *dir, const char *suffix,
                              enum role role)
{
    _cleanup_names_ char **names = list_dir(rt->ctx, dir);
    char path[PATH_MAX];

    for (char **p = names; p && *p; p++) {
        size_t n = strlen(*p), sl = suffix ? strlen(suffix) : 0;
        if (suffix && (n < sl || strcmp(*p + n - sl, suffix) != 0))
            continue;
        struct fsu_node node;
        if (!textf(path, sizeof(path), "%s/%s", dir, *p) || fsu_lookup(rt->ctx, path, &node) < 0 ||
            !fsu_final(&node) || S_ISDIR(fsu_final(&node)->st_mode))
            continue;
        runtime_check(rt, path, role);
    }
}

/* The first LIBDIR/flux that has a modules directory (flux-core's libdir). */
static bool flux_libdir(const struct fp_ctx *ctx, char *buf, size_t bufsz)
{
    struct dirlist libs;
    struct fsu_node n;

    lib_dirs(ctx, &libs);
    for (int i = 0; i < libs.n; i++) {
        textf(buf, bufsz, "%s/flux/modules", libs.d[i]);
        if (fsu_lookup(ctx, buf, &n) == 0 && fsu_final(&n) && S_ISDIR(fsu_final(&n)->st_mode)) {
            textf(buf, bufsz, "%s/flux", libs.d[i]);
            return true;
        }
    }
    return false;
}

/* flux's Python, from its flux-pythonX.Y wrapper in the command dir (what
 * `flux python` runs: `exec INTERPRETER "$@"` with PYTHONPATH set to the
 * bindings dir it echoes for --get-path). */
struct pyenv {
    char interp[PATH_MAX];   /* /usr/bin/python3 */
    char real[PATH_MAX];     /* /usr/bin/python3.11 */
    char bindings[PATH_MAX]; /* /usr/lib/flux/python3.11 */
    char version[16];        /* "3.11": what the bindings were built for */
    char prefix[PATH_MAX];   /* /usr: the interpreter's */
};

static bool read_wrapper(const struct fp_ctx *ctx, const char *path, struct pyenv *py)
{
    struct stat st;
    char line[PATH_MAX + 64];
    int fd = fsu_open_regular(ctx, path, &st);

    if (fd < 0)
        return false;
    _cleanup_fclose_ FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        char *p = line + strspn(line, " \t");
        if (strncmp(p, "exec ", 5) == 0 && p[5] == '/')
            sscanf(p + 5, "%4095s", py->interp);
        else if (strncmp(p, "echo \"/", 7) == 0)
            textf(py->bindings, sizeof(py->bindings), "%.*s", (int)strcspn(p + 6, "\""),
                     p + 6);
    }
    return py->interp[0] && py->bindings[0];
}

static bool find_python(const struct fp_ctx *ctx, const char *cmddir, const char *libdir,
                        struct pyenv *py)
{
    _cleanup_names_ char **names = list_dir(ctx, cmddir);
    char path[PATH_MAX];

    memset(py, 0, sizeof(*py));
    for (char **p = names; p && *p; p++) {
        int major, minor;
        if (sscanf(*p, "flux-python%d.%d", &major, &minor) != 2 || strchr(*p, '.') == NULL ||
            strstr(*p, ".py"))
            continue;
        textf(py->version, sizeof(py->version), "%d.%d", major, minor);
        textf(path, sizeof(path), "%s/%s", cmddir, *p);
        if (read_wrapper(ctx, path, py))
            break;
    }
    if (!py->bindings[0] && libdir) { /* no wrapper: LIBDIR/flux/pythonX.Y */
        _cleanup_names_ char **dirs = list_dir(ctx, libdir);
        for (char **p = dirs; p && *p; p++) {
            int major, minor;
            if (sscanf(*p, "python%d.%d", &major, &minor) == 2) {
                textf(py->version, sizeof(py->version), "%d.%d", major, minor);
                textf(py->bindings, sizeof(py->bindings), "%s/%s", libdir, *p);
            }
        }
    }
    if (!py->interp[0])
        textf(py->interp, sizeof(py->interp), "/usr/bin/python3");
    if (fsu_realpath(ctx, py->interp, py->real, sizeof(py->real)) < 0)
        py->real[0] = '\0';
    /* PREFIX/bin/pythonX.Y -> PREFIX */
    textf(py->prefix, sizeof(py->prefix), "%s", py->real[0] ? py->real : py->interp);
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(py->prefix, '/');
        if (slash)
            *slash = '\0';
    }
    return py->bindings[0] != '\0';
}

/* A Python module among the directories Python searches (Debian's
 * dist-packages, RPM's site-packages, lib-dynload, flux's bindings):
 * a package (NAME/__init__.py) or an extension (NAME*.so). */
static bool find_pymodule(const struct fp_ctx *ctx, const struct pyenv *py, const char *name,
                          bool extension, char *found, size_t foundsz)
{
    const char *const fmts[] = { "%s/lib/python3/dist-packages", "%s/lib/python%s/dist-packages",
                                 "%s/lib/python%s/site-packages", "%s/lib64/python%s/site-packages",
                                 "%s/lib/python%s/lib-dynload", "%s/lib64/python%s/lib-dynload",
                                 "/usr/local/lib/python%2$s/dist-packages",
                                 "/usr/local/lib/python%2$s/site-packages", NULL };
    char dir[PATH_MAX], path[PATH_MAX];

    for (int i = -1; i < 0 || fmts[i]; i++) {
        if (i < 0)
            textf(dir, sizeof(dir), "%s", py->bindings);
        else
            textf(dir, sizeof(dir), fmts[i], py->prefix, py->version);
        if (!extension) {
            textf(path, sizeof(path), "%s/%s/__init__.py", dir, name);
            if (probe_file(ctx, path, false, NULL, 0)) {
                textf(found, foundsz, "%s/%s", dir, name);
                return true;
            }
            continue;
        }
        _cleanup_names_ char **names = list_dir(ctx, dir);
        for (char **p = names; p && *p; p++) {
            size_t n = strlen(*p);
            if (strncmp(*p, name, strlen(name)) == 0 && n > 3 && strcmp(*p + n - 3, ".so") == 0 &&
                ((*p)[strlen(name)] == '.' || (*p)[strlen(name)] == '\0')) {
                textf(found, foundsz, "%s/%s", dir, *p);
                return true;
            }
        }
    }
    return false;
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Python 3 itself, flux's bindings and the modules they import. */
static void runtime_python(struct runtime *rt, struct fp_result *r, const char *cmddir,
                           const char *libdir)
{
    const struct fp_ctx *ctx = rt->ctx;
    struct pyenv py;
    char path[PATH_MAX], shown[PATH_MAX], how[512];
    static const struct {
        const char *module, *deb, *rpm;
        bool extension;
    } mods[] = {
        { "_cffi_backend", "python3-cffi-backend", "python3-cffi", true },
        { "yaml", "python3-yaml", "python3-pyyaml", false },
        { "ply", "python3-ply", "python3-ply", false },
    };

    if (!find_python(ctx, cmddir, libdir, &py)) {
        fp_fail(r, "flux's Python bindings are not installed (no flux-pythonX.Y in %s and no "
                   "pythonX.Y in %s): rc1 runs flux modprobe, which is Python: "
                   FLUXUNIT_RC1_EXIT42 "; reinstall flux-core (%s)",
                cmddir, libdir ? libdir : "LIBDIR/flux",
                fp_flux_install_advice(&rt->distro, "flux-core", how, sizeof(how)));
        return;
    }
    fp_fact_str(r, "python", py.interp);
    fp_fact_str(r, "python_bindings", py.bindings);
    if (!py.real[0] || !probe_file(ctx, py.interp, true, NULL, 0)) {
        fp_fail(r, "%s, the Python that flux runs its Python commands with, is not there: rc1 "
                   "runs flux modprobe, which is Python: " FLUXUNIT_RC1_EXIT42
                   "; %s",
                fp_path(ctx, py.interp, shown, sizeof(shown)) ? shown : py.interp,
                fp_pkg_install_advice(&rt->distro, "python3", NULL, how, sizeof(how)));
        return;
    }
    runtime_check(rt, py.interp, ROLE_PYTHON);
    /* the bindings are built for one Python version */
    char want[32];
    textf(want, sizeof(want), "python%s", py.version);
    if (py.version[0] && strcmp(basename_of(py.real), want) != 0 &&
        strncmp(basename_of(py.real), "python3", 7) == 0)
        fp_fail(r, "flux's Python bindings (%s) are built for Python %s, but %s is %s: their "
                   "extensions would not import and rc1's flux modprobe would fail; install "
                   "Python %s or rebuild flux-core for this Python",
                py.bindings, py.version, py.interp, basename_of(py.real), py.version);
    /* the standard library */
    textf(path, sizeof(path), "%s/lib/python%s/encodings/__init__.py", py.prefix, py.version);
    if (!probe_file(ctx, path, false, NULL, 0)) {
        textf(path, sizeof(path), "%s/lib64/python%s/encodings/__init__.py", py.prefix,
                 py.version);
        if (!probe_file(ctx, path, false, NULL, 0))
            fp_fail(r, "Python %s's standard library is missing (no encodings package under "
                       "%s/lib/python%s): Python cannot start, so rc1's flux modprobe fails; %s",
                    py.version, py.prefix, py.version,
                    fp_pkg_install_advice(&rt->distro, "libpython3-stdlib", "python3-libs", how,
                                          sizeof(how)));
    }
    /* flux's own package and its extensions */
    textf(path, sizeof(path), "%s/flux/__init__.py", py.bindings);
    if (!probe_file(ctx, path, false, NULL, 0))
        fp_fail(r, "flux's Python package is missing (%s): rc1's flux modprobe would fail with "
                   "\"ModuleNotFoundError: No module named 'flux'\"; reinstall flux-core (%s)",
                fp_path(ctx, path, shown, sizeof(shown)) ? shown : path,
                fp_flux_install_advice(&rt->distro, "flux-core", how, sizeof(how)));
    textf(path, sizeof(path), "%s/_flux", py.bindings);
    runtime_check_dir(rt, path, ".so", ROLE_PYTHON);
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        if (!find_pymodule(ctx, &py, mods[i].module, mods[i].extension, path, sizeof(path))) {
            fp_fail(r, "the Python module %s, which flux's Python package imports, is not "
                       "installed for Python %s: rc1's flux modprobe would fail with "
                       "\"ModuleNotFoundError: No module named '%s'\": " FLUXUNIT_RC1_EXIT42 "; %s",
                    mods[i].module, py.version, mods[i].module,
                    fp_pkg_install_advice(&rt->distro, mods[i].deb, mods[i].rpm, how,
                                          sizeof(how)));
            continue;
        }
        if (mods[i].extension)
            runtime_check(rt, path, ROLE_PYTHON);
    }
}

/* The consequence of a missing library for the worst thing that needs it. */
static const char *consequence(enum role role, const char *by, const char *soname, char *buf,
                               size_t bufsz)
{
    char quote[PATH_MAX + 80];

    textf(quote, sizeof(quote), LOADER_TEXT, soname);
    switch (role) {
    case ROLE_BROKER:
        textf(buf, bufsz,
                 "flux.service cannot start the broker: the loader would stop %s with \"error "
                 "while loading shared libraries: %s\" (exit 127), and systemd restarts "
                 "flux.service every 30 s (Restart=always), failing the same way each time",
                 basename_of(by), quote);
        break;
    case ROLE_PYTHON:
        textf(buf, bufsz,
                 "rc1 runs flux modprobe, which is Python and fails with \"ImportError: %s\": "
                 FLUXUNIT_RC1_EXIT42, quote);
        break;
    case ROLE_MODULE:
        textf(buf, bufsz,
                 "the broker cannot load %s (\"%s\"): " FLUXUNIT_RC1_EXIT42,
                 basename_of(by), quote);
        break;
    case ROLE_SHELL:
        textf(buf, bufsz, "flux-shell cannot start (\"%s\"): every job on this node fails",
                 quote);
        break;
    case ROLE_IMP:
        textf(buf, bufsz, "flux-imp cannot start (\"%s\"): no job can run as its user",
                 quote);
        break;
    case ROLE_COMMAND:
        textf(buf, bufsz, "%s cannot start (\"error while loading shared libraries: %s\")",
                 basename_of(by), quote);
        break;
    default:
        textf(buf, bufsz, "%s cannot be loaded (\"%s\") where it is configured",
                 basename_of(by), quote);
        break;
    }
    return buf;
}

static void runtime_report(struct runtime *rt, struct fp_result *r)
{
    _cleanup_json_ json_t *bysoname = json_object();
    const char *soname;
    json_t *list, *m, *e;
    size_t i;

    json_array_foreach(rt->errors, i, e) {
        char shown[PATH_MAX];
        const char *file = json_string_value(json_object_get(e, "file"));
        fp_error(r, "cannot read %s as an ELF file (%s): whether it loads is unknown",
                 fp_path(rt->ctx, file, shown, sizeof(shown)) ? shown : file,
                 json_string_value(json_object_get(e, "error")));
    }
    json_array_foreach(rt->missing, i, m) {
        const char *s = json_string_value(json_object_get(m, "soname"));
        if (!(list = json_object_get(bysoname, s))) {
            json_object_set_new(bysoname, s, json_array());
            list = json_object_get(bysoname, s);
        }
        json_array_append(list, m);
    }
    json_object_foreach(bysoname, soname, list) {
        enum role worst = ROLE_OPTIONAL;
        const char *worst_by = NULL, *first = NULL;
        json_t *users = json_array();
        char what[1024], how[512], who[1024];
        size_t len = 0;

        json_array_foreach(list, i, m) {
            enum role role = (enum role)json_integer_value(json_object_get(m, "role"));
            const char *by = json_string_value(json_object_get(m, "by"));
            if (!worst_by || role < worst) {
                worst = role;
                worst_by = by;
            }
            bool seen = false;
            size_t j;
            json_t *u;
            json_array_foreach(users, j, u) seen = seen || strcmp(json_string_value(u), by) == 0;
            if (!seen)
                json_array_append_new(users, json_string(by));
        }
        first = json_string_value(json_array_get(users, 0));
        textf(who, sizeof(who), "%s", first);
        for (i = 1; i < json_array_size(users) && i < 3; i++) {
            len = strlen(who);
            textf(who + len, sizeof(who) - len, "%s%s",
                  i + 1 == json_array_size(users) ? " and " : ", ",
                  json_string_value(json_array_get(users, i)));
        }
        len = strlen(who);
        if (json_array_size(users) > 3)
            textf(who + len, sizeof(who) - len, " and %zu more", json_array_size(users) - 3);
        fp_fact_str(r, "missing", soname);
        if (soname[0] == '/')
            fp_report(r, worst == ROLE_OPTIONAL ? FP_WARN : FP_FAIL,
                      "%s, the program interpreter of %s, is not there: %s; %s", soname, who,
                      consequence(worst, worst_by, soname, what, sizeof(what)),
                      fp_pkg_install_advice(&rt->distro, "libc6", "glibc", how, sizeof(how)));
        else
            fp_report(r, worst == ROLE_OPTIONAL ? FP_WARN : FP_FAIL,
                      "%s, needed by %s, is not found (looked in their RUNPATH, %s and the "
                      "system directories): %s; %s",
                      soname, who, libdeps_search_text(rt->deps),
                      consequence(worst, worst_by, soname, what, sizeof(what)),
                      fp_soname_install_advice(&rt->distro, soname,
                                               1 /* flux is built 64-bit where it runs */, how,
                                               sizeof(how)));
        json_decref(users);
    }
}

static void check_packages_runtime(const struct fp_ctx *ctx, struct fp_result *r)
{
    struct dirlist cmd;
    char flux[PATH_MAX] = "", broker[PATH_MAX] = "", cmddir[PATH_MAX], libexecdir[PATH_MAX];
    char libdir[PATH_MAX], path[PATH_MAX];
    bool have_libdir;
    struct runtime rt = { .ctx = ctx };
    _cleanup_json_ json_t *missing = json_array();
    _cleanup_json_ json_t *errors = json_array();
    _cleanup_json_ json_t *seen = json_object();

    for (int i = 0; prefixes[i] && !flux[0]; i++) {
        textf(path, sizeof(path), "%s/bin/flux", prefixes[i]);
        if (probe_file(ctx, path, false, NULL, 0))
            textf(flux, sizeof(flux), "%s", path);
    }
    libexec_dirs(&cmd, "/cmd");
    for (int i = 0; i < cmd.n && !broker[0]; i++) {
        textf(path, sizeof(path), "%s/flux-broker", cmd.d[i]);
        if (probe_file(ctx, path, false, NULL, 0))
            textf(broker, sizeof(broker), "%s", path);
    }
    if (!flux[0] || !broker[0]) {
        fp_skip(r, "flux-core is not installed (see packages.core): nothing to load");
        return;
    }
    if (!missing || !errors || !seen || !(rt.deps = libdeps_new(ctx))) {
        fp_error(r, "out of memory");
        return;
    }
    rt.missing = missing;
    rt.errors = errors;
    rt.seen = seen;
    fp_distro_detect(ctx, &rt.distro);
    textf(cmddir, sizeof(cmddir), "%.*s", (int)(strrchr(broker, '/') - broker), broker);
    textf(libexecdir, sizeof(libexecdir), "%.*s", (int)(strrchr(cmddir, '/') - cmddir),
             cmddir);
    have_libdir = flux_libdir(ctx, libdir, sizeof(libdir));
    fp_fact_str(r, "distribution", rt.distro.name);
    fp_fact_str(r, "loader_search", libdeps_search_text(rt.deps));

    runtime_check(&rt, flux, ROLE_BROKER);
    runtime_check(&rt, broker, ROLE_BROKER);
    runtime_check_dir(&rt, cmddir, NULL, ROLE_COMMAND);
    textf(path, sizeof(path), "%s/flux-shell", libexecdir);
    runtime_check(&rt, path, ROLE_SHELL);
    textf(path, sizeof(path), "%s/flux-imp", libexecdir);
    if (probe_file(ctx, path, false, NULL, 0))
        runtime_check(&rt, path, imp_configured(ctx) ? ROLE_IMP : ROLE_OPTIONAL);
    if (have_libdir) {
        textf(path, sizeof(path), "%s/modules", libdir);
        runtime_check_dir(&rt, path, ".so", ROLE_MODULE);
        textf(path, sizeof(path), "%s/connectors", libdir);
        runtime_check_dir(&rt, path, ".so", ROLE_MODULE);
        textf(path, sizeof(path), "%s/shell/plugins", libdir);
        runtime_check_dir(&rt, path, ".so", ROLE_SHELL);
        textf(path, sizeof(path), "%s/job-manager/plugins", libdir);
        runtime_check_dir(&rt, path, ".so", ROLE_OPTIONAL);
    }
    runtime_python(&rt, r, cmddir, have_libdir ? libdir : NULL);
    fp_fact_int(r, "programs", rt.programs);
    fp_fact_int(r, "modules", rt.modules);
    fp_fact_int(r, "python_extensions", rt.extensions);
    runtime_report(&rt, r);
    if (fp_nothing_found(r))
        fp_pass(r, "%d program%s, %d module%s or plugin%s and %d Python extension%s of "
                   "flux-core find every shared library they need (RUNPATH, %s, system "
                   "directories); flux's Python, its bindings and the modules they import are "
                   "there",
                rt.programs, rt.programs == 1 ? "" : "s", rt.modules, rt.modules == 1 ? "" : "s",
                rt.modules == 1 ? "" : "s", rt.extensions, rt.extensions == 1 ? "" : "s",
                libdeps_search_text(rt.deps));
    libdeps_free(rt.deps);
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
    {
        .id = "packages.runtime",
        .message_id = "dc6c76ccd54c41dd9f6acc4bd394bc0b",
        .summary = "flux-core's programs, broker modules, flux-shell, flux-imp and Python "
                   "bindings find every shared library they need, and flux's Python is complete",
        .subject = "flux-core's runtime would not load: a shared library or Python piece is missing",
        .documentation = "man:ld.so(8)",
        .journal =
            "The pre-flight check packages.runtime resolved the shared libraries of\n"
            "flux-core's programs, broker modules and Python bindings as the dynamic\n"
            "loader would: @MESSAGE@",
        .details =
            "flux-core's runtime would load: the ELF programs and modules of flux-core\n"
            "(PREFIX/bin/flux, every program in PREFIX/{libexec,lib}/flux/cmd, flux-shell,\n"
            "flux-imp,\n"
            "LIBDIR/flux/{modules,connectors,shell/plugins,job-manager/plugins}/*.so) and\n"
            "flux's Python extensions (_flux/*.so) find every shared library they need, and\n"
            "the Python that flux runs its Python commands with (from its flux-pythonX.Y\n"
            "wrapper) is there, is the version the bindings were built for, has its\n"
            "standard library, and finds flux's package and the modules it imports\n"
            "(_cffi_backend, yaml, ply). rc1 runs 'flux modprobe', which is Python: a\n"
            "missing libpython3.11.so.1.0 makes it fail with \"ImportError:\n"
            "libpython3.11.so.1.0: cannot open shared object file: such file or directory\",\n"
            "and the broker exits 42, which flux.service counts as success. Nothing is\n"
            "loaded or executed, on the live node or under --root: each file's DT_NEEDED,\n"
            "DT_RPATH and DT_RUNPATH are read and resolved breadth-first as ld.so(8) does:\n"
            "names already loaded, the run paths ($ORIGIN expanded), /etc/ld.so.cache, then\n"
            "the system directories (the multiarch ones, /lib and /usr/lib where the image\n"
            "has a multiarch libc; /lib64 and /usr/lib64 for 64-bit files elsewhere). A\n"
            "library of another ELF class or machine is skipped, as the loader skips it;\n"
            "LD_LIBRARY_PATH is not consulted (systemd does not pass it to flux.service).\n"
            "A missing library fails (warns when only a jobtap plugin, or flux-imp without\n"
            "[exec] imp, needs it), naming what needs it, what breaks and the package to\n"
            "install on this distribution (/etc/os-release): a Debian package name, or 'dnf\n"
            "install 'SONAME()(64bit)'' on RHEL and TOSS. A file that cannot be read as\n"
            "ELF is error. Skipped without flux-core. Facts: distribution, loader_search,\n"
            "python, python_bindings, programs, modules, python_extensions, missing. Fix:\n"
            "install the package named (Debian: 'apt-get install libpython3.11'), or run\n"
            "'ldconfig'.",
        .explain =
            "Files being there is not enough: the broker, its modules, flux-shell and\n"
            "flux-imp need their shared libraries, and rc1 runs \"flux modprobe\", which is\n"
            "Python: it needs the Python flux-core was built for, flux's bindings (whose\n"
            "extensions link libpython3.X) and the cffi, yaml and ply modules. A missing\n"
            "library stops the broker at start (exit 127, retried every 30 s) or makes\n"
            "rc1 fail (\"ImportError: libpython3.11.so.1.0: cannot open shared object\n"
            "file: No such file or directory\"); the broker then exits 42, which\n"
            "flux.service counts as success while the node is down. Nothing was loaded\n"
            "or run to find this out.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ldd /usr/libexec/flux/cmd/flux-broker | grep 'not found'\n"
            "    flux python -c 'import flux'\n"
            "    apt-get install libpython3.11       (RHEL: dnf install 'libpython3.11.so.1.0()(64bit)')\n"
            "    ldconfig                            (a library installed but not in the cache)",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 10.0,
        .requires = FP_REQUIRES("packages.core"),
        .run = check_packages_runtime,
    },
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

    lib_dirs(ctx, &libs);
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
