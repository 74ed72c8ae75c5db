#!/bin/sh
# statedir on the leader, as the broker will find it: present, owned by flux
# and private, on a writable persistent local filesystem, no dangling
# dump/RESTORE. Each fault is made for real in a fixture root (chown, chmod,
# symlinks, tmpfs, a read-only bind mount, a loop-mounted ext4, a FUSE
# "network" filesystem); the gate must change nothing it looks at.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/lib/tap.sh"
need_root
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/journald.sh"
. "$top_srcdir/tests/lib/rootgate.sh"
. "$top_srcdir/tests/lib/fuse.sh"

T=$(mktemp -d /tmp/fp-t0400.XXXXXX)
fp_atexit "rm -rf '$T'"
fixture_healthy "$T/root" node0 node1 || bail "fixture root"
R=$FIXTURE_ROOT
SD=$R/var/lib/flux
CHECKS=statedir.present,statedir.owner,statedir.space,statedir.fs,statedir.restore

mkdir -p "$R/etc/flux/preflight/conf.d"
chmod 0755 "$R/etc/flux/preflight" "$R/etc/flux/preflight/conf.d"
gate_config() { # [statedir [deadline]]
    {
        [ -z "${1:-}" ] || echo "statedir = \"$1\""
        [ -z "${2:-}" ] || echo "deadline = \"$2\""
        printf '[statedir-space]\nmin-free = "64K"\nmin-free-percent = 1\n'
        printf 'min-free-inodes = 10\nmin-free-inodes-percent = 1\n'
    } >"$R/etc/flux/preflight/conf.d/gate.toml"
}
gate_config

# Everything under the root, as (path type mode owner group size mtime
# link) plus the content hash of every regular file: compared around every run.
# gate [--journal OUT.json] [--hostname H] -> $T/out (JSON), $rc
gate() { root_gate "$@"; }
res() { jq -r --arg id "$1" ".results[] | select(.id == \$id) | $2" "$T/out"; }
result() { res "$1" .result; }
msg() { res "$1" .message; }

# --- a healthy leader: every statedir check passes
gate
is "$rc" 0 "healthy statedir: exit 0"
for c in ${CHECKS//,/ }; do
    is "$(result $c)" pass "healthy statedir: $c passes"
done
is "$(res statedir.owner .facts.owner)" flux "statedir.owner reports the owner"
is "$(res statedir.owner .facts.mode)" 0700 "statedir.owner reports the mode"
like "$(res statedir.fs .facts.fs_type)" '^[a-z0-9.]+$' "statedir.fs reports the filesystem type"
is "$(res statedir.fs .facts.read_only)" false "statedir.fs: read_only=false"
ok "--json output is valid against the schema" python3 "$top_srcdir/tests/lib/check-status-schema.py" "$T/out"

# --- a follower does not use statedir
gate --hostname node1
is "$rc" 0 "follower: exit 0"
for c in statedir.present statedir.owner statedir.fs statedir.restore; do
    is "$(result $c)" skip "follower: $c skipped"
done
like "$(msg statedir.present)" "rank 1 is a follower: statedir is used on rank 0 only" "follower: the reason is given"

# --- absent, and no flux.service to create it (warn, not fail)
rmdir "$SD"
gate --journal "$T/j-absent.json"
is "$rc" 0 "absent statedir: a warning, exit 0"
is "$(result statedir.present)" warn "absent statedir: statedir.present warns"
like "$(msg statedir.present)" "statedir $SD does not exist yet, and nothing creates it before the broker starts \\(flux.service is not installed\\)" "absent, no flux.service: says nothing creates it, and why"
like "$(msg statedir.present)" "DELETES it, with the KVS, at exit" "absent: says the broker would delete its own"
like "$(msg statedir.present)" "install -d -m 0700 -o flux -g flux $SD" "absent: gives the command"
is "$(result statedir.owner)" skip "absent: statedir.owner skipped"
is "$(result statedir.restore)" skip "absent: statedir.restore skipped"
is "$(result statedir.fs)" pass "absent: statedir.fs judges the parent's filesystem"
is "$(journal_get "$T/j-absent.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.present)" warn "journal: statedir.present RESULT=warn"
is "$(journal_get "$T/j-absent.json" PRIORITY FLUX_PREFLIGHT_CHECK=statedir.present)" 4 "journal: PRIORITY=4"
is "$(journal_get "$T/j-absent.json" FLUX_PREFLIGHT_SEVERITY FLUX_PREFLIGHT_CHECK=statedir.present)" fail "journal: SEVERITY=fail"
is "$(journal_get "$T/j-absent.json" FLUX_PREFLIGHT_EXISTS FLUX_PREFLIGHT_CHECK=statedir.present)" false "journal: EXISTS=false"
is "$(journal_get "$T/j-absent.json" FLUX_PREFLIGHT_PATH FLUX_PREFLIGHT_CHECK=statedir.present)" "$SD" "journal: PATH"
is "$(journal_get "$T/j-absent.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=statedir.present)" b259ba89a6a74ff693ed99b96d430338 "journal: statedir.present MESSAGE_ID"

