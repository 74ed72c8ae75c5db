/* pam-driver: run PAM operations for USER on SERVICE from a private config dir.
 *
 *   pam-driver SERVICE USER CONFDIR OP[,OP...]
 *     OP: acct | auth | session | acct-loop:N
 *
 * Every PAM_TEXT_INFO / PAM_ERROR_MSG is printed as "info: TEXT" / "error:
 * TEXT"; each OP ends with "rc=<n> <pam_strerror>". Several OPs run on one PAM
 * handle, in order, as a login does (sshd: account, then session).
 * acct-loop:N calls pam_acct_mgmt N times on one handle (for valgrind): it
 * prints the conversation of the first call only, then "calls=N messages=M"
 * (M counts every message of every call) and the last rc.
 *
 * With PAM_DRIVER_LOG_SOCKET=PATH set, the driver binds a datagram socket there
 * before starting PAM (the test points it at /dev/log inside a private mount
 * namespace) and, after each OP, prints what reached syslog as "log: TEXT".
 *
 * Exit: 0 when the last OP returned PAM_SUCCESS, 1 otherwise, 2 on usage or
 * setup errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <security/pam_appl.h>

struct conv_state {
    bool quiet;             /* count, don't print */
    unsigned long messages;
};

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    struct conv_state *st = data;
    struct pam_response *r;

    if (n <= 0 || n > PAM_MAX_NUM_MSG)
        return PAM_CONV_ERR;
    r = calloc((size_t)n, sizeof(*r));
    if (!r)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        const char *prefix;

        switch (msg[i]->msg_style) {
        case PAM_TEXT_INFO:
            prefix = "info";
            break;
        case PAM_ERROR_MSG:
            prefix = "error";
            break;
        default: /* no one types in a test */
            free(r);
            return PAM_CONV_ERR;
        }
        st->messages++;
        if (!st->quiet)
            printf("%s: %s\n", prefix, msg[i]->msg ? msg[i]->msg : "(null)");
    }
    fflush(stdout);
    *resp = r;
    return PAM_SUCCESS;
}

static int log_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "log socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || (unlink(path) < 0 && errno != ENOENT)
        || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "log socket %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* "<85>Nov 23 20:01:02 pam-driver: pam_flux_preflight(svc:account): text"
 *   -> "log: pam_flux_preflight(svc:account): text" */
static void drain_log(int fd)
{
    char buf[4096];
    ssize_t n;

    if (fd < 0)
        return;
    while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
        char *text, *p;

        buf[n] = '\0';
        text = strstr(buf, program_invocation_short_name); /* glibc's default ident */
        text = text && (p = strstr(text, ": ")) ? p + 2 : buf;
        printf("log: %s\n", text);
    }
    fflush(stdout);
}

static int run_op(pam_handle_t *h, const char *op, struct conv_state *st)
{
    int rc;

    if (strcmp(op, "acct") == 0)
        return pam_acct_mgmt(h, 0);
    if (strcmp(op, "auth") == 0)
        return pam_authenticate(h, 0);
    if (strcmp(op, "session") == 0) {
        rc = pam_open_session(h, 0);
        if (rc == PAM_SUCCESS)
            pam_close_session(h, 0);
        return rc;
    }
    if (strncmp(op, "acct-loop:", 10) == 0) {
        char *end;
        unsigned long n, i;

        errno = 0;
        n = strtoul(op + 10, &end, 10);
        if (errno == 0 && *end == '\0' && n > 0) {
            rc = PAM_SUCCESS;
            st->messages = 0;
            for (i = 0; i < n; i++) {
                rc = pam_acct_mgmt(h, 0);
                st->quiet = true;
            }
            st->quiet = false;
            printf("calls=%lu messages=%lu\n", n, st->messages);
            return rc;
        }
    }
    fprintf(stderr, "unknown OP: %s\n", op);
    return -1;
}

int main(int argc, char **argv)
{
    struct conv_state st = { 0 };
    struct pam_conv c = { conv, &st };
    pam_handle_t *h = NULL;
    const char *logpath = getenv("PAM_DRIVER_LOG_SOCKET");
    char *ops, *op, *save = NULL;
    int rc = PAM_SUCCESS, logfd = -1;

    if (argc != 5) {
        fprintf(stderr, "usage: %s SERVICE USER CONFDIR OP[,OP...]\n"
                        "  OP: acct | auth | session | acct-loop:N\n", argv[0]);
        return 2;
    }
    if (logpath && *logpath && (logfd = log_socket(logpath)) < 0)
        return 2;
    rc = pam_start_confdir(argv[1], argv[2], &c, argv[3], &h);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_start_confdir: %s\n", pam_strerror(h, rc));
        return 2;
    }
    if (!(ops = strdup(argv[4]))) {
        pam_end(h, PAM_BUF_ERR);
        return 2;
    }
    for (op = strtok_r(ops, ",", &save); op; op = strtok_r(NULL, ",", &save)) {
        rc = run_op(h, op, &st);
        if (rc < 0)
            break;
        printf("rc=%d %s\n", rc, pam_strerror(h, rc));
        fflush(stdout);
        drain_log(logfd);
    }
    free(ops);
    pam_end(h, rc < 0 ? PAM_SYSTEM_ERR : rc);
    if (logfd >= 0) {
        close(logfd);
        unlink(logpath);
    }
    return rc < 0 ? 2 : rc == PAM_SUCCESS ? 0 : 1;
}
