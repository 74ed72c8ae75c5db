/* bench-run: run commands many times, interleaved, and record per-run wall
 * time, CPU time (user and system) and peak RSS.
 *
 *   bench-run [-n RUNS] [-w WARMUP] [-o OUT.json] [-O DIR] NAME=CMDLINE [NAME=CMDLINE...]
 *
 * CMDLINE is split on spaces (no quoting: the bench uses paths without
 * spaces) and run with execvp, without a shell. Each round runs every command
 * once, in the order given, so a load change on a shared machine hits all of
 * them alike. The commands' stdout and stderr go to /dev/null (with -O DIR,
 * stdout of each command's last run goes to DIR/NAME.out); stdin is /dev/null.
 *
 * CPU and RSS come from wait4(2): the kernel fills that rusage with
 * RUSAGE_BOTH for the child, i.e. the command's own time plus that of every
 * descendant it waited for (the gate's check children), and ru_maxrss is the
 * largest peak RSS of any one of those processes. A descendant the command
 * did not reap (the gate SIGKILLs its filesystem worker when the last result
 * is in, and abandons a check stuck on a dead filesystem) would be missed, so
 * bench-run is a child subreaper (PR_SET_CHILD_SUBREAPER): such orphans come
 * back to it, and it reaps them for up to 1 s after the command exits and adds
 * their CPU ("orphans" counts them; one still in D state after that is not
 * counted). Wall time ends when the command itself exits.
 *
 * Output (JSON, to OUT or stdout):
 *   {"runs": N, "warmup": W, "commands": [{"name": ..., "argv": [...],
 *     "wall_s": [...], "user_s": [...], "sys_s": [...], "maxrss_kib": [...],
 *     "exit": [...], "orphans": [...]}]}
 * Medians and ratios are computed by the report, not here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
    char *name;
    char **argv;
    double *wall, *user, *sys;
    long *maxrss;
    int *exit, *orphans;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv(const struct timeval *t)
{
    return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static char **split(char *s)
{
    size_t n = 0, cap = 8;
    char **v = malloc(cap * sizeof(*v));
    char *save = NULL;

    for (char *w = strtok_r(s, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (n + 2 > cap)
            v = realloc(v, (cap *= 2) * sizeof(*v));
        v[n++] = w;
    }
    v[n] = NULL;
    return v;
}

/* One run: fills *wall, *ru (the command and every descendant reaped by it or,
 * as orphans, by us), *status, *orphans. Returns 0, or -1 on fork/wait error. */
static int run_once(char **argv, const char *out, double *wall, struct rusage *ru, int *status,
                    int *orphans)
{
    double t0 = now();
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2)
                close(fd);
        }
        if (out && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0)
            dup2(fd, 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (wait4(pid, status, 0, ru) < 0) {
        if (errno != EINTR)
            return -1;
    }
    *wall = now() - t0;
    /* orphaned descendants, reparented to us */
    *orphans = 0;
    for (double end = now() + 1.0; now() < end;) {
        struct rusage o;
        pid_t p = wait4(-1, NULL, WNOHANG, &o);
        if (p < 0)
            break; /* ECHILD: none left */
        if (p == 0) {
            usleep(500);
            continue;
        }
        (*orphans)++;
        ru->ru_utime.tv_sec += o.ru_utime.tv_sec;
        ru->ru_utime.tv_usec += o.ru_utime.tv_usec;
        ru->ru_stime.tv_sec += o.ru_stime.tv_sec;
        ru->ru_stime.tv_usec += o.ru_stime.tv_usec;
        if (o.ru_maxrss > ru->ru_maxrss)
            ru->ru_maxrss = o.ru_maxrss;
    }
    return 0;
}

static void print_darr(FILE *f, const char *key, const double *a, int n, const char *sep)
{
    fprintf(f, "\"%s\": [", key);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.9f", i ? ", " : "", a[i]);
    fprintf(f, "]%s", sep);
}

static void print_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

