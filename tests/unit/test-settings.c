/* The gate's own configuration (src/engine/settings.c): conf.d read and
 * merged, every key typed and validated, errors that name file and line,
 * defaults, the per-check [severity] and [timeout] tables, and the settings a
 * check declares in its descriptor. Real files in a temp dir; every expected
 * value is written out. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/registry.h"
#include "engine/settings.h"
#include "tap.h"

static char tmpdir[] = "/tmp/fp-test-settings.XXXXXX";
static char dir[4096];
static int ndir;

/* A fresh conf.d holding FILES (name, text, name, text, ..., NULL). */
static const char *confd(const char *name, const char *text, ...)
{
    va_list ap;
    snprintf(dir, sizeof(dir), "%s/d%d", tmpdir, ndir++);
    if (mkdir(dir, 0755) < 0)
        exit(1);
    va_start(ap, text);
    while (name) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
            exit(1);
        name = va_arg(ap, const char *);
        text = name ? va_arg(ap, const char *) : NULL;
    }
    va_end(ap);
    return dir;
}

static char err[1024];

static struct fp_settings *load(const char *path)
{
    struct fp_settings *s = NULL;
    err[0] = '\0';
    if (fp_settings_load(NULL, path, &s, err, sizeof(err)) < 0)
        return NULL;
    return s;
}

/* The error for a conf.d with one file a.toml holding TEXT, with the
 * directory's path replaced by "D". */
static const char *error_of(const char *text)
{
    static char out[1024];
    const char *d = confd("a.toml", text, NULL);
    struct fp_settings *s = load(d);
    fp_settings_destroy(s);
    if (s)
        return "(loaded)";
    size_t n = strlen(d);
    if (strncmp(err, d, n) == 0)
        snprintf(out, sizeof(out), "D%s", err + n);
    else
        snprintf(out, sizeof(out), "%s", err);
    return out;
}

static int rm(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    return remove(p);
}

