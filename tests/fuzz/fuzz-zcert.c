/* libFuzzer: certificate parsing and Z85.  Checks that results are
 * consistent and that an error on a secret-key line never quotes the key. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/zcert.h"

/* The text of the given 1-based line, NUL-terminated (malloc'd). */
static char *line_text(const uint8_t *data, size_t size, int line)
{
    const uint8_t *p = data, *end = data + size;

    for (int n = 1; n < line && p < end; n++) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    return strndup((const char *)p, (size_t)((nl ? nl : end) - p));
}

/* If the offending line is `secret-key = "<40 Z85 chars>..."`, the error
 * must not contain those 40 chars.  Only a key-shaped value is checked: short
 * values can match the fixed words of a message ("curve") by chance. */
static void check_no_secret_leak(const uint8_t *data, size_t size, int line, const char *err)
{
    static const char z85[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    char *text, *p;

    if (line <= 0)
        return;
    text = line_text(data, size, line);
    assert(text);
    p = text + strspn(text, " \t");
    if (strncmp(p, "secret-key", 10) == 0) {
        p += 10;
        p += strspn(p, " \t");
        if (*p == '=') {
            p++;
            p += strspn(p, " \t");
            if (*p == '"' && strspn(p + 1, z85) >= ZCERT_KEY_Z85_LEN) {
                p[1 + ZCERT_KEY_Z85_LEN] = '\0';
                assert(!strstr(err, p + 1));
            }
        }
    }
    free(text);
}

static void check_z85(const uint8_t *data, size_t size)
{
    unsigned char bin[64];
    char txt[81];

    if (size <= 64 && size % 4 == 0) {
        assert(zcert_z85_encode(data, size, txt, sizeof(txt)) == (int)(size / 4 * 5));
        assert(zcert_z85_decode(txt, size / 4 * 5, bin, sizeof(bin)) == (int)size);
        assert(memcmp(bin, data, size) == 0);
    }
    if (size <= 80 && size % 5 == 0) {
        int n = zcert_z85_decode((const char *)data, size, bin, sizeof(bin));
        if (n >= 0) {
            assert(n == (int)(size / 5 * 4));
            assert(zcert_z85_encode(bin, (size_t)n, txt, sizeof(txt)) == (int)size);
            assert(memcmp(txt, data, size) == 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct zcert_info info;
    char err[256] = "";
    int line = -1, r;

    check_z85(data, size);
    r = zcert_parse((const char *)data, size, &info, &line, err, sizeof(err));
    if (r == 0) {
        unsigned char key[ZCERT_KEY_SIZE];

        assert(line == 0 && err[0] == '\0');
        assert(strlen(info.public_z85) == ZCERT_KEY_Z85_LEN);
        assert(zcert_z85_decode(info.public_z85, ZCERT_KEY_Z85_LEN, key, sizeof(key)) == ZCERT_KEY_SIZE);
        assert(memcmp(key, info.public_key, sizeof(key)) == 0);
        assert(info.pair_checked);
        assert(!info.has_name || strlen(info.name) < sizeof(info.name));
    } else {
        assert(r == -EINVAL || r == -EEXIST);
        assert(line >= 0 && err[0] != '\0');
        check_no_secret_leak(data, size, line, err);
    }
    return 0;
}
