/* bench-bootstrap: how the gate's bootstrap path scales with cluster size.
 *
 *   bench-bootstrap CONFDIR HOSTNAME [ITERATIONS]
 *
 * Does what the gate does once per run for [bootstrap] (src/engine/context.c
 * and context_flux.c): conf_load() the system conf.d with Flux's merge,
 * bootstrap_parse() for HOSTNAME, topology_from_config(), then this rank, its
 * parent and the parent's connect URI. Repeats ITERATIONS times (default 5)
 * and prints one JSON object with the first (cold: the gate loads once per
 * boot, into a fresh heap) and the median (warm) time of each phase, ns per
 * host (cold) and the peak RSS (ru_maxrss, KiB) before the first load and at
 * the end, so the growth with the host count can be read off.
 *
 * Exit 0, or 1 when the config does not load or HOSTNAME is not in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/bootstrap.h"
#include "common/conf.h"
#include "common/topology.h"

#define MAXITER 1000

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static long long median(long long *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_ll);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    static long long t_conf[MAXITER], t_boot[MAXITER], t_topo[MAXITER], t_total[MAXITER];
    int iters = argc > 3 ? atoi(argv[3]) : 5;
    int size = 0, rank = -1, parent = -1;
    char uri[BOOTSTRAP_URI_MAX] = "";
    long rss0, rss1;

    if (argc < 3 || iters < 1 || iters > MAXITER) {
        fprintf(stderr, "usage: bench-bootstrap CONFDIR HOSTNAME [ITERATIONS<=%d]\n", MAXITER);
        return 2;
    }
    rss0 = maxrss_kib();
    for (int i = 0; i < iters; i++) {
        struct conf_diag diag;
        struct bootstrap_error berr;
        struct conf *conf = NULL;
        struct bootstrap *b;
        struct topology *t;
        char terr[512];
        long long t0, t1, t2, t3;

        t0 = now_ns();
        if (conf_load(NULL, argv[1], CONF_MERGE_FLUX, &conf, &diag) < 0) {
            fprintf(stderr, "%s:%d: %s\n", diag.file, diag.line, diag.msg);
            return 1;
        }
        t1 = now_ns();
        if (!(b = bootstrap_parse(conf->merged, argv[2], &berr))) {
            fprintf(stderr, "bootstrap: %s\n", berr.text);
            return 1;
        }
        t2 = now_ns();
        if (!(t = topology_from_config(conf->merged, b, terr, sizeof(terr)))) {
            fprintf(stderr, "topology: %s\n", terr);
            return 1;
        }
        size = bootstrap_size(b);
        rank = bootstrap_rank(b);
        parent = topology_parent(t, rank);
        if (parent >= 0 && bootstrap_connect_uri(b, parent, uri, sizeof(uri)) < 0)
            uri[0] = '\0';
        t3 = now_ns();
        t_conf[i] = t1 - t0;
        t_boot[i] = t2 - t1;
        t_topo[i] = t3 - t2;
        t_total[i] = t3 - t0;
        topology_destroy(t);
        bootstrap_destroy(b);
        conf_destroy(conf);
    }
    rss1 = maxrss_kib();
    long long cold_conf = t_conf[0], cold_boot = t_boot[0], cold_topo = t_topo[0];
    long long cold = t_total[0];
    printf("{\"hosts\": %d, \"rank\": %d, \"parent\": %d, \"parent_connect\": \"%s\", "
           "\"iterations\": %d, \"cold_conf_load_ns\": %lld, \"cold_bootstrap_parse_ns\": %lld, "
           "\"cold_topology_ns\": %lld, \"cold_total_ns\": %lld, \"conf_load_ns\": %lld, "
           "\"bootstrap_parse_ns\": %lld, \"topology_ns\": %lld, \"total_ns\": %lld, "
           "\"ns_per_host\": %.1f, \"maxrss_start_kib\": %ld, \"maxrss_kib\": %ld}\n",
           size, rank, parent, uri, iters, cold_conf, cold_boot, cold_topo, cold,
           median(t_conf, iters), median(t_boot, iters), median(t_topo, iters),
           median(t_total, iters), size > 0 ? (double)cold / size : 0.0, rss0, rss1);
    return 0;
}
