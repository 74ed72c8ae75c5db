/* conf: conf.d loading and merging as Flux does it, on real temp dirs. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/conf.h"
#include "tap.h"

static char tmpdir[1024];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static const char *make_dir(const char *name)
{
    static char path[8][4096];
    static int n;
    char *p = path[n++ % 8];
    snprintf(p, 4096, "%s/%s", tmpdir, name);
    if (mkdir(p, 0755) < 0) {
        perror(p);
        exit(1);
    }
    return p;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static char *dump(const json_t *o)
{
    static char buf[4096];
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
    free(s);
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_order(void)
{
    const char *dir = make_dir("order");
    struct conf *c;
    struct conf_diag d;

    write_file(dir, "b.toml", "x = \"b\"\n");
    write_file(dir, "a.toml", "x = \"a\"\n");
    write_file(dir, "A.toml", "x = \"A\"\n");
    write_file(dir, "_u.toml", "x = \"_u\"\n");
    write_file(dir, ".hidden.toml", "x = \"hidden\"\n");
    write_file(dir, "c.conf", "x = \"conf\"\n");
    write_file(dir, "d.toml.rpmsave", "x = \"rpmsave\"\n");
    write_file(dir, "e.json", "{\"x\": \"json\"}");

    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "load a dir with several files");
    is_int(c->nfiles, 4, "only *.toml, no dotfiles, no other extensions");
    ok(c->nfiles == 4 && strcmp(base(c->files[0].path), "A.toml") == 0 &&
           strcmp(base(c->files[1].path), "_u.toml") == 0 &&
           strcmp(base(c->files[2].path), "a.toml") == 0 &&
           strcmp(base(c->files[3].path), "b.toml") == 0,
       "files in byte order: A.toml _u.toml a.toml b.toml");
    is(json_string_value(json_object_get(c->merged, "x")), "b", "the last file's value wins");
    ok(c->is_dir && c->merge == CONF_MERGE_FLUX, "is_dir and merge recorded");

    const char *file = NULL;
    int line = -1;
    ok(conf_locate(c, "x", &file, &line) == 0 && strcmp(base(file), "b.toml") == 0 && line == 1,
       "conf_locate names the last file that set x, line 1");
    is_int(json_array_size(c->overridden), 3, "three overrides of x recorded");
    json_t *o = json_array_get(c->overridden, 2);
    ok(strcmp(json_string_value(json_object_get(o, "key")), "x") == 0 &&
           strcmp(base(json_string_value(json_object_get(o, "file"))), "b.toml") == 0 &&
           strcmp(base(json_string_value(json_object_get(o, "replaced_file"))), "a.toml") == 0,
       "override: b.toml replaced a.toml's x");
    conf_destroy(c);
}

static void test_recursive(void)
{
    const char *dir = make_dir("recursive");
    struct conf *c;
    struct conf_diag d;
    const char *file;
    int line;

    write_file(dir, "a.toml",
               "[alpha]\nz = 1\nkeep = true\n\n"
               "[[resource.config]]\nhosts = \"a[0-3]\"\ncores = \"0-1\"\n\n"
               "[[resource.config]]\nhosts = \"a[4-7]\"\ncores = \"0-1\"\n");
    write_file(dir, "d.toml",
               "[alpha]\nz = 9\n\n[alpha.sub]\nq = 1\n\n"
               "[[resource.config]]\nhosts = \"d0\"\ncores = \"0\"\n");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "load two files defining the same tables");
    is(dump(c->merged),
       "{\"alpha\":{\"keep\":true,\"sub\":{\"q\":1},\"z\":9},"
       "\"resource\":{\"config\":[{\"cores\":\"0\",\"hosts\":\"d0\"}]}}",
       "tables merge key by key; [[resource.config]] split across files: the later array wins");
    ok(conf_locate(c, "alpha.keep", &file, &line) == 0 && strcmp(base(file), "a.toml") == 0 &&
           line == 3,
       "alpha.keep located in a.toml:3");
    ok(conf_locate(c, "alpha.z", &file, &line) == 0 && strcmp(base(file), "d.toml") == 0 &&
           line == 2,
       "alpha.z located in d.toml:2");
    ok(conf_locate(c, "resource.config[0].hosts", &file, &line) == 0 &&
           strcmp(base(file), "d.toml") == 0 && line == 8,
       "resource.config[0].hosts located in d.toml:8");
    ok(conf_locate(c, "resource.config[1]", &file, &line) < 0,
       "a dropped array element is not located");
    ok(conf_locate(c, "nope.x", &file, &line) < 0, "an unset key is not located");
    ok(conf_locate(c, "alpha.z.q", &file, &line) < 0, "a path through a scalar is not located");

    json_t *keys = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(c->overridden, i, o)
        json_array_append(keys, json_object_get(o, "key"));
    is(dump(keys), "[\"alpha.z\",\"resource.config\"]",
       "overrides recorded for alpha.z and resource.config, not for merged tables");
    json_decref(keys);
    conf_destroy(c);

    /* a table replaced by a scalar, and back */
    dir = make_dir("retype");
    write_file(dir, "1.toml", "[t]\na = 1\n");
    write_file(dir, "2.toml", "t = 5\n");
    write_file(dir, "3.toml", "[t]\nb = 2\n");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "load table/scalar/table");
    is(dump(c->merged), "{\"t\":{\"b\":2}}", "a non-table value replaces, then is replaced");
    ok(conf_locate(c, "t.a", &file, &line) < 0, "t.a, dropped with the table, is not located");
    conf_destroy(c);
}

