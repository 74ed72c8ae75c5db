/* unitfile: a unit and its drop-ins as systemd loads them, from real files
 * in a temporary root (and flux-core's own flux.service). */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unitfile.h"
#include "tap.h"

static char root[PATH_MAX];

static void mkdirs(const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void)mkdir(path, 0755);
        *p = '/';
    }
    (void)mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
    char path[PATH_MAX], dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", rel);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    snprintf(path, sizeof(path), "%s%s", root, rel);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void link_to(const char *target, const char *rel)
{
    char path[PATH_MAX], dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", rel);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    snprintf(path, sizeof(path), "%s%s", root, rel);
    if (symlink(target, path) < 0) {
        perror(path);
        exit(1);
    }
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void clean(void)
{
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (mkdir(root, 0755) < 0) {
        perror(root);
        exit(1);
    }
}

static struct unitfile *load(const char *name)
{
    struct unitfile *u = NULL;
    char err[512] = "";
    int rc = unitfile_load(root, name, &u, err, sizeof(err));
    if (rc < 0)
        diag("unitfile_load %s: %s (%s)", name, strerror(-rc), err);
    return u;
}

static const char *shown(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, PATH_MAX, "%s%s", root, rel);
    return b;
}

static void test_syntax(void)
{
    struct unitfile *u;
    const char *const *v;

    clean();
    put("/usr/lib/systemd/system/a.service",
        "\xef\xbb\xbf# a comment\n"
        "; another\n"
        "[Unit]\n"
        "Description = spaced out  \n"
        "\n"
        "[Service]\n"
        "ExecStart=/bin/echo one \\\n"
        "  two\\\n"
        "# a comment inside the continuation is skipped\n"
        "; so is this one\n"
        "three\n"
        "Environment=A=1\r\n"
        "Path=C:\\\\\n"
        "NoEquals\n"
        "=novalue\n"
        "[X-Custom]\n"
        "Key=x\n"
        "Tail=end \\\n");
    u = load("a.service");
    ok(u != NULL, "a unit with comments, continuations and CRLF loads");
    if (!u)
        return;
    is(unitfile_get(u, "Unit", "Description"), "spaced out",
       "blanks around key and value are stripped");
    is(unitfile_get(u, "Service", "ExecStart"), "/bin/echo one    two three",
       "continued lines join, each backslash becomes a space, comment lines inside are skipped");
    is(unitfile_get(u, "Service", "Environment"), "A=1",
       "the value is everything after the first '=' (CRLF line end)");
    is(unitfile_get(u, "Service", "Path"), "C:\\\\",
       "an escaped backslash at the end does not continue the line");
    is(unitfile_get(u, "Service", "NoEquals"), NULL, "a line without '=' is ignored");
    is(unitfile_get(u, "Service", ""), NULL, "a line without a key is ignored");
    is(unitfile_get(u, "X-Custom", "Key"), "x", "any section is kept");
    is(unitfile_get(u, "X-Custom", "Tail"), "end", "a continuation at the end of the file ends there");
    is(unitfile_get(u, "Unit", "Key"), NULL, "keys belong to their section");
    is(unitfile_path(u), shown("/usr/lib/systemd/system/a.service"), "unitfile_path: the file, under the root");
    ok(!unitfile_masked(u), "not masked");
    is_int(unitfile_get_all(u, "Service", "Nope", &v), 0, "get_all of an unset key: none");
    unitfile_free(u);
}

static void test_source(void)
{
    struct unitfile *u;
    char want[PATH_MAX + 16];

    clean();
    put("/usr/lib/systemd/system/s.service", "[Service]\n# c\nUser=a\nExecStart=x \\\n y\n");
    if (!(u = load("s.service")))
        return;
    snprintf(want, sizeof(want), "%s:3", shown("/usr/lib/systemd/system/s.service"));
    is(unitfile_source(u, "Service", "User"), want, "unitfile_source: file and line");
    snprintf(want, sizeof(want), "%s:4", shown("/usr/lib/systemd/system/s.service"));
    is(unitfile_source(u, "Service", "ExecStart"), want,
       "a continued assignment is placed at its first line");
    is(unitfile_source(u, "Service", "Group"), NULL, "unset: no source");
    unitfile_free(u);
}

