/* Is the Flux network certificate in place? (checklist: "Is the Flux
 * network certificate synced? ... should only be readable by the flux
 * user").  The overlay module of every broker loads bootstrap.curve_cert
 * (FLUX-FACTS §7): a missing, unreadable, group/other-readable or malformed
 * certificate makes the overlay module fail and the broker exit 42 before it
 * is ready: flux.service (Type=notify) fails with Result=protocol and is not
 * restarted (§12.e, §13).  The broker checks only that group and other
 * cannot read it (and that it can): the flux keygen file, 0600 and owned by
 * flux, is accepted (§13). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks/fluxunit.h"
#include "checks/fsutil.h"
#include "common/bootstrap.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/zcert.h"
#include "engine/check.h"
#include "engine/context.h"

/* A flux keygen certificate is under 1 KiB; never read more than this. */
#define CERT_READ_MAX (64 * 1024)

#define KEYGEN_FIX "on the leader: sudo -u flux flux keygen /tmp/curve.cert; " \
                   "install -o flux -m 0400 /tmp/curve.cert %s; then copy the same file to " \
                   "every node"

/* The certificate the broker will load, as configured (a relative path
 * resolves against /, the broker's working directory under systemd).
 * false, with the reason reported, when there is nothing to check. */
static bool cert_configured(const struct fp_ctx *ctx, struct fp_result *r, char *path,
                            size_t pathsz, bool present_check)
{
    const char *cert;

    if (!ctx->boot) {
        if (strstr(ctx->bootstrap_err, "curve_cert must be defined")) {
            if (present_check)
                fp_fail(r,
                        "bootstrap.curve_cert is not set in a multi-node instance: every "
                        "broker fails with \"Config file error [bootstrap]: curve_cert must "
                        "be defined for size > 1\"; " FLUXUNIT_EXIT1 "; add curve_cert = "
                        "\"/etc/flux/system/curve.cert\" to [bootstrap] and create it, " KEYGEN_FIX,
                        "/etc/flux/system/curve.cert");
            else
                fp_skip(r, "bootstrap.curve_cert is not set (see cert.present)");
        } else if (!ctx->system) {
            fp_skip(r, "[bootstrap] is not usable: %s (see config.parse)", ctx->bootstrap_err);
        } else {
            /* the reason may already name the check to see: say it once */
            fp_skip(r, "[bootstrap] is not usable: %s%s", ctx->bootstrap_err,
                    strstr(ctx->bootstrap_err, "(see ") ? "" : " (see config.bootstrap)");
        }
        return false;
    }
    cert = bootstrap_curve_cert(ctx->boot);
    fp_fact_int(r, "instance_size", ctx->size);
    if (!cert) {
        if (ctx->size > 1)
            fp_fail(r,
                    "bootstrap.curve_cert is not set but the instance has %d brokers: the "
                    "broker fails with \"Config file error [bootstrap]: curve_cert must be "
                    "defined for size > 1\"; " FLUXUNIT_EXIT1,
                    ctx->size);
        else
            fp_skip(r, "singleton: no cert needed (bootstrap.curve_cert not set, size 1)");
        return false;
    }
    fp_fact_str(r, "configured", cert);
    snprintf(path, pathsz, "%s%s", cert[0] == '/' ? "" : "/", cert);
    return true;
}