static void test_shallow(void)
{
    const char *dir = make_dir("shallow");
    struct conf *c;
    struct conf_diag d;
    const char *file;
    int line;

    write_file(dir, "imp.toml",
               "[exec]\nallowed-users = [\"flux\"]\n\n[run.prolog]\npath = \"/p\"\n");
    write_file(dir, "50-run.toml", "[run.epilog]\npath = \"/e\"\n");
    ok(conf_load(NULL, dir, CONF_MERGE_SHALLOW, &c, &d) == 0, "load an IMP-style dir shallow");
    is(dump(c->merged),
       "{\"exec\":{\"allowed-users\":[\"flux\"]},\"run\":{\"prolog\":{\"path\":\"/p\"}}}",
       "shallow: imp.toml (sorted after 50-run.toml) replaces the whole run table");
    is_int(json_array_size(c->overridden), 1, "one top-level key overridden");
    json_t *o = json_array_get(c->overridden, 0);
    ok(strcmp(json_string_value(json_object_get(o, "key")), "run") == 0 &&
           strcmp(base(json_string_value(json_object_get(o, "file"))), "imp.toml") == 0 &&
           strcmp(base(json_string_value(json_object_get(o, "replaced_file"))),
                  "50-run.toml") == 0 &&
           json_integer_value(json_object_get(o, "line")) == 4 &&
           json_integer_value(json_object_get(o, "replaced_line")) == 1 &&
           json_is_false(json_object_get(o, "identical")),
       "override names run, imp.toml:4 replacing 50-run.toml:1");
    ok(conf_locate(c, "run.prolog.path", &file, &line) == 0 &&
           strcmp(base(file), "imp.toml") == 0 && line == 5,
       "run.prolog.path located in imp.toml:5");
    ok(conf_locate(c, "run.epilog", &file, &line) < 0, "the dropped run.epilog is not located");
    json_t *drops = conf_shallow_drops(c);
    is_int(json_array_size(drops), 1, "conf_shallow_drops: one file loses one table");
    json_t *x = json_array_get(drops, 0);
    is(base(json_string_value(json_object_get(x, "file"))), "50-run.toml",
       "conf_shallow_drops: 50-run.toml loses keys");
    is_int(json_integer_value(json_object_get(x, "line")), 1, "...its first lost key is on line 1");
    is(json_string_value(json_object_get(x, "top")), "run", "...of the table run");
    is(dump(json_object_get(x, "keys")), "[\"run.epilog\"]", "...run.epilog, the table it drops");
    ok(strcmp(base(json_string_value(json_object_get(x, "winner"))), "imp.toml") == 0 &&
           json_integer_value(json_object_get(x, "winner_line")) == 4,
       "...because imp.toml:4 defines [run] and wins");
    json_decref(drops);
    conf_destroy(c);

    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "the same dir, flux merge");
    ok(json_object_get(json_object_get(c->merged, "run"), "epilog") &&
           json_object_get(json_object_get(c->merged, "run"), "prolog"),
       "flux merge keeps both run.prolog and run.epilog");
    is_int(json_array_size(c->overridden), 0, "and records no override");
    conf_destroy(c);
}

