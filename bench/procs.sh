#!/usr/bin/env bash
# Benchmark `memtally procs` with 1,000 extra processes against smem,
# ps_mem (when installed; not packaged in Debian 12) and the raw limits,
# `cat /proc/*/smaps_rollup` and, since procs also needs each process's
# name, owner and page tables, `cat /proc/*/smaps_rollup /proc/*/status`,
# on the same machine state, with hyperfine.
#
#   bench/procs.sh [MEMTALLY]   (default: build-rel/memtally; build it with
#                                meson setup build-rel --buildtype=release)
# Prints hyperfine's table, the ratios of wall-clock medians and of
# mean CPU time (user + system; steadier on a busy machine). Run as root so that
# every process is readable by every tool.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
M=${1:-$top/build-rel/memtally}
[ -x "$M" ] || { echo "no $M: meson setup build-rel --buildtype=release && ninja -C build-rel" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }
out=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT
for _ in $(seq 1000); do
	sleep 600 &
	pids+=($!)
done
echo "processes: $(ls -d /proc/[0-9]* | wc -l)"
cmds=(-n memtally "$M procs >/dev/null"
	-n raw "cat /proc/[0-9]*/smaps_rollup >/dev/null 2>&1 || true"
	-n raw+status "cat /proc/[0-9]*/smaps_rollup /proc/[0-9]*/status >/dev/null 2>&1 || true")
command -v smem >/dev/null && cmds+=(-n smem "smem -t >/dev/null")
command -v ps_mem >/dev/null && cmds+=(-n ps_mem "ps_mem >/dev/null")
hyperfine -w 3 -r 20 --export-json "$out/procs.json" "${cmds[@]}"
python3 - "$out/procs.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
res = {r["command"]: r["median"] for r in rs}
cpu = {r["command"]: r["user"] + r["system"] for r in rs}
m, mc = res["memtally"], cpu["memtally"]
for k, v in res.items():
    print(f"{k:10s} median {v*1000:8.1f} ms   {v/m:5.2f}x memtally;"
          f"  cpu {cpu[k]*1000:8.1f} ms {cpu[k]/mc:5.2f}x")
PY
