/* Is munge working? (checklist: "Is Munge working?")
 * Flux signs jobs and authenticates users with munge: a broker on a node
 * whose munged is down or has another key starts, then every job fails. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <munge.h>

#include "checks/fsutil.h"
#include "common/cleanup.h"
#include "common/dlib.h"
#include "engine/check.h"
#include "engine/context.h"

static const char *socket_path(const struct fp_ctx *ctx)
{
    return fp_setting_str(ctx->set, "munge.socket");
}

static void describe_munge_daemon(const struct fp_ctx *ctx, struct fp_result *r)
{
    fp_fact_str(r, "socket", socket_path(ctx));
    fp_fact_str(r, "target", socket_path(ctx));
}

/* libmunge: only munge.daemon talks to munged (common/dlib.h). */
static typeof(munge_ctx_create) *sym_munge_ctx_create;
static typeof(munge_ctx_set) *sym_munge_ctx_set;
static typeof(munge_ctx_strerror) *sym_munge_ctx_strerror;
static typeof(munge_ctx_destroy) *sym_munge_ctx_destroy;
static typeof(munge_encode) *sym_munge_encode;
static typeof(munge_decode) *sym_munge_decode;
static struct dlib libmunge = DLIB_INIT("libmunge.so.2");
static const struct dlib_sym libmunge_syms[] = {
    DLIB_SYM(munge_ctx_create), DLIB_SYM(munge_ctx_set), DLIB_SYM(munge_ctx_strerror),
    DLIB_SYM(munge_ctx_destroy), DLIB_SYM(munge_encode), DLIB_SYM(munge_decode), { 0 },
};

/* One credential round trip: encode, decode, and the ids must come back. */
static void check_munge_daemon(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *sock = socket_path(ctx);
    static const char payload[] = "flux-preflight";
    munge_ctx_t mctx = NULL;
    char *cred = NULL, err[300];
    void *out = NULL;
    int outlen = 0;
    uid_t uid;
    gid_t gid;
    munge_err_t e;

    describe_munge_daemon(ctx, r);
    if (dlib_load(&libmunge, libmunge_syms, err, sizeof(err)) < 0) {
        fp_error(r, "%s (the munge library package: libmunge2, or munge-libs)", err);
        return;
    }
    if (!(mctx = sym_munge_ctx_create())) {
        fp_error(r, "cannot create a munge context");
        return;
    }
    if ((e = sym_munge_ctx_set(mctx, MUNGE_OPT_SOCKET, sock)) != EMUNGE_SUCCESS) {
        fp_error(r, "cannot use socket %s: %s", sock, sym_munge_ctx_strerror(mctx));
        goto out;
    }
    if ((e = sym_munge_encode(&cred, mctx, payload, sizeof(payload))) != EMUNGE_SUCCESS) {
        fp_fact_int(r, "munge_error", e);
        const json_t *sign = ctx->security ? json_object_get(ctx->security->merged, "sign")
                                           : NULL;
        const json_t *type = json_is_object(sign) ? json_object_get(sign, "default-type") : NULL;
        if (!json_is_string(type) || strcmp(json_string_value(type), "munge") == 0)
            fp_fail(r, "cannot get a credential from munged on %s: %s: the broker starts "
                       "without it, but jobs are signed with munge ([sign] default-type), so a "
                       "user's flux run or flux submit would fail with \"sign-munge-sign: %s\"",
                    sock, sym_munge_ctx_strerror(mctx), sym_munge_ctx_strerror(mctx));
        else
            fp_fail(r, "cannot get a credential from munged on %s: %s", sock,
                    sym_munge_ctx_strerror(mctx));
        /* munged not up yet at boot is worth waiting for */
        if (e == EMUNGE_SOCKET)
            fp_retry(r, "munged on %s", sock);
        goto out;
    }
    if ((e = sym_munge_decode(cred, mctx, &out, &outlen, &uid, &gid)) != EMUNGE_SUCCESS) {
        fp_fact_int(r, "munge_error", e);
        fp_fail(r, "munged on %s cannot decode its own credential: %s", sock,
                sym_munge_ctx_strerror(mctx));
        if (e == EMUNGE_SOCKET)
            fp_retry(r, "munged on %s", sock);
        goto out;
    }
    if (uid != getuid() || gid != getgid() || outlen != (int)sizeof(payload) ||
        memcmp(out, payload, sizeof(payload)) != 0) {
        fp_fail(r, "munged on %s returned uid %u gid %u, expected %u %u", sock, (unsigned)uid,
                (unsigned)gid, (unsigned)getuid(), (unsigned)getgid());
        goto out;
    }
    fp_pass(r, "credential round trip through %s", sock);
out:
    free(cred);
    free(out);
    sym_munge_ctx_destroy(mctx);
}