static void test_errors(void)
{
    struct conf *c = NULL;
    struct conf_diag d;
    char want[4096];
    const char *dir;

    /* missing dir */
    snprintf(want, sizeof(want), "%s/nonexistent", tmpdir);
    ok(conf_load(NULL, want, CONF_MERGE_FLUX, &c, &d) < 0 && c == NULL, "a missing dir fails");
    is(d.file, want, "the error names the dir");
    is(d.msg, "No such file or directory", "missing dir: No such file or directory");

    /* empty dir */
    dir = make_dir("empty");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "an empty dir loads (flux)");
    is(dump(c->merged), "{}", "as an empty object");
    is_int(c->nfiles, 0, "with no files");
    conf_destroy(c);
    ok(conf_load(NULL, dir, CONF_MERGE_SHALLOW, &c, &d) < 0, "an empty dir fails (flux-security)");
    snprintf(want, sizeof(want), "%s/*.toml matched nothing", dir);
    is(d.msg, want, "shallow: <dir>/*.toml matched nothing");

    /* FIFO: must not block */
    dir = make_dir("fifo");
    write_file(dir, "a.toml", "x = 1\n");
    snprintf(want, sizeof(want), "%s/b.toml", dir);
    ok(mkfifo(want, 0644) == 0, "mkfifo b.toml");
    double t0 = now();
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0, "a FIFO named *.toml fails");
    ok(now() - t0 < 1.0, "without blocking on the FIFO");
    is(d.file, want, "the error names the FIFO");
    is(d.msg, "not a regular file (FIFO)", "not a regular file (FIFO)");

    /* directory named *.toml */
    dir = make_dir("subdir");
    snprintf(want, sizeof(want), "%s/x.toml", dir);
    mkdir(want, 0755);
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0, "a directory named *.toml fails");
    is(d.msg, "not a regular file (directory)", "not a regular file (directory)");

    /* oversize (sparse) */
    dir = make_dir("big");
    snprintf(want, sizeof(want), "%s/big.toml", dir);
    int fd = open(want, O_CREAT | O_WRONLY, 0644);
    ok(fd >= 0 && ftruncate(fd, (off_t)CONF_FILE_MAX + 1) == 0, "a sparse file over the limit");
    close(fd);
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0, "an oversize file fails");
    ok(strncmp(d.msg, "file too large", 14) == 0, "file too large: %s", d.msg);
    is(d.file, want, "the error names the file");

    /* TOML errors carry file:line:col; the first failing file aborts */
    dir = make_dir("syntax");
    write_file(dir, "a.toml", "ok = 1\n");
    write_file(dir, "b.toml", "[tbon]\ntopo = \"kary:2\"\ntopo = \"kary:3\"\n");
    write_file(dir, "c.toml", "this is not toml\n");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0, "a duplicate key fails");
    snprintf(want, sizeof(want), "%s/b.toml", dir);
    is(d.file, want, "the first failing file in order is named");
    is_int(d.line, 3, "at line 3");
    ok(d.col > 0 && d.msg[0], "with a column and a message: %d: %s", d.col, d.msg);

    dir = make_dir("mixed");
    write_file(dir, "a.toml", "a = 1\nb = [1, \"x\"]\n");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) < 0 && d.line == 2,
       "a mixed array fails at line 2 (TOML 0.5 dialect): %s", d.msg);

    /* datetime warning passes through with the file */
    dir = make_dir("warn");
    write_file(dir, "t.toml", "ts = 1979-05-27T00:32:00-07:00\n");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0, "an offset datetime loads");
    json_t *w = json_array_get(c->warnings, 0);
    ok(w && strcmp(base(json_string_value(json_object_get(w, "file"))), "t.toml") == 0 &&
           json_integer_value(json_object_get(w, "line")) == 1,
       "its dialect warning names t.toml:1");
    is(dump(json_object_get(c->merged, "ts")), "{\"iso-8601-ts\":\"1979-05-27T00:32:00Z\"}",
       "converted as Flux does (offset ignored)");
    conf_destroy(c);
}

