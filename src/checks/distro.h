/* Which distribution the node (or image) runs, and how to install things
 * there: advice that works on the node it is given for.
 *
 * The distribution comes from os-release(5) (/etc/os-release, else
 * /usr/lib/os-release, inside --root for an image): ID and ID_LIKE decide
 * the family. Debian 12 has no flux packages: there, Flux is built from
 * the release tarballs (or spack); RHEL, TOSS and Fedora have
 * `dnf install flux-core`.
 */
#ifndef FP_CHECKS_DISTRO_H
#define FP_CHECKS_DISTRO_H

#include <stddef.h>

struct fp_ctx;

enum fp_distro_family {
    FP_DISTRO_UNKNOWN = 0,
    FP_DISTRO_DEBIAN, /* Debian, Ubuntu and derivatives: apt */
    FP_DISTRO_RHEL,   /* RHEL, TOSS, Fedora, CentOS, Rocky, Alma: dnf */
    FP_DISTRO_SUSE,   /* SLES, openSUSE: zypper */
};

struct fp_distro {
    enum fp_distro_family family;
    char id[64];      /* os-release ID ("debian", "rhel", "toss"), "" unknown */
    char name[128];   /* PRETTY_NAME, else ID, else "this system" */
};

void fp_distro_detect(const struct fp_ctx *ctx, struct fp_distro *d);

/* How to install a Flux project ("flux-core", "flux-security", "flux-sched",
 * "flux-pam", "flux-accounting") on d: "dnf install flux-core", or on
 * Debian "build flux-core from its release tarball (...), or install it
 * with spack". Returns buf. */
const char *fp_flux_install_advice(const struct fp_distro *d, const char *project, char *buf,
                                   size_t bufsz);

/* How to install a distribution package: Debian's name, else the RPM one
 * (NULL: the same name). "apt-get install libpam-systemd". Returns buf. */
const char *fp_pkg_install_advice(const struct fp_distro *d, const char *deb, const char *rpm,
                                  char *buf, size_t bufsz);

/* How to install the package that provides a shared library (an ELF
 * soname; elf64: the program needing it is 64-bit): a Debian package name
 * from a table of what Flux needs, the RPM capability 'SONAME()(64bit)' on
 * RHEL and SUSE, else a search command. Flux's own libraries (libflux-*)
 * get fp_flux_install_advice(). Returns buf. */
const char *fp_soname_install_advice(const struct fp_distro *d, const char *soname, int elf64,
                                     char *buf, size_t bufsz);

#endif
