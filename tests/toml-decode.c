/* toml-decode: the toml-test decoder interface over toml_parse().
 *
 * Reads a whole TOML document from stdin (binary-safe: NULs and invalid UTF-8
 * reach the parser as they are) and prints it as toml-test "tagged JSON".
 * Exit 0 on success; on a parse error print "LINE:COL: MESSAGE" to stderr and
 * exit 1. Used by tests/integration/t0100-toml-conformance.t.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/toml.h"
#include "read-all.h"

int main(void)
{
    size_t len = 0;
    _cleanup_free_ char *buf = read_all(stdin, &len);
    if (!buf) {
        fprintf(stderr, "toml-decode: cannot read stdin\n");
        return 1;
    }
    struct toml_opts opts = {.flags = TOML_TAGGED};
    struct toml_diag err;
    _cleanup_json_ json_t *root = toml_parse(buf, len, &opts, &err);
    if (!root) {
        fprintf(stderr, "%d:%d: %s\n", err.line, err.col, err.msg);
        return 1;
    }
    if (json_dumpf(root, stdout, JSON_INDENT(1)) < 0 || fputc('\n', stdout) == EOF
        || fflush(stdout) != 0) {
        fprintf(stderr, "toml-decode: cannot write stdout\n");
        return 1;
    }
    return 0;
}
