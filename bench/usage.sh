#!/usr/bin/env bash
# Benchmark: `memtally usage` against `free` (procps), same machine state,
# one hyperfine run, medians of many runs, reported as a ratio. Both read
# /proc/meminfo once; `cat /proc/meminfo` is the physical floor.
#   bench/usage.sh [BUILD_DIR]
set -eu
build=${1:-build}
M=$build/memtally
out=${BENCH_OUT:-bench/results}
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (tools/install-deps.sh)"; exit 1; }
hyperfine -N --warmup 5 --runs "${RUNS:-50}" --export-json "$out/usage.json" \
	"$M usage" "$M usage --json" "free" "free -w" "cat /proc/meminfo" >/dev/null
python3 bench/report.py "$out/usage.json" "free" "$M usage"
