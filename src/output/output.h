/* Outputs: each takes the finished run and says it one way. Outputs never
 * decide verdicts; the runner's results and fp_run.blocked do. */
#ifndef FP_OUTPUT_OUTPUT_H
#define FP_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "engine/context.h"
#include "engine/runner.h"

/* The run as the JSON document of DESIGN §2.2.1 (also the status file). */
json_t *output_json_doc(const struct fp_ctx *ctx, const struct fp_run *run);
/* "FAIL: munge.daemon, statedir.space (2 of 27 failed)" / "OK: 27 checks passed (2 warnings)" */
char *output_verdict_line(const struct fp_run *run, bool warn_mode);

/* Aligned table; colour when color is true. */
void output_terminal(FILE *f, const struct fp_ctx *ctx, const struct fp_run *run, bool color);

/* One journald entry per check and a summary entry. */
int output_journal(const struct fp_ctx *ctx, const struct fp_run *run, const char *verdict_line);
/* Is stderr (or stdout) connected to the journal ($JOURNAL_STREAM)? */
bool output_journal_is_stream(int fd);

/* sd_notify STATUS=; no-op without $NOTIFY_SOCKET. */
void output_notify_status(const char *text);

/* Write doc atomically (temp file in the same dir + rename), mode 0644. */
int output_statusfile_write(const char *path, json_t *doc, char *err, size_t errsz);

#endif
