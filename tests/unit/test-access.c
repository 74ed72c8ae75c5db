/* The permission model (src/checks/fsutil.c fsu_user_may): access as the
 * kernel orders it, owner bits if the user owns the file, else group bits if
 * one of its groups owns it, else the other bits; never a union of them; root
 * may read and write anything and execute what has some x bit. Expected
 * answers are written out per case. */
#include <sys/stat.h>
#include <unistd.h>

#include "checks/fsutil.h"
#include "tap.h"

static struct stat file(mode_t type, mode_t mode, uid_t uid, gid_t gid)
{
    struct stat st = { 0 };
    st.st_mode = type | mode;
    st.st_uid = uid;
    st.st_gid = gid;
    return st;
}

int main(void)
{
    struct fsu_user flux = { .name = "flux", .uid = 500, .gid = 500,
                             .groups = { 500, 20 }, .ngroups = 2 };
    struct fsu_user root = { .name = "root", .uid = 0, .gid = 0, .groups = { 0 }, .ngroups = 1 };
    static const struct {
        mode_t type, mode;
        uid_t uid;
        gid_t gid;
        int want;
        bool flux, root;
        const char *what;
    } cases[] = {
        { S_IFREG, 0400, 500, 500, R_OK, true, true, "owner r: flux reads its 0400 file" },
        { S_IFREG, 0400, 500, 500, W_OK, false, true, "owner r only: flux cannot write, root can" },
        { S_IFREG, 0044, 500, 500, R_OK, false, true,
          "owner bits decide for the owner: 0044 is unreadable by its owner, though group/other may" },
        { S_IFREG, 0604, 0, 500, R_OK, false, true,
          "group bits decide for a member: 0604 owned by flux's group is unreadable by flux" },
        { S_IFREG, 0640, 0, 20, R_OK, true, true, "a supplementary group counts: 0640 root:20" },
        { S_IFREG, 0640, 0, 21, R_OK, false, true, "another group: other bits (none)" },
        { S_IFREG, 0644, 0, 0, R_OK, true, true, "other r: 0644 root:root is readable" },
        { S_IFREG, 0644, 0, 0, W_OK, false, true, "other r only: not writable by flux" },
        { S_IFREG, 0646, 0, 0, W_OK, true, true, "other w: writable by anyone" },
        { S_IFREG, 0644, 0, 0, R_OK | W_OK, false, true, "both wanted, one missing: no" },
        { S_IFDIR, 0700, 0, 0, X_OK, false, true, "root's 0700 directory: flux cannot search it" },
        { S_IFDIR, 0711, 0, 0, X_OK, true, true, "0711 directory: searchable by other" },
        { S_IFDIR, 0000, 0, 0, X_OK, false, true, "root searches any directory" },
        { S_IFREG, 0644, 0, 0, X_OK, false, false, "no x bit at all: not even root executes it" },
        { S_IFREG, 0744, 500, 500, X_OK, true, true, "owner x: flux and root execute it" },
        { S_IFREG, 0007, 500, 500, R_OK, false, true, "other rwx does not help the owner" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct stat st = file(cases[i].type, cases[i].mode, cases[i].uid, cases[i].gid);
        ok(fsu_user_may(&flux, &st, cases[i].want) == cases[i].flux, "flux: %s", cases[i].what);
        ok(fsu_user_may(&root, &st, cases[i].want) == cases[i].root, "root: %s", cases[i].what);
    }
    ok(fsu_user_in_group(&flux, 20) && fsu_user_in_group(&flux, 500) && !fsu_user_in_group(&flux, 0),
       "fsu_user_in_group: primary and supplementary groups, nothing else");
    return done_testing();
}
