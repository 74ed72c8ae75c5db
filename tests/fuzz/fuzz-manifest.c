/* libFuzzer: the fingerprint manifest parser (fp_manifest_parse,
 * src/checks/fingerprint.h), which reads a manifest another node wrote.
 * Checks that it returns 0 or -1, sets err on failure, and that a parsed
 * manifest has the shape the header promises. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "checks/fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fp_manifest m;
    char err[512] = "";
    int r;

    memset(&m, 0, sizeof(m));
    r = fp_manifest_parse((const char *)data, size, &m, err, sizeof(err));
    if (r == 0) {
        const char *key;
        json_t *v;

        assert(json_is_object(m.doc));
        assert(json_is_object(m.items));
        assert(m.host != NULL && m.time != NULL);
        json_object_foreach(m.items, key, v)
            assert(json_is_string(v));
    } else {
        assert(r == -1);
        assert(err[0] != '\0');
        assert(strlen(err) < sizeof(err));
    }
    fp_manifest_fini(&m);
    return 0;
}
