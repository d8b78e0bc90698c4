#!/usr/bin/env bash
# Benchmark of the history commands (issue #6):
#  1. recorder: CPU per sample and bytes per sample (1,000 samples back to
#     back, fsync included), then a real 1-second-interval run (CPU as a
#     share of one core); the 60-second figures follow from the per-sample
#     ones (same work per sample, 60 times rarer);
#  2. leaks on a synthetic week at 60 s (bench/gen-recording.py: 60
#     series, a slab leak under a page-cache sawtooth), median of runs;
#  3. serve: scrape latency over 200 scrapes of /metrics, against
#     node_exporter reading the same files (when installed).
#   bench/history.sh [BUILD_DIR]    (results in bench/results/history.txt)
set -eu
build=${1:-build}
M=$(cd "$build" && pwd)/memtally
out=${BENCH_OUT:-bench/results}
mkdir -p "$out"
tmp=$(mktemp -d /tmp/memtally-bench-history.XXXXXX)
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
ONE_S=${ONE_S:-30}

python3 - "$M" "$tmp" "$ONE_S" <<'PY' | tee "$out/history.txt"
import os, sqlite3, statistics, subprocess, sys, time
m, tmp, one_s = sys.argv[1], sys.argv[2], int(sys.argv[3])

def run(args):
    t = time.monotonic()
    p = subprocess.Popen([m] + args)
    _, status, ru = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, args
    return ru.ru_utime + ru.ru_stime, time.monotonic() - t

def used_bytes(db):
    c = sqlite3.connect(db)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pc, fl, ps = (c.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size"))
    n = c.execute("SELECT count(*) FROM samples").fetchone()[0]
    ns = c.execute("SELECT count(*) FROM series").fetchone()[0]
    c.close()
    return (pc - fl) * ps, n, ns

# 1a. back to back: cost of one sample, and bytes per sample (marginal)
db = f"{tmp}/burst.db"
cpu100, _ = run(["record", "--db", db, "--interval", "10ms", "--count", "100", "-q"])
b100, _, _ = used_bytes(db)
cpu, wall = run(["record", "--db", db, "--interval", "10ms", "--count", "1000", "-q"])
b1100, n, ns = used_bytes(db)
per_sample_cpu = cpu / 1000
per_sample_bytes = (b1100 - b100) / 1000
print(f"recorder: {ns} series a sample; CPU {per_sample_cpu * 1000:.2f} ms a sample "
      f"(1000 samples back to back, fsync each, {wall:.1f} s wall)")
print(f"recorder: {per_sample_bytes:.0f} bytes a sample on disk (marginal, {n} samples: {b1100} bytes)")
week = 7 * 24 * 60
print(f"recorder at 60 s: {per_sample_cpu / 60 * 100:.4f}% of one core; "
      f"a week = {week} samples = {(b100 + per_sample_bytes * week) / 2**20:.2f} MiB")

# 1b. a real run at 1 s
db = f"{tmp}/one.db"
cpu, wall = run(["record", "--db", db, "--interval", "1", "--duration", str(one_s), "-q"])
b, n, _ = used_bytes(db)
print(f"recorder at 1 s: {n} samples in {wall:.1f} s, CPU {cpu:.3f} s = {cpu / wall * 100:.3f}% of one core "
      f"(process start and exit included), {b} bytes")

# 2. leaks on a synthetic week
wk = f"{tmp}/week.db"
# 120 series: 17 categories, 2 meminfo, 90 pool tags, 11 free-list orders
subprocess.run([sys.executable, "bench/gen-recording.py", wk, "--pools", "90"], check=True)
size = os.path.getsize(wk)
ts = []
for _ in range(7):
    t = time.monotonic()
    subprocess.run([m, "leaks", "--db", wk, "--json"], check=True, stdout=subprocess.DEVNULL)
    ts.append(time.monotonic() - t)
ts_r = []
for _ in range(3):
    t = time.monotonic()
    subprocess.run([m, "report", "--db", wk, "-o", f"{tmp}/r.html"], check=True, stdout=subprocess.DEVNULL)
    ts_r.append(time.monotonic() - t)
c = sqlite3.connect(wk)
ns = c.execute("SELECT count(*) FROM series").fetchone()[0]
c.close()
print(f"leaks: synthetic week ({week} samples x {ns} series, {size / 2**20:.2f} MiB file): "
      f"median {statistics.median(ts) * 1000:.0f} ms (min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f}, 7 runs)")
print(f"report: same week: median {statistics.median(ts_r) * 1000:.0f} ms, {os.path.getsize(tmp + '/r.html') / 1024:.0f} KiB of HTML")
PY

# 3. serve scrape latency, and node_exporter's (the peer a fleet runs)
#    with the collectors that read the same files: meminfo, buddyinfo,
#    slabinfo
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
"$M" serve --listen "127.0.0.1:$port" --duration 120 -q &
spid=$!
urls="memtally=http://127.0.0.1:$port/metrics"
if command -v prometheus-node-exporter >/dev/null; then
	nport=$(free_port)
	timeout 120 prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" \
		--collector.disable-defaults --collector.meminfo --collector.buddyinfo \
		--collector.slabinfo --log.level=error >/dev/null 2>&1 &
	npid=$!
	trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; kill "$npid" 2>/dev/null; rm -rf "$tmp"' EXIT
	urls="$urls node_exporter=http://127.0.0.1:$nport/metrics"
fi
python3 - $urls <<'PY' | tee -a "$out/history.txt"
import statistics, sys, time, urllib.request
med = {}
for arg in sys.argv[1:]:
    name, url = arg.split("=", 1)
    for _ in range(50):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    t = []
    for _ in range(200):
        a = time.perf_counter()
        body = urllib.request.urlopen(url, timeout=5).read()
        t.append((time.perf_counter() - a) * 1000)
    t.sort()
    lines = sum(1 for l in body.decode().splitlines() if l and not l.startswith("#"))
    med[name] = statistics.median(t)
    print(f"serve: {name}: scrape of {lines} series: median {med[name]:.2f} ms, "
          f"p99 {t[int(len(t) * 0.99) - 1]:.2f} ms, max {t[-1]:.2f} ms (200 scrapes, HTTP client included)")
if "node_exporter" in med:
    print(f"serve: memtally / node_exporter median scrape time: {med['memtally'] / med['node_exporter']:.2f}")
PY
