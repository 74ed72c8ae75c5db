/* libFuzzer: the status file reader (src/common/statusfile.h), as used by
 * pam_flux_preflight(8) inside sshd.  Each input is written to one file
 * (created once per process in a directory of its own made with mkdtemp,
 * mode 0755, the file 0644, both the fuzzer's, root's when it runs as root:
 * what the reader trusts) and read back with a fixed boot id.  Checks that the result
 * is one of the documented codes, that WHY is set on failure, and that a
 * successful read fills in what the header promises. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/statusfile.h"

#define BOOT_ID "00000000000000000000000000000000"

static char dir[] = "/tmp/fuzz-statusfile.XXXXXX";
static char path[sizeof(dir) + 16];
static int fd = -1;

static void cleanup(void)
{
    if (fd >= 0) {
        unlink(path);
        rmdir(dir);
    }
}

static void write_input(const uint8_t *data, size_t size)
{
    size_t off = 0;

    if (fd < 0) {
        /* not /tmp itself: the reader refuses a directory others can write */
        assert(mkdtemp(dir) != NULL);
        assert(chmod(dir, 0755) == 0);
        snprintf(path, sizeof(path), "%s/status.json", dir);
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert(fd >= 0);
        assert(fchmod(fd, 0644) == 0);
        atexit(cleanup);
    }
    assert(ftruncate(fd, 0) == 0);
    while (off < size) {
        ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);
        assert(n > 0);
        off += (size_t)n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct statusfile sf;
    char why[512] = "";
    int r;

    write_input(data, size);
    memset(&sf, 0xa5, sizeof(sf));
    r = statusfile_read(path, BOOT_ID, &sf, why, sizeof(why));
    if (r == 0 || r == STATUSFILE_STALE) {
        assert(sf.root != NULL);
        assert(sf.verdict != NULL);
        assert(strcmp(sf.verdict, "pass") == 0 || strcmp(sf.verdict, "fail") == 0 ||
               strcmp(sf.verdict, "running") == 0 || strcmp(sf.verdict, "off") == 0);
        assert((sf.state == STATUSFILE_FAIL) == (strcmp(sf.verdict, "fail") == 0));
        assert((sf.state == STATUSFILE_RUNNING) == (strcmp(sf.verdict, "running") == 0));
        assert((sf.state == STATUSFILE_OFF) == (strcmp(sf.verdict, "off") == 0));
        assert(strlen(sf.boot_id) == 32);
        assert(strspn(sf.boot_id, "0123456789abcdef") == 32);
        if (r == 0)
            assert(strcmp(sf.boot_id, BOOT_ID) == 0);
        /* statusfile.h: mode is "enforce", "warn" or NULL (the reader
         * refuses anything else as malformed, a finding of this target) */
        assert(!sf.mode || strcmp(sf.mode, "enforce") == 0 || strcmp(sf.mode, "warn") == 0);
        (void)statusfile_message(&sf, "config.parse");
        (void)statusfile_message(&sf, "");
    } else {
        assert(r < 0);
        assert(why[0] != '\0');
        assert(strlen(why) < sizeof(why));
        assert(sf.root == NULL);
    }
    if (r == STATUSFILE_STALE || r == STATUSFILE_MALFORMED || r == STATUSFILE_UNTRUSTED)
        assert(strstr(why, path) != NULL);
    statusfile_free(&sf);
    return 0;
}