static void check_cert_present(const struct fp_ctx *ctx, struct fp_result *r)
{
    char cert[PATH_MAX];
    struct fsu_node n;
    int rc;

    if (!cert_configured(ctx, r, cert, sizeof(cert), true))
        return;
    rc = fsu_lookup(ctx, cert, &n);
    fp_fact_str(r, "path", n.path);
    if (rc == -ENOENT || rc == -ENOTDIR) {
        fp_fail(r,
                "%s does not exist: the broker fails with \"Error loading certificate: %s: "
                "%s\"; " FLUXUNIT_OVERLAY_EXIT42 "; " KEYGEN_FIX,
                n.path, bootstrap_curve_cert(ctx->boot), strerror(-rc), n.path);
        return;
    }
    if (rc < 0) {
        fp_error(r, "%s: %s", n.path, strerror(-rc));
        return;
    }
    fp_fact_str(r, "type", fsu_type_name(n.st.st_mode));
    if (n.is_link) {
        fp_fact_str(r, "link_target", n.link);
        if (n.target_err) {
            fp_fail(r,
                    "%s is a dangling symbolic link to %s (%s): the broker fails with "
                    "\"Error loading certificate: %s: %s\"; " FLUXUNIT_OVERLAY_EXIT42
                    "; replace it with the certificate file: rm %s; " KEYGEN_FIX,
                    n.path, n.link, strerror(n.target_err), bootstrap_curve_cert(ctx->boot),
                    strerror(n.target_err), n.path, n.path);
            return;
        }
        if (!S_ISREG(n.target_st.st_mode)) {
            fp_fail(r, "%s is a symbolic link to %s, a %s, not a regular file: the broker "
                       "cannot load it; replace it with the certificate file", n.path, n.link,
                    fsu_type_name(n.target_st.st_mode));
            return;
        }
        fp_fact_int(r, "bytes", n.target_st.st_size);
        fp_pass(r, "%s is a symbolic link to %s, a regular file (%lld bytes): the broker "
                   "follows it", n.path, n.link, (long long)n.target_st.st_size);
        return;
    }
    if (S_ISFIFO(n.st.st_mode))
        fp_fail(r, "%s is a FIFO, not a regular file: the broker's read would block and the "
                   "overlay never comes up; rm %s; " KEYGEN_FIX, n.path, n.path, n.path);
    else if (!S_ISREG(n.st.st_mode))
        fp_fail(r, "%s is a %s, not a regular file: the broker cannot load a certificate from "
                   "it; move it aside and install the certificate: " KEYGEN_FIX, n.path,
                fsu_type_name(n.st.st_mode), n.path);
    else {
        fp_fact_int(r, "bytes", n.st.st_size);
        fp_pass(r, "%s is a regular file (%lld bytes)", n.path, (long long)n.st.st_size);
    }
}

/* What the broker opens: the file itself, or what a symlink leads to. */
static bool cert_file(const struct fp_ctx *ctx, struct fp_result *r, char *cert, size_t certsz,
                      struct fsu_node *n, const struct stat **st)
{
    if (!cert_configured(ctx, r, cert, certsz, false))
        return false;
    fsu_lookup(ctx, cert, n);
    fp_fact_str(r, "path", n->path);
    *st = fsu_final(n);
    if (!*st || !S_ISREG((*st)->st_mode)) {
        fp_skip(r, "%s is not a usable regular file (see cert.present)", n->path);
        return false;
    }
    return true;
}

/* flux must search the directories above the certificate, and above what
 * a symlink leads to. */
static int reach_cert(const struct fp_ctx *ctx, const struct fsu_user *u, const char *cert,
                      const struct fsu_node *n, char *blocker, size_t blockersz)
{
    char target[PATH_MAX * 2];
    int rc = fsu_user_reach(ctx, u, cert, blocker, blockersz);

    if (rc < 0 || !n->is_link)
        return rc;
    if (n->link[0] == '/')
        snprintf(target, sizeof(target), "%s", n->link);
    else
        snprintf(target, sizeof(target), "%.*s/%s", (int)(strrchr(cert, '/') - cert), cert,
                 n->link);
    return fsu_user_reach(ctx, u, target, blocker, blockersz);
}