static void test_dropins(void)
{
    struct unitfile *u;
    const char *const *v;
    size_t n;

    clean();
    put("/usr/lib/systemd/system/flux.service",
        "[Service]\nUser=flux\nStateDirectory=flux\nStateDirectoryMode=0700\n"
        "ExecStartPre=/bin/a\nExecStartPre=/bin/b\n");
    /* same file name in two directories: /etc wins over /usr/lib */
    put("/usr/lib/systemd/system/flux.service.d/50-mode.conf", "[Service]\nStateDirectoryMode=0755\n");
    put("/etc/systemd/system/flux.service.d/50-mode.conf", "[Service]\nStateDirectoryMode=0750\n");
    /* applied in file-name order across directories */
    put("/run/systemd/system/flux.service.d/10-user.conf", "[Service]\nUser=alice\n");
    put("/usr/lib/systemd/system/flux.service.d/90-user.conf", "[Service]\nUser=bob\nGroup=bob\n");
    /* a reset, then a new list */
    put("/etc/systemd/system/flux.service.d/60-pre.conf",
        "[Service]\nExecStartPre=\nExecStartPre=/bin/c\nStateDirectory=flux extra\n");
    /* masked drop-in: /dev/null hides /usr/lib's 70-mask.conf */
    put("/usr/lib/systemd/system/flux.service.d/70-mask.conf", "[Service]\nGroup=masked\n");
    link_to("/dev/null", "/etc/systemd/system/flux.service.d/70-mask.conf");
    /* not drop-ins */
    put("/etc/systemd/system/flux.service.d/README", "[Service]\nUser=readme\n");
    put("/etc/systemd/system/flux.service.d/.hidden.conf", "[Service]\nUser=hidden\n");
    mkdirs("/etc/systemd/system/flux.service.d/dir.conf");
    /* the type's drop-ins come last among equals, but still sort by name */
    put("/usr/lib/systemd/system/service.d/95-all.conf", "[Service]\nLimitCORE=infinity\n");

    if (!(u = load("flux.service")))
        return;
    is(unitfile_get(u, "Service", "StateDirectoryMode"), "0750",
       "a drop-in in /etc overrides the same name in /usr/lib");
    is(unitfile_get(u, "Service", "User"), "bob", "drop-ins apply in file-name order across directories");
    is(unitfile_get(u, "Service", "Group"), "bob", "a /dev/null drop-in masks the same name further down the path");
    is(unitfile_get(u, "Service", "LimitCORE"), "infinity", "service.d/ drop-ins apply to every service");
    n = unitfile_get_all(u, "Service", "ExecStartPre", &v);
    is_int(n, 1, "an empty assignment resets a list");
    is(n ? v[0] : NULL, "/bin/c", "then the list goes on");
    n = unitfile_get_all(u, "Service", "StateDirectory", &v);
    is_int(n, 2, "every assignment of a list setting is kept");
    is(n == 2 ? v[1] : NULL, "flux extra", "as written (the caller splits words)");
    n = unitfile_dropins(u, &v);
    is_int(n, 5, "5 drop-ins applied (not README, .hidden.conf, dir.conf, the masked one)");
    is(n ? v[0] : NULL, shown("/run/systemd/system/flux.service.d/10-user.conf"), "the first drop-in by name");
    is(n == 5 ? v[4] : NULL, shown("/usr/lib/systemd/system/service.d/95-all.conf"), "the last drop-in by name");
    unitfile_free(u);

    /* "Key=" unsets a single-valued setting */
    put("/etc/systemd/system/flux.service.d/99-reset.conf", "[Service]\nUser=\n");
    if (!(u = load("flux.service")))
        return;
    is(unitfile_get(u, "Service", "User"), NULL, "\"User=\" in a later drop-in resets it");
    unitfile_free(u);
}

