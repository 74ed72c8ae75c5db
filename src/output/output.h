/* Outputs: each takes the finished run and says it one way. Outputs never
 * decide verdicts: fp_outcome() (engine/verdict.h) does, through the run's
 * tallies and fp_run_outcome(). */
#ifndef FP_OUTPUT_OUTPUT_H
#define FP_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "engine/context.h"
#include "engine/runner.h"

/* The run as the JSON document of DESIGN §2.2.1 (also the status file). */
json_t *output_json_doc(const struct fp_ctx *ctx, const struct fp_run *run);
/* A status file without results, for what is not a finished run: VERDICT
 * "running" (written before the first check, so that a gate that dies leaves
 * a refusal behind) or "fail" (the gate could not run: SUMMARY says why). */
json_t *output_json_interim(const char *host, enum fp_mode mode, const char *verdict,
                            const char *summary);
/* "FAIL: ID1, ID2 (2 of 27 failed)" / "OK: 26 checks passed, 1 with a
 * warning" (json.c has every form); malloc'd, NULL on ENOMEM. */
char *output_verdict_line(const struct fp_run *run);
/* The ids of the results whose outcome satisfies want, joined by sep ("" when
 * none); malloc'd, NULL on ENOMEM. */
char *output_ids(const struct fp_run *run, bool (*want)(enum fp_outcome), const char *sep);
bool output_is_demoted(enum fp_outcome o);

/* One line on F: the formatted text sanitised (common/sanitize.h: a control
 * character from a node, an image or a manifest is never printed raw), then a
 * newline. Every line of text the gate prints goes here or through the
 * table. */
void output_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The table (every field sanitised). width 0: not a terminal: every check in full, registry order
 * (the stable format for scripts). width > 0: fits that many columns, what
 * blocks or warns first, skips folded into one line, DETAILS shortened, or
 * wrapped in full when verbose. */
struct output_terminal_opts {
    bool color;
    int width;
    bool verbose;
};
void output_terminal(FILE *f, const struct fp_ctx *ctx, const struct fp_run *run,
                     const struct output_terminal_opts *o);
/* Columns of the terminal on fd ($COLUMNS first, as systemd does), 0 when fd
 * is not a terminal. */
int output_terminal_width(int fd);
/* S on one line of at most cols columns, shortened with "..." (true) when it
 * does not fit; cols <= 0: in full. */
bool output_put_shortened(FILE *f, const char *s, int cols);

/* One journald entry per check and a summary entry. */
int output_journal(const struct fp_ctx *ctx, const struct fp_run *run, const char *verdict_line);
/* Is stderr (or stdout) connected to the journal ($JOURNAL_STREAM)? */
bool output_journal_is_stream(int fd);

/* sd_notify STATUS=; no-op without $NOTIFY_SOCKET. */
void output_notify_status(const char *text);
/* The final STATUS=: the verdict line and how to re-check (it stays on
 * display in `systemctl status flux-preflight` after the gate exits). */
void output_notify_verdict(const char *line);

/* Write doc atomically (temp file in the same dir + rename), mode 0644. */
int output_statusfile_write(const char *path, json_t *doc, char *err, size_t errsz);

#endif
