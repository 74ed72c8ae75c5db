/* fp-gendoc: the journal catalog and the CHECKS section of flux-preflight(8),
 * generated from the check descriptors (one source of truth: a check's
 * explanation is written once, in its family's file, and `explain`, the
 * catalog and the man page all print it). Run by make; a test compares the
 * built files with its output (tests/integration/t0630-descriptors.t).
 *
 * A check's catalog entry: its Subject, its .journal paragraph (what the
 * entry reports, with its fields), its explanation. Its man page entry: its
 * details (what it looks at), its explanation, then its default severity,
 * timeout, prerequisites, own settings and MESSAGE_ID.
 *
 *   fp-gendoc catalog HEAD.catalog   the catalog: HEAD (the entries that are
 *                                    no check's, the run summary) then one
 *                                    entry per check, in registry order
 *   fp-gendoc man TEMPLATE           TEMPLATE with its line "@CHECKS@"
 *                                    replaced by one .It entry per check
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/registry.h"

static int copy_file(const char *path, FILE *out, const char *marker,
                     void (*at_marker)(FILE *))
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t sz = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    while (getline(&line, &sz, f) >= 0) {
        if (marker && strcmp(line, marker) == 0)
            at_marker(out);
        else
            fputs(line, out);
    }
    free(line);
    fclose(f);
    return 0;
}

/* ---- catalog ------------------------------------------------------------- */

static void catalog_entry(FILE *out, const struct fp_check *c)
{
    fprintf(out, "\n-- %s\n", c->message_id);
    fprintf(out, "Subject: %s\n", c->subject ? c->subject : c->summary);
    fprintf(out, "Defined-By: flux-preflight\n");
    fprintf(out, "Documentation: man:flux-preflight(8)%s%s\n", c->documentation ? " " : "",
            c->documentation ? c->documentation : "");
    if (c->journal)
        fprintf(out, "\n%s\n", c->journal);
    else
        fprintf(out, "\nThe pre-flight check %s reported: @MESSAGE@\n", c->id);
    if (c->explain)
        fprintf(out, "\n%s\n", c->explain);
}

/* ---- man page (mdoc) ----------------------------------------------------- */

/* Running text: backslashes escaped, no leading control character, no
 * trailing blank, and a new line after each sentence (mdoc wants it so). */
static void roff_text(FILE *out, const char *s, size_t n)
{
    bool bol = true;

    for (size_t i = 0; i < n; i++) {
        if (bol) {
            while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (i == n)
                break;
            if (s[i] == '.' || s[i] == '\'')
                fputs("\\&", out);
            bol = false;
        }
        if (s[i] == '\\')
            fputs("\\e", out);
        else
            fputc(s[i], out);
        /* the end of a sentence: '.', '?' or '!', closing marks, a blank */
        if (s[i] == '.' || s[i] == '?' || s[i] == '!') {
            size_t j = i + 1;
            while (j < n && strchr(")]\"'", s[j]))
                j++;
            if (i > 0 && s[i - 1] != ' ' && j + 1 < n && s[j] == ' ' && s[j + 1] != ' ') {
                fwrite(s + i + 1, 1, j - i - 1, out);
                fputc('\n', out);
                i = j;
                bol = true;
            }
        }
    }
    if (!bol)
        fputc('\n', out);
}

/* Lines indented by blanks, shown as written, less their common indent. */
static void roff_literal(FILE *out, const char *const *line, const size_t *len, size_t n)
{
    size_t indent = SIZE_MAX;

    for (size_t k = 0; k < n; k++)
        if (len[k] > 0) {
            size_t w = strspn(line[k], " \t");
            if (w < indent)
                indent = w;
        }
    fputs(".Bd -literal -offset indent\n", out);
    for (size_t k = 0; k < n; k++) {
        for (size_t i = len[k] ? indent : 0; i < len[k]; i++) {
            if (line[k][i] == '\\')
                fputs("\\e", out);
            else
                fputc(line[k][i], out);
        }
        fputc('\n', out);
    }
    fputs(".Ed\n", out);
}

