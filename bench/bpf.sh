#!/usr/bin/env bash
# The BPF pool-tag tracer's cost: throughput of an allocation-heavy loop
# (open+close of a file, or msgsnd+msgrcv) or of a server under load (a
# Redis server on loopback TCP driven by redis-benchmark: about ten slab
# allocations per request, skbs mostly, on both CPUs) with a tracer
# attached, as a ratio of the throughput without one, measured in the same
# run, rounds interleaved, medians of ROUNDS:
#   memtally    memtally pools --source bpf (per call site: allocs, frees
#               against the allocating site, live bytes)
#   mt-sample16    the same, tracking 1 object in 16 (frees estimated)
#   mt-count-only  allocations per site only (--level 1: no frees)
#   mt-floor       programs attached that do nothing (--level 0): the cost
#                  of the tracepoints and BPF machinery alone
#   bt-count    bpftrace: allocations per slab cache name (counts only)
#   bt-memleak  bpftrace: live allocations by kernel stack (memleak-style:
#               ptr -> stack, size; deleted on free)
#   memtally-b  with MEMTALLY_B=BINARY: another memtally, for comparing two
#               versions of the tracer in one run
# Needs root, BTF, bpftrace (apt-get install bpftrace); the redis mode also
# redis-server and redis-tools. Results also go to bench/results/bpf-MODE.txt.
#   bash bench/bpf.sh [BUILD] [MODE] [ROUNDS] [SECONDS]   MODE: open | msg | redis
# (redis: SECONDS is ignored; each run is REDIS_N (default 100,000) SET and
# as many GET requests from 50 connections, and the figure is requests per CPU-second of the
# server and the client together)
set -u
build=${1:-build}
mode=${2:-open}
rounds=${3:-5}
secs=${4:-2}
M=${MEMTALLY:-$build/memtally}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "bench/bpf.sh: needs root"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "bench/bpf.sh: no BTF"; exit 77; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
tmp=$(mktemp -d /tmp/memtally-bench-bpf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/loop" "$here/alloc-loop.c" || exit 1
echo hello >"$tmp/file"
redis_pid=
redis_n=${REDIS_N:-100000}
if [ "$mode" = redis ]; then
	command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null ||
		{ echo "bench/bpf.sh: redis mode needs redis-server and redis-tools"; exit 77; }
	port=$((20000 + RANDOM % 20000))
	# the server on the first CPU, the client on the last: left to the
	# scheduler, they share a CPU in some runs and not in others, and the
	# throughput doubles or halves with it
	last=$(($(nproc) - 1))
	taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$tmp" --logfile "$tmp/redis.log" &
	redis_pid=$!
	for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
	trap 'kill $redis_pid 2>/dev/null; wait $redis_pid 2>/dev/null; rm -rf "$tmp"' EXIT
fi
# CPU ticks (user + system) of a process, or of the waited-for children
# of one (fields 14-15 and 16-17 of /proc/PID/stat)
ticks() { awk -v c="$2" '{print c ? $16 + $17 : $14 + $15}' "/proc/$1/stat"; }
loop() {
	if [ "$mode" = redis ]; then
		# requests per CPU-second of the server and the client together
		# (as the loops count per CPU-second of their own process: other
		# load on the machine then disturbs the figure less)
		kill -0 "$redis_pid" 2>/dev/null ||
			{ echo "bench/bpf.sh: redis-server died: $(tail -3 "$tmp/redis.log")" >&2; exit 1; }
		local s0 s1 c
		s0=$(ticks "$redis_pid" 0)
		c=$(timeout 300 taskset -c "$last" sh -c 'redis-benchmark -p "$1" -q -t set,get -n "$2" -c 50 >/dev/null 2>&1; awk "{print \$16 + \$17}" /proc/$$/stat' sh "$port" "$redis_n")
		s1=$(ticks "$redis_pid" 0)
		awk -v n="$((2 * redis_n))" -v t="$((s1 - s0 + c))" -v hz="$(getconf CLK_TCK)" 'BEGIN {if (t > 0) printf "%.0f\n", n * hz / t}'
	else
		"$tmp/loop" "$mode" "$secs" "$tmp/file"
	fi
}

# stop a tracer: SIGINT, then SIGTERM, then SIGKILL
stop() {
	kill -INT "$1" 2>/dev/null
	for sig in TERM KILL; do
		for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$1" 2>/dev/null && kill -"$sig" "$1" 2>/dev/null
	done
	wait "$1" 2>/dev/null
}

# wait until FILE contains PATTERN (the tracer says it is attached)
wait_for() {
	for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

run_memtally() {
	local M=${MT_BIN:-$M}
	"$M" pools --source bpf --duration 600 "$@" ${MEMTALLY_BPF_OPTS:-} >/dev/null 2>"$tmp/m.err" &
	local p=$!
	wait_for "$tmp/m.err" tracing || { echo "memtally did not attach: $(cat "$tmp/m.err")" >&2; stop $p; return 1; }
	loop
	stop $p
}

bt_count='tracepoint:kmem:kmem_cache_alloc { @[str(args->name)] = count(); }'
bt_memleak='tracepoint:kmem:kmalloc, tracepoint:kmem:kmem_cache_alloc { @size[args->ptr] = args->bytes_alloc; @stack[args->ptr] = kstack(8); }
tracepoint:kmem:kfree, tracepoint:kmem:kmem_cache_free { delete(@size[args->ptr]); delete(@stack[args->ptr]); }
END { clear(@size); clear(@stack); }'

run_bpftrace() {
	BPFTRACE_MAP_KEYS_MAX=1048576 bpftrace -e "$1" >"$tmp/b.out" 2>&1 &
	local p=$!
	wait_for "$tmp/b.out" Attaching || { echo "bpftrace did not attach: $(cat "$tmp/b.out")" >&2; stop $p; return 1; }
	sleep 0.3
	loop
	stop $p
}

have_bt=0
[ "${BENCH_BPFTRACE:-1}" = 1 ] && command -v bpftrace >/dev/null && have_bt=1
declare -A res
loop >/dev/null # warm up: the first run of a fresh server is slower
for r in $(seq "$rounds"); do
	res[base]+="$(loop) "
	res[memtally]+="$(run_memtally) "
	[ -n "${MEMTALLY_B:-}" ] && res[memtally-b]+="$(MT_BIN=$MEMTALLY_B run_memtally) "
	if [ "${BENCH_LEVELS:-1}" = 1 ]; then
		res[mt-sample16]+="$(run_memtally --sample 4) "
		res[mt-count-only]+="$(run_memtally --level 1) "
		res[mt-floor]+="$(run_memtally --level 0) "
	fi
	if [ $have_bt = 1 ]; then
		res[bt-count]+="$(run_bpftrace "$bt_count") "
		res[bt-memleak]+="$(run_bpftrace "$bt_memleak") "
	fi
	res[base]+="$(loop) "
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mkdir -p "$here/results"
{
	echo "bpf tracer overhead: $mode loop, $([ "$mode" = redis ] && echo "$((2 * redis_n)) requests" || echo "${secs}s") x $rounds rounds, $(uname -r), $(nproc) CPUs, $(date -u +%FT%TZ)"
	b=$(echo "${res[base]}" | median)
	printf "%-14s %12s %8s   %s\n" tracer "ops/s" ratio "runs"
	for k in base memtally memtally-b mt-sample16 mt-count-only mt-floor bt-count bt-memleak; do
		[ -n "${res[$k]:-}" ] || continue
		m=$(echo "${res[$k]}" | median)
		printf "%-14s %12.0f %8.3f   %s\n" "$k" "$m" "$(awk -v m="$m" -v b="$b" "BEGIN{print m/b}")" "${res[$k]}"
	done
} | tee "$here/results/bpf-$mode.txt"
