/* Text made safe to show (sanitize.h). */
#include <stdlib.h>
#include <string.h>

#include "common/sanitize.h"

/* Length of the UTF-8 sequence at S, or 0 when it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t len = *s < 0x80 ? 1 : *s < 0xc2 ? 0 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : *s < 0xf5 ? 4 : 0;

    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    /* no overlong 3- and 4-byte forms, no surrogates, nothing above U+10FFFF */
    if (len == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;
    if (len == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return len;
}

/* Is the character of LEN bytes at S a control character (C0, DEL, C1)? */
static bool is_control(const unsigned char *s, size_t len)
{
    return len == 1 ? (*s < 0x20 || *s == 0x7f) : (len == 2 && s[0] == 0xc2 && s[1] < 0xa0);
}

static char *sanitize(char *dst, size_t dstsz, const char *src, bool spaces)
{
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t limit = dstsz - 1, n = 0;
    bool cut = strlen((const char *)s) > limit;

    if (cut)
        limit -= 3;
    while (*s) {
        size_t len = utf8_len(s);

        if (len == 0 || is_control(s, len)) {
            if (n + 1 > limit)
                break;
            dst[n++] = spaces && (*s == '\n' || *s == '\t' || *s == '\r') ? ' ' : '?';
            s += len ? len : 1;
            continue;
        }
        if (n + len > limit)
            break;
        memcpy(dst + n, s, len);
        n += len;
        s += len;
    }
    if (cut) {
        /* end at a word when one ends near the cut: "Failed to access...",
         * not "Failed to access \"/run/mun..." */
        for (size_t k = n; k > 0 && n - k < 24; k--)
            if (dst[k - 1] == ' ') {
                n = k - 1;
                break;
            }
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = '\0';
    return dst;
}

char *sanitize_copy(char *dst, size_t dstsz, const char *src)
{
    return sanitize(dst, dstsz, src, false);
}

/* never longer than the source: each replaced byte or sequence becomes one
 * character (room for the NUL, and for the minimum of 4) */
static char *dup_with(const char *src, bool spaces)
{
    size_t len = strlen(src ? src : "");
    char *dst = malloc(len + 4);

    return dst ? sanitize(dst, len + 4, src, spaces) : NULL;
}

char *sanitize_dup(const char *src)
{
    return dup_with(src, false);
}

char *sanitize_line(const char *src)
{
    return dup_with(src, true);
}

bool sanitize_needed(const char *src)
{
    const unsigned char *s = (const unsigned char *)(src ? src : "");

    while (*s) {
        size_t len = utf8_len(s);
        if (len == 0 || is_control(s, len))
            return true;
        s += len;
    }
    return false;
}