# --- a symlink (inside the image: /srv/state resolves in the root)
mkdir -p "$R/srv/state"
chown 500:500 "$R/srv/state"
chmod 0700 "$R/srv/state"
ln -s /srv/state "$SD"
gate
is "$rc" 1 "statedir is a symlink: exit 1"
is "$(result statedir.present)" fail "symlink: statedir.present fails"
like "$(msg statedir.present)" "statedir $SD is a symbolic link to /srv/state \\(directory\\)" "symlink: reports what it points to"
is "$(res statedir.present .facts.link_target)" /srv/state "symlink: link_target fact"
rm "$SD"
ln -s /srv/nowhere "$SD"
gate
like "$(msg statedir.present)" "symbolic link to /srv/nowhere \\(No such file or directory\\)" "dangling symlink: says so"
rm "$SD"

# --- a regular file
echo junk >"$SD"
gate --journal "$T/j-file.json"
is "$rc" 1 "statedir is a regular file: exit 1"
is "$(result statedir.present)" fail "regular file: statedir.present fails"
like "$(msg statedir.present)" "statedir $SD: Not a directory \\(a regular file\\): the broker fails with \"statedir /var/lib/flux: Not a directory\"; the broker exits 1: flux.service fails and systemd starts it again every 30 s \\(Restart=always, RestartSec=30s\\)" "regular file: the broker's text (its own path) and what systemd does"
is "$(journal_get "$T/j-file.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.present)" fail "journal: RESULT=fail"
is "$(journal_get "$T/j-file.json" PRIORITY FLUX_PREFLIGHT_CHECK=statedir.present)" 3 "journal: PRIORITY=3"
is "$(journal_get "$T/j-file.json" FLUX_PREFLIGHT_TYPE FLUX_PREFLIGHT_CHECK=statedir.present)" "regular file" "journal: TYPE"
is "$(journal_get "$T/j-file.json" FLUX_PREFLIGHT_FAILED FLUX_PREFLIGHT_VERDICT=fail)" statedir.present "journal: summary names statedir.present"
rm "$SD"
mkfifo "$SD"
gate
like "$(msg statedir.present)" "Not a directory \\(a FIFO\\)" "a FIFO: reported as a FIFO"
rm "$SD"
mkdir "$SD"; chown 500:500 "$SD"; chmod 0700 "$SD"

# --- owner and mode
chown 1234:1234 "$SD"
gate --journal "$T/j-owner.json"
is "$rc" 1 "statedir owned by uid 1234: exit 1"
is "$(result statedir.owner)" fail "wrong owner: statedir.owner fails"
like "$(msg statedir.owner)" "statedir $SD is owned by 1234, not flux: the broker runs as flux and fails with \"statedir /var/lib/flux is not owned by instance owner: Operation not permitted\"; the broker exits 1: .*: chown flux:flux $SD" "wrong owner: broker text and fix"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_OWNER FLUX_PREFLIGHT_CHECK=statedir.owner)" 1234 "journal: OWNER"
is "$(journal_get "$T/j-owner.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.owner)" fail "journal: statedir.owner RESULT=fail"
is "$(journal_get "$T/j-owner.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=statedir.owner)" 79bbc0ea66bc4ce985a52e082c21d197 "journal: statedir.owner MESSAGE_ID"
chown 500:500 "$SD"