/* munged's own limits (munge 0.5.15, src/munged/conf.c and mungekey(8)):
 * it refuses a key file shorter than 32 bytes ("Keyfile must be at least 32
 * bytes"); mungekey creates 1024 bits (128 bytes) by default, 256 to 8192
 * bits with -b. */
#define MUNGE_KEY_MIN_BYTES 32
#define MUNGE_USER "munge"

#define MUNGE_KEY_NEW "mungekey -c -k %s; chown munge:munge %s; chmod 0400 %s"

/* munged refuses a key whose directories an untrusted user could change:
 * every directory above it must be owned by root or munge and not writable
 * by group or other unless sticky ("Keyfile is insecure: group-writable
 * permissions without sticky bit set on DIR", "invalid ownership of DIR").
 * The image's own top directory is not part of the image: skipped. */
static void check_key_dirs(const struct fp_ctx *ctx, struct fp_result *r, const char *key,
                           uid_t munge_uid)
{
    char prefix[PATH_MAX], shown[PATH_MAX], owner[64];
    size_t len = strlen(key);
    struct stat st;

    if (len >= sizeof(prefix))
        return;
    for (size_t i = ctx->live ? 0 : 1; i < len; i++) {
        if (key[i] != '/' || (i > 0 && key[i - 1] == '/'))
            continue;
        memcpy(prefix, key, i ? i : 1);
        prefix[i ? i : 1] = '\0';
        _cleanup_close_ int fd = fsu_open_path(ctx, prefix, true);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
            continue; /* the key lookup itself reports what is missing */
        if (!fp_path(ctx, prefix, shown, sizeof(shown)))
            snprintf(shown, sizeof(shown), "%s", prefix);
        if (st.st_uid != 0 && st.st_uid != munge_uid)
            fp_fail(r, "directory %s is owned by %s, not root or munge: munged refuses the key "
                       "below it (\"Keyfile is insecure: invalid ownership\"): chown root %s",
                    shown, fp_user_name(ctx, st.st_uid, owner, sizeof(owner)), shown);
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
            fp_fail(r, "directory %s is writable by %s (mode %04o): munged refuses the key "
                       "below it (\"Keyfile is insecure\"), since anyone who can write there "
                       "can replace the key: chmod go-w %s",
                    shown, (st.st_mode & S_IWOTH) ? "other" : "group",
                    (unsigned)(st.st_mode & 07777), shown);
    }
}

static void describe_munge_key(const struct fp_ctx *ctx, struct fp_result *r)
{
    char path[PATH_MAX];

    if (fp_path(ctx, fp_setting_str(ctx->set, "munge.key"), path, sizeof(path))) {
        fp_fact_str(r, "path", path);
        fp_fact_str(r, "target", path);
    }
}

/* The key file, looked at with fstat only: never opened for reading, never
 * printed. */
