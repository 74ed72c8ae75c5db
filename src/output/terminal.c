/* The table an admin reads at the console.
 *
 * Not a terminal (a pipe, a file): every selected check on one line in
 * registry order, DETAILS in full, then the verdict: the stable format
 * scripts read (flux-preflight(8), OUTPUT). On a terminal the table fits its
 * width: what blocks or warns comes first, DETAILS is shortened to one line
 * (in full with --verbose, wrapped), and skipped checks fold into one line.
 *
 * Messages carry text from the node, the image and the manifest (file names,
 * a manifest's "host"): every field is sanitised (common/sanitize.h), and
 * so is every other line the gate prints (output_line()). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sanitize.h"
#include "output/output.h"

void output_line(FILE *f, const char *fmt, ...)
{
    _cleanup_free_ char *text = NULL, *safe = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        text = NULL;
        return;
    }
    if ((safe = sanitize_line(text)))
        fprintf(f, "%s\n", safe);
}

static const char *color_of(enum fp_status st)
{
    switch (st) {
    case FP_PASS: return "\033[32m";
    case FP_WARN: return "\033[33m";
    case FP_FAIL:
    case FP_ERROR: return "\033[1;31m";
    default: return "\033[2m";
    }
}

/* Columns S takes on a terminal: one per UTF-8 character. */
static int text_cols(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

/* Bytes of S that fill at most COLS columns, cut at a character boundary. */
static size_t fit_bytes(const char *s, int cols)
{
    size_t i = 0;
    int n = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == cols)
            break;
    }
    return i;
}

/* Write LEN bytes of S, control characters (a newline in a message) as spaces. */
static void put_text(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fputc((unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i], f);
}

/* S on one line of at most COLS columns: cut at a word when one ends near
 * the edge, else at a character, and marked with "...". True when cut. */
static bool put_shortened(FILE *f, const char *s, int cols)
{
    size_t len = strlen(s);
    if (text_cols(s, len) <= cols) {
        put_text(f, s, len);
        return false;
    }
    if (cols < 4) {
        put_text(f, "...", (size_t)(cols > 0 ? cols : 0));
        return true;
    }
    size_t cut = fit_bytes(s, cols - 3);
    for (size_t i = cut; i > 0 && text_cols(s + i, cut - i) < 16; i--)
        if (s[i - 1] == ' ') {
            cut = i - 1;
            break;
        }
    while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';'))
        cut--;
    put_text(f, s, cut);
    fputs("...", f);
    return true;
}

bool output_put_shortened(FILE *f, const char *s, int cols)
{
    _cleanup_free_ char *safe = sanitize_line(s);

    if (!safe)
        return false;
    if (cols <= 0) {
        fputs(safe, f);
        return false;
    }
    return put_shortened(f, safe, cols);
}

int output_terminal_width(int fd)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");
    char *end;
    long cols;

    if (!isatty(fd))
        return 0;
    if (env && (cols = strtol(env, &end, 10)) > 0 && *end == '\0' && cols < 100000)
        return (int)cols;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* S word-wrapped into lines of at most WIDTH columns, the first starting at
 * column START (already written), the others indented by INDENT. */
static void put_wrapped(FILE *f, const char *s, int start, int indent, int width)
{
    int avail = width - start, col = 0;
    if (avail < 20)
        avail = 20;
    while (*s) {
        size_t wlen = strcspn(s, " ");
        int wcols = text_cols(s, wlen);
        if (col > 0 && col + 1 + wcols > avail) {
            fprintf(f, "\n%*s", indent, "");
            avail = width - indent < 20 ? 20 : width - indent;
            col = 0;
        } else if (col > 0) {
            fputc(' ', f);
            col++;
        }
        /* a word longer than the line: cut it where the line ends */
        while (wcols > avail - col && avail - col > 0) {
            size_t b = fit_bytes(s, avail - col);
            put_text(f, s, b);
            s += b;
            wlen -= b;
            wcols = text_cols(s, wlen);
            fprintf(f, "\n%*s", indent, "");
            avail = width - indent < 20 ? 20 : width - indent;
            col = 0;
        }
        put_text(f, s, wlen);
        col += wcols;
        s += wlen;
        while (*s == ' ')
            s++;
    }
}