chmod 0500 "$SD"
gate
is "$rc" 1 "mode 0500: exit 1"
like "$(msg statedir.owner)" "statedir $SD is mode 0500, without owner rwx: the broker fails with \"statedir /var/lib/flux does not have owner=rwx permissions\"" "mode 0500: the broker's words"
chmod 0750 "$SD"
gate
is "$rc" 0 "mode 0750: exit 0 (a warning)"
is "$(result statedir.owner)" warn "mode 0750: statedir.owner warns"
like "$(msg statedir.owner)" "mode 0750: group/other have access to the KVS.*chmod 0700 $SD" "mode 0750: says why and the fix"
chmod 1700 "$SD"
gate
is "$rc" 1 "sticky statedir: exit 1"
is "$(result statedir.owner)" fail "sticky: statedir.owner fails"
like "$(msg statedir.owner)" "has the sticky bit \\(mode 1700\\): the broker would work in a throwaway flux-XXXXXX directory" "sticky: says what the broker would do"
chmod 0700 "$SD"
chmod 0700 "$R/var/lib"
gate
is "$(result statedir.owner)" fail "/var/lib not searchable by flux: statedir.owner fails"
like "$(msg statedir.owner)" "flux cannot reach statedir $SD: no search permission on $R/var/lib" "unreachable: names the directory"
chmod 0755 "$R/var/lib"

# --- filesystem: tmpfs (lost at reboot)
mount -t tmpfs -o size=4m,mode=0700,uid=500,gid=500 fp-t0400 "$SD"
fp_atexit "umount -l '$SD' 2>/dev/null"
gate --journal "$T/j-tmpfs.json"
is "$rc" 0 "tmpfs statedir: exit 0 (a warning)"
is "$(result statedir.fs)" warn "tmpfs: statedir.fs warns"
like "$(msg statedir.fs)" "is tmpfs at $SD: not kept across reboots" "tmpfs: says it is not kept"
is "$(res statedir.fs .facts.mount_point)" "$SD" "tmpfs: mount_point fact"
is "$(journal_get "$T/j-tmpfs.json" FLUX_PREFLIGHT_FS_TYPE FLUX_PREFLIGHT_CHECK=statedir.fs)" tmpfs "journal: FS_TYPE=tmpfs"
is "$(journal_get "$T/j-tmpfs.json" FLUX_PREFLIGHT_DEVICE FLUX_PREFLIGHT_CHECK=statedir.fs)" fp-t0400 "journal: DEVICE (the mount source)"
is "$(journal_get "$T/j-tmpfs.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.fs)" warn "journal: statedir.fs RESULT=warn"
umount "$SD"

# --- filesystem: read-only bind mount
mount --bind "$SD" "$SD"
mount -o remount,bind,ro "$SD"
gate --journal "$T/j-ro.json"
is "$rc" 1 "read-only statedir: exit 1"
is "$(result statedir.fs)" fail "read-only bind mount: statedir.fs fails"
like "$(msg statedir.fs)" "is on a read-only mount of a writable filesystem: the broker cannot write the KVS.*mount -o remount,bind,rw $SD" "read-only bind: says why and the fix (a bind remount)"
is "$(res statedir.fs .facts.fs_read_only)" false "read-only bind: the filesystem itself is writable (fs_read_only=false)"
is "$(res statedir.fs .facts.mount_read_only)" true "read-only bind: the mount is read-only (mount_read_only=true)"
is "$(res statedir.fs .facts.read_only)" true "read-only: read_only fact"
is "$(journal_get "$T/j-ro.json" FLUX_PREFLIGHT_READ_ONLY FLUX_PREFLIGHT_CHECK=statedir.fs)" true "journal: READ_ONLY=true"
is "$(journal_get "$T/j-ro.json" FLUX_PREFLIGHT_MOUNT_POINT FLUX_PREFLIGHT_CHECK=statedir.fs)" "$SD" "journal: MOUNT_POINT"
is "$(journal_get "$T/j-ro.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=statedir.fs)" 784cc087ac284d50826da15b68aa6124 "journal: statedir.fs MESSAGE_ID"
umount "$SD"

