/* Flux's bind and connect URIs (fluxuri.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fluxuri.h"

int fluxuri_parse(const char *s, struct fluxuri *u)
{
    memset(u, 0, sizeof(*u));
    u->portnum = -1;
    if (strncmp(s, "ipc://", 6) == 0) {
        u->ipc = true;
        snprintf(u->host, sizeof(u->host), "%s", s + 6);
        return 0;
    }
    if (strncmp(s, "tcp://", 6) != 0)
        return -1;
    s += 6;
    const char *colon;
    const char *end = *s == '[' ? strchr(s, ']') : NULL;
    if (end) {
        snprintf(u->host, sizeof(u->host), "%.*s", (int)(end - s - 1), s + 1);
        u->bracketed = true;
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(s, ':');
        snprintf(u->host, sizeof(u->host), "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
    }
    if (colon) {
        char *e;
        u->has_port = true;
        snprintf(u->port, sizeof(u->port), "%s", colon + 1);
        errno = 0;
        long v = strtol(u->port, &e, 10);
        if (isdigit((unsigned char)u->port[0]) && !*e && !errno && v <= 65535)
            u->portnum = (int)v;
    }
    return 0;
}

const char *fluxuri_target(const struct fluxuri *u, char *buf, size_t sz)
{
    if (u->ipc)
        snprintf(buf, sz, "%s", u->host);
    else if (u->bracketed || strchr(u->host, ':'))
        snprintf(buf, sz, "[%s]:%s", u->host, u->port);
    else
        snprintf(buf, sz, "%s:%s", u->host, u->port);
    return buf;
}
