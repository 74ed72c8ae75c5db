/* A PAM service's stack as libpam reads it, without loading any module:
 * the service file from /etc/pam.d, else /usr/lib/pam.d (libpam's vendor
 * directory), else the "other" service; `@include FILE` (every type) and
 * `TYPE include|substack FILE` (that type only) followed into the same
 * directories; each module looked for where libpam loads it from. Inside
 * --root for an image.
 */
#ifndef FP_CHECKS_PAMSTACK_H
#define FP_CHECKS_PAMSTACK_H

#include <limits.h>
#include <stdbool.h>
#include <jansson.h>

struct fp_ctx;

enum { PT_AUTH, PT_ACCOUNT, PT_PASSWORD, PT_SESSION, PT_N };

struct pamstack {
    const struct fp_ctx *ctx;
    char moddirs[8][PATH_MAX]; /* where relative module names are looked for */
    int nmoddirs;
    int counts[PT_N];          /* usable lines (module found) per type */
    json_t *missing;           /* unusable lines, as written: "session required pam_x.so",
                                * "@include common-session" (a "-" line whose module is
                                * absent is not one: libpam skips it silently) */
    json_t *modules;           /* every module line: {"type", "control", "module", "dash",
                                * "found", "path" (where found), "file" (which file)} */
};

/* moddir: where libpam loads modules from, when known (the "security"
 * directory beside the image's libpam.so.0): only there; NULL: this gate's
 * own libpam's directory and the usual RPM and plain locations. 0 or
 * -ENOMEM. */
int pamstack_init(struct pamstack *s, const struct fp_ctx *ctx, const char *moddir);
void pamstack_fini(struct pamstack *s);

/* Scan one file (path inside the root). 0, or -errno for that file. */
int pamstack_scan(struct pamstack *s, const char *path);

/* Scan service NAME as libpam finds it: /etc/pam.d/NAME, /usr/lib/pam.d/NAME,
 * else "other". The file used (inside the root) goes to used. 0, or -errno
 * (-ENOENT: not even "other"). */
int pamstack_scan_service(struct pamstack *s, const char *name, char *used, size_t usedsz);

const char *pamstack_type_name(int type);

#endif
