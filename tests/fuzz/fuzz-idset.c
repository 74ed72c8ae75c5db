/* libFuzzer: idset decode; accepted sets encode to a string that decodes to
 * the same set, and iteration agrees with count and test. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/idset.h"

#define ITERATE_MAX 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = strndup((const char *)data, size);
    char err[256] = "";
    struct idset *ids, *again, *sum;
    char *enc, *enc2;

    if (!s)
        return 0;
    errno = 0;
    ids = idset_decode(s, err, sizeof(err));
    if (!ids) {
        /* idset.h: EINVAL or ERANGE as flux-core fails, E2BIG over IDSET_MAX_ID */
        assert((errno == EINVAL || errno == ERANGE || errno == E2BIG) && err[0] != '\0');
        free(s);
        return 0;
    }
    enc = idset_encode(ids);
    assert(enc);
    again = idset_decode(enc, NULL, 0);
    assert(again && idset_count(again) == idset_count(ids));
    enc2 = idset_encode(again);
    assert(enc2 && strcmp(enc, enc2) == 0);

    if (idset_count(ids) <= ITERATE_MAX) {
        size_t n = 0;
        unsigned int prev = 0;
        for (unsigned int id = idset_first(ids); id != IDSET_INVALID_ID; id = idset_next(ids, id)) {
            assert(n == 0 || id > prev);
            assert(idset_test(ids, id) && id <= IDSET_MAX_ID);
            if (id > 0 && (n == 0 || prev != id - 1))
                assert(!idset_test(ids, id - 1));
            prev = id;
            n++;
        }
        assert(n == idset_count(ids));
    }
    /* union with itself changes nothing; union into empty copies */
    sum = idset_create();
    assert(sum && idset_add(sum, ids) == 0 && idset_add(sum, again) == 0);
    free(enc2);
    enc2 = idset_encode(sum);
    assert(enc2 && strcmp(enc, enc2) == 0);

    idset_destroy(sum);
    free(enc2);
    free(enc);
    idset_destroy(again);
    idset_destroy(ids);
    free(s);
    return 0;
}