static void test_prefix_template(void)
{
    struct unitfile *u;

    clean();
    put("/usr/lib/systemd/system/foo-bar-baz.service", "[Service]\nA=unit\n");
    put("/etc/systemd/system/foo-.service.d/a.conf", "[Service]\nA=foo-\nB=foo-\n");
    put("/etc/systemd/system/foo-bar-.service.d/b.conf", "[Service]\nB=foo-bar-\n");
    if ((u = load("foo-bar-baz.service"))) {
        is(unitfile_get(u, "Service", "A"), "foo-", "foo-.service.d/ applies to foo-bar-baz.service");
        is(unitfile_get(u, "Service", "B"), "foo-bar-", "and foo-bar-.service.d/ (later name)");
        unitfile_free(u);
    }
    put("/usr/lib/systemd/system/user@.service", "[Service]\nDelegate=no\n");
    put("/etc/systemd/system/user@.service.d/delegate.conf", "[Service]\nDelegate=yes\n");
    put("/etc/systemd/system/user@500.service.d/x.conf", "[Service]\nX=500\n");
    if ((u = load("user@500.service"))) {
        is(unitfile_path(u), shown("/usr/lib/systemd/system/user@.service"),
           "an instance without a unit file of its own is its template's");
        is(unitfile_get(u, "Service", "Delegate"), "yes", "the template's drop-ins apply to an instance");
        is(unitfile_get(u, "Service", "X"), "500", "and the instance's own");
        unitfile_free(u);
    }
    struct unitfile *t = NULL;
    is_int(unitfile_load(root, "nobody@500.service", &t, NULL, 0), -ENOENT,
           "an instance of a template that is not installed: -ENOENT");
    unitfile_free(t);
}

static void test_lookup(void)
{
    struct unitfile *u = NULL;
    char err[512] = "";

    clean();
    is_int(unitfile_load(root, "flux.service", &u, err, sizeof(err)), -ENOENT,
           "no unit file: -ENOENT");
    put("/etc/systemd/system/flux.service.d/x.conf", "[Service]\nUser=x\n");
    is_int(unitfile_load(root, "flux.service", &u, err, sizeof(err)), -ENOENT,
           "drop-ins alone do not make a unit");

    put("/lib/systemd/system/flux.service", "[Service]\nUser=lib\n");
    put("/usr/lib/systemd/system/flux.service", "[Service]\nUser=usrlib\n");
    if ((u = load("flux.service"))) {
        is(unitfile_get(u, "Service", "User"), "x", "drop-ins apply to the unit found");
        is(unitfile_path(u), shown("/usr/lib/systemd/system/flux.service"),
           "/usr/lib comes before /lib in the search path");
        unitfile_free(u);
    }
    /* an absolute symlink resolves inside the root, not on the host */
    put("/opt/units/flux.service", "[Service]\nUser=opt\n");
    link_to("/opt/units/flux.service", "/etc/systemd/system/flux.service");
    if ((u = load("flux.service"))) {
        is(unitfile_path(u), shown("/etc/systemd/system/flux.service"), "/etc comes first");
        is(unitfile_get(u, "Service", "User"), "x", "its drop-ins still apply");
        unitfile_free(u);
    }
    unlink(shown("/etc/systemd/system/flux.service.d/x.conf"));
    if ((u = load("flux.service"))) {
        is(unitfile_get(u, "Service", "User"), "opt",
           "a symlink to /opt/... is read inside the root");
        unitfile_free(u);
    }
    unlink(shown("/etc/systemd/system/flux.service"));

    /* masking */
    link_to("/dev/null", "/etc/systemd/system/flux.service");
    if ((u = load("flux.service"))) {
        ok(unitfile_masked(u), "a symlink to /dev/null in /etc masks the unit");
        is(unitfile_path(u), shown("/etc/systemd/system/flux.service"), "unitfile_path names the mask");
        is(unitfile_get(u, "Service", "User"), NULL, "a masked unit has no settings");
        unitfile_free(u);
    }
    unlink(shown("/etc/systemd/system/flux.service"));
    put("/run/systemd/system/flux.service", "");
    if ((u = load("flux.service"))) {
        ok(unitfile_masked(u), "an empty unit file masks the unit");
        unitfile_free(u);
    }
    unlink(shown("/run/systemd/system/flux.service"));

    /* errors */
    put("/etc/systemd/system/flux.service", "[Service\nUser=x\n");
    u = NULL;
    err[0] = '\0';
    is_int(unitfile_load(root, "flux.service", &u, err, sizeof(err)), -EBADMSG,
           "a section header without ']' is an error");
    char want[PATH_MAX + 64];
    snprintf(want, sizeof(want), "%s:1: Invalid section header '[Service'",
             shown("/etc/systemd/system/flux.service"));
    is(err, want, "the error names the file and the line");
    unlink(shown("/etc/systemd/system/flux.service"));
    mkdirs("/etc/systemd/system/flux.service");
    is_int(unitfile_load(root, "flux.service", &u, err, sizeof(err)), -EINVAL,
           "a directory in place of the unit file is an error");
    rmdir(shown("/etc/systemd/system/flux.service"));
    put("/etc/systemd/system/flux.service", "[Service]\nUser=a\n");
    chmod(shown("/etc/systemd/system/flux.service"), 0);
    if (geteuid() != 0) {
        is_int(unitfile_load(root, "flux.service", &u, err, sizeof(err)), -EACCES,
               "an unreadable unit file is an error (-EACCES)");
    } else {
        ok(1, "# SKIP root reads a mode 0 file");
    }
    is_int(unitfile_load(root, "../x.service", &u, err, sizeof(err)), -EINVAL,
           "a name with a slash is refused");
}

