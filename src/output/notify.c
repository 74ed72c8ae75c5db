/* sd_notify: progress while running, the verdict at the end. systemd keeps
 * the last STATUS= of a oneshot on display after it exits (and after it goes
 * inactive: the unit has RemainAfterExit=no), until the next start. */
#include <stdio.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "common/sanitize.h"
#include "output/output.h"

/* STATUS= is shown by systemctl status: sanitised, and one line */
void output_notify_status(const char *text)
{
    if (!getenv("NOTIFY_SOCKET"))
        return;
    char *safe = sanitize_dup(text);
    sd_notifyf(0, "STATUS=%s", safe ? safe : "");
    free(safe);
}

void output_notify_verdict(const char *line)
{
    if (!getenv("NOTIFY_SOCKET"))
        return;
    char *safe = sanitize_dup(line);
    sd_notifyf(0, "STATUS=%s; re-check: systemctl start flux-preflight", safe ? safe : "");
    free(safe);
}
