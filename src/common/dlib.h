/* Libraries loaded when a check first needs them, not at every start.
 *
 * Every library the gate links is mapped and relocated at each start of
 * every node, and every forked worker copies its page tables. Those that
 * only some checks use (libcrypto for the certificate's key pair and the
 * config digests, libblkid for statedir.fs, libpam for imp.pam,
 * libmunge for munge.daemon, libcurl for a remote manifest) are dlopen()ed
 * by the check that uses them, in the process that runs it. The packages
 * must name them (debian/control, flux-preflight.spec.in): neither
 * dpkg-shlibdeps nor rpm's automatic requires see a dlopen().
 *
 * A user declares one pointer per function, named sym_<function>, typed
 * from the library's own header where it has one, and a table:
 *
 *     static typeof(munge_encode) *sym_munge_encode;
 *     static struct dlib libmunge = DLIB_INIT("libmunge.so.2");
 *     static const struct dlib_sym munge_syms[] = { DLIB_SYM(munge_encode), { 0 } };
 *     if (dlib_load(&libmunge, munge_syms, err, sizeof(err)) < 0) ...
 *
 * dlib_load() is thread-safe and loads once per process; a failed load is
 * remembered with its reason (the same error every time). */
#ifndef FP_COMMON_DLIB_H
#define FP_COMMON_DLIB_H

#include <stddef.h>

struct dlib {
    const char *soname; /* "libmunge.so.2" */
    int state;          /* 0 not tried, 1 loaded, -1 failed (err says why) */
    void *handle;
    char err[256];
};
#define DLIB_INIT(so) { .soname = (so) }

struct dlib_sym {
    void **fn;        /* &sym_<name>, as void ** */
    const char *name; /* "<name>" */
};
#define DLIB_SYM(f) { (void **)&sym_##f, #f }

/* Load lib and resolve every symbol of syms ({0}-terminated). 0, or -1
 * with err: "cannot load libmunge.so.2: <dlerror>" or "libmunge.so.2: no
 * symbol munge_encode". */
int dlib_load(struct dlib *lib, const struct dlib_sym *syms, char *err, size_t errsz);

#endif
