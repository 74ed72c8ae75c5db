/* fuse-hang: a FUSE filesystem that never answers, standing in for a dead NFS server.
 *
 *   fuse-hang MOUNTPOINT          (runs in the foreground until killed or unmounted)
 *
 * Low-level libfuse3 API, single-threaded session loop. getattr of the root answers (so the
 * mount completes and `findmnt`/a stat of the mount point itself work); statfs, lookup of any
 * name and getattr of anything else are received and never replied to, so the caller sleeps
 * in request_wait_answer (state D) until the connection is aborted
 * (/sys/fs/fuse/connections/N/abort). Every other operation gets ENOSYS from libfuse.
 * Mounted with allow_other (usable by a check that drops to the flux user), fsname
 * "fp-fuse-hang", type "fuse.fphang".
 *
 * Build: gcc -o fuse-hang fuse-hang.c $(pkg-config --cflags --libs fuse3)
 */
#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long never_answered;

static void hang(fuse_req_t req, const char *what)
{
    (void)req; /* leaked on purpose: the kernel fails it when the connection is aborted */
    never_answered++;
    fprintf(stderr, "fuse-hang: %s #%lu not answered\n", what, never_answered);
}

static void hang_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    if (ino == FUSE_ROOT_ID) {
        struct stat st;
        memset(&st, 0, sizeof(st));
        st.st_ino = FUSE_ROOT_ID;
        st.st_mode = S_IFDIR | 0755;
        st.st_nlink = 2;
        st.st_mtime = st.st_ctime = st.st_atime = time(NULL);
        fuse_reply_attr(req, &st, 0.0);
        return;
    }
    hang(req, "getattr");
}

static void hang_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    (void)parent;
    (void)name;
    hang(req, "lookup");
}

static void hang_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    hang(req, "statfs");
}

static const struct fuse_lowlevel_ops ops = {
    .getattr = hang_getattr,
    .lookup = hang_lookup,
    .statfs = hang_statfs,
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]);
        return 2;
    }
    static char opt_o[] = "-o";
    static char opts[] = "allow_other,fsname=fp-fuse-hang,subtype=fphang";
    char *fargv[] = { argv[0], opt_o, opts, NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
    if (!se)
        return 1;
    if (fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, argv[1]) != 0) {
        fuse_session_destroy(se);
        return 1;
    }
    fprintf(stderr, "fuse-hang: mounted %s (pid %d)\n", argv[1], (int)getpid());
    int rc = fuse_session_loop(se);
    fuse_session_unmount(se);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return rc < 0 ? 1 : 0;
}