static void put_result(FILE *f, const struct fp_run *run, size_t i, int w,
                       const struct output_terminal_opts *o, bool *shortened)
{
    const struct fp_result *r = &run->results[i];
    const char *name = fp_status_name(r->status);
    _cleanup_free_ char *safe = sanitize_line(r->message);
    const char *msg = safe ? safe : "(out of memory)";
    char shown[8];
    bool failed = fp_outcome_failed(fp_run_outcome(run, i));

    /* Upper case marks a failure of the verdict; a fail demoted to warn by
     * [severity] shows in lower case. */
    snprintf(shown, sizeof(shown), "%s", name);
    if (failed)
        for (char *p = shown; *p; p++)
            *p = (char)(*p - 'a' + 'A');
    fprintf(f, "%-*s  %s%-6s%s ", w, r->check->id, o->color ? color_of(r->status) : "", shown,
            o->color ? "\033[0m" : "");
    if (o->width <= 0) {
        fprintf(f, "%s\n", msg);
        return;
    }
    int start = w + 2 + 6 + 1;
    if (o->verbose) {
        put_wrapped(f, msg, start, start, o->width);
        fputc('\n', f);
        return;
    }
    if (put_shortened(f, msg, o->width - start))
        *shortened = true;
    fputc('\n', f);
}

/* The order on a terminal: what blocks or warns first (worst first), then
 * what passed, then skips; registry order within each. */
static int rank_of(enum fp_status st)
{
    switch (st) {
    case FP_ERROR: return 0;
    case FP_FAIL: return 1;
    case FP_WARN: return 2;
    case FP_PASS: return 3;
    default: return 4;
    }
}

void output_terminal(FILE *f, const struct fp_ctx *ctx, const struct fp_run *run,
                     const struct output_terminal_opts *o)
{
    int w = 5;
    size_t nskip = 0;
    bool shortened = false, tty = o->width > 0;

    for (size_t i = 0; i < run->n; i++) {
        int l = (int)strlen(run->results[i].check->id);
        if (l > w)
            w = l;
        if (run->results[i].status == FP_SKIP)
            nskip++;
    }
    _cleanup_free_ char *host = sanitize_line(ctx->hostname);
    _cleanup_free_ char *image = sanitize_line(ctx->root);
    fprintf(f, "flux-preflight on %s", host ? host : "?");
    if (ctx->root && *ctx->root)
        fprintf(f, " (image %s)", image ? image : "?");
    if (ctx->rank >= 0)
        fprintf(f, ", rank %d of %d", ctx->rank, ctx->size);
    fputc('\n', f);
    fprintf(f, "%-*s  %-6s %s\n", w, "CHECK", "RESULT", "DETAILS");

    if (!tty) {
        for (size_t i = 0; i < run->n; i++)
            put_result(f, run, i, w, o, &shortened);
    } else {
        bool fold = nskip > 1 && !o->verbose;
        for (int rank = 0; rank <= 4; rank++)
            for (size_t i = 0; i < run->n; i++) {
                const struct fp_result *r = &run->results[i];
                if (rank_of(r->status) == rank && !(fold && r->status == FP_SKIP))
                    put_result(f, run, i, w, o, &shortened);
            }
        if (fold) {
            /* "9 more  skip   ID1, ID2, ..." */
            char label[32];
            size_t len = 0, cap = 64;
            char *ids = malloc(cap);
            for (size_t i = 0; ids && i < run->n; i++) {
                const char *id = run->results[i].check->id;
                if (run->results[i].status != FP_SKIP)
                    continue;
                size_t need = len + strlen(id) + 3;
                if (need > cap) {
                    char *t = realloc(ids, cap = need * 2);
                    if (!t) {
                        free(ids);
                        ids = NULL;
                        break;
                    }
                    ids = t;
                }
                len += (size_t)sprintf(ids + len, "%s%s", len ? ", " : "", id);
            }
            snprintf(label, sizeof(label), "%zu more", nskip);
            fprintf(f, "%-*s  %s%-6s%s ", w, label, o->color ? color_of(FP_SKIP) : "", "skip",
                    o->color ? "\033[0m" : "");
            put_shortened(f, ids ? ids : "", o->width - (w + 2 + 6 + 1));
            fputc('\n', f);
            free(ids);
        }
        if (shortened || fold)
            fprintf(f, "%s(shortened to fit: -v shows every check in full; explain ID tells how "
                       "to fix it)%s\n",
                    o->color ? "\033[2m" : "", o->color ? "\033[0m" : "");
    }

    _cleanup_free_ char *raw = output_verdict_line(run);
    char *line = raw ? sanitize_line(raw) : NULL;
    if (line) {
        bool bad = run->failed;
        fputs(o->color ? (bad ? "\033[1;31m" : "\033[1;32m") : "", f);
        if (tty) {
            /* wrapped after "FAIL: " so the list of ids stays readable */
            const char *colon = strstr(line, ": ");
            int indent = colon && colon - line < 10 ? (int)(colon - line) + 2 : 0;
            put_wrapped(f, line, 0, indent, o->width);
        } else {
            fputs(line, f);
        }
        fprintf(f, "%s\n", o->color ? "\033[0m" : "");
        free(line);
    }
}