/* Plain text as mdoc: a blank line starts a paragraph, lines indented by a
 * blank are shown as written (commands, tables), and so are the blank lines
 * between them. */
static void roff_block(FILE *out, const char *text)
{
    const char *p = text;
    bool para = false;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if (strspn(p, " \t") >= n) { /* blank */
            para = true;
        } else if (*p == ' ' || *p == '\t') {
            const char *line[256];
            size_t len[256], k = 0, blanks = 0;
            /* the display: indented lines and the blank lines inside it */
            while (*p && k < 256) {
                nl = strchr(p, '\n');
                n = nl ? (size_t)(nl - p) : strlen(p);
                bool blank = strspn(p, " \t") >= n;
                if (!blank && *p != ' ' && *p != '\t')
                    break;
                if (blank) {
                    blanks++;
                } else {
                    for (; blanks > 0 && k > 0 && k < 256; blanks--, k++) {
                        line[k] = "";
                        len[k] = 0;
                    }
                    blanks = 0;
                    line[k] = p;
                    len[k++] = n;
                }
                p += n + (nl ? 1 : 0);
            }
            roff_literal(out, line, len, k);
            para = blanks > 0;
            continue;
        } else {
            if (para)
                fputs(".Pp\n", out);
            para = false;
            roff_text(out, p, n);
        }
        p += n + (nl ? 1 : 0);
    }
}

static void man_entry(FILE *out, const struct fp_check *c)
{
    char buf[64];

    fprintf(out, ".It Sy %s\n", c->id);
    if (c->details)
        roff_block(out, c->details);
    else
        roff_text(out, c->summary, strlen(c->summary));
    if (c->explain) {
        fputs(".Pp\n", out);
        roff_block(out, c->explain);
    }
    fputs(".Pp\n", out);
    fprintf(out, "Default severity\n.Cm %s%s\n", fp_severity_name(c->severity),
            c->severity == FP_SEV_FAIL ? " :" : " ;");
    if (c->severity == FP_SEV_FAIL)
        fputs("a failure keeps flux from starting;\n", out);
    snprintf(buf, sizeof(buf), "%g", c->timeout > 0 ? c->timeout : FP_DEFAULT_TIMEOUT);
    fprintf(out, "timeout %ss%s.\n", buf,
            c->flags & FP_CHECK_WAITABLE ? " per attempt, retried until the run deadline" : "");
    if (c->flags & FP_CHECK_LIVE)
        fputs("It inspects the running node and is skipped under\n.Fl -root .\n", out);
    if (c->requires) {
        fputs("Requires\n", out);
        for (const char *const *r = c->requires; *r; r++)
            fprintf(out, ".Sy %s%s\n", *r, r[1] ? " ," : " .");
    }
    for (const struct fp_setting_def *d = c->settings; d && d->key; d++) {
        char doc[512];
        int len = snprintf(doc, sizeof(doc), "%s.", d->doc);
        fprintf(out, "Setting\n.Cm %s :\n", d->key);
        roff_text(out, doc, len > 0 && (size_t)len < sizeof(doc) ? (size_t)len : strlen(doc));
    }
    fprintf(out, "Journal:\n.Va MESSAGE_ID Ns = Ns %s .\n", c->message_id);
}

static void man_checks(FILE *out)
{
    fputs(".\\\" Generated from the check descriptors (src/checks/*.c) by fp-gendoc.\n", out);
    fputs(".Bl -tag -width Ds\n", out);
    for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
        man_entry(out, c);
    fputs(".El\n", out);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "catalog") == 0) {
        if (copy_file(argv[2], stdout, NULL, NULL) < 0)
            return 1;
        for (const struct fp_check *c = fp_registry_first(); c; c = fp_registry_next(c))
            catalog_entry(stdout, c);
    } else if (argc == 3 && strcmp(argv[1], "man") == 0) {
        if (copy_file(argv[2], stdout, "@CHECKS@\n", man_checks) < 0)
            return 1;
    } else {
        fprintf(stderr, "usage: fp-gendoc catalog HEAD.catalog | man TEMPLATE\n");
        return 2;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
