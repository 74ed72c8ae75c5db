/* An installed systemd unit as the system manager loads it (systemd 252,
 * systemd.unit(5), systemd.syntax(7)), read without asking systemd, so it
 * works on an image (--root) as on the live node.
 *
 * The unit file is the first NAME found along the system search path:
 *   /etc/systemd/system.control, /run/systemd/system.control,
 *   /run/systemd/transient, /run/systemd/generator.early,
 *   /etc/systemd/system, /etc/systemd/system.attached, /run/systemd/system,
 *   /run/systemd/system.attached, /run/systemd/generator,
 *   /usr/local/lib/systemd/system, /usr/lib/systemd/system,
 *   /lib/systemd/system, /run/systemd/generator.late
 * A symlink to /dev/null, /dev/null itself or an empty file there masks the
 * unit.  Drop-ins are the *.conf files of NAME.d/ in every directory of the
 * path, then of the dash-truncated prefixes ("a-b-.service.d" for
 * a-b-c.service), the template's ("foo@.service.d" for foo@x.service) and
 * the type's ("service.d"); a file name found twice is taken from the
 * earlier directory (one that is /dev/null or empty masks the later ones);
 * they apply after the unit file, in file-name order.  Everything is
 * resolved inside root (an absolute symlink in an image points into it).
 *
 * Syntax as systemd's config_parse(): lines whose first non-blank character
 * is '#' or ';' are comments, also inside a continuation; a line ending in
 * an odd number of backslashes continues on the next one, the backslash
 * replaced by a space; "[Section]" headers; "Key=Value" with blanks around
 * both stripped.  Values are kept as written (no unquoting, no specifiers).
 */
#ifndef FP_COMMON_UNITFILE_H
#define FP_COMMON_UNITFILE_H

#include <stdbool.h>
#include <stddef.h>

struct unitfile;

/* Load NAME ("flux.service") as installed under root (NULL, "" or "/": this
 * host).  0 with *out set; -ENOENT when no unit file exists (drop-ins alone
 * do not make a unit); another -errno with err filled ("FILE:LINE: why")
 * when a file cannot be read or is malformed (a section header without its
 * closing bracket). A masked unit loads (0) with no settings. */
int unitfile_load(const char *root, const char *name, struct unitfile **out, char *err,
                  size_t errsz);

/* The value of the last assignment of section.key; NULL if unset, or if
 * the last assignment is empty ("Key=" resets a setting to its default). */
const char *unitfile_get(const struct unitfile *u, const char *section, const char *key);

/* A list setting (StateDirectory=, ExecStartPre=, ...): the values assigned
 * since the last empty assignment, in order; each is the raw text of one
 * assignment (split it into words yourself).  *vals is valid until the next
 * call or unitfile_free(). Returns how many. */
size_t unitfile_get_all(const struct unitfile *u, const char *section, const char *key,
                        const char *const **vals);

/* Where the last assignment of section.key was made: "FILE:LINE" (the file
 * as shown to the admin, root prefix included), or NULL when unset. */
const char *unitfile_source(const struct unitfile *u, const char *section, const char *key);

/* The unit file (root prefix included): the mask itself when masked. */
const char *unitfile_path(const struct unitfile *u);
bool unitfile_masked(const struct unitfile *u);

/* The drop-ins applied, in order (root prefix included). */
size_t unitfile_dropins(const struct unitfile *u, const char *const **paths);

void unitfile_free(struct unitfile *u);

#endif
