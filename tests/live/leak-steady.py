#!/usr/bin/env python3
"""Leak kernel memory at a steady rate until killed (a live-test helper).

  leak-steady.py MODE RATE_MIB_PER_S CAP_MIB READY_FILE [DIR]

MODE is where the memory goes, and so which usage category grows:
  tmpfs  1 MiB files written into DIR (a tmpfs): `shmem`
  pipes  1 MiB pipes filled and held open: `unaccounted` (pipe pages
         come straight from the page allocator)
  msg    SysV message queues of 1 MiB each (8 KiB messages):
         `slab_unreclaimable` (msg_msg objects are kmalloc'd)
Every 1/RATE seconds, on an absolute schedule so the rate does not
drift, one more MiB is added, up to CAP_MIB, then held. READY_FILE gets
the pid once the first MiB is in. On SIGTERM it frees what it holds
(message queues outlive a process, so they are removed explicitly).
"""
import ctypes
import fcntl
import os
import signal
import sys
import time

F_SETPIPE_SZ = 1031
MIB = 1 << 20
IPC_PRIVATE, IPC_CREAT, IPC_NOWAIT, IPC_RMID = 0, 0o1000, 0o4000, 0

libc = ctypes.CDLL(None, use_errno=True)
queues = []


def add_tmpfs(d, i):
    with open(os.path.join(d, "leak.%d" % i), "wb") as f:
        f.write(b"\x5a" * MIB)


def add_pipe(keep):
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, MIB)
    os.set_blocking(w, False)
    chunk, done = b"\x5a" * MIB, 0
    while done < MIB:
        done += os.write(w, chunk[done:])
    keep.append((r, w))


class MsgBuf(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 8192)]


def add_msg():
    q = libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
    if q < 0:
        raise OSError(ctypes.get_errno(), "msgget")
    queues.append(q)
    buf = MsgBuf(1, b"\x5a" * 8192)
    for _ in range(MIB // 8192):
        if libc.msgsnd(q, ctypes.byref(buf), 8192, IPC_NOWAIT) < 0:
            raise OSError(ctypes.get_errno(), "msgsnd (raise kernel.msgmnb)")


def cleanup(*_):
    for q in queues:
        libc.msgctl(q, IPC_RMID, None)
    sys.exit(0)


def main():
    mode, rate, cap, ready = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    d = sys.argv[5] if len(sys.argv) > 5 else None
    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)
    keep = []

    def add(i):
        if mode == "tmpfs":
            add_tmpfs(d, i)
        elif mode == "pipes":
            add_pipe(keep)
        else:
            add_msg()

    add(0)
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    start, n = time.monotonic(), 1
    while n < cap:
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        add(n)
        n += 1
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
