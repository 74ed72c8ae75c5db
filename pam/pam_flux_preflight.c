/* pam_flux_preflight: keep ordinary users off a node whose flux-preflight
 * gate failed, with the reason; root and the admin group get in with a warning.
 *
 * Shaped after pam_nologin: one file, options parsed into a struct once, one
 * function behind thin pam_sm_* entry points. It lives inside sshd, so: no
 * globals, no exit, nothing allocated outlives the call, and the status file
 * is trusted only as far as src/common/statusfile.c allows.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "common/cleanup.h"
#include "common/sanitize.h"
#include "common/statusfile.h"

#define PF_NSS_BUF_MAX (4 * 1024 * 1024) /* getpwnam_r/getgrnam_r buffer cap */

#define PF_GROUPS_MAX 65536              /* the kernel's NGROUPS_MAX */
#define PF_LIST_ITEMS 5                  /* failed checks named to the user */
/* pam_info()/pam_error() text shown once per PAM handle (account, then session) */
#define PF_DATA_SHOWN "pam_flux_preflight.shown"
/* admin_group's default: the first of these that exists */
static const char *const PF_ADMIN_GROUPS[] = { "wheel", "sudo", NULL };

enum pf_phase {
    PF_AUTH,
    PF_ACCOUNT,
    PF_SESSION,
};

struct pf_opts {
    const char *status;      /* status file path */
    const char *admin_group; /* NULL: only root is admitted */
    bool admin_group_given;  /* admin_group= was on the line (else the default) */
    bool warn;               /* mode=warn: inform, never refuse */
    bool missing_deny;       /* missing=deny: no current result refuses like a failure */
    bool debug;
};

static void pf_parse_args(pam_handle_t *h, int argc, const char **argv, struct pf_opts *o)
{
    *o = (struct pf_opts){ .status = STATUSFILE_DEFAULT_PATH };

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "debug") == 0)
            o->debug = true;
        else if (strncmp(a, "admin_group=", 12) == 0) {
            o->admin_group = a[12] ? a + 12 : NULL;
            o->admin_group_given = true;
        }
        else if (strncmp(a, "status=", 7) == 0 && a[7] == '/')
            o->status = a + 7;
        else if (strcmp(a, "mode=deny") == 0 || strcmp(a, "mode=warn") == 0)
            o->warn = strcmp(a + 5, "warn") == 0;
        else if (strcmp(a, "missing=allow") == 0 || strcmp(a, "missing=deny") == 0)
            o->missing_deny = strcmp(a + 8, "deny") == 0;
        else
            pam_syslog(h, LOG_ERR, "ignoring unknown or invalid option: %s", a);
    }
}

/* "munge.daemon (no answer from munged within 5s), statedir.space (...), and 3 more" */
static void pf_failure_list(const struct statusfile *sf, char *buf, size_t bufsz)
{
    size_t n = json_array_size(sf->failed), shown = 0, len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && shown < PF_LIST_ITEMS; i++) {
        const char *id = json_string_value(json_array_get(sf->failed, i));
        const char *msg = statusfile_message(sf, id);
        char sid[48], item[160];
        size_t ilen;

        sanitize_copy(sid, sizeof(sid), id);
        if (msg && *msg) {
            char smsg[96];
            sanitize_copy(smsg, sizeof(smsg), msg);
            snprintf(item, sizeof(item), "%s%s (%s)", shown ? ", " : "", sid, smsg);
        } else
            snprintf(item, sizeof(item), "%s%s", shown ? ", " : "", sid);
        ilen = strlen(item);
        if (len + ilen + sizeof(", and 99999 more") > bufsz)
            break;
        memcpy(buf + len, item, ilen + 1);
        len += ilen;
        shown++;
    }
    if (shown < n)
        snprintf(buf + len, bufsz - len, "%s%zu more", shown ? ", and " : "", n - shown);
}

/* A user or a group by name, through NSS: one lookup, whose buffer grows
 * (a big group's member list can be long). Not pam_modutil_getpwnam/getgrnam:
 * they keep every answer on the handle, under a new name found by a linear
 * search of the handle's data, until pam_end, so a process that reuses one
 * handle pays more and keeps more at every call (t0701's loop of 100000
 * pam_acct_mgmt calls under valgrind did not finish). 0, -ENOENT for no such
 * entry, another -errno when the lookup failed. */
typedef int (*pf_nss_fn)(const char *name, void *ent, char *buf, size_t sz, void **res);

static int pf_getpwnam(const char *name, void *ent, char *buf, size_t sz, void **res)
{
    return getpwnam_r(name, ent, buf, sz, (struct passwd **)res);
}

static int pf_getgrnam(const char *name, void *ent, char *buf, size_t sz, void **res)
{
    return getgrnam_r(name, ent, buf, sz, (struct group **)res);
}

