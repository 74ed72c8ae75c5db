/* sd_notify: progress while running, the verdict at the end. systemd keeps
 * the last STATUS= of a oneshot on display after it exits. */
#include <stdio.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "output/output.h"

void output_notify_status(const char *text)
{
    if (!getenv("NOTIFY_SOCKET"))
        return;
    sd_notifyf(0, "STATUS=%s", text);
}