/* flux-core 0.88.0's own flux.service, as installed */
static void test_flux_core_unit(void)
{
    const char *top = getenv("top_srcdir");
    char src[PATH_MAX], cmd[PATH_MAX * 2 + 64];
    struct unitfile *u;
    const char *const *v;
    size_t n;

    clean();
    snprintf(src, sizeof(src), "%s/tests/data/flux-core/flux.service", top ? top : ".");
    if (access(src, R_OK) < 0) {
        ok(1, "# SKIP %s not found (set top_srcdir)", src);
        return;
    }
    mkdirs("/usr/lib/systemd/system");
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s/usr/lib/systemd/system/flux.service'", src, root);
    if (system(cmd) != 0) {
        ok(0, "copy flux.service");
        return;
    }
    put("/etc/systemd/system/flux.service.d/after-munge.conf", "[Unit]\nAfter=munge.service\n");
    if (!(u = load("flux.service")))
        return;
    is(unitfile_get(u, "Service", "StateDirectory"), "flux", "flux.service: StateDirectory=flux");
    is(unitfile_get(u, "Service", "StateDirectoryMode"), "0700", "flux.service: StateDirectoryMode=0700");
    is(unitfile_get(u, "Service", "User"), "flux", "flux.service: User=flux");
    is(unitfile_get(u, "Service", "Group"), "flux", "flux.service: Group=flux");
    is(unitfile_get(u, "Service", "Restart"), "always", "flux.service: Restart=always");
    is(unitfile_get(u, "Service", "RestartPreventExitStatus"), "42", "flux.service: RestartPreventExitStatus=42");
    is(unitfile_get(u, "Unit", "After"), "munge.service", "the drop-in's [Unit] After=");
    n = unitfile_get_all(u, "Service", "ExecStartPre", &v);
    is_int(n, 2, "flux.service: two ExecStartPre=");
    is(n == 2 ? v[0] : NULL, "/usr/bin/loginctl enable-linger flux", "the first: loginctl enable-linger flux");
    const char *es = unitfile_get(u, "Service", "ExecStart");
    ok(es && strstr(es, "/usr/bin/flux broker") && strstr(es, "-Sstatedir=${STATE_DIRECTORY:-/var/lib/flux}") &&
           strstr(es, "-Scontent.restore=auto"),
       "the ExecStart= continued over 24 lines is one value");
    unitfile_free(u);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof(root), "%s/fp-unitfile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    test_syntax();
    test_source();
    test_dropins();
    test_prefix_template();
    test_lookup();
    test_flux_core_unit();
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
