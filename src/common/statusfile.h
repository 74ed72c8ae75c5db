/* The status file (DESIGN.md §2.2): the gate's verdict for this boot, read by
 * pam_flux_preflight(8) and `flux-preflight status`.
 *
 * The reader trusts a file only when it is what the gate writes: in a
 * directory owned by root and writable by nobody else, a regular file (not a
 * symlink), owned by root, not group- or world-writable, at most
 * STATUSFILE_MAX_SIZE bytes, valid JSON of schema version 1. Checks are made
 * on the opened descriptors (common/fileio.h: the file is opened through its
 * directory's), so neither can be swapped between check and use.
 *
 * It is linked into a PAM module that lives inside sshd: no globals, no
 * output, no exit; everything it allocates is released by statusfile_free().
 */
#ifndef FP_COMMON_STATUSFILE_H
#define FP_COMMON_STATUSFILE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define STATUSFILE_DEFAULT_PATH "/run/flux-preflight/status.json"
#define STATUSFILE_MAX_SIZE (1024 * 1024)
#define STATUSFILE_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

/* statusfile_read() results other than 0 (negative errno, one per kind) */
#define STATUSFILE_MISSING (-ENOENT)     /* no such file */
#define STATUSFILE_UNTRUSTED (-EPERM)    /* symlink, not regular, not root's, writable, too big,
                                          * or in a directory that is not root's or is
                                          * writable by group or other */
#define STATUSFILE_MALFORMED (-EBADMSG)  /* not JSON, or not the version 1 schema */
#define STATUSFILE_STALE (-ESTALE)       /* written during an earlier boot */
/* any other negative value: -errno from open/read, or from reading the boot id */

/* The verdicts a status file can hold. */
enum statusfile_state {
    STATUSFILE_PASS,    /* "pass": no check of severity fail failed */
    STATUSFILE_FAIL,    /* "fail": one did, or the gate could not run ("summary" says why) */
    STATUSFILE_RUNNING, /* "running": written before the first check; left behind by a
                         * gate that was killed or crashed, it is not a pass */
    STATUSFILE_OFF,     /* "off": the gate does not guard flux on this boot (written by the
                         * generator for flux.preflight=off or a disabled unit) */
};

struct statusfile {
    json_t *root;          /* the whole document (owned) */
    /* borrowed from root, valid until statusfile_free() */
    const char *verdict;   /* "pass", "fail", "running" or "off" */
    enum statusfile_state state; /* the verdict */
    const char *summary;   /* the verdict line, or NULL when absent */
    const char *host;      /* NULL when absent */
    const char *time;      /* NULL when absent */
    const char *mode;      /* "enforce", "warn", or NULL when absent */
    json_t *failed;        /* array of check ids, or NULL when absent */
    json_t *results;       /* array of result objects, or NULL when absent */
    char boot_id[33];      /* normalised: 32 lowercase hex digits */
};

/* Read and check PATH. BOOT_ID is this boot's id (32 hex digits, dashes
 * allowed), or NULL to read STATUSFILE_BOOT_ID_PATH.
 *
 * Returns 0 when a trusted result from this boot was read. Otherwise one of the
 * STATUSFILE_* codes or another -errno, with WHY (if WHYSZ > 0) saying what was
 * wrong, naming the path ("/run/flux-preflight/status.json is world-writable").
 * On 0 and on STATUSFILE_STALE, OUT holds the document (so a caller can show a
 * stale result); otherwise OUT is zeroed. Always call statusfile_free(OUT). */
int statusfile_read(const char *path, const char *boot_id, struct statusfile *out, char *why,
                    size_t whysz);

/* The "message" of the result whose id is ID, or NULL. */
const char *statusfile_message(const struct statusfile *sf, const char *id);

/* Release what statusfile_read() filled in; safe on a zeroed struct. */
void statusfile_free(struct statusfile *sf);

#endif
