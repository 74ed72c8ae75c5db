/* packages.runtime: flux-core's runtime would load. The files being there
 * (packages.core) is not enough: the broker, its modules, flux-shell and
 * the IMP are dynamically linked, and rc1 runs flux's Python commands. Every
 * ELF program and module flux-core installs is read (never run) and its
 * DT_NEEDED resolved the way ld.so will (libdeps.c); flux's Python, its
 * version and the modules flux imports are found the same way. */
#include <dirent.h>
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
#include "engine/check.h"
#include "engine/context.h"

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
    _cleanup_names_ char **names = pkg_list_dir(rt->ctx, dir);
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

    pkg_lib_dirs(ctx, &libs);
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
    _cleanup_names_ char **names = pkg_list_dir_prefixed(ctx, cmddir, "flux-python");
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
        _cleanup_names_ char **dirs = pkg_list_dir(ctx, libdir);
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
            if (pkg_probe_file(ctx, path, false, NULL, 0)) {
                textf(found, foundsz, "%s/%s", dir, name);
                return true;
            }
            continue;
        }
        _cleanup_names_ char **names = pkg_list_dir_prefixed(ctx, dir, name);
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
    if (!py.real[0] || !pkg_probe_file(ctx, py.interp, true, NULL, 0)) {
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
    if (!pkg_probe_file(ctx, path, false, NULL, 0)) {
        textf(path, sizeof(path), "%s/lib64/python%s/encodings/__init__.py", py.prefix,
                 py.version);
        if (!pkg_probe_file(ctx, path, false, NULL, 0))
            fp_fail(r, "Python %s's standard library is missing (no encodings package under "
                       "%s/lib/python%s): Python cannot start, so rc1's flux modprobe fails; %s",
                    py.version, py.prefix, py.version,
                    fp_pkg_install_advice(&rt->distro, "libpython3-stdlib", "python3-libs", how,
                                          sizeof(how)));
    }
    /* flux's own package and its extensions */
    textf(path, sizeof(path), "%s/flux/__init__.py", py.bindings);
    if (!pkg_probe_file(ctx, path, false, NULL, 0))
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

    for (int i = 0; pkg_prefixes[i] && !flux[0]; i++) {
        textf(path, sizeof(path), "%s/bin/flux", pkg_prefixes[i]);
        if (pkg_probe_file(ctx, path, false, NULL, 0))
            textf(flux, sizeof(flux), "%s", path);
    }
    pkg_libexec_dirs(&cmd, "/cmd");
    for (int i = 0; i < cmd.n && !broker[0]; i++) {
        textf(path, sizeof(path), "%s/flux-broker", cmd.d[i]);
        if (pkg_probe_file(ctx, path, false, NULL, 0))
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
    if (pkg_probe_file(ctx, path, false, NULL, 0))
        runtime_check(&rt, path, pkg_imp_configured(ctx) ? ROLE_IMP : ROLE_OPTIONAL);
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

/* ---- the table ------------------------------------------------------------- */

const struct fp_check fp_checks_packages_runtime[] = {
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
    { 0 },
};