int main(void)
{
    struct fp_settings *s;

    if (!mkdtemp(tmpdir))
        return 1;

    /* defaults */
    s = fp_settings_defaults();
    ok(s && s->mode == FP_MODE_ENFORCE, "defaults: mode enforce");
    ok(s && s->deadline == 30.0, "defaults: deadline 30s");
    is(fp_setting_str(s, "flux-user"), "flux", "defaults: flux-user flux");
    is(fp_setting_str(s, "munge.socket"), "/run/munge/munge.socket.2",
       "defaults: a check's own setting (munge.daemon's munge.socket) has its default");
    ok(fp_setting_num(s, "statedir-space.min-free") == 1024.0 * 1024 * 1024,
       "defaults: statedir-space.min-free 1G, in bytes");
    ok(!json_object_get(s->values, "manifest"), "defaults: manifest unset");
    is(s->source, "(built-in defaults)", "defaults: the source says so");
    fp_settings_destroy(s);

    /* a missing default path is the defaults; a missing explicit path is an error */
    struct fp_settings *d = NULL;
    ok(fp_settings_load(tmpdir, NULL, &d, err, sizeof(err)) == 0 && d &&
           strcmp(d->source, "(built-in defaults)") == 0,
       "no conf.d under the root: built-in defaults");
    fp_settings_destroy(d);
    char missing[4200];
    snprintf(missing, sizeof(missing), "%s/nonexistent", tmpdir);
    ok(!load(missing), "an explicit conf.d that does not exist: an error");

    /* values of every type, normalised */
    s = load(confd("a.toml",
                   "mode = \"warn\"\n"
                   "deadline = \"1.5m\"\n"
                   "statedir = \"/srv/flux\"\n"
                   "[statedir-space]\n"
                   "min-free = \"2G\"\n"
                   "min-free-percent = 7.5\n"
                   "min-free-inodes = 20\n"
                   "[fleet]\n"
                   "max-size = 4096\n"
                   "allow-unreachable = true\n"
                   "timeout = \"500ms\"\n",
                   NULL));
    ok(s != NULL, "a valid file loads (%s)", err);
    if (s) {
        ok(s->mode == FP_MODE_WARN, "mode warn");
        ok(s->deadline == 90.0, "deadline \"1.5m\" is 90 s");
        is(fp_setting_str(s, "statedir"), "/srv/flux", "a path");
        ok(fp_setting_num(s, "statedir-space.min-free") == 2.0 * 1024 * 1024 * 1024,
           "bytes \"2G\": powers of 1024");
        ok(fp_setting_num(s, "statedir-space.min-free-percent") == 7.5, "a percentage");
        ok(fp_setting_num(s, "statedir-space.min-free-inodes") == 20.0, "an integer");
        ok(fp_setting_num(s, "fleet.max-size") == 4096.0, "bytes as an integer");
        ok(fp_setting_bool(s, "fleet.allow-unreachable"), "a boolean");
        ok(fp_setting_num(s, "fleet.timeout") == 0.5, "a duration \"500ms\"");
        ok(fp_setting_num(s, "fleet.connect-timeout") == 5.0, "an unset key keeps its default");
        json_t *o = json_object_get(s->origin, "statedir-space.min-free");
        ok(o && json_integer_value(json_object_get(o, "line")) == 5 &&
               strstr(json_string_value(json_object_get(o, "file")), "/a.toml"),
           "origin: file and line of a value");
        fp_settings_destroy(s);
    }

    /* conf.d: files merged in name order, as flux-core merges */
    s = load(confd("a.toml", "[munge]\nsocket = \"/run/a\"\n", "b.toml",
                   "[munge]\nkey = \"/etc/b.key\"\n", NULL));
    ok(s != NULL, "two files load (%s)", err);
    if (s) {
        is(fp_setting_str(s, "munge.socket"), "/run/a", "conf.d: a key from the first file");
        is(fp_setting_str(s, "munge.key"), "/etc/b.key", "conf.d: a key from the second file");
        fp_settings_destroy(s);
    }

    /* [severity] and [timeout]: ids quoted or not */
    s = load(confd("a.toml",
                   "[severity]\n"
                   "\"time.sync\" = \"warn\"\n"
                   "munge.daemon = \"off\"\n"
                   "[timeout]\n"
                   "\"net.parent\" = \"2s\"\n",
                   NULL));
    ok(s != NULL, "severity and timeout tables load (%s)", err);
    if (s) {
        ok(fp_settings_severity(s, fp_registry_find("time.sync")) == FP_SEV_WARN,
           "[severity] \"time.sync\" = \"warn\"");
        ok(fp_settings_severity(s, fp_registry_find("munge.daemon")) == FP_SEV_OFF,
           "[severity] munge.daemon (unquoted, a nested table) = \"off\"");
        ok(fp_settings_severity(s, fp_registry_find("packages.sched")) == FP_SEV_WARN,
           "a check not named keeps its default severity (packages.sched: warn)");
        ok(fp_settings_severity(s, fp_registry_find("cert.perms")) == FP_SEV_FAIL,
           "...(cert.perms: fail)");
        ok(fp_settings_timeout(s, fp_registry_find("net.parent")) == 2.0,
           "[timeout] \"net.parent\" = \"2s\"");
        ok(fp_settings_timeout(s, fp_registry_find("cert.perms")) ==
               fp_registry_find("cert.perms")->timeout,
           "a check not named keeps its descriptor's timeout");
        json_t *o = json_object_get(s->origin, "severity.time.sync");
        ok(o && json_integer_value(json_object_get(o, "line")) == 2,
           "origin of a quoted id: its line (2)");
        fp_settings_destroy(s);
    }

    /* errors: file, line, what, why */
    is(error_of("bogus = 1\n"), "D/a.toml:1: unknown key 'bogus' (see flux-preflight.toml(5))",
       "an unknown key");
    is(error_of("\n[munge]\nsockett = \"/x\"\n"),
       "D/a.toml:3: unknown key 'munge.sockett' (see flux-preflight.toml(5))",
       "an unknown key in a table, with its line");
    is(error_of("deadline = 30\n"),
       "D/a.toml:1: deadline: expected a duration string such as \"30s\"", "a duration as a number");
    is(error_of("deadline = \"2d\"\n"),
       "D/a.toml:1: deadline: \"2d\" is longer than flux-preflight's limit of 86400s (1d)",
       "a duration over a day");
    is(error_of("mode = \"lenient\"\n"), "D/a.toml:1: mode: expected \"enforce\" or \"warn\"",
       "a mode that does not exist");
    is(error_of("statedir = \"var/lib/flux\"\n"), "D/a.toml:1: statedir: expected an absolute path",
       "a relative path");
    is(error_of("[statedir-space]\nmin-free-percent = 101\n"),
       "D/a.toml:2: statedir-space.min-free-percent: expected a number from 0 to 100",
       "a percentage over 100");
    is(error_of("[statedir-space]\nmin-free = \"10X\"\n"),
       "D/a.toml:2: statedir-space.min-free: expected a size such as \"10G\" or an integer",
       "a size with an unknown suffix");
    is(error_of("flux-uid = -1\n"), "D/a.toml:1: flux-uid: expected a non-negative integer",
       "a negative uid");
    is(error_of("manifest = \"ftp://x/y\"\n"),
       "D/a.toml:1: manifest: expected a URL (https://, http://, file://)", "a URL scheme not served");
    is(error_of("[severity]\n\"no.such\" = \"warn\"\n"),
       "D/a.toml:2: [severity]: unknown check id 'no.such' (see flux-preflight list)",
       "[severity] with an unknown check id");
    is(error_of("[severity]\n\"cert.perms\" = \"maybe\"\n"),
       "D/a.toml:2: [severity] cert.perms: expected \"fail\", \"warn\" or \"off\"",
       "[severity] with a value that is no severity");
    is(error_of("[timeout]\n\"cert.perms\" = \"0s\"\n"),
       "D/a.toml:2: [timeout] cert.perms: expected a positive duration string such as \"5s\"",
       "[timeout] zero");
    ok(strstr(error_of("mode = \n"), "D/a.toml:1:") == error_of("mode = \n"),
       "a TOML syntax error names file and line (%s)", error_of("mode = \n"));

    nftw(tmpdir, rm, 16, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