# --- filesystem: mounted read-only itself (its superblock)
mount -t tmpfs -o ro,size=1m fp-t0400-ro "$SD"
gate
is "$(result statedir.fs)" fail "a filesystem mounted ro: statedir.fs fails"
like "$(msg statedir.fs)" "is read-only \\(the filesystem is mounted ro\\): the broker cannot write the KVS .*mount -o remount,rw $SD" "mounted ro: says so, and the remount"
is "$(res statedir.fs .facts.fs_read_only)" true "mounted ro: fs_read_only=true"
umount "$SD"

# --- filesystem: an ext4 on a loop device: type, UUID and label from libblkid
truncate -s 16M "$T/ext4.img"
if mkfs.ext4 -q -L fp-state "$T/ext4.img" && mount -o loop "$T/ext4.img" "$SD"; then
    fp_atexit "umount -l '$SD' 2>/dev/null"
    chown 500:500 "$SD"; chmod 0700 "$SD"
    gate
    is "$(result statedir.fs)" pass "loop ext4: statedir.fs passes"
    is "$(res statedir.fs .facts.fs_type)" ext4 "loop ext4: fs_type"
    is "$(res statedir.fs .facts.label)" fp-state "loop ext4: label from libblkid"
    is "$(res statedir.fs .facts.uuid)" "$(blkid -p -s UUID -o value "$(findmnt -n -o SOURCE "$SD")")" "loop ext4: UUID from libblkid"
    like "$(res statedir.fs .facts.device)" '^/dev/loop[0-9]+$' "loop ext4: the device"
    umount "$SD"
else
    skip "no loop device here"; skip "-"; skip "-"; skip "-"; skip "-"
fi

# --- filesystem: a network filesystem (a FUSE one standing in for glusterfs)
if fuse_netfs_mount "$R/mnt/gluster" 2>"$T/netfs.log"; then
    gate_config /mnt/gluster/state
    gate
    is "$(result statedir.fs)" warn "glusterfs (FUSE) statedir: statedir.fs warns"
    like "$(msg statedir.fs)" "is fuse.glusterfs \\(gluster0:/vol at $R/mnt/gluster\\): a network filesystem" "network fs: type, source and why"
    is "$(result statedir.owner)" pass "network fs: ownership still judged (owner flux, 0700)"
    gate_config
    fuse_netfs_umount "$R/mnt/gluster"
else
    skip "cannot mount a FUSE filesystem here ($(head -1 "$T/netfs.log"))"; skip "-"; skip "-"
fi
rmdir "$R/mnt/gluster" "$R/mnt"

