/* One attempt of a SOLO check in a thread of its own (the runner's model:
 * runner.h). The check runs on its own copy of the result; when it is done
 * the thread writes the attempt's index to the runner's wake pipe, and the
 * runner takes the result (fp_job_take). At its timeout the runner lets go
 * of it instead (fp_job_abandon): a thread cannot be killed, so it runs on,
 * never touches the run again, and frees itself when it ends. */
#ifndef FP_ENGINE_JOB_H
#define FP_ENGINE_JOB_H

#include <stddef.h>

#include "engine/check.h"

struct job;

/* Start c on ctx in a detached thread, every signal blocked there (a SIGPIPE
 * from a socket it writes stays its own); its result starts with severity.
 * When done it writes idx (a size_t) to wake_fd, unless abandoned by then.
 * 0 with *jobp set, or -errno. */
int fp_job_start(const struct fp_ctx *ctx, const struct fp_check *c, size_t idx,
                 enum fp_severity severity, int wake_fd, struct job **jobp);

/* After the thread wrote to wake_fd: move its result to *r (initialised by
 * the job, to be cleared by the caller) and let go of j. */
void fp_job_take(struct job *j, struct fp_result *r);

/* Let go of a thread that has not answered: it no longer writes to wake_fd. */
void fp_job_abandon(struct job *j);

#endif
