#!/usr/bin/env python3
"""`serve` under a local attacker (issue 12 item 5), on 127.0.0.1 only.

Starts `memtally --root FIXTURE serve` on a free loopback port, then for
PHASE seconds holds 64 idle connections, a slowloris (16 connections, one
header line each every 0.5 s, never finishing the request) and a flood
of 400 connections from 127.0.0.2 (another address, held open), all
reopened as the server drops them, while curl scrapes /metrics from
127.0.0.1 every 0.5 s with a 5 s limit. Every scrape must succeed. The
loops are bounded, every socket is closed and the server stops by itself
(--duration). Exit 0 pass, 1 fail, 77 skip."""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

M = os.environ["MEMTALLY"]
FIX = os.path.join(os.environ.get("SRCDIR", "."), "tests/fixtures/debian12-6.18-x86_64")
PHASE = float(os.environ.get("PHASE", "12"))

if not shutil.which("curl"):
    print("skip: no curl")
    sys.exit(77)

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

port = free_port()
srv = subprocess.Popen([M, "--root", FIX, "serve", "--listen", f"127.0.0.1:{port}",
                        "--duration", f"{int(PHASE) + 20}s", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

def scrape():
    r = subprocess.run(["curl", "-sf", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}",
                        f"http://127.0.0.1:{port}/metrics"], capture_output=True, text=True)
    return r.returncode == 0 and r.stdout == "200"

# wait until it answers (bounded)
for _ in range(100):
    if scrape():
        break
    time.sleep(0.1)
else:
    srv.kill()
    print("FAIL: serve never answered:", srv.stderr.read().decode(errors="replace"))
    sys.exit(1)

stop = time.monotonic() + PHASE
lock = threading.Lock()
opened = {"idle": 0, "slow": 0, "flood": 0}

def connect(src):
    try:
        s = socket.socket()
        s.settimeout(1)
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        return s
    except OSError:
        return None

def holder(kind, n, src, trickle):
    """Keep n connections open from src until stop; reopen dropped ones."""
    socks = [None] * n
    line = 0
    while time.monotonic() < stop:
        for i in range(n):
            s = socks[i]
            if s is None:
                s = socks[i] = connect(src)
                if s is None:
                    continue
                with lock:
                    opened[kind] += 1
                if trickle:
                    try:
                        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
                    except OSError:
                        s.close()
                        socks[i] = None
                continue
            if trickle:
                try:
                    s.sendall(b"X-Slow-%d: %d\r\n" % (line, line))
                except OSError:
                    s.close()
                    socks[i] = None
        line += 1
        time.sleep(0.5)
    for s in socks:
        if s:
            s.close()

threads = [threading.Thread(target=holder, args=a) for a in
           (("idle", 64, "127.0.0.1", False), ("slow", 16, "127.0.0.1", True),
            ("flood", 400, "127.0.0.2", False))]
for t in threads:
    t.start()
time.sleep(1)  # let the attack take its places first
ok = bad = 0
while time.monotonic() < stop:
    if scrape():
        ok += 1
    else:
        bad += 1
    time.sleep(0.5)
for t in threads:
    t.join()
alive = srv.poll() is None
srv.terminate()
try:
    srv.wait(timeout=10)
except subprocess.TimeoutExpired:
    srv.kill()
    srv.wait()
print(f"serve-hostile: {ok} of {ok + bad} scrapes answered under attack; "
      f"connections opened: {opened}")
if bad or not ok or not alive:
    print("FAIL: scrapes failed under attack" if bad or not ok else "FAIL: serve died")
    sys.exit(1)
sys.exit(0)