static void check_cert_perms(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *name = fp_setting_str(ctx->set, "flux-user");
    char cert[PATH_MAX], owner[64], blocker[PATH_MAX];
    const struct stat *st;
    struct fsu_node n;
    struct fsu_user u;
    mode_t mode;
    int rc;

    if (!cert_file(ctx, r, cert, sizeof(cert), &n, &st))
        return;
    if (fsu_user_load(ctx, name, &u) < 0) {
        fp_skip(r, "the flux user '%s' does not resolve (see user.flux): cannot judge access",
                name);
        return;
    }
    mode = st->st_mode & 07777;
    fp_fact_str(r, "owner", fp_user_name(ctx, st->st_uid, owner, sizeof(owner)));
    fp_fact_strf(r, "mode", "%04o", (unsigned)mode);

    if (mode & (S_IRGRP | S_IROTH))
        fp_fail(r, "%s is readable by group/other (mode %04o): the broker refuses it "
                   "(\"Error loading certificate: %s: readable by group/other\"); "
                   FLUXUNIT_OVERLAY_EXIT42 "; and anyone who can read it can join the overlay "
                   "as a broker: chown %s %s; chmod 0400 %s",
                n.path, (unsigned)mode, cert, u.name, n.path, n.path);
    if (!fsu_user_may(&u, st, R_OK))
        fp_fail(r, "%s cannot read %s (owner %s, mode %04o): the broker runs as %s and fails "
                   "with \"Error loading certificate: %s: Permission denied\"; "
                   FLUXUNIT_OVERLAY_EXIT42 ": chown %s %s; chmod 0400 %s", u.name, n.path, owner,
                (unsigned)mode, u.name, cert, u.name, n.path, n.path);
    rc = reach_cert(ctx, &u, cert, &n, blocker, sizeof(blocker));
    if (rc == -EACCES)
        fp_fail(r, "%s cannot reach %s: no search permission on %s: the broker fails with "
                   "\"Error loading certificate: %s: Permission denied\"; "
                   FLUXUNIT_OVERLAY_EXIT42 ": chmod a+x %s", u.name, n.path, blocker, cert,
                blocker);
    else if (rc < 0)
        fp_error(r, "cannot look at the directories above %s: %s", n.path, strerror(-rc));
    if (r->status >= FP_FAIL)
        return;
    /* readable by flux and by nobody else: what the broker wants, whether
     * 0400 (the admin guide) or 0600 (flux keygen) */
    if (mode & (S_IWGRP | S_IWOTH))
        fp_warn(r, "%s is mode %04o: group/other can write it (the broker does not mind, but "
                   "whoever can write it can replace this node's key): chmod 0400 %s", n.path,
                (unsigned)mode, n.path);
    else
        fp_pass(r, "%s owned by %s, mode %04o: readable by %s alone", n.path, owner,
                (unsigned)mode, u.name);
}

