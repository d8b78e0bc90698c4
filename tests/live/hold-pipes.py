#!/usr/bin/env python3
"""Hold N MiB of data in pipe buffers until killed (a live-test helper).

Pipe buffers are pages the pipe code takes straight from the page
allocator: no /proc/meminfo counter includes them, so they must show up
in memtally's `unaccounted` line. Writes READY_FILE when the data is in.
"""
import fcntl
import os
import sys
import time

F_SETPIPE_SZ = 1031
MIB = 1 << 20


def main():
    mib, ready = int(sys.argv[1]), sys.argv[2]
    chunk = b"\xa5" * MIB
    pipes = []
    for _ in range(mib):
        r, w = os.pipe()
        fcntl.fcntl(w, F_SETPIPE_SZ, MIB)
        os.set_blocking(w, False)
        done = 0
        while done < MIB:
            done += os.write(w, chunk[done:])
        pipes.append((r, w))
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
