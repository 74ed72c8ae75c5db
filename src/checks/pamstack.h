/* A PAM service's stack as libpam reads it, without loading any module:
 * the service file from /etc/pam.d, else /usr/lib/pam.d (libpam's vendor
 * directory), else the "other" service; `@include FILE` (every type) and
 * `TYPE include|substack FILE` (that type only) followed into the same
 * directories; each module looked for where libpam loads it from. Inside
 * --root for an image, read through fileio; nothing is ever loaded.
 *
 * Bounded: includes are followed at most PAMSTACK_DEPTH_MAX levels deep and
 * over at most PAMSTACK_FILES_MAX files, PAMSTACK_LINES_MAX lines and
 * PAMSTACK_BYTES_MAX bytes in all (flux-preflight's limits: libpam has
 * none); past one, the scan stops and says which (limit). An include cycle
 * stops it too (cycle): libpam follows includes without a limit and
 * overflows its stack on one.
 */
#ifndef FP_CHECKS_PAMSTACK_H
#define FP_CHECKS_PAMSTACK_H

#include <limits.h>
#include <stdbool.h>
#include <jansson.h>

struct fp_ctx;

enum { PT_AUTH, PT_ACCOUNT, PT_PASSWORD, PT_SESSION, PT_N };

#define PAMSTACK_DEPTH_MAX 32             /* nested includes */
#define PAMSTACK_FILE_MAX (1 << 20)       /* one PAM config file */
#define PAMSTACK_FILES_MAX 256            /* files read, includes counted each time */
#define PAMSTACK_LINES_MAX 16384          /* lines read, all files together */
#define PAMSTACK_BYTES_MAX (4 << 20)      /* bytes read, all files together */
#define PAMSTACK_MODDIRS_MAX 8

struct pamstack {
    const struct fp_ctx *ctx;
    char moddirs[PAMSTACK_MODDIRS_MAX][PATH_MAX]; /* where relative module names are looked for */
    int nmoddirs;
    int counts[PT_N];          /* usable lines (module found) per type */
    json_t *missing;           /* unusable lines, as written: "session required pam_x.so",
                                * "@include common-session" (a "-" line whose module is
                                * absent is not one: libpam skips it silently) */
    json_t *modules;           /* every module line: {"type", "control", "module", "dash",
                                * "found", "path" (where found), "file" (which file)} */
    json_t *outside;           /* --root: module lines that name a module outside the
                                * module directories, or with "..": "auth required
                                * /opt/x.so (an absolute path outside the module
                                * directories)" (not counted, not looked for) */
    json_t *unreadable;        /* includes of files that exist but cannot be read:
                                * "auth include x (PATH is a FIFO, not a regular file)" */
    char why[PATH_MAX + 128];  /* why the last file could not be read */
    char cycle[2 * PATH_MAX];  /* the first include cycle ("" when none): "FILE line N:
                                * @include X: A -> B -> A" */
    char limit[PATH_MAX + 256];/* the first limit reached ("" when none) */
    /* the scan's state */
    const char *chain[PAMSTACK_DEPTH_MAX + 1];
    int files, lines;
    size_t bytes;
};

/* moddir: where libpam loads modules from, when known (the "security"
 * directory beside the image's libpam.so.0): only there; NULL: this gate's
 * own libpam's directory and the usual RPM and plain locations. 0 or
 * -ENOMEM. */
int pamstack_init(struct pamstack *s, const struct fp_ctx *ctx, const char *moddir);
void pamstack_fini(struct pamstack *s);

/* Scan one file (path inside the root). 0, or -errno for that file
 * (-ENOENT, -EINVAL: not a regular file (s->why says what it is), -E2BIG: a
 * limit (s->limit)). A cycle or a limit met below it stops the scan with
 * s->cycle or s->limit set: check them. */
int pamstack_scan(struct pamstack *s, const char *path);

/* Scan service NAME as libpam finds it: /etc/pam.d/NAME, /usr/lib/pam.d/NAME,
 * else "other". The file used (inside the root) goes to used. 0, or -errno
 * (-ENOENT: not even "other"). */
int pamstack_scan_service(struct pamstack *s, const char *name, char *used, size_t usedsz);

const char *pamstack_type_name(int type);

/* libpam, loaded when imp.pam first needs it (common/dlib.h): the gate does
 * not link it. 0, or -1 with err. */
#include <security/pam_appl.h>
extern typeof(pam_start) *sym_pam_start;
extern typeof(pam_end) *sym_pam_end;
extern typeof(pam_strerror) *sym_pam_strerror;
int pamstack_load_libpam(char *err, size_t errsz);

#endif