static void check_cert_format(const struct fp_ctx *ctx, struct fp_result *r)
{
    char cert[PATH_MAX], shown[PATH_MAX], err[512];
    /* it holds the secret key: wiped when released */
    _cleanup_(fio_file_free) struct fio_file f = { 0 };
    struct zcert_info info;
    int line = 0, rc;

    if (!cert_configured(ctx, r, cert, sizeof(cert), false))
        return;
    if (!fp_path(ctx, cert, shown, sizeof(shown)))
        snprintf(shown, sizeof(shown), "%s", cert);
    fp_fact_str(r, "path", shown);
    rc = fio_read(ctx->root, cert, CERT_READ_MAX, FIO_SECRET, &f, NULL, 0);
    if (rc == -EINVAL) {
        fp_skip(r, "%s is a %s, not a regular file (see cert.present)", shown,
                fsu_type_name(f.st.st_mode));
        return;
    }
    if (rc == -ENOENT || rc == -ENOTDIR || rc == -ELOOP) {
        fp_skip(r, "%s: %s (see cert.present)", shown, strerror(-rc));
        return;
    }
    if (rc == -EFBIG) {
        fp_fact_int(r, "bytes", (long long)f.st.st_size);
        fp_fail(r, "%s is larger than %d KiB: not a flux keygen certificate (those are under "
                   "1 KiB): " KEYGEN_FIX, shown, CERT_READ_MAX / 1024, shown);
        return;
    }
    if (rc < 0) {
        fp_error(r, "cannot read %s: %s", shown, strerror(-rc));
        return;
    }
    const char *buf = f.data;
    size_t len = f.len;
    fp_fact_int(r, "bytes", (long long)len);
    rc = zcert_parse(buf, len, &info, &line, err, sizeof(err));
    if (rc < 0) {
        if (line > 0)
            fp_fact_int(r, "line", line);
        fp_fail(r,
                "%s: %s: the broker fails with \"Error loading certificate: %s: "
                "%s\"; " FLUXUNIT_OVERLAY_EXIT42 "; regenerate it " KEYGEN_FIX,
                shown, err, bootstrap_curve_cert(ctx->boot),
                rc == -EEXIST ? "File exists" : "Invalid argument", shown);
        return;
    }
    fp_fact_str(r, "public_key", info.public_z85);
    if (info.has_name)
        fp_fact_str(r, "name", info.name);
    if (!info.pair_checked)
        fp_warn(r, "%s: could not verify that public-key derives from secret-key (%s): the "
                   "broker refuses a mismatched pair", shown, info.pair_error);
    else if (!info.pair_ok)
        fp_fail(r,
                "%s: public-key is not the public key of secret-key: the broker (libzmq >= "
                "4.2.1) fails with \"Error loading certificate: %s: Invalid "
                "argument\"; " FLUXUNIT_OVERLAY_EXIT42 "; regenerate it " KEYGEN_FIX,
                shown, bootstrap_curve_cert(ctx->boot), shown);
    if (fp_nothing_found(r))
        fp_pass(r, "%s: a valid CURVE certificate%s%s%s, public key %s", shown,
                info.has_name ? " (name \"" : "", info.has_name ? info.name : "",
                info.has_name ? "\")" : "", info.public_z85);
    explicit_bzero(&info, sizeof(info));
}

