/* The node's distribution and install advice that works there (distro.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/distro.h"
#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "engine/context.h"

#define FLUX_RELEASES "https://github.com/flux-framework/%s/releases"

/* The value of KEY= on a line of os-release: unquoted, unescaped. */
static bool os_release_value(const char *line, const char *key, char *out, size_t outsz)
{
    size_t klen = strlen(key), o = 0;
    const char *p;

    if (strncmp(line, key, klen) != 0 || line[klen] != '=')
        return false;
    p = line + klen + 1;
    char quote = *p == '"' || *p == '\'' ? *p++ : '\0';
    for (; *p && *p != '\n' && *p != quote && o + 1 < outsz; p++) {
        if (*p == '\\' && quote == '"' && p[1])
            p++;
        out[o++] = *p;
    }
    out[o] = '\0';
    return true;
}

static bool word_in(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

void fp_distro_detect(const struct fp_ctx *ctx, struct fp_distro *d)
{
    static const char *const files[] = { "/etc/os-release", "/usr/lib/os-release", NULL };
    char line[512], like[256] = "", pretty[128] = "";

    memset(d, 0, sizeof(*d));
    for (int i = 0; files[i]; i++) {
        /* through fileio: inside the root, never a FIFO or a device, capped */
        _cleanup_(fio_file_free) struct fio_file f = { 0 };
        if (fio_read(ctx->root, files[i], 64 * 1024, 0, &f, NULL, 0) < 0)
            continue;
        for (char *l = f.data, *next; l && *l; l = next) {
            size_t n = strcspn(l, "\n");
            next = l[n] ? l + n + 1 : NULL;
            snprintf(line, sizeof(line), "%.*s\n", (int)(n < sizeof(line) - 2 ? n : sizeof(line) - 2), l);
            os_release_value(line, "ID", d->id, sizeof(d->id));
            os_release_value(line, "ID_LIKE", like, sizeof(like));
            os_release_value(line, "PRETTY_NAME", pretty, sizeof(pretty));
        }
        break;
    }
    snprintf(d->name, sizeof(d->name), "%s", pretty[0] ? pretty : d->id[0] ? d->id
                                                                           : "this system");
    static const struct {
        const char *word;
        enum fp_distro_family family;
    } families[] = {
        { "debian", FP_DISTRO_DEBIAN },   { "ubuntu", FP_DISTRO_DEBIAN },
        { "rhel", FP_DISTRO_RHEL },       { "fedora", FP_DISTRO_RHEL },
        { "centos", FP_DISTRO_RHEL },     { "rocky", FP_DISTRO_RHEL },
        { "almalinux", FP_DISTRO_RHEL },  { "toss", FP_DISTRO_RHEL },
        { "suse", FP_DISTRO_SUSE },       { "opensuse", FP_DISTRO_SUSE },
        { "sles", FP_DISTRO_SUSE },
    };
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (strcmp(d->id, families[i].word) == 0) {
            d->family = families[i].family;
            return;
        }
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (word_in(like, families[i].word)) {
            d->family = families[i].family;
            return;
        }
}

const char *fp_flux_install_advice(const struct fp_distro *d, const char *project, char *buf,
                                   size_t bufsz)
{
    char url[128];

    snprintf(url, sizeof(url), FLUX_RELEASES, project);
    switch (d->family) {
    case FP_DISTRO_RHEL:
        snprintf(buf, bufsz, "dnf install %s", project);
        break;
    case FP_DISTRO_DEBIAN:
        if (strcmp(d->id, "debian") == 0)
            snprintf(buf, bufsz,
                     "%s has no %s package: build it from the release tarball (%s: "
                     "./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var && "
                     "make && make install, or make deb for a package), or install it with "
                     "spack",
                     d->name, project, url);
        else
            snprintf(buf, bufsz,
                     "apt-get install %s where %s packages it, else build it from the release "
                     "tarball (%s; make deb makes a package) or install it with spack",
                     project, d->name, url);
        break;
    default:
        snprintf(buf, bufsz,
                 "install %s from %s's packages, or build it from the release tarball (%s) "
                 "or with spack",
                 project, d->name, url);
        break;
    }
    return buf;
}

const char *fp_pkg_install_advice(const struct fp_distro *d, const char *deb, const char *rpm,
                                  char *buf, size_t bufsz)
{
    switch (d->family) {
    case FP_DISTRO_DEBIAN:
        snprintf(buf, bufsz, "apt-get install %s", deb);
        break;
    case FP_DISTRO_RHEL:
        snprintf(buf, bufsz, "dnf install %s", rpm ? rpm : deb);
        break;
    case FP_DISTRO_SUSE:
        snprintf(buf, bufsz, "zypper install %s", rpm ? rpm : deb);
        break;
    default:
        snprintf(buf, bufsz, "install %s (Debian: %s)", rpm ? rpm : deb, deb);
        break;
    }
    return buf;
}

/* Debian packages of the libraries flux-core, flux-security, Python and
 * their dependencies load (flux bundle's packages.txt and what those pull
 * in). Keyed by the soname up to ".so". */
static const struct {
    const char *lib;
    const char *deb;
} debian_libs[] = {
    { "libzmq", "libzmq5" },
    { "libsodium", "libsodium23" },
    { "libjansson", "libjansson4" },
    { "libhwloc", "libhwloc15" },
    { "libarchive", "libarchive13" },
    { "libsqlite3", "libsqlite3-0" },
    { "liblz4", "liblz4-1" },
    { "libuuid", "libuuid1" },
    { "libncursesw", "libncursesw6" },
    { "libtinfo", "libtinfo6" },
    { "libsystemd", "libsystemd0" },
    { "liblua5.1", "liblua5.1-0" },
    { "libmunge", "libmunge2" },
    { "libpam", "libpam0g" },
    { "libpam_misc", "libpam0g" },
    { "libffi", "libffi8" },
    { "libc", "libc6" },
    { "libm", "libc6" },
    { "libpthread", "libc6" },
    { "libdl", "libc6" },
    { "librt", "libc6" },
    { "libresolv", "libc6" },
    { "ld-linux-x86-64", "libc6" },
    { "ld-linux-aarch64", "libc6" },
    { "libstdc++", "libstdc++6" },
    { "libgcc_s", "libgcc-s1" },
    { "libz", "zlib1g" },
    { "libcrypto", "libssl3" },
    { "libssl", "libssl3" },
    { "libyaml-0", "libyaml-0-2" },
    { "libxml2", "libxml2" },
    { "libudev", "libudev1" },
    { "libpciaccess", "libpciaccess0" },
    { "libacl", "libacl1" },
    { "liblzma", "liblzma5" },
    { "libbz2", "libbz2-1.0" },
    { "libzstd", "libzstd1" },
    { "libnettle", "libnettle8" },
    { "libcap", "libcap2" },
    { "libgcrypt", "libgcrypt20" },
    { "libgpg-error", "libgpg-error0" },
    { "libpgm-5.3", "libpgm-5.3-0" },
    { "libnorm", "libnorm1" },
    { "libgssapi_krb5", "libgssapi-krb5-2" },
    { "libkrb5", "libkrb5-3" },
    { "libk5crypto", "libk5crypto3" },
    { "libkrb5support", "libkrb5support0" },
    { "libcom_err", "libcom-err2" },
    { "libkeyutils", "libkeyutils1" },
    { "libbsd", "libbsd0" },
    { "libmd", "libmd0" },
    { "libexpat", "libexpat1" },
    { "libblkid", "libblkid1" },
    { "libmount", "libmount1" },
    { "libselinux", "libselinux1" },
    { "libpcre2-8", "libpcre2-8-0" },
    { "libaudit", "libaudit1" },
    { "libcap-ng", "libcap-ng0" },
    { "libcurl", "libcurl4" },
};

const char *fp_soname_install_advice(const struct fp_distro *d, const char *soname, int elf64,
                                     char *buf, size_t bufsz)
{
    size_t stem = strcspn(soname, ".");
    const char *so = strstr(soname, ".so");
    int major, minor;

    if (strncmp(soname, "libflux-security", 16) == 0)
        return fp_flux_install_advice(d, "flux-security", buf, bufsz);
    if (strncmp(soname, "libflux-", 8) == 0 || strncmp(soname, "libpmi", 6) == 0)
        return fp_flux_install_advice(d, "flux-core", buf, bufsz);
    if (so)
        stem = (size_t)(so - soname);
    switch (d->family) {
    case FP_DISTRO_DEBIAN:
        if (sscanf(soname, "libpython%d.%d.so", &major, &minor) == 2) {
            snprintf(buf, bufsz, "apt-get install libpython%d.%d", major, minor);
            return buf;
        }
        for (size_t i = 0; i < sizeof(debian_libs) / sizeof(debian_libs[0]); i++)
            if (strlen(debian_libs[i].lib) == stem &&
                strncmp(debian_libs[i].lib, soname, stem) == 0) {
                snprintf(buf, bufsz, "apt-get install %s", debian_libs[i].deb);
                return buf;
            }
        snprintf(buf, bufsz, "install the package that has %s (apt-file search %s)", soname,
                 soname);
        return buf;
    case FP_DISTRO_RHEL:
    case FP_DISTRO_SUSE:
        snprintf(buf, bufsz, "%s install '%s%s'", d->family == FP_DISTRO_RHEL ? "dnf" : "zypper",
                 soname, elf64 ? "()(64bit)" : "");
        return buf;
    default:
        snprintf(buf, bufsz, "install the package that has %s", soname);
        return buf;
    }
}
