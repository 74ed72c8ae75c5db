/* When the gate and flux-core agree, and the two allowed differences:
 * - the gate's EOVERFLOW (a hostlist flux-core never finishes decoding) is
 *   checked by running flux-core's decode in a child that must not finish
 *   with a result within 0.15 s and 1 GiB (it loops, or runs out of
 *   memory: a wrapped loop counter adds hosts forever);
 * - the gate's EFAULT on hostlist_append (a list with a range joined across
 *   ULONG_MAX) is checked the same way: flux-core's child must crash;
 * - the gate's E2BIG on an idset is checked against flux-core's result: it
 *   must accept the set, with an id over the gate's limit. */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outcome.h"
#include "parity.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif

enum ending { FINISHES, NEVER_FINISHES, CRASHES };

/* How flux-core's decode of in (and append) ends, in a child. */
static enum ending ref_ending(const char *in, const char *append)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        abort();
    if (pid == 0) {
        /* a crash must end the child by its signal, not in a sanitizer's
         * handler; and ASan's shadow memory needs more address space than
         * any limit that would stop flux-core's loop */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGALRM, SIG_DFL); /* libFuzzer has its own handler */
#if !defined(__SANITIZE_ADDRESS__) && !__has_feature(address_sanitizer)
        struct rlimit rl = { 1UL << 30, 1UL << 30 };
        setrlimit(RLIMIT_AS, &rl);
#endif
        struct itimerval it = { .it_value = { 0, 150000 } };
        setitimer(ITIMER_REAL, &it, NULL);
        char *s = append ? ref_hostlist_append(in, append) : ref_hostlist(in);
        _exit(strcmp(s, "error ENOMEM") == 0 ? 2 : 0);
    }
    if (waitpid(pid, &status, 0) < 0)
        abort();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return FINISHES;
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS))
        return CRASHES;
    return NEVER_FINISHES;
}

int parity_child_budget = -1;

static enum parity hostlist_verdict(const char *a, const char *b, char **ref, char **gate)
{
    *gate = b ? gate_hostlist_append(a, b) : gate_hostlist(a);
    if (strcmp(*gate, "error EOVERFLOW") == 0 || strcmp(*gate, "error EFAULT") == 0) {
        enum ending want = strcmp(*gate, "error EOVERFLOW") == 0 ? NEVER_FINISHES : CRASHES;
        if (parity_child_budget == 0) {
            *ref = strdup("(not run)");
            return want == CRASHES ? PARITY_CRASH : PARITY_HANG;
        }
        if (parity_child_budget > 0)
            parity_child_budget--;
        enum ending got = ref_ending(a, b);
        static const char *what[] = { "(finishes)", "(does not finish)", "(crashes)" };
        if (got != want) {
            *ref = got == FINISHES ? (b ? ref_hostlist_append(a, b) : ref_hostlist(a)) : strdup(what[got]);
            return PARITY_DIFFERENT;
        }
        *ref = strdup(what[got]);
        return got == CRASHES ? PARITY_CRASH : PARITY_HANG;
    }
    *ref = b ? ref_hostlist_append(a, b) : ref_hostlist(a);
    return strcmp(*ref, *gate) == 0 ? PARITY_SAME : PARITY_DIFFERENT;
}

enum parity parity_hostlist(const char *in, char **ref, char **gate)
{
    return hostlist_verdict(in, NULL, ref, gate);
}

enum parity parity_hostlist_append(const char *a, const char *b, char **ref, char **gate)
{
    return hostlist_verdict(a, b, ref, gate);
}

enum parity parity_idset(const char *in, char **ref, char **gate)
{
    unsigned int maxid = 0;

    *gate = gate_idset(in);
    *ref = ref_idset(in, &maxid);
    if (strcmp(*ref, *gate) == 0)
        return PARITY_SAME;
    if (strcmp(*gate, "error E2BIG") == 0 && strncmp(*ref, "ok ", 3) == 0 && maxid > gate_idset_max_id())
        return PARITY_CAP;
    return PARITY_DIFFERENT;
}

bool parity_hostlist_costly(const char *a, const char *b, unsigned long max_hosts)
{
    return gate_hostlist_nhosts(a) + (b ? gate_hostlist_nhosts(b) : 0) > max_hosts;
}

/* A rough reading of the numbers, as flux-core stores them (32 bits): the
 * ids it would walk one by one, and the largest, which sizes its set. */
bool parity_idset_costly(const char *in, unsigned long max_span, unsigned long max_id)
{
    unsigned long span = 0;

    for (const char *p = in; *p;) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi;
        if (end == p) {
            p++;
            continue;
        }
        hi = lo;
        if (*end == '-' && end[1] >= '0' && end[1] <= '9')
            hi = strtoul(end + 1, &end, 10);
        lo = (unsigned int)lo;
        hi = (unsigned int)hi;
        if ((hi >= max_id && hi < (1UL << 31)) || (lo >= max_id && lo < (1UL << 31)))
            return true;
        span += hi > lo ? hi - lo : lo - hi;
        p = end;
    }
    return span > max_span;
}
