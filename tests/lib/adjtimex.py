#!/usr/bin/python3
"""adjtimex.py [FLAG-FILE]: the kernel clock's discipline as adjtimex(2) reports
it, read only (modes = 0), and the verdict the gate's time.sync rule gives
(src/checks/timesync.h: synchronised when the maximum error is at most 1 s and
STA_CLOCKERR is clear, or when FLAG-FILE, systemd-timesyncd's
/run/systemd/timesync/synchronized, exists). Prints one line:
  rc status maxerror esterror freq offset constant tick expected
with expected = pass, fail or error (adjtimex failed). Used by t0470 and the
fault matrix (tests/matrix/lib.sh)."""
import ctypes, ctypes.util, os, sys
L = ctypes.c_long
class timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", L), ("freq", L), ("maxerror", L),
                ("esterror", L), ("status", ctypes.c_int), ("constant", L), ("precision", L),
                ("tolerance", L), ("tv_sec", L), ("tv_usec", L), ("tick", L), ("ppsfreq", L),
                ("jitter", L), ("shift", ctypes.c_int), ("stabil", L), ("jitcnt", L),
                ("calcnt", L), ("errcnt", L), ("stbcnt", L), ("tai", ctypes.c_int),
                ("pad", ctypes.c_int * 11)]
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
t = timex()
t.modes = 0                       # read only
rc = libc.adjtimex(ctypes.byref(t))
STA_UNSYNC, STA_CLOCKERR = 0x0040, 0x1000
if len(sys.argv) > 1 and os.path.exists(sys.argv[1]):
    exp = "pass"
elif rc < 0:
    exp = "error"
elif t.status & STA_CLOCKERR or t.maxerror > 1000000:
    exp = "fail"
else:
    exp = "pass"
print(rc, t.status, t.maxerror, t.esterror, t.freq, t.offset, t.constant, t.tick, exp)