const struct fp_check fp_checks_cert[] = {
    {
        .id = "cert.present",
        .message_id = "4389b7ef4fc4433ba662b7b5e6276541",
        .summary = "bootstrap.curve_cert is set when size > 1 and is a regular file",
        .subject = "Flux network certificate missing or not a regular file",
        .documentation = "man:flux-keygen(1)",
        .journal =
            "The pre-flight check cert.present looked for the CURVE certificate named by\n"
            "bootstrap.curve_cert: @MESSAGE@",
        .details =
            "bootstrap.curve_cert is set when the instance has more than one broker (a\n"
            "singleton skips: \"no cert needed\"), and names a regular file (a relative path\n"
            "resolves against /, the broker's working directory). A missing file, a\n"
            "dangling symbolic link, a directory, a device or a FIFO fails, reported as\n"
            "what it is; none of them is opened. A symbolic link to a regular file passes\n"
            "(the broker follows it). Facts: path, configured, type, link_target, bytes,\n"
            "instance_size. Fix (on the leader, then copy the file to every node): 'sudo\n"
            "-u flux flux keygen /tmp/curve.cert; install -o flux -m 0400 /tmp/curve.cert\n"
            "/etc/flux/system/curve.cert'.",
        .explain =
            "Every broker of a multi-node instance loads this certificate to join the\n"
            "overlay network. Without curve_cert the broker refuses a configuration with\n"
            "more than one host; a missing file, a dangling link, a directory or a device\n"
            "stops it (\"Error loading certificate: PATH: ...\"); a FIFO would block it.\n"
            "The broker then exits 42 before it is ready: flux.service (Type=notify)\n"
            "fails with Result=protocol, and is not restarted (RestartPreventExitStatus=42).\n"
            "\n"
            "Check and fix (generate once, on the leader, then copy the same file to\n"
            "every node):\n"
            "\n"
            "    sudo -u flux flux keygen /tmp/curve.cert\n"
            "    install -o flux -m 0400 /tmp/curve.cert /etc/flux/system/curve.cert\n"
            "    pdsh -a md5sum /etc/flux/system/curve.cert | dshbak -c",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_cert_present,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
    },
    {
        .id = "cert.perms",
        .message_id = "4380ea53828e49fc94ad7bd443b82b9d",
        .summary = "the certificate is readable by flux and by nobody else (owner flux, 0400 or "
                   "0600)",
        .subject = "Flux network certificate has the wrong owner or mode",
        .journal =
            "The pre-flight check cert.perms found a problem with who may read the CURVE\n"
            "certificate: @MESSAGE@",
        .details =
            "The certificate (what a symbolic link leads to) is readable by the flux user,\n"
            "judged from its owner, mode and flux's groups, and flux can search the\n"
            "directories above it; else it fails (the broker runs as flux). Readable by\n"
            "group or other fails (the broker refuses it: \"Error loading certificate: PATH:\n"
            "readable by group/other\"; it exits 42 before it is ready, and flux.service\n"
            "fails with Result=protocol). Owner flux with no group or other access passes:\n"
            "0400 as the admin guide asks, and 0600 as flux-keygen(1) makes it. Group or\n"
            "other write access (which the broker ignores) warns. Facts: owner, mode.\n"
            "Fix: 'chown flux /etc/flux/system/curve.cert; chmod 0400\n"
            "/etc/flux/system/curve.cert'.",
        .explain =
            "The broker runs as flux, so flux must be able to read the certificate (else\n"
            "\"Error loading certificate: PATH: Permission denied\"). The broker also\n"
            "refuses a certificate that group or other may read (\"readable by\n"
            "group/other\"): it holds the secret key that admits a broker to the\n"
            "instance. Either way the broker exits 42 before it is ready, and\n"
            "flux.service fails with Result=protocol. Owner flux with no access for group\n"
            "or other passes: 0400 (-r--------) as the admin guide asks, or 0600 as flux\n"
            "keygen makes it. Group or other write access warns.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    stat -c '%U %A' /etc/flux/system/curve.cert\n"
            "    chown flux /etc/flux/system/curve.cert; chmod 0400 /etc/flux/system/curve.cert",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_cert_perms,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
    },
    {
        .id = "cert.format",
        .message_id = "450c20dd9f4746d1ad3e244d8f2d2a5a",
        .summary = "the certificate parses as the broker reads it: both keys 40 Z85 chars, a "
                   "matching pair",
        .subject = "Flux network certificate is malformed",
        .documentation = "man:flux-keygen(1)",
        .journal =
            "The pre-flight check cert.format could not accept the CURVE certificate as\n"
            "the broker reads it: @MESSAGE@",
        .details =
            "The certificate parses as the ZPL subset the broker accepts (the layout\n"
            "flux-keygen(1) writes): both keys exactly 40 Z85 characters and the public key\n"
            "derived from the secret key. A failure names the line and the broker's error\n"
            "(\"Invalid argument\", \"File exists\"). The file is opened only after fstat(2)\n"
            "says it is a regular file, and read up to 64 KiB; the secret key is never\n"
            "printed or stored. Facts: public_key, name, bytes, line. Fix: regenerate it\n"
            "as for cert.present.",
        .explain =
            "The broker accepts the ZPL layout flux keygen writes: sections \"metadata\"\n"
            "and \"curve\", indented key = \"value\" lines, public-key and secret-key each\n"
            "exactly 40 Z85 characters, the public key derived from the secret key.\n"
            "Anything else stops the broker with \"Error loading certificate: PATH:\n"
            "Invalid argument\" (\"File exists\" for a duplicate key), and it exits 42,\n"
            "which flux.service does not restart. The check never prints the secret key.\n"
            "\n"
            "Check and fix: regenerate the certificate on the leader and copy the same\n"
            "file to every node:\n"
            "\n"
            "    sudo -u flux flux keygen /tmp/curve.cert\n"
            "    install -o flux -m 0400 /tmp/curve.cert /etc/flux/system/curve.cert",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .run = check_cert_format,
        .requires = FP_REQUIRES("config.parse", "config.bootstrap"),
    },
    { 0 },
};
