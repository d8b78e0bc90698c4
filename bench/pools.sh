#!/usr/bin/env bash
# Benchmark `memtally pools` against slabtop, on the same machine state in
# one run (hyperfine), with `cat /proc/slabinfo` as the physical floor.
# Needs root (the files are 0400) and hyperfine.
#
#   bench/pools.sh [MEMTALLY] [OUTDIR]
#
# Prints the medians and the ratio memtally/slabtop; the raw hyperfine
# JSON goes to OUTDIR (default a temporary directory, removed after).
# Also times `pools --source slab` (the same files as slabtop plus
# reclaim_account from /sys/kernel/slab), `pools --json`, and
# `cat /proc/vmallocinfo` (the kernel's own cost of that file). Build
# memtally without sanitizers for this (meson setup build-rel
# --buildtype=release).
set -eu
M=${1:-build/memtally}
out=${2:-}
[ "$(id -u)" = 0 ] || { echo "bench/pools.sh: needs root" >&2; exit 77; }
command -v hyperfine >/dev/null || { echo "bench/pools.sh: needs hyperfine" >&2; exit 77; }
command -v slabtop >/dev/null || { echo "bench/pools.sh: needs slabtop (procps)" >&2; exit 77; }
cleanup=0
if [ -z "$out" ]; then
	out=$(mktemp -d)
	cleanup=1
fi
M=$(readlink -f "$M")

hyperfine -N --warmup 3 --runs 30 --export-json "$out/pools.json" \
	-n memtally "$M pools" \
	-n slabtop "slabtop -o" \
	-n cat-slabinfo "cat /proc/slabinfo" >"$out/hyperfine.txt"

hyperfine -N --warmup 3 --runs 30 --export-json "$out/sources.json" \
	-n memtally-slab-only "$M pools --source slab" \
	-n memtally-json "$M pools --json" \
	-n cat-vmallocinfo "cat /proc/vmallocinfo" >>"$out/hyperfine.txt"

# min next to the median: on a loaded machine the min is the steadier
jq -r '.results[] | "\(.command)\t\(.median * 1000)\t\(.min * 1000)"' "$out/pools.json" "$out/sources.json" |
	awk -F'\t' '{ printf "%-20s median %8.3f ms  min %8.3f ms\n", $1, $2, $3; m[$1] = $2 }
		END { printf "ratio memtally/slabtop: %.2f\n", m["memtally"] / m["slabtop"];
		      printf "ratio memtally/cat-slabinfo: %.2f\n", m["memtally"] / m["cat-slabinfo"] }'
[ $cleanup = 1 ] && rm -rf "$out"
exit 0
