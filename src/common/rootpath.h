/* Paths inside an image root (--root DIR), resolved the way a process
 * chrooted there would see them: an absolute symlink in the image points
 * into the image, ".." never climbs above its top.  openat2(2) with
 * RESOLVE_IN_ROOT does it; before kernel 5.6 (and under valgrind <= 3.19,
 * which lacks openat2) the same is done by hand, one component at a time
 * with O_NOFOLLOW, at most 40 symbolic links (ELOOP).
 */
#ifndef FP_COMMON_ROOTPATH_H
#define FP_COMMON_ROOTPATH_H

/* Open path (absolute, as seen inside the root) with flags (O_CLOEXEC is
 * added). root NULL, "" or "/" is the host itself. Returns an fd or -errno. */
int rootpath_open(const char *root, const char *path, int flags);

#endif