static int pf_nss_lookup(pf_nss_fn get, int hint_name, const char *name, void *ent)
{
    long hint = sysconf(hint_name);
    size_t sz = hint > 0 ? (size_t)hint : 1024;

    for (;;) {
        void *res = NULL;
        _cleanup_free_ char *buf = malloc(sz);
        int e;

        if (!buf)
            return -ENOMEM;
        e = get(name, ent, buf, sz, &res);
        if (e == ERANGE && sz < PF_NSS_BUF_MAX) {
            sz *= 2;
            continue;
        }
        if (e != 0)
            return e > 0 ? -e : -EIO;
        return res ? 0 : -ENOENT; /* only the ids are used: buf may go */
    }
}

static int pf_lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
    struct passwd pw;
    int r = pf_nss_lookup(pf_getpwnam, _SC_GETPW_R_SIZE_MAX, user, &pw);

    if (r == 0) {
        *uid = pw.pw_uid;
        *gid = pw.pw_gid;
    }
    return r;
}

static int pf_lookup_group(const char *group, gid_t *gid)
{
    struct group gr;
    int r = pf_nss_lookup(pf_getgrnam, _SC_GETGR_R_SIZE_MAX, group, &gr);

    if (r == 0)
        *gid = gr.gr_gid;
    return r;
}

/* Membership as the login will see it: primary group plus NSS initgroups. */
static int pf_in_group(const char *user, gid_t primary, gid_t gid, bool *in)
{
    int n = 64;

    *in = primary == gid;
    while (!*in) {
        _cleanup_free_ gid_t *list = calloc((size_t)n, sizeof(*list));
        int m = n;

        if (!list)
            return -ENOMEM;
        if (getgrouplist(user, primary, list, &m) >= 0) {
            for (int i = 0; i < m && !*in; i++)
                *in = list[i] == gid;
            return 0;
        }
        if (m <= n) /* glibc reports the size needed; grow anyway if not */
            m = n * 2;
        if (m > PF_GROUPS_MAX)
            return -E2BIG;
        n = m;
    }
    return 0;
}

/* Is USER root or in the admin group? 0 with *priv set, -ENOENT for an unknown
 * user, another -errno when the lookup failed. */
static int pf_privileged(pam_handle_t *h, const struct pf_opts *o, const char *user, bool *priv)
{
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1, admin_gid = (gid_t)-1;
    int r;

    *priv = false;
    if ((r = pf_lookup_user(user, &uid, &gid)) < 0)
        return r;
    if (uid == 0) {
        *priv = true;
        return 0;
    }
    if (!o->admin_group_given) {
        /* the default: the distribution's administrators, wheel (RHEL, TOSS)
         * or sudo (Debian, Ubuntu), whichever exists */
        bool found = false;
        for (const char *const *g = PF_ADMIN_GROUPS; *g && !found; g++)
            found = pf_lookup_group(*g, &admin_gid) == 0;
        if (!found) {
            pam_syslog(h, LOG_ERR, "no admin_group= given and neither wheel nor sudo exists: "
                                   "only root is admitted as an administrator");
            return 0;
        }
    } else if (!o->admin_group) {
        return 0;
    } else if ((r = pf_lookup_group(o->admin_group, &admin_gid)) < 0) {
        pam_syslog(h, LOG_ERR, "admin_group=%s: %s: only root is admitted as an administrator",
                   o->admin_group, r == -ENOENT ? "no such group" : strerror(-r));
        return 0;
    }
    if ((r = pf_in_group(user, gid, admin_gid, priv)) < 0)
        pam_syslog(h, LOG_ERR, "cannot list the groups of %s: %s", user, strerror(-r));
    return 0;
}

