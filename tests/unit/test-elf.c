/* elf: DT_NEEDED, soname and run paths read from an ELF file's bytes: this
 * test binary itself, and synthetic files of both classes and byte orders. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/elf.h"
#include "tap.h"

static char dir[256];

static void put(unsigned char *p, uint64_t v, int size, int big)
{
    for (int i = 0; i < size; i++)
        p[big ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

enum { GOOD, BAD_STROFF, NO_STRSZ, STATIC };

/* An ELF shared object with two program headers (PT_LOAD of the whole
 * file, PT_DYNAMIC) naming needed[], soname and runpath. Returns its size. */
static size_t build(unsigned char *buf, int is64, int big, const char *const *needed,
                    const char *soname, const char *runpath, int how)
{
    char strtab[512] = "";
    size_t strsz = 1, ehsize = is64 ? 64 : 52, phsz = is64 ? 56 : 32, dynent = is64 ? 16 : 8;
    size_t offs[16], n = 0, so = 0, ro = 0;
    const uint64_t base = 0x10000;

    for (size_t i = 0; needed[i]; i++, n++) {
        offs[i] = strsz;
        strsz += (size_t)sprintf(strtab + strsz, "%s", needed[i]) + 1;
    }
    if (soname) {
        so = strsz;
        strsz += (size_t)sprintf(strtab + strsz, "%s", soname) + 1;
    }
    if (runpath) {
        ro = strsz;
        strsz += (size_t)sprintf(strtab + strsz, "%s", runpath) + 1;
    }
    size_t ndyn = n + (soname != NULL) + (runpath != NULL) + 3;
    size_t phoff = ehsize, dynoff = phoff + 2 * phsz, stroff = dynoff + ndyn * dynent;
    size_t total = stroff + strsz;

    memset(buf, 0, total);
    memcpy(buf, ELFMAG, SELFMAG);
    buf[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
    buf[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
    buf[EI_VERSION] = EV_CURRENT;
    put(buf + 16, ET_DYN, 2, big);
    put(buf + 18, is64 ? EM_X86_64 : EM_PPC, 2, big);
    if (is64) {
        put(buf + 32, phoff, 8, big);
        put(buf + 54, phsz, 2, big);
        put(buf + 56, how == STATIC ? 1 : 2, 2, big);
    } else {
        put(buf + 28, phoff, 4, big);
        put(buf + 42, phsz, 2, big);
        put(buf + 44, how == STATIC ? 1 : 2, 2, big);
    }
    for (int i = 0; i < 2; i++) {
        unsigned char *p = buf + phoff + (size_t)i * phsz;
        uint64_t type = i == 0 ? PT_LOAD : PT_DYNAMIC;
        uint64_t off = i == 0 ? 0 : dynoff, sz = i == 0 ? total : ndyn * dynent;
        put(p, type, 4, big);
        if (is64) {
            put(p + 8, off, 8, big);
            put(p + 16, base + off, 8, big);
            put(p + 32, sz, 8, big);
        } else {
            put(p + 4, off, 4, big);
            put(p + 8, base + off, 4, big);
            put(p + 16, sz, 4, big);
        }
    }
    unsigned char *e = buf + dynoff;
    size_t half = dynent / 2;
#define DYN(tag, val) (put(e, (tag), (int)half, big), put(e + half, (val), (int)half, big), e += dynent)
    for (size_t i = 0; i < n; i++)
        DYN(DT_NEEDED, how == BAD_STROFF && i == n - 1 ? 4096 : offs[i]);
    if (soname)
        DYN(DT_SONAME, so);
    if (runpath)
        DYN(DT_RUNPATH, ro);
    DYN(DT_STRTAB, base + stroff);
    DYN(how == NO_STRSZ ? DT_DEBUG : DT_STRSZ, strsz);
    DYN(DT_NULL, 0);
#undef DYN
    memcpy(buf + stroff, strtab, strsz);
    return total;
}

static int file_of(const unsigned char *buf, size_t len)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
        perror(path);
        exit(1);
    }
    return fd;
}

static int read_buf(const unsigned char *buf, size_t len, struct elf_dyn *d, char *err,
                    size_t errsz)
{
    int fd = file_of(buf, len);
    int rc = elf_dyn_read(fd, d, err, errsz);
    close(fd);
    return rc;
}

