#!/usr/bin/env bash
# Benchmark: the full page scan against the physical limit.
#
#   bench/pagescan.sh            (as root; needs hyperfine and /usr/bin/time)
#
# In one hyperfine run, on the same machine state:
#   - raw:      dd of /proc/kpageflags, kpagecount and kpagecgroup with
#               4 MiB blocks, one after the other: what reading the three
#               files costs with nothing done to the bytes (the limit);
#   - raw-2:    each file split in two halves read by two dd's at once,
#               the limit for two readers;
#   - memtally phys --summary with 1 and 2 threads and 512 KiB and 4 MiB
#     batches (the full scan: read, classify, count).
# Then the peak RSS of each memtally variant (/usr/bin/time -v).
# The kernel's tools/mm/page-types is the natural peer; Debian ships no
# package for it and this project does not build it, so it is timed only
# when PAGE_TYPES=/path/to/page-types is given (build it yourself from a
# kernel tree: make -C tools/mm page-types). page-types' summary reads
# kpageflags only (compare with memtally --flags-only); page-types
# -l -C -M -N reads all three files (compare with memtally-default).
#
# Results go to bench/results/pagescan-DATE.{md,json} (not committed).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "pagescan.sh: needs root (the kpage files are 0400)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "pagescan.sh: needs hyperfine" >&2; exit 1; }

build=$top/build-bench
if [ ! -x "$build/memtally" ]; then
	meson setup "$build" --buildtype=release -Db_sanitize=none >/dev/null
fi
ninja -C "$build" memtally >/dev/null
M=$build/memtally

out=$top/bench/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
pfns=$("$M" --json phys --summary --threads 1 | sed -n 's/.*"pfn_end": *\([0-9]*\).*/\1/p' | head -1)
blocks=$(( (pfns * 8 + 4194303) / 4194304 ))
half=$(( (blocks + 1) / 2 ))

raw='for f in kpageflags kpagecount kpagecgroup; do dd if=/proc/$f of=/dev/null bs=4M status=none; done'
raw2="for f in kpageflags kpagecount kpagecgroup; do dd if=/proc/\$f of=/dev/null bs=4M count=$half status=none & dd if=/proc/\$f of=/dev/null bs=4M skip=$half status=none & wait; done"

args=(
	--warmup 2 --runs "${RUNS:-15}"
	--export-markdown "$out/pagescan-$stamp.md"
	--export-json "$out/pagescan-$stamp.json"
	-n raw-dd "$raw"
	-n raw-dd-2readers "$raw2"
	-n "memtally-1thr-512K" "$M phys --summary --threads 1 --batch 65536"
	-n "memtally-2thr-512K" "$M phys --summary --threads 2 --batch 65536"
	-n "memtally-1thr-4M" "$M phys --summary --threads 1 --batch 524288"
	-n "memtally-2thr-4M" "$M phys --summary --threads 2 --batch 524288"
	-n "memtally-default" "$M phys --summary"
	-n "memtally-flags-only" "$M phys --summary --flags-only"
)
if [ -n "${PAGE_TYPES:-}" ]; then
	args+=(-n page-types-summary "$PAGE_TYPES")
	args+=(-n page-types-all "$PAGE_TYPES -l -C -M -N")
fi
echo "PFNs: $pfns ($(( pfns * 8 / 1048576 )) MiB per kpage file)"
hyperfine "${args[@]}"

# hyperfine runs each command's runs back to back, so a burst of other
# work on a shared machine lands on one command; round-robin runs spread
# it over all of them. Medians of interleaved runs:
echo
echo "interleaved medians (${RUNS:-15} rounds, every command once a round):"
python3 - "${RUNS:-15}" "$raw" "$M" "${PAGE_TYPES:-}" <<'PY'
import statistics, subprocess, sys, time
runs, raw, m, pt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cmds = {
    "raw-dd": ["sh", "-c", raw],
    "memtally-1thr": [m, "phys", "--summary", "--threads", "1"],
    "memtally-2thr": [m, "phys", "--summary", "--threads", "2"],
    "memtally-flags-only": [m, "phys", "--summary", "--flags-only"],
}
if pt:
    cmds["page-types-summary"] = [pt]
    cmds["page-types-all"] = [pt, "-l", "-C", "-M", "-N"]
t = {k: [] for k in cmds}
for _ in range(runs):
    for k, c in cmds.items():
        s = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
        t[k].append(time.perf_counter() - s)
base = statistics.median(t["raw-dd"])
for k, v in t.items():
    med = statistics.median(v)
    print("  %-20s median %.3f s  min %.3f s  %.2fx raw-dd" % (k, med, min(v), med / base))
PY

echo
echo "peak RSS (KiB), /usr/bin/time -v:"
for v in "--threads 1 --batch 65536" "--threads 2 --batch 65536" \
	"--threads 1 --batch 524288" "--threads 2 --batch 524288"; do
	# shellcheck disable=SC2086
	rss=$(/usr/bin/time -v "$M" phys --summary $v 2>&1 >/dev/null |
		awk -F': ' '/Maximum resident/ { print $2 }')
	echo "  memtally phys --summary $v: $rss"
done
rss=$(/usr/bin/time -v dd if=/proc/kpageflags of=/dev/null bs=4M status=none 2>&1 |
	awk -F': ' '/Maximum resident/ { print $2 }')
echo "  dd bs=4M: $rss"

# ratios of medians
python3 - "$out/pagescan-$stamp.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
base = r["raw-dd"]
print("\nratio of medians to raw-dd (%.3f s):" % base)
for k, v in r.items():
    print("  %-22s %.3f s  %.2fx" % (k, v, v / base))
PY