static void pf_show_once(pam_handle_t *h, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void pf_show_once(pam_handle_t *h, int flags, const char *fmt, ...)
{
    const void *shown = NULL;
    va_list ap;

    if (flags & PAM_SILENT)
        return;
    if (pam_get_data(h, PF_DATA_SHOWN, &shown) == PAM_SUCCESS && shown)
        return;
    va_start(ap, fmt);
    pam_vinfo(h, fmt, ap);
    va_end(ap);
    pam_set_data(h, PF_DATA_SHOWN, (void *)PF_DATA_SHOWN, NULL);
}

static void pf_log_unusable(pam_handle_t *h, const struct pf_opts *o, int r, const char *why)
{
    if (r == STATUSFILE_MISSING || r == STATUSFILE_STALE) {
        if (o->debug)
            pam_syslog(h, LOG_DEBUG, "no current result: %s", why);
        return;
    }
    pam_syslog(h, LOG_ERR, "ignoring status file: %s; treating it as missing (missing=%s)", why,
               o->missing_deny ? "deny" : "allow");
}

static int pf_allow(enum pf_phase phase)
{
    /* auth never grants: it can only refuse, so `auth sufficient` cannot
     * become a way in without a password */
    return phase == PF_AUTH ? PAM_IGNORE : PAM_SUCCESS;
}

/* The node's name for the user: as the gate recorded it, else gethostname(). */
static void pf_host(const struct statusfile *sf, char *host, size_t hostsz)
{
    char name[HOST_NAME_MAX + 1] = "";
    const char *src = sf->host;

    if (!src)
        src = gethostname(name, sizeof(name) - 1) == 0 && name[0] ? name : "this node";
    sanitize_copy(host, hostsz, src);
}

static int pf_check(pam_handle_t *h, int flags, int argc, const char **argv, enum pf_phase phase)
{
    struct pf_opts o;
    _cleanup_(statusfile_free) struct statusfile sf = { 0 };
    /* sized so that every text stays under PAM_MAX_MSG_SIZE */
    char why[256], reason[344], host[68];
    const char *user = NULL, *headline, *refused;
    bool failed, refuse_users, priv = false;
    int r;

    pf_parse_args(h, argc, argv, &o);
    r = statusfile_read(o.status, NULL, &sf, why, sizeof(why));
    if (r < 0) {
        statusfile_free(&sf); /* a stale result counts as none */
        pf_log_unusable(h, &o, r, why);
        if (!o.missing_deny)
            return pf_allow(phase);
    } else if (sf.state == STATUSFILE_PASS || sf.state == STATUSFILE_OFF) {
        /* off: the gate does not guard flux on this boot (flux.preflight=off,
         * or the unit disabled): it has nothing to refuse for */
        if (o.debug)
            pam_syslog(h, LOG_DEBUG, "%s: verdict %s", o.status, sf.verdict);
        return pf_allow(phase);
    }
    /* a result of this boot that is not a pass: a failure, or a run that has
     * not finished (a gate killed or crashed leaves "running" behind) */
    failed = r == 0;

    /* The gate in warn mode let the broker start: users are told, not refused. */
    if (failed && sf.mode && strcmp(sf.mode, "warn") == 0) {
        refuse_users = false;
        headline = "Flux may not work correctly on this node";
    } else {
        refuse_users = !o.warn;
        headline = "Flux is not available on this node";
    }
    refused = refuse_users ? " Ordinary users are refused." : "";
    pf_host(&sf, host, sizeof(host));
    if (failed && sf.state == STATUSFILE_RUNNING) {
        char when[40];
        sanitize_copy(when, sizeof(when), sf.time ? sf.time : "?");
        snprintf(reason, sizeof(reason), "its preflight has not finished (started %s)", when);
    } else if (failed) {
        char list[320];
        pf_failure_list(&sf, list, sizeof(list));
        if (!list[0] && sf.summary) /* the gate could not run: its summary says why */
            sanitize_copy(list, sizeof(list), sf.summary);
        snprintf(reason, sizeof(reason), "its preflight failed%s%s", list[0] ? ": " : "", list);
    } else
        snprintf(reason, sizeof(reason), "there is no preflight result for this boot");

    if (pam_get_user(h, &user, NULL) != PAM_SUCCESS || !user || !*user) {
        user = "(none)";
        r = -ENOENT;
    } else
        r = pf_privileged(h, &o, user, &priv);
    if (r == -ENOENT && refuse_users && phase != PF_SESSION) {
        pam_syslog(h, LOG_NOTICE, "refusing unknown user %s: %s", user, reason);
        return PAM_USER_UNKNOWN;
    }
    if (r < 0 && r != -ENOENT) /* refused below like any ordinary user */
        pam_syslog(h, LOG_ERR, "cannot look up %s: %s", user, strerror(-r));

    if (priv) {
        if (failed)
            pf_show_once(h, flags, "%s: WARNING: %s: %s.%s", host, headline, reason, refused);
        else {
            char swhy[200];
            sanitize_copy(swhy, sizeof(swhy), why);
            pf_show_once(h, flags, "%s: WARNING: %s: %s (%s).%s", host, headline, reason, swhy,
                         refused);
        }
        if (refuse_users && phase != PF_SESSION)
            pam_syslog(h, LOG_NOTICE, "admitting %s as an administrator: %s", user, reason);
        return pf_allow(phase);
    }
    if (refuse_users && phase != PF_SESSION) {
        pam_syslog(h, LOG_NOTICE, "refusing %s: %s", user, reason);
        if (!(flags & PAM_SILENT))
            pam_error(h, "%s: %s: %s. Contact your administrators.", host, headline, reason);
        return PAM_PERM_DENIED;
    }
    pf_show_once(h, flags, "%s: %s: %s.", host, headline, reason);
    return pf_allow(phase);
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *h, int flags, int argc, const char **argv)
{
    return pf_check(h, flags, argc, argv, PF_AUTH);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *h, int flags, int argc, const char **argv)
{
    (void)h, (void)flags, (void)argc, (void)argv;
    return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *h, int flags, int argc, const char **argv)
{
    return pf_check(h, flags, argc, argv, PF_ACCOUNT);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
    /* session never refuses: it shows the warning at login */
    return pf_check(h, flags, argc, argv, PF_SESSION);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
    (void)h, (void)flags, (void)argc, (void)argv;
    return PAM_SUCCESS;
}