static void test_self(void)
{
    struct elf_dyn d;
    char err[256] = "";
    int fd = open("/proc/self/exe", O_RDONLY);
    int rc = elf_dyn_read(fd, &d, err, sizeof(err));

    is_int(rc, 0, "this test binary reads (%s)", err);
    is_int(d.bits, (int)sizeof(void *) * 8, "its class");
    ok(d.dynamic, "it is dynamically linked");
    ok(elf_dyn_needs(&d, "libc.so."), "it needs libc.so.N");
    ok(!elf_dyn_needs(&d, "libflux-security.so"), "not libflux-security");
    elf_dyn_clear(&d);

    /* the first 200 bytes: the program headers are cut */
    unsigned char head[200];
    ok(pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head), "read its first bytes");
    close(fd);
    is_int(read_buf(head, sizeof(head), &d, err, sizeof(err)), -EBADMSG,
           "a truncated ELF file is malformed (%s)", err);
    ok(d.needed == NULL && d.nneeded == 0, "and leaves nothing behind");
}

static void test_synthetic(void)
{
    static unsigned char buf[4096];
    const char *const needed[] = { "libflux-core.so.2", "libflux-security.so.1", "libc.so.6", NULL };
    struct elf_dyn d;
    char err[256];

    for (int is64 = 0; is64 <= 1; is64++) {
        for (int big = 0; big <= 1; big++) {
            size_t len = build(buf, is64, big, needed, "job-ingest.so", "$ORIGIN/../lib", GOOD);
            err[0] = '\0';
            int rc = read_buf(buf, len, &d, err, sizeof(err));
            is_int(rc, 0, "%d-bit %s-endian: reads (%s)", is64 ? 64 : 32, big ? "big" : "little", err);
            is_int(d.nneeded, 3, "%d-bit %s-endian: 3 DT_NEEDED", is64 ? 64 : 32, big ? "big" : "little");
            is(d.nneeded == 3 ? d.needed[1] : NULL, "libflux-security.so.1", "in order");
            ok(elf_dyn_needs(&d, "libflux-security.so"), "elf_dyn_needs by prefix");
            is(d.soname, "job-ingest.so", "DT_SONAME");
            is(d.runpath, "$ORIGIN/../lib", "DT_RUNPATH");
            ok(d.rpath == NULL, "no DT_RPATH");
            is_int(d.machine, is64 ? EM_X86_64 : EM_PPC, "e_machine");
            elf_dyn_clear(&d);
        }
    }
    size_t len = build(buf, 1, 0, needed, NULL, NULL, BAD_STROFF);
    is_int(read_buf(buf, len, &d, err, sizeof(err)), -EBADMSG,
           "a DT_NEEDED outside the string table is malformed (%s)", err);
    len = build(buf, 1, 0, needed, NULL, NULL, NO_STRSZ);
    is_int(read_buf(buf, len, &d, err, sizeof(err)), -EBADMSG, "no DT_STRSZ: malformed (%s)", err);
    len = build(buf, 0, 1, needed, NULL, NULL, STATIC);
    is_int(read_buf(buf, len, &d, err, sizeof(err)), 0, "a static file (no PT_DYNAMIC) reads");
    ok(!d.dynamic && d.nneeded == 0, "and needs nothing");
    elf_dyn_clear(&d);
    is_int(read_buf((const unsigned char *)"#!/bin/sh\nexit 0\n", 17, &d, err, sizeof(err)),
           -ENOEXEC, "a shell script is not ELF");
    is_int(read_buf((const unsigned char *)"\177EL", 3, &d, err, sizeof(err)), -ENOEXEC,
           "3 bytes are not ELF");
    /* every truncation of a good file fails cleanly */
    len = build(buf, 1, 0, needed, "x.so", NULL, GOOD);
    int bad = 0;
    for (size_t cut = 0; cut < len; cut++) {
        int rc = read_buf(buf, cut, &d, err, sizeof(err));
        if (rc == 0 || (rc != -EBADMSG && rc != -ENOEXEC))
            bad++;
        elf_dyn_clear(&d);
    }
    is_int(bad, 0, "each of the %zu truncations is refused as malformed or not ELF", len);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/fp-elf.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_self();
    test_synthetic();
    char path[300];
    snprintf(path, sizeof(path), "%s/f", dir);
    unlink(path);
    rmdir(dir);
    return done_testing();
}
