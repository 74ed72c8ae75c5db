/* A FUSE filesystem that stands in for a network filesystem in tests: mounted
 * with -o subtype=glusterfs,fsname=gluster0:/vol, /proc/self/mountinfo shows
 * it as fuse.glusterfs. It has one directory, /state (owner 500:500, mode
 * 0700, like a healthy statedir), and answers statfs with plenty of room.
 * Usage: fuse-netfs -f -o subtype=glusterfs,fsname=gluster0:/vol MOUNTPOINT */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse.h>
#include <string.h>
static int fs_getattr(const char *p, struct stat *st, struct fuse_file_info *fi)
{
    (void)fi;
    memset(st, 0, sizeof(*st));
    if (strcmp(p, "/") == 0)
        st->st_mode = S_IFDIR | 0755;
    else if (strcmp(p, "/state") == 0)
        st->st_mode = S_IFDIR | 0700, st->st_uid = 500, st->st_gid = 500;
    else
        return -ENOENT;
    st->st_nlink = 2;
    return 0;
}
static int fs_statfs(const char *p, struct statvfs *sv)
{
    (void)p;
    memset(sv, 0, sizeof(*sv));
    sv->f_bsize = sv->f_frsize = 4096;
    sv->f_blocks = 1 << 20;
    sv->f_bfree = sv->f_bavail = 1 << 19;
    sv->f_files = 1 << 20;
    sv->f_ffree = sv->f_favail = 1 << 19;
    sv->f_namemax = 255;
    return 0;
}
static const struct fuse_operations ops = { .getattr = fs_getattr, .statfs = fs_statfs };
int main(int argc, char **argv) { return fuse_main(argc, argv, &ops, NULL); }