static void check_munge_key(const struct fp_ctx *ctx, struct fp_result *r)
{
    const char *key = fp_setting_str(ctx->set, "munge.key");
    char owner[64];
    struct fsu_node n;
    uid_t munge_uid;
    gid_t munge_gid;
    int rc;

    rc = fsu_lookup(ctx, key, &n);
    fp_fact_str(r, "path", n.path);
    if (fp_lookup_user(ctx, MUNGE_USER, &munge_uid, &munge_gid) < 0) {
        fp_fail(r, "user munge does not exist%s: munged runs as munge and the key must be "
                   "owned by it: install munge (apt-get install munge, or dnf install munge; "
                   "the package creates the user)", ctx->live ? "" : " in the image's /etc/passwd");
        return;
    }
    if (rc == -ENOENT || rc == -ENOTDIR) {
        fp_fail(r, "%s does not exist: munged does not start without its key, and without "
                   "munge the broker can neither authenticate users nor sign jobs: copy the "
                   "cluster's key from another node (the same key on every node; owner munge, "
                   "mode 0400), or for a new cluster create one: " MUNGE_KEY_NEW,
                n.path, n.path, n.path, n.path);
        return;
    }
    if (rc < 0) {
        fp_error(r, "%s: %s", n.path, strerror(-rc));
        return;
    }
    if (n.is_link) {
        fp_fact_str(r, "link", n.link);
        fp_fail(r, "%s is a symbolic link to %s: munged refuses it (\"Keyfile is insecure: "
                   "should not be a symbolic link\"): replace the link with the file: "
                   "cp --remove-destination \"$(readlink -f %s)\" %s; chown munge:munge %s; "
                   "chmod 0400 %s", n.path, n.link, n.path, n.path, n.path, n.path);
        return;
    }
    if (!S_ISREG(n.st.st_mode)) {
        fp_fail(r, "%s is a %s, not a regular file: munged refuses it (\"Keyfile is insecure: "
                   "must be a regular file\"): remove it and install the cluster's key there",
                n.path, fsu_type_name(n.st.st_mode));
        return;
    }
    fp_fact_str(r, "owner", fp_user_name(ctx, n.st.st_uid, owner, sizeof(owner)));
    fp_fact_strf(r, "mode", "%04o", (unsigned)(n.st.st_mode & 07777));
    fp_fact_int(r, "size_bytes", (long long)n.st.st_size);

    if (n.st.st_uid != munge_uid)
        fp_fail(r, "%s is owned by %s, not munge: munged runs as munge and refuses it "
                   "(\"Keyfile is insecure: should be owned by UID %u\"): chown munge:munge %s",
                n.path, owner, (unsigned)munge_uid, n.path);
    if (n.st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))
        fp_fail(r, "%s is %s by %s (mode %04o): munged refuses it (\"Keyfile is insecure\"), "
                   "and whoever can read it can forge credentials for any user, root "
                   "included: chmod 0400 %s",
                n.path,
                (n.st.st_mode & (S_IRGRP | S_IROTH)) ? "readable" : "writable",
                (n.st.st_mode & (S_IRGRP | S_IWGRP)) && (n.st.st_mode & (S_IROTH | S_IWOTH))
                    ? "group and other"
                    : (n.st.st_mode & (S_IRGRP | S_IWGRP)) ? "group" : "other",
                (unsigned)(n.st.st_mode & 07777), n.path);
    else if (!(n.st.st_mode & S_IRUSR))
        fp_fail(r, "%s is not readable by its owner (mode %04o): munged cannot read its key "
                   "and does not start: chmod 0400 %s",
                n.path, (unsigned)(n.st.st_mode & 07777), n.path);
    if (n.st.st_size < MUNGE_KEY_MIN_BYTES)
        fp_fail(r, "%s is %lld bytes, shorter than the %d munged requires (\"Keyfile must be at "
                   "least %d bytes\"): create a new key and install it on every node, then "
                   "restart munged everywhere: mungekey -c -f -k %s (1024 bits by default)",
                n.path, (long long)n.st.st_size, MUNGE_KEY_MIN_BYTES, MUNGE_KEY_MIN_BYTES, n.path);
    check_key_dirs(ctx, r, key, munge_uid);
    if (fp_nothing_found(r))
        fp_pass(r, "%s owned by munge, mode %04o, %lld bytes", n.path,
                (unsigned)(n.st.st_mode & 07777), (long long)n.st.st_size);
}