int main(int argc, char **argv)
{
    int runs = 20, warmup = 3, opt, ncmd;
    const char *out = NULL, *outdir = NULL;
    struct cmd *cmds;
    FILE *f = stdout;

    while ((opt = getopt(argc, argv, "n:w:o:O:")) != -1) {
        switch (opt) {
        case 'n':
            runs = atoi(optarg);
            break;
        case 'w':
            warmup = atoi(optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case 'O':
            outdir = optarg;
            break;
        default:
            goto usage;
        }
    }
    ncmd = argc - optind;
    if (ncmd < 1 || runs < 1 || warmup < 0)
        goto usage;
    cmds = calloc((size_t)ncmd, sizeof(*cmds));
    for (int c = 0; c < ncmd; c++) {
        char *arg = argv[optind + c], *eq = strchr(arg, '=');
        if (!eq || eq == arg)
            goto usage;
        *eq = '\0';
        cmds[c].name = arg;
        cmds[c].argv = split(eq + 1);
        if (!cmds[c].argv[0])
            goto usage;
        cmds[c].wall = calloc((size_t)runs, sizeof(double));
        cmds[c].user = calloc((size_t)runs, sizeof(double));
        cmds[c].sys = calloc((size_t)runs, sizeof(double));
        cmds[c].maxrss = calloc((size_t)runs, sizeof(long));
        cmds[c].exit = calloc((size_t)runs, sizeof(int));
        cmds[c].orphans = calloc((size_t)runs, sizeof(int));
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        perror("bench-run: PR_SET_CHILD_SUBREAPER (orphans not counted)");
    for (int i = -warmup; i < runs; i++) {
        for (int c = 0; c < ncmd; c++) {
            struct rusage ru;
            double wall;
            int st, orphans;
            char outpath[4096];
            const char *o = NULL;

            if (outdir && i == runs - 1) {
                snprintf(outpath, sizeof(outpath), "%s/%s.out", outdir, cmds[c].name);
                o = outpath;
            }
            if (run_once(cmds[c].argv, o, &wall, &ru, &st, &orphans) < 0) {
                perror("bench-run: fork/wait");
                return 1;
            }
            if (i < 0)
                continue;
            cmds[c].wall[i] = wall;
            cmds[c].user[i] = tv(&ru.ru_utime);
            cmds[c].sys[i] = tv(&ru.ru_stime);
            cmds[c].maxrss[i] = ru.ru_maxrss;
            cmds[c].exit[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            cmds[c].orphans[i] = orphans;
        }
    }
    if (out && !(f = fopen(out, "w"))) {
        perror(out);
        return 1;
    }
    fprintf(f, "{\"runs\": %d, \"warmup\": %d, \"commands\": [\n", runs, warmup);
    for (int c = 0; c < ncmd; c++) {
        fprintf(f, "  {\"name\": ");
        print_json_str(f, cmds[c].name);
        fprintf(f, ", \"argv\": [");
        for (int k = 0; cmds[c].argv[k]; k++) {
            fprintf(f, "%s", k ? ", " : "");
            print_json_str(f, cmds[c].argv[k]);
        }
        fprintf(f, "],\n   ");
        print_darr(f, "wall_s", cmds[c].wall, runs, ",\n   ");
        print_darr(f, "user_s", cmds[c].user, runs, ",\n   ");
        print_darr(f, "sys_s", cmds[c].sys, runs, ",\n   ");
        fprintf(f, "\"maxrss_kib\": [");
        for (int i = 0; i < runs; i++)
            fprintf(f, "%s%ld", i ? ", " : "", cmds[c].maxrss[i]);
        fprintf(f, "],\n   \"exit\": [");
        for (int i = 0; i < runs; i++)
            fprintf(f, "%s%d", i ? ", " : "", cmds[c].exit[i]);
        fprintf(f, "],\n   \"orphans\": [");
        for (int i = 0; i < runs; i++)
            fprintf(f, "%s%d", i ? ", " : "", cmds[c].orphans[i]);
        fprintf(f, "]}%s\n", c + 1 < ncmd ? "," : "");
    }
    fprintf(f, "]}\n");
    if (f != stdout && fclose(f) != 0) {
        perror(out);
        return 1;
    }
    return 0;
usage:
    fprintf(stderr, "usage: bench-run [-n RUNS] [-w WARMUP] [-o OUT.json] [-O DIR] NAME=CMDLINE...\n");
    return 2;
}
