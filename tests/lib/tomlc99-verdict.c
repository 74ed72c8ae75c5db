/* tomlc99-verdict: what flux-core's own config reader says about TOML files.
 *
 * Not built by make: tests/integration/t0110-toml-broker-parity.t compiles
 * it against tomlc99, tomltk and timestamp.c taken from the flux-core source
 * tarball, and compares its output with tests/fluxtoml-decode's.
 *
 * For each FILE, one line, exactly as flux-core 0.88 builds it in
 * libflux/conf.c conf_update_toml() into a flux_error_t (160 bytes, a '+'
 * marking a cut; libutil/errprintf.c):
 *   OK <the object, compact JSON>
 *   ERR <FILE:LINE: TEXT | FILE: TEXT>   (what the broker logs after "Config file error: ")
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/common/libutil/tomltk.h"

static void verrprintf(char text[160], const char *fmt, ...)
{
    va_list ap;
    int n;

    memset(text, 0, 160);
    va_start(ap, fmt);
    n = vsnprintf(text, 160, fmt, ap);
    va_end(ap);
    if (n > 160)
        text[160 - 2] = '+';
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct tomltk_error e;
        char text[160];
        toml_table_t *tab = tomltk_parse_file(argv[i], &e);
        json_t *o;

        if (!tab) {
            if (e.lineno == -1)
                verrprintf(text, "%s: %s", e.filename, e.errbuf);
            else
                verrprintf(text, "%s:%d: %s", e.filename, e.lineno, e.errbuf);
            printf("ERR %s\n", text);
            continue;
        }
        if (!(o = tomltk_table_to_json(tab))) {
            verrprintf(text, "%s: converting TOML to JSON: %s", argv[i], strerror(errno));
            printf("ERR %s\n", text);
        } else {
            char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("OK %s\n", s ? s : "(json_dumps failed)");
            free(s);
            json_decref(o);
        }
        toml_free(tab);
    }
    return 0;
}
