/* libFuzzer: the ELF dynamic-section reader (src/common/elf.h) on arbitrary
 * bytes, handed over in a memfd.  Checks the documented result codes, that a
 * failure says why and leaves nothing allocated, and that every string of a
 * success is a bounded C string. */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_dyn d;
    char err[256] = "";
    int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
    int rc;

    assert(fd >= 0);
    assert(write(fd, data, size) == (ssize_t)size);
    rc = elf_dyn_read(fd, &d, err, sizeof(err));
    close(fd);
    if (rc < 0) {
        assert(rc == -ENOEXEC || rc == -EBADMSG || rc == -ENOMEM);
        assert(err[0] || rc == -ENOMEM);
        assert(!d.needed && d.nneeded == 0 && !d.soname && !d.rpath && !d.runpath);
        return 0;
    }
    assert(d.bits == 32 || d.bits == 64);
    assert(d.dynamic || d.nneeded == 0);
    for (size_t i = 0; i < d.nneeded; i++)
        assert(d.needed[i] && strlen(d.needed[i]) < size);
    assert(!d.needed || !d.needed[d.nneeded]);
    (void)elf_dyn_needs(&d, "libflux-security.so");
    elf_dyn_clear(&d);
    return 0;
}
