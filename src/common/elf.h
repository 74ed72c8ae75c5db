/* The dynamic section of an ELF file, read from its bytes: what a program
 * or a shared library asks the dynamic linker for (DT_NEEDED), its soname
 * and search paths.  Nothing is loaded or run (an image's binaries are
 * judged by what they contain, elf(5)); 32- and 64-bit, either byte order.
 */
#ifndef FP_COMMON_ELF_H
#define FP_COMMON_ELF_H

#include <stdbool.h>
#include <stddef.h>

struct elf_dyn {
    int bits;        /* 32 or 64 */
    int machine;     /* e_machine (EM_X86_64, ...) */
    bool dynamic;    /* has a PT_DYNAMIC segment (false: static) */
    char **needed;   /* DT_NEEDED, in order, NULL-terminated (NULL: static) */
    size_t nneeded;
    char *soname;    /* DT_SONAME, or NULL */
    char *rpath;     /* DT_RPATH, or NULL */
    char *runpath;   /* DT_RUNPATH, or NULL */
};

/* Read fd (positioned reads; the offset is not used). 0, or -ENOEXEC when
 * it is not an ELF file, -EBADMSG when it is a malformed one, another
 * -errno when it cannot be read; err says why. */
int elf_dyn_read(int fd, struct elf_dyn *d, char *err, size_t errsz);

/* Does d need a library whose name starts with prefix ("libflux-security.so")? */
bool elf_dyn_needs(const struct elf_dyn *d, const char *prefix);

void elf_dyn_clear(struct elf_dyn *d);

#endif