# --- dump/RESTORE
mkdir -p "$SD/dump"
chown 500:500 "$SD/dump"; chmod 0700 "$SD/dump"
printf 'a dump\n' >"$SD/dump/20261101_030000.tgz"
chown 500:500 "$SD/dump/20261101_030000.tgz"
ln -s 20261101_030000.tgz "$SD/dump/RESTORE"
gate
is "$rc" 0 "RESTORE pointing at a dump: exit 0"
is "$(result statedir.restore)" pass "RESTORE -> existing dump: statedir.restore passes"
like "$(msg statedir.restore)" "points at 20261101_030000.tgz .*: the next start of the broker replaces the KVS with that dump" "RESTORE: notes the restore at next start"
is "$(res statedir.restore .facts.restore_pending)" true "RESTORE: restore_pending fact"
rm "$SD/dump/20261101_030000.tgz"
gate --journal "$T/j-restore.json"
is "$rc" 1 "dangling RESTORE: exit 1"
is "$(result statedir.restore)" fail "dangling RESTORE: statedir.restore fails"
like "$(msg statedir.restore)" "$SD/dump/RESTORE points at 20261101_030000.tgz, which does not exist: at the next start rc1 truncates content.sqlite" "dangling: says what rc1 would do"
like "$(msg statedir.restore)" "rm $SD/dump/RESTORE" "dangling: gives the fix"
is "$(journal_get "$T/j-restore.json" FLUX_PREFLIGHT_RESULT FLUX_PREFLIGHT_CHECK=statedir.restore)" fail "journal: statedir.restore RESULT=fail"
is "$(journal_get "$T/j-restore.json" FLUX_PREFLIGHT_RESTORE_TARGET FLUX_PREFLIGHT_CHECK=statedir.restore)" 20261101_030000.tgz "journal: RESTORE_TARGET"
is "$(journal_get "$T/j-restore.json" MESSAGE_ID FLUX_PREFLIGHT_CHECK=statedir.restore)" 897de6bbcfd7454b8736274c0c3b8aaf "journal: statedir.restore MESSAGE_ID"
rm "$SD/dump/RESTORE"

# --- content.sqlite must be flux's, read-write
printf 'SQLite format 3\0' >"$SD/content.sqlite"
chown 500:500 "$SD/content.sqlite"; chmod 0600 "$SD/content.sqlite"
gate
is "$(result statedir.restore)" pass "content.sqlite flux 0600: passes"
chown root:root "$SD/content.sqlite"; chmod 0644 "$SD/content.sqlite"
gate
is "$rc" 1 "content.sqlite owned by root: exit 1"
is "$(result statedir.restore)" fail "content.sqlite owned by root: statedir.restore fails"
like "$(msg statedir.restore)" "$SD/content.sqlite \\(owner root, mode 0644\\) is not readable and writable by flux.*chown flux:flux $SD/content.sqlite; chmod 0600" "content.sqlite: owner, mode and fix"
chown 500:500 "$SD/content.sqlite"; chmod 0400 "$SD/content.sqlite"
gate
is "$(result statedir.restore)" fail "content.sqlite 0400 (not writable): fails"
chmod 0600 "$SD/content.sqlite"

# --- flux-core's own flux.service installed (StateDirectory=flux, StateDirectoryMode=0700,
# User=flux, Group=flux): the statedir is judged as the broker will find it once systemd has
# set it up (checked against real systemd in tests/system/t9310-never-block.t)
rm -rf "$SD/content.sqlite" "$SD/dump"
fixture_flux_service "$R" || bail "fixture flux.service"
UNIT=$R/usr/lib/systemd/system/flux.service
gate
is "$rc" 0 "flux.service installed, healthy statedir: exit 0"
is "$(result statedir.owner)" pass "flux.service, healthy: statedir.owner passes (nothing for systemd to do)"

rmdir "$SD"
gate --journal "$T/j-sd-absent.json"
is "$rc" 0 "StateDirectory=, statedir absent (first boot): exit 0"
is "$(result statedir.present)" pass "StateDirectory=, absent: statedir.present passes"
like "$(msg statedir.present)" "statedir $SD does not exist yet: systemd creates it when flux.service starts, owned by flux:flux, mode 0700 \\(StateDirectory=flux, StateDirectoryMode=0700, User=flux, Group=flux: $UNIT:[0-9]+\\)" "absent: says what systemd creates, from which unit line"
is "$(result statedir.owner)" pass "StateDirectory=, absent: statedir.owner judges what systemd will create (pass)"
like "$(msg statedir.owner)" "statedir $SD will be created owned by flux, mode 0700" "absent: ...owned by flux, mode 0700"
is "$(result statedir.fs)" pass "StateDirectory=, absent: statedir.fs judges /var/lib's filesystem"
is "$(journal_get "$T/j-sd-absent.json" FLUX_PREFLIGHT_SYSTEMD_MANAGED FLUX_PREFLIGHT_CHECK=statedir.present)" true "journal: SYSTEMD_MANAGED=true"
like "$(journal_get "$T/j-sd-absent.json" FLUX_PREFLIGHT_STATE_DIRECTORY FLUX_PREFLIGHT_CHECK=statedir.present)" "^$UNIT:[0-9]+\$" "journal: STATE_DIRECTORY names the unit line"

