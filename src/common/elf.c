/* The dynamic section of an ELF file, read from its bytes. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/elf.h"
#include "common/errbuf.h"

#define PHNUM_MAX 4096                  /* more program headers than any real file */
#define DYN_MAX (1024 * 1024)           /* bytes of dynamic section read at most */
#define STRTAB_MAX (64 * 1024 * 1024)   /* bytes of string table read at most */

struct reader {
    int fd;
    uint64_t size; /* of the file: nothing is allocated for bytes beyond it */
    bool big;  /* big-endian */
    bool is64;
    char *err;
    size_t errsz;
};

static int fail(struct reader *r, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct reader *r, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errbuf_vset(r->err, r->errsz, fmt, ap);
    va_end(ap);
    return rc;
}

/* Do len bytes at off lie inside the file? */
static int inside(struct reader *r, uint64_t len, uint64_t off)
{
    if (off > r->size || len > r->size - off)
        return fail(r, -EBADMSG, "truncated (%llu bytes wanted at offset %llu of %llu)",
                    (unsigned long long)len, (unsigned long long)off,
                    (unsigned long long)r->size);
    return 0;
}

/* exactly len bytes at off, or -EBADMSG (the file ends first) */
static int readat(struct reader *r, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    int rc;

    if ((rc = inside(r, len, off)) < 0)
        return rc;
    while (got < len) {
        ssize_t n = pread(r->fd, (char *)buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(r, -errno, "read: %s", strerror(errno));
        if (n == 0)
            return fail(r, -EBADMSG, "truncated (%zu bytes wanted at offset %llu)", len,
                        (unsigned long long)off);
        got += (size_t)n;
    }
    return 0;
}

static uint64_t get(const struct reader *r, const unsigned char *p, int size)
{
    uint64_t v = 0;

    for (int i = 0; i < size; i++)
        v |= (uint64_t)p[r->big ? size - 1 - i : i] << (8 * i);
    return v;
}

struct segment {
    uint32_t type;
    uint64_t offset, vaddr, filesz;
};

/* program header i (64: type 4, flags 4, offset 8, vaddr 8, paddr 8,
 * filesz 8...; 32: type 4, offset 4, vaddr 4, paddr 4, filesz 4...) */
static void segment_decode(const struct reader *r, const unsigned char *p, struct segment *s)
{
    s->type = (uint32_t)get(r, p, 4);
    if (r->is64) {
        s->offset = get(r, p + 8, 8);
        s->vaddr = get(r, p + 16, 8);
        s->filesz = get(r, p + 32, 8);
    } else {
        s->offset = get(r, p + 4, 4);
        s->vaddr = get(r, p + 8, 4);
        s->filesz = get(r, p + 16, 4);
    }
}

/* The file offset of a virtual address, through the PT_LOAD segments. */
static bool vaddr_to_offset(const struct segment *segs, size_t n, uint64_t vaddr, uint64_t *off,
                            uint64_t *avail)
{
    for (size_t i = 0; i < n; i++) {
        if (segs[i].type == PT_LOAD && vaddr >= segs[i].vaddr &&
            vaddr - segs[i].vaddr < segs[i].filesz) {
            *off = segs[i].offset + (vaddr - segs[i].vaddr);
            *avail = segs[i].filesz - (vaddr - segs[i].vaddr);
            return true;
        }
    }
    return false;
}

static int dup_str(struct reader *r, const char *strtab, uint64_t strsz, uint64_t at, char **out)
{
    const char *end;

    if (at >= strsz || !(end = memchr(strtab + at, '\0', strsz - at)))
        return fail(r, -EBADMSG, "string offset %llu outside the string table",
                    (unsigned long long)at);
    if (!(*out = strndup(strtab + at, (size_t)(end - (strtab + at)))))
        return -ENOMEM;
    return 0;
}

int elf_dyn_read(int fd, struct elf_dyn *d, char *err, size_t errsz)
{
    struct reader r = { .fd = fd, .err = err, .errsz = errsz };
    unsigned char eh[64], *ph = NULL, *dyn = NULL;
    struct segment *segs = NULL, dynseg = { 0 };
    char *strtab = NULL;
    uint64_t phoff, strtab_vaddr = 0, strsz = 0, off, avail;
    unsigned phentsize, phnum, dynent;
    size_t ndyn;
    bool have_strtab = false, have_strsz = false;
    struct stat st;
    int rc;

    memset(d, 0, sizeof(*d));
    if (fstat(fd, &st) < 0)
        return fail(&r, -errno, "fstat: %s", strerror(errno));
    r.size = (uint64_t)st.st_size;
    if ((rc = readat(&r, eh, EI_NIDENT, 0)) < 0)
        return rc == -EBADMSG ? fail(&r, -ENOEXEC, "not an ELF file (too short)") : rc;
    if (memcmp(eh, ELFMAG, SELFMAG) != 0)
        return fail(&r, -ENOEXEC, "not an ELF file");
    if ((eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
        (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
        return fail(&r, -EBADMSG, "unknown ELF class %u or byte order %u", eh[EI_CLASS],
                    eh[EI_DATA]);
    r.is64 = eh[EI_CLASS] == ELFCLASS64;
    r.big = eh[EI_DATA] == ELFDATA2MSB;
    if ((rc = readat(&r, eh, r.is64 ? 64 : 52, 0)) < 0)
        return rc;
    d->bits = r.is64 ? 64 : 32;
    d->machine = (int)get(&r, eh + 18, 2);
    phoff = r.is64 ? get(&r, eh + 32, 8) : get(&r, eh + 28, 4);
    phentsize = (unsigned)get(&r, eh + (r.is64 ? 54 : 42), 2);
    phnum = (unsigned)get(&r, eh + (r.is64 ? 56 : 44), 2);
    if (phnum == 0)
        return 0; /* no program headers: nothing is loaded, nothing needed */
    if (phnum > PHNUM_MAX || phentsize < (r.is64 ? 56u : 32u))
        return fail(&r, -EBADMSG, "bad program header table (%u entries of %u bytes)", phnum,
                    phentsize);
    if ((rc = inside(&r, (uint64_t)phnum * phentsize, phoff)) < 0)
        return rc;
    if (!(ph = malloc((size_t)phnum * phentsize)) || !(segs = calloc(phnum, sizeof(*segs)))) {
        rc = -ENOMEM;
        goto out;
    }
    if ((rc = readat(&r, ph, (size_t)phnum * phentsize, phoff)) < 0)
        goto out;
    for (unsigned i = 0; i < phnum; i++) {
        segment_decode(&r, ph + (size_t)i * phentsize, &segs[i]);
        if (segs[i].type == PT_DYNAMIC) {
            dynseg = segs[i];
            d->dynamic = true;
        }
    }
    if (!d->dynamic)
        goto out; /* static */

    dynent = r.is64 ? 16 : 8;
    if (dynseg.filesz > DYN_MAX || dynseg.filesz < dynent) {
        rc = fail(&r, -EBADMSG, "bad dynamic section size %llu",
                  (unsigned long long)dynseg.filesz);
        goto out;
    }
    ndyn = (size_t)dynseg.filesz / dynent;
    if ((rc = inside(&r, ndyn * dynent, dynseg.offset)) < 0)
        goto out;
    if (!(dyn = malloc(ndyn * dynent))) {
        rc = -ENOMEM;
        goto out;
    }
    if ((rc = readat(&r, dyn, ndyn * dynent, dynseg.offset)) < 0)
        goto out;
    for (size_t i = 0; i < ndyn; i++) {
        const unsigned char *e = dyn + i * dynent;
        uint64_t tag = get(&r, e, dynent / 2), val = get(&r, e + dynent / 2, dynent / 2);
        if (tag == DT_NULL)
            break;
        if (tag == DT_STRTAB) {
            strtab_vaddr = val;
            have_strtab = true;
        } else if (tag == DT_STRSZ) {
            strsz = val;
            have_strsz = true;
        }
    }
    if (!have_strtab || !have_strsz) {
        rc = fail(&r, -EBADMSG, "dynamic section without DT_STRTAB or DT_STRSZ");
        goto out;
    }
    if (strsz == 0 || strsz > STRTAB_MAX ||
        !vaddr_to_offset(segs, phnum, strtab_vaddr, &off, &avail) || avail < strsz) {
        rc = fail(&r, -EBADMSG, "string table (address 0x%llx, %llu bytes) not in the file",
                  (unsigned long long)strtab_vaddr, (unsigned long long)strsz);
        goto out;
    }
    if ((rc = inside(&r, strsz, off)) < 0)
        goto out;
    if (!(strtab = malloc((size_t)strsz))) {
        rc = -ENOMEM;
        goto out;
    }
    if ((rc = readat(&r, strtab, (size_t)strsz, off)) < 0)
        goto out;
    if (!(d->needed = calloc(ndyn + 1, sizeof(*d->needed)))) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < ndyn && rc == 0; i++) {
        const unsigned char *e = dyn + i * dynent;
        uint64_t tag = get(&r, e, dynent / 2), val = get(&r, e + dynent / 2, dynent / 2);
        if (tag == DT_NULL)
            break;
        if (tag == DT_NEEDED && (rc = dup_str(&r, strtab, strsz, val, &d->needed[d->nneeded])) == 0)
            d->nneeded++;
        else if (tag == DT_SONAME && !d->soname)
            rc = dup_str(&r, strtab, strsz, val, &d->soname);
        else if (tag == DT_RPATH && !d->rpath)
            rc = dup_str(&r, strtab, strsz, val, &d->rpath);
        else if (tag == DT_RUNPATH && !d->runpath)
            rc = dup_str(&r, strtab, strsz, val, &d->runpath);
    }
out:
    free(ph);
    free(segs);
    free(dyn);
    free(strtab);
    if (rc < 0)
        elf_dyn_clear(d);
    return rc;
}

bool elf_dyn_needs(const struct elf_dyn *d, const char *prefix)
{
    for (size_t i = 0; i < d->nneeded; i++)
        if (strncmp(d->needed[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

void elf_dyn_clear(struct elf_dyn *d)
{
    for (size_t i = 0; i < d->nneeded; i++)
        free(d->needed[i]);
    free(d->needed);
    free(d->soname);
    free(d->rpath);
    free(d->runpath);
    memset(d, 0, sizeof(*d));
}
