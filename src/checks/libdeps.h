/* Would this program's shared libraries load? Answered the way glibc's
 * ld.so finds them (ld.so(8)), by reading files only: nothing is loaded or
 * executed, on the live node or in an image (--root).
 *
 * For an ELF file, its DT_NEEDED names are resolved breadth-first, as ld.so
 * loads them: a name already loaded (by that name or its DT_SONAME) is
 * satisfied; otherwise the search is DT_RPATH of the object and of those
 * that loaded it (when the object has no DT_RUNPATH), DT_RUNPATH ($ORIGIN
 * expanded), /etc/ld.so.cache, then the system directories -- the
 * multiarch ones and /lib, /usr/lib where the image has a multiarch libc
 * (Debian, Ubuntu), else /lib64, /usr/lib64 for 64-bit files (RHEL, TOSS,
 * Fedora), else /lib, /usr/lib. A candidate of another ELF class or machine
 * is skipped, as ld.so skips it. LD_LIBRARY_PATH is not consulted: systemd
 * does not pass it to flux.service. Not modelled: glibc-hwcaps
 * subdirectories, $LIB and $PLATFORM, DF_1_NODEFLIB, and the RPATH of a
 * loader chain other than the first one that reaches a library.
 */
#ifndef FP_CHECKS_LIBDEPS_H
#define FP_CHECKS_LIBDEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct fp_ctx;
struct libdeps;

/* Reads the image's (or node's) /etc/ld.so.cache once. NULL on ENOMEM. */
struct libdeps *libdeps_new(const struct fp_ctx *ctx);
void libdeps_free(struct libdeps *d);
static inline void libdeps_freep(struct libdeps **d)
{
    libdeps_free(*d);
}

/* Where the loader looks after RPATH/RUNPATH, as text for messages and
 * facts: "the ld.so cache (/etc/ld.so.cache, 669 entries), /lib/x86_64-linux-gnu, ..." */
const char *libdeps_search_text(const struct libdeps *d);

/* Check path (inside the root). Returns 1 when it is not an ELF file (a
 * script: nothing to load), 0 when everything it needs resolves, -1 when
 * something does not: each missing library is appended to missing as
 * {"soname": S, "by": PATH-that-needs-it, "file": path}, and a file that
 * cannot be read or is not a valid ELF file to errors as
 * {"file": F, "error": TEXT}. */
int libdeps_check(struct libdeps *d, const char *path, json_t *missing, json_t *errors);

/* Where ld.so would find soname for a program of this class and machine
 * (bits 32 or 64, machine EM_*; as a top-level lookup: cache, then system
 * directories). Returns true
 * and the path (inside the root, as the node names it) in buf. */
bool libdeps_find(struct libdeps *d, const char *soname, int bits, int machine, char *buf,
                  size_t bufsz);

#endif