mkdir -m 0500 "$SD"   # root-owned, 0500
gate --journal "$T/j-sd-repair.json"
is "$rc" 0 "StateDirectory=, statedir root:root 0500: not blocked (exit 0)"
is "$(result statedir.owner)" warn "root:root 0500: statedir.owner warns"
like "$(msg statedir.owner)" "statedir $SD: systemd repairs this when flux.service starts: owner root:root -> flux:flux, mode 0500 -> 0700 \\(StateDirectory=flux" "root:root 0500: says what systemd changes"
is "$(journal_get "$T/j-sd-repair.json" PRIORITY FLUX_PREFLIGHT_CHECK=statedir.owner)" 4 "journal: a warning (PRIORITY=4)"
chown 500:500 "$SD"; chmod 1700 "$SD"
gate
is "$rc" 0 "StateDirectory=, sticky statedir: not blocked"
like "$(msg statedir.owner)" "systemd repairs this when flux.service starts: mode 1700 -> 0700" "sticky: systemd's chmod clears it"
chmod 0750 "$SD"
gate
like "$(msg statedir.owner)" "mode 0750 -> 0700" "0750: systemd resets the mode"
chmod 0700 "$SD"

# what systemd does not repair: the content of a statedir that is already flux's
printf 'SQLite format 3\0' >"$SD/content.sqlite"; chmod 0644 "$SD/content.sqlite"
gate --journal "$T/j-sd-db.json"
is "$rc" 1 "StateDirectory=, content.sqlite root's in flux's statedir: exit 1"
is "$(result statedir.restore)" fail "content.sqlite root's in flux's statedir: not repaired (no chown -R), fails"
like "$(msg statedir.restore)" "the broker's rc1 fails with \"rc1.0: content-sqlite: \\[Errno 13\\] Permission denied\"; rc1 fails and the broker exits 42, which flux.service counts as success \\(SuccessExitStatus=42\\): systemd logs \"flux.service: Deactivated successfully.\", the unit is inactive with Result=success" "content.sqlite: the broker's words and what systemd shows"
chown 0:0 "$SD"
gate
is "$rc" 0 "content.sqlite and statedir both root's: systemd's chown -R repairs both (exit 0)"
is "$(result statedir.restore)" warn "...statedir.restore warns"
like "$(msg statedir.restore)" "content.sqlite \\(owner root, mode 0644\\) is not flux's yet: systemd repairs this when flux.service starts, with the chown -R of statedir" "...saying the chown -R does it"
chmod 0400 "$SD/content.sqlite"
gate
is "$rc" 1 "content.sqlite 0400 in root's statedir: chown -R leaves the mode, exit 1"
like "$(msg statedir.restore)" "is not readable and writable by flux, even once systemd has chowned statedir to it" "...says the chown does not help"
rm -f "$SD/content.sqlite"; chown 500:500 "$SD"

# what systemd refuses: a file or a symlink at the StateDirectory= path
rmdir "$SD"; echo junk >"$SD"
gate
is "$rc" 1 "StateDirectory=, statedir a regular file: exit 1"
like "$(msg statedir.present)" "is a regular file, not a directory: flux.service fails before the broker runs: systemd logs \"Failed to set up special execution directory in /var/lib: Not a directory\" and \"status=238/STATE_DIRECTORY\"" "file: systemd's own words"
rm "$SD"; ln -s /srv/state "$SD"
gate
is "$(result statedir.present)" fail "StateDirectory=, statedir a symlink to a good directory: fails (systemd refuses it)"
like "$(msg statedir.present)" "Failed to set up special execution directory in /var/lib: Not a directory" "symlink: systemd's words"
rm "$SD"; mkdir -m 0700 "$SD"; chown 500:500 "$SD"