static void test_single_file(void)
{
    struct conf *c;
    struct conf_diag d;
    char path[4096];

    write_file(tmpdir, "one.json", "{\"bootstrap\": {\"hosts\": [{\"host\": \"a\"}]}}");
    snprintf(path, sizeof(path), "%s/one.json", tmpdir);
    ok(conf_load(NULL, path, CONF_MERGE_FLUX, &c, &d) == 0, "a single .json file loads");
    ok(!c->is_dir && c->nfiles == 1, "as one file, not a dir");
    is(dump(c->merged), "{\"bootstrap\":{\"hosts\":[{\"host\":\"a\"}]}}", "as JSON");
    const char *file;
    int line = -1;
    ok(conf_locate(c, "bootstrap.hosts[0].host", &file, &line) == 0 && line == 0,
       "located in the file, line unknown");
    conf_destroy(c);

    write_file(tmpdir, "bad.json", "{\n  \"a\": 1,\n  \"b\": }\n");
    snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
    ok(conf_load(NULL, path, CONF_MERGE_FLUX, &c, &d) < 0, "invalid JSON fails");
    ok(d.line == 3 && d.col > 0 && d.msg[0], "with line 3 and a column: %d:%d: %s", d.line,
       d.col, d.msg);

    write_file(tmpdir, "arr.json", "[1, 2]");
    snprintf(path, sizeof(path), "%s/arr.json", tmpdir);
    ok(conf_load(NULL, path, CONF_MERGE_FLUX, &c, &d) < 0, "a JSON array is refused");
    is(d.msg, "JSON config must be an object", "JSON config must be an object");

    write_file(tmpdir, "one.conf", "[tbon]\ntopo = \"binomial\"\n");
    snprintf(path, sizeof(path), "%s/one.conf", tmpdir);
    ok(conf_load(NULL, path, CONF_MERGE_FLUX, &c, &d) == 0, "any other extension is TOML");
    is(dump(c->merged), "{\"tbon\":{\"topo\":\"binomial\"}}", "parsed as TOML");
    conf_destroy(c);

    /* a symlinked file is followed, as flux does */
    const char *dir = make_dir("symlink");
    char target[4096];
    snprintf(target, sizeof(target), "%s/one.conf", tmpdir);
    snprintf(path, sizeof(path), "%s/link.toml", dir);
    ok(symlink(target, path) == 0, "symlink link.toml");
    ok(conf_load(NULL, dir, CONF_MERGE_FLUX, &c, &d) == 0 && c->nfiles == 1,
       "a symlinked *.toml is read through");
    conf_destroy(c);
}

static void test_merge_api(void)
{
    json_t *dst = json_loads("{\"a\":{\"x\":1,\"y\":[1]},\"b\":1}", 0, NULL);
    json_t *src = json_loads("{\"a\":{\"y\":[2],\"z\":3},\"c\":{}}", 0, NULL);

    ok(conf_merge_recursive(dst, src) == 0, "conf_merge_recursive");
    is(dump(dst), "{\"a\":{\"x\":1,\"y\":[2],\"z\":3},\"b\":1,\"c\":{}}",
       "recursive: tables merge, arrays replace");
    json_object_set_new(json_object_get(src, "a"), "z", json_integer(4));
    is_int(json_integer_value(json_object_get(json_object_get(dst, "a"), "z")), 3,
           "the result does not share src's values");
    ok(conf_merge_shallow(dst, src) == 0, "conf_merge_shallow");
    is(dump(dst), "{\"a\":{\"y\":[2],\"z\":4},\"b\":1,\"c\":{}}", "shallow: top-level replace");
    ok(conf_merge_recursive(dst, json_array_get(json_object_get(dst, "a"), 0)) < 0 &&
           errno == EINVAL,
       "a non-object is refused with EINVAL");
    json_decref(dst);
    json_decref(src);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/test-conf.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_order();
    test_recursive();
    test_shallow();
    test_errors();
    test_single_file();
    test_merge_api();
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return done_testing();
}
