#!/usr/bin/env -S python3 -S
r"""Capture sd_notify() datagrams without systemd.

    notify-capture.py [--abstract] OUTFILE -- CMD [ARGS...]

Binds a private AF_UNIX SOCK_DGRAM socket (a path in a fresh 0700 temp dir, or with
--abstract an abstract name "@fp-notify-<pid>"), runs CMD with NOTIFY_SOCKET pointing at it
and writes every datagram received to OUTFILE, one per line, flushed as it arrives (a test can
watch progress while CMD runs). Inside a datagram, backslash is written as \\ and newline as
\n, so a STATUS=... text maps to exactly one line (a datagram "READY=1\nSTATUS=x" is one line
"READY=1\nSTATUS=x"; split on the two characters backslash-n to get the assignments).
Bytes that are not UTF-8 are written as \xNN. File descriptors passed with a datagram
(FDSTORE=1) are closed.

Exit code: CMD's; 128+N if CMD died of signal N; 127 if CMD could not be started.
SIGINT/SIGTERM/SIGHUP received by this wrapper are forwarded to CMD.
Datagrams still queued when CMD exits are drained before exiting (sd_notify() is synchronous:
what CMD sent before it exited is already in the queue).
"""
import array
import os
import signal
import socket
import subprocess
import sys
import tempfile
import selectors


def escape(data: bytes) -> str:
    out = []
    for ch in data.decode("utf-8", errors="surrogateescape"):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif "\udc80" <= ch <= "\udcff":
            out.append("\\x%02x" % (ord(ch) - 0xDC00))
        else:
            out.append(ch)
    return "".join(out)


def main(argv):
    abstract = False
    args = argv[1:]
    if args and args[0] == "--abstract":
        abstract = True
        args = args[1:]
    if len(args) < 3 or args[1] != "--":
        sys.stderr.write("usage: notify-capture.py [--abstract] OUTFILE -- CMD [ARGS...]\n")
        return 2
    outfile, cmd = args[0], args[2:]

    tmpdir = None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = "fp-notify-%d" % os.getpid()
        sock.bind("\0" + name)
        notify_socket = "@" + name
    else:
        tmpdir = tempfile.mkdtemp(prefix="fp-notify.")
        notify_socket = os.path.join(tmpdir, "notify.sock")
        sock.bind(notify_socket)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)

    out = open(outfile, "w", encoding="utf-8")

    def cleanup():
        out.close()
        sock.close()
        if tmpdir:
            os.unlink(notify_socket)
            os.rmdir(tmpdir)

    def recv_all():
        """Write every queued datagram (non-blocking)."""
        while True:
            fds = array.array("i")
            try:
                data, anc, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(253 * fds.itemsize))
            except (BlockingIOError, InterruptedError):
                return
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    fds.frombytes(cdata[: len(cdata) - (len(cdata) % fds.itemsize)])
            for fd in fds:  # FDSTORE fds, and systemd-notify's BARRIER=1 pipe: closing it answers
                try:
                    os.close(fd)
                except OSError:
                    pass
            out.write(escape(data) + "\n")
            out.flush()

    sock.setblocking(False)
    env = dict(os.environ, NOTIFY_SOCKET=notify_socket)
    try:
        proc = subprocess.Popen(cmd, env=env)
    except OSError as e:
        sys.stderr.write("notify-capture.py: %s: %s\n" % (cmd[0], e.strerror))
        cleanup()
        return 127

    def forward(signum, _frame):
        try:
            proc.send_signal(signum)
        except ProcessLookupError:
            pass

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, forward)

    # wait for datagrams and for the child's exit at once: a pidfd becomes readable on exit
    pidfd = os.pidfd_open(proc.pid)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, "sock")
    sel.register(pidfd, selectors.EVENT_READ, "pid")
    done = False
    while not done:
        for key, _ev in sel.select():
            if key.data == "sock":
                recv_all()
            else:
                done = True
    rc = proc.wait()
    recv_all()  # what it sent before exiting is already queued
    sel.close()
    os.close(pidfd)
    cleanup()
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