# a drop-in changes what systemd does; one that makes the broker fail is judged so
mkdir -p "$R/etc/systemd/system/flux.service.d"
printf '[Service]\nStateDirectoryMode=0500\n' >"$R/etc/systemd/system/flux.service.d/mode.conf"
chmod 0750 "$SD"
gate
is "$(result statedir.owner)" fail "drop-in StateDirectoryMode=0500: statedir.owner fails"
like "$(msg statedir.owner)" "statedir $SD will be mode 0500, without owner rwx: the broker fails with \"statedir /var/lib/flux does not have owner=rwx permissions\"" "...as the broker will see it"
printf '[Service]\nStateDirectory=\n' >"$R/etc/systemd/system/flux.service.d/mode.conf"
gate
is "$(result statedir.owner)" warn "drop-in StateDirectory= (reset): the broker's own rules again (0750 warns)"
is "$(res statedir.owner .facts.systemd_managed)" false "...systemd_managed=false"
rm "$R/etc/systemd/system/flux.service.d/mode.conf"
ln -s /dev/null "$R/etc/systemd/system/flux.service"
chmod 0500 "$SD"
gate
is "$(result statedir.owner)" fail "flux.service masked: nothing repairs statedir, 0500 fails"
rm "$R/etc/systemd/system/flux.service"
printf '[Service\n' >"$R/etc/systemd/system/flux.service.d/bad.conf"
gate
is "$(result statedir.owner)" error "a malformed drop-in: what systemd does cannot be known: error"
like "$(msg statedir.owner)" "cannot read flux.service to see what systemd does with statedir: $R/etc/systemd/system/flux.service.d/bad.conf:1: Invalid section header" "...naming the file and line"
rm -r "$R/etc/systemd/system/flux.service.d"
chmod 0700 "$SD"
rm "$UNIT"

# --- back to healthy; and nothing was ever changed by the gate
gate
is "$rc" 0 "healthy again: exit 0"
is "$(jq -r .verdict "$T/out")" pass "healthy again: verdict pass"
is "$CHANGED" 0 "the gate changed nothing under the root in any run (type, mode, owner, size, mtime, content)"

# --- a statedir whose filesystem never answers (a dead NFS server): every
# statedir check is abandoned at the deadline, none hangs the gate. (No
# snapshot here: find would hang in it too.)
if fuse_hang_mount "$R/mnt/hung"; then
    gate_config /mnt/hung/state 3s
    t0=$(date +%s%N)
    rc=0
    "$FP_BIN" --root "$R" --hostname node0 --config /etc/flux/preflight/conf.d \
        --check "$CHECKS" --json >"$T/out" 2>"$T/err" || rc=$?
    elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
    is "$rc" 1 "hung statedir filesystem: exit 1"
    for c in statedir.present statedir.owner statedir.fs statedir.restore; do
        is "$(result $c)" error "hung filesystem: $c reports error, not a verdict"
    done
    like "$(res statedir.present .facts.path)" "^$R/mnt/hung/state\$" "hung filesystem: the abandoned check still names the path"
    ok "hung filesystem: the run ended within deadline + 1 s ($elapsed ms)" test "$elapsed" -lt "$(slack_ms 4000)"
    fuse_hang_release "$R/mnt/hung"
    rmdir "$R/mnt/hung" "$R/mnt" 2>/dev/null
    gate_config
else
    skip "no FUSE here"; skip "-"; skip "-"; skip "-"; skip "-"; skip "-"; skip "-"
fi

for c in ${CHECKS//,/ }; do
    like "$("$FP_BIN" explain "$c" | tr "\n" " ")" "^$c: .*[Ff]ix:" "flux-preflight explain $c: summary, why and the fix"
done

done_testing
