/* Text from a node, an image or a manifest, made safe to show: on a
 * terminal (the table, `flux-preflight status`, stderr), in the journal's
 * MESSAGE, in systemd's STATUS= line and on a user's login terminal (the PAM
 * module). Control characters (C0 including newline and tab, DEL, C1) and
 * invalid UTF-8 become '?', so that an escape sequence in a file name or a
 * manifest's "host" (ESC ]0;owned BEL, ESC [2J) is shown, never obeyed.
 * Valid UTF-8 is kept.
 *
 * No globals and no output: linked into the PAM module.
 */
#ifndef FP_COMMON_SANITIZE_H
#define FP_COMMON_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Copy SRC into DST (DSTSZ >= 4) sanitised; text that does not fit is cut
 * between words (within a long word, at a character) and ends in "...".
 * Returns DST. */
char *sanitize_copy(char *dst, size_t dstsz, const char *src);

/* SRC sanitised, whole, in a malloc'd string (NULL on ENOMEM; "" for NULL). */
char *sanitize_dup(const char *src);

/* The same for one line of output (the table, status, stderr, the journal's
 * MESSAGE): newline, tab and carriage return become spaces, every other
 * control character '?'. */
char *sanitize_line(const char *src);

/* Would sanitising change SRC? */
bool sanitize_needed(const char *src);

#endif
