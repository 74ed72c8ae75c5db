/* The status file: the PAM module and `flux-preflight status` read it. A
 * reader must never see half a file: fio_write_atomic() writes a temp file
 * and renames it. Its directory must be root's and writable by nobody else
 * (what the readers demand too): the gate refuses to write anywhere else. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "output/output.h"

int output_statusfile_write(const char *path, json_t *doc, char *err, size_t errsz)
{
    _cleanup_free_ char *s = json_dumps(doc, JSON_INDENT(2));
    _cleanup_free_ char *text = NULL;

    if (!s || asprintf(&text, "%s\n", s) < 0) {
        text = NULL;
        snprintf(err, errsz, "%s: cannot format the status", path);
        return -ENOMEM;
    }
    /* our own directory (the unit's RuntimeDirectory=); a run by hand may come first */
    return fio_write_atomic(path, text, strlen(text), 0644,
                            FIO_MKDIR | FIO_TRUSTED_DIR | FIO_GROUP_ROOT, err, errsz);
}
