#!/usr/bin/env bash
# Live: a child holding 200 MiB of anonymous memory is found by `procs`
# with USS of about 200 MiB and ranks among the largest; the PSS total
# agrees with smem's on the same state (when smem is installed).
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
[ -r /proc/self/smaps_rollup ] || { echo "skip: no smaps_rollup"; exit 77; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
fail=0
python3 -c 'import time; b = b"\x01" * (200 << 20); time.sleep(120)' &
hog=$!
trap 'kill $hog 2>/dev/null; wait $hog 2>/dev/null' EXIT
# wait until the memory is touched
for _ in $(seq 50); do
	rss=$(awk '/^VmRSS/{print $2}' /proc/$hog/status 2>/dev/null)
	[ "${rss:-0}" -gt 200000 ] && break
	sleep 0.1
done

out=$("$M" procs --json -p $hog) || { echo "FAIL: procs -p exited $?"; exit 1; }
uss=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["uss"])')
mib=$((uss >> 20))
echo "hog $hog: USS $mib MiB"
if [ $mib -lt 200 ] || [ $mib -gt 215 ]; then
	echo "FAIL: USS $mib MiB, want 200..215"; fail=1
fi

# rank: among the processes of this machine, only ones larger than it
# may come first; on a quiet machine it is first
rank=$("$M" procs --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
pids = [r["pid"] for r in rows]
print(pids.index('$hog') + 1 if '$hog' in pids else 0)')
echo "hog rank by PSS: $rank"
[ "$rank" -ge 1 ] && [ "$rank" -le 5 ] || { echo "FAIL: hog not in the top 5 (rank $rank)"; fail=1; }

# group by command: python3 row holds at least the hog
"$M" procs -g comm -c 'python3*' | grep -q '^python3' || { echo "FAIL: -g comm has no python3 row"; fail=1; }

# bad usage and unknown pid
"$M" procs -s bogus >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: bad sort key not exit 2"; fail=1; }
"$M" procs -p 99999999999 >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: pid out of range not exit 2"; fail=1; }

# KERNEL: a helper holding a unix socket pair with ~4 MiB queued and
# never read, and 4 threads; its KERNEL is at least the queue, page tables
# and 5 stacks; FOOTPRINT = USS + KERNEL; a note points to owners
python3 -c '
import socket, threading, time
a, b = socket.socketpair()
a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
a.setblocking(False)
sent = 0
try:
    while sent < (4 << 20):
        sent += a.send(b"q" * 65536)
except BlockingIOError:
    pass
for _ in range(4):
    threading.Thread(target=time.sleep, args=(120,), daemon=True).start()
open("/tmp/memtally-live-kq-'$$'", "w").write(str(sent))
time.sleep(120)' &
kq=$!
trap 'kill $hog $kq 2>/dev/null; wait $hog $kq 2>/dev/null; rm -f /tmp/memtally-live-kq-$$' EXIT
for _ in $(seq 50); do [ -s /tmp/memtally-live-kq-$$ ] && break; sleep 0.1; done
sent=$(cat /tmp/memtally-live-kq-$$ 2>/dev/null || echo 0)
out=$("$M" procs --json --kernel -p $kq) || { echo "FAIL: procs --kernel exited $?"; exit 1; }
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["rows"][0]
sent = '$sent'
k, u, f, pte = r["kernel"], r["uss"], r["footprint"], r["page_tables"]
print("kq: queued %d KiB, KERNEL %s KiB, USS %d KiB, FOOTPRINT %s KiB" %
      (sent >> 10, k and k >> 10, u >> 10, f and f >> 10))
ok = k is not None and k >= sent + pte + 5 * 16384 and f == u + k
ok = ok and r["hugetlb"] == 0
ok = ok and (sent < (64 << 20) or any("memtally owners -p" in n for n in d["notes"]))
sys.exit(0 if ok and sent >= (1 << 20) else 1)' || { echo "FAIL: KERNEL below the queued bytes, or FOOTPRINT != USS + KERNEL"; fail=1; }
# sorting by kernel walks the descriptors by itself; the helper ranks high
"$M" procs -s kernel -n 5 | grep -q "^ *$kq " || { echo "FAIL: -s kernel -n 5 lacks the helper"; fail=1; }
"$M" procs | grep -q "KERNEL, FOOTPRINT: not collected" || { echo "FAIL: no not-collected note"; fail=1; }

# PSS total against smem on the same state (smem reads full smaps)
if command -v smem >/dev/null; then
	ours=$("$M" procs --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["pss"] >> 10)')
	theirs=$(smem -t -c pss | tail -1 | tr -d ' ')
	echo "PSS total: memtally $ours KiB, smem $theirs KiB"
	python3 -c "import sys; a,b=$ours,$theirs; sys.exit(0 if abs(a-b) <= 0.05*max(a,b) else 1)" ||
		{ echo "FAIL: PSS totals differ by more than 5%"; fail=1; }
fi
[ $fail = 0 ] && echo "live procs: ok"
exit $fail