const struct fp_check fp_checks_munge[] = {
    {
        .id = "munge.daemon",
        .message_id = "7ba79d9157ec47acb6b537f153581642",
        .summary = "munged answers a credential round trip on its socket, ids intact",
        .subject = "munged does not answer on @FLUX_PREFLIGHT_SOCKET@",
        .documentation = "man:munged(8)",
        .journal =
            "The pre-flight check munge.daemon could not get a munge credential encoded\n"
            "and decoded through @FLUX_PREFLIGHT_SOCKET@: @MESSAGE@",
        .details =
            "A credential is encoded and decoded through munged's socket ([munge] socket)\n"
            "within the check's timeout, and the uid and gid come back intact. A stopped\n"
            "(or SIGSTOPped) munged cannot stall the run: the attempt is abandoned at its\n"
            "timeout. A missing socket at boot is waited for until the deadline. Facts:\n"
            "socket, munge_error.",
        .explain =
            "Flux authenticates users and signs jobs with munge. A broker started on a\n"
            "node whose munged is down, stuck, or uses another key comes up, but job\n"
            "submission and execution fail in confusing ways.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    systemctl status munge\n"
            "    systemctl restart munge\n"
            "    munge -n | unmunge\n"
            "\n"
            "All nodes must share the same key (/etc/munge/munge.key, owned by munge,\n"
            "mode 0400) and have synchronized clocks.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_SOLO | FP_CHECK_WAITABLE | FP_CHECK_LIVE,
        .timeout = 5.0,
        .settings = FP_SETTINGS(
            { "munge.socket", FP_SET_PATH, "/run/munge/munge.socket.2", "munged's socket" }),
        .run = check_munge_daemon,
        .describe = describe_munge_daemon,
    },
    {
        .id = "munge.key",
        .message_id = "ae762bf72fcf449ab5c9068cd2b91dbb",
        .summary = "munge key file exists, regular, owned by munge, private (0400/0600), at "
                   "least 32 bytes, in directories only root or munge can change",
        .subject = "The munge key is missing or insecure (@FLUX_PREFLIGHT_PATH@)",
        .documentation = "man:munged(8) man:mungekey(8)",
        .journal =
            "The pre-flight check munge.key looked at munged's key file: @MESSAGE@",
        .details =
            "The key file (setting [munge] key, default /etc/munge/munge.key) is a regular\n"
            "file (not a symbolic link), owned by the munge user, neither readable nor\n"
            "writable by group or other, readable by its owner, and at least 32 bytes long;\n"
            "every directory above it is owned by root or munge and not writable by group\n"
            "or other unless sticky. These are munged(8)'s own conditions (\"Keyfile is\n"
            "insecure\", \"Keyfile must be at least 32 bytes\"). The key is never read nor\n"
            "printed: only fstat(2) is used. Facts: path, link, owner, mode, size_bytes.\n"
            "Fix: 'chown munge:munge /etc/munge/munge.key; chmod 0400\n"
            "/etc/munge/munge.key'; a new key for the cluster: 'mungekey -c -f -k\n"
            "/etc/munge/munge.key', copied to every node.",
        .explain =
            "munged signs every credential with this key; without a key it accepts,\n"
            "munged does not start, and Flux can neither authenticate users nor sign\n"
            "jobs. munged refuses a key that is a symbolic link, not a regular file, not\n"
            "owned by the user it runs as (munge), readable or writable by group or\n"
            "other, shorter than 32 bytes, or below a directory not owned by root or\n"
            "munge or writable by group or other (without the sticky bit). Anyone who can\n"
            "read the key can forge credentials for any user, root included. The key\n"
            "must be the same on every node. The check only looks at the file's\n"
            "metadata: it never reads or prints the key.\n"
            "\n"
            "Check and fix:\n"
            "\n"
            "    ls -l /etc/munge/munge.key; ls -ld /etc/munge\n"
            "    chown munge:munge /etc/munge/munge.key\n"
            "    chmod 0400 /etc/munge/munge.key\n"
            "    chmod go-w /etc/munge\n"
            "\n"
            "A new key for the whole cluster: mungekey -c -f -k /etc/munge/munge.key\n"
            "(1024 bits by default), copied to every node, then systemctl restart munge\n"
            "on each.",
        .severity = FP_SEV_FAIL,
        .flags = FP_CHECK_FS,
        .timeout = 5.0,
        .settings = FP_SETTINGS(
            { "munge.key", FP_SET_PATH, "/etc/munge/munge.key", "munged's key file" }),
        .run = check_munge_key,
        .describe = describe_munge_key,
    },
    { 0 },
};
