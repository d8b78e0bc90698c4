#!/usr/bin/env bash
# Benchmark `memtally owners` with 1,000 extra processes, each holding 5
# pipes (10 descriptors, 4 KiB queued in each pipe) and 5 unix socket
# pairs (10 sockets, 4 KiB queued in each pair), against what an admin
# pairs by hand, `ss -axmp` (socket memory and holders) plus `lsof -n`
# (every descriptor), and against the limit, a raw walk that reads every
# /proc/PID/fd link and /proc/PID/fdinfo file and does nothing else
# (bench/procfd-walk.c), on the same machine state, with hyperfine.
#
#   bench/owners.sh [MEMTALLY | BUILD-DIR]   (default: build-rel/memtally;
#                                meson setup build-rel --buildtype=release)
# ROUNDS (default 5) rounds of RUNS (default 4) runs of every command, so
# that the commands interleave and a change in the machine's load hits
# them all alike; prints the medians over every run and their ratios,
# mean CPU time (user + system), and memtally's peak RSS (/usr/bin/time
# -f %M). Run as root so that every process is readable by every tool.
# The 1,000 processes are one helper's children and die with it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
M=${1:-$top/build-rel/memtally}
[ -d "$M" ] && M=$M/memtally
[ -x "$M" ] || { echo "no $M: meson setup build-rel --buildtype=release && ninja -C build-rel" >&2; exit 1; }
for t in hyperfine ss lsof cc /usr/bin/time; do
	command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }
done
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-4}
out=$(mktemp -d)
leader=
cleanup() {
	local kids=""
	if [ -n "$leader" ]; then
		kids=$(cat /proc/"$leader"/task/*/children 2>/dev/null || true)
		kill "$leader" 2>/dev/null || true
		wait "$leader" 2>/dev/null || true
		# the children die with it (PDEATHSIG); make sure
		for p in $kids; do kill -9 "$p" 2>/dev/null || true; done
	fi
	rm -rf "$out"
}
trap cleanup EXIT
cc -O2 -o "$out/owners-hold" "$top/tests/live/owners-hold.c" \
	-DOWNERS_HOLD_HAVE_LIBBPF=0 -DOWNERS_HOLD_HAVE_LIBURING=0
cc -O2 -o "$out/procfd-walk" "$top/bench/procfd-walk.c"
"$out/owners-hold" -n 1000 pipe=4096x5 unix=4096x5 >"$out/hold.out" &
leader=$!
for _ in $(seq 600); do
	grep -q '^ready' "$out/hold.out" && break
	kill -0 $leader 2>/dev/null || { echo "helper failed: $(cat "$out/hold.out")" >&2; exit 1; }
	sleep 0.1
done
grep -q '^ready' "$out/hold.out" || { echo "helper not ready in 60 s" >&2; exit 1; }
echo "processes: $(ls /proc | grep -c "^[0-9]"); raw walk: $("$out/procfd-walk")"
"$M" owners --json -n 0 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("owners: %d objects, %d bytes" % (len(d["rows"]),
      sum(r["bytes"] or 0 for r in d["rows"])))'
cmds=(-n memtally "$M owners >/dev/null"
	-n memtally-json "$M owners --json >/dev/null"
	-n raw-walk "$out/procfd-walk >/dev/null"
	-n ss+lsof "ss -axmp >/dev/null; lsof -n >/dev/null 2>&1")
for r in $(seq "$ROUNDS"); do
	hyperfine -w 1 -r "$RUNS" --export-json "$out/round$r.json" "${cmds[@]}" >/dev/null
done
rss=$( { /usr/bin/time -f %M "$M" owners >/dev/null; } 2>&1 | tail -1)
python3 - "$out" "$ROUNDS" "$rss" <<'PY'
import json, statistics, sys
out, rounds, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times, cpu = {}, {}
for r in range(1, rounds + 1):
    for res in json.load(open("%s/round%d.json" % (out, r)))["results"]:
        times.setdefault(res["command"], []).extend(res["times"])
        cpu.setdefault(res["command"], []).append(res["user"] + res["system"])
med = {k: statistics.median(v) for k, v in times.items()}
c = {k: statistics.mean(v) for k, v in cpu.items()}
m, mc = med["memtally"], c["memtally"]
for k in med:
    print(f"{k:14s} median {med[k]*1000:8.1f} ms over {len(times[k])} runs   "
          f"{med[k]/m:5.2f}x memtally;  cpu {c[k]*1000:8.1f} ms {c[k]/mc:5.2f}x")
print(f"memtally / raw walk {m/med['raw-walk']:.2f}x (aim: at most 1.5x); "
      f"ss+lsof / memtally {med['ss+lsof']/m:.1f}x (aim: at least 3x)")
print(f"memtally owners peak RSS {rss} KiB")
PY
