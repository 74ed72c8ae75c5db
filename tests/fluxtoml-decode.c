/* fluxtoml-decode: the gate's reading of TOML files as flux-core reads them
 * (src/common/fluxtoml.c), one line per FILE argument:
 *   OK <the object, compact JSON>
 *   ERR <FILE:LINE: TEXT | FILE: TEXT>   (what the broker logs after "Config file error: ")
 *   HANG                                 (flux-core's parser would never return)
 *   LIMIT <why>                          (not followed: too deep, out of memory)
 * The same format as tests/lib/tomlc99-verdict.c prints for the real thing;
 * tests/integration/t0110-toml-broker-parity.t compares the two.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fluxtoml.h"
#include "read-all.h"

static char *read_file(const char *path, size_t *lenp)
{
    _cleanup_fclose_ FILE *f = fopen(path, "r");
    return f ? read_all(f, lenp) : NULL;
}

int main(int argc, char **argv)
{
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        struct fluxtoml_error e;
        char quote[512];
        size_t len = 0;
        _cleanup_free_ char *buf = read_file(argv[i], &len);
        if (!buf) {
            fprintf(stderr, "fluxtoml-decode: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
            continue;
        }
        _cleanup_json_ json_t *o = fluxtoml_parse(buf, len, &e);
        if (o) {
            _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("OK %s\n", s ? s : "(json_dumps failed)");
        } else if (e.kind == FLUXTOML_HANG) {
            printf("HANG\n");
        } else if (e.kind == FLUXTOML_LIMIT) {
            printf("LIMIT %s\n", e.why);
        } else {
            printf("ERR %s\n", fluxtoml_quote(argv[i], &e, quote, sizeof(quote)));
        }
    }
    return rc;
}
