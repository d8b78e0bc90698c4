#!/usr/bin/env bash
# Run every fuzz target in BUILD for SECONDS each, seeded with the
# matching files of every fixture tree. Fails on the first crash.
set -eu
build=${1:?build dir}
secs=${2:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
n=0
for f in "$build"/tests/fuzz-*; do
	[ -f "$f" ] && [ -x "$f" ] || continue # skip the *.p object dirs
	p=${f##*/fuzz-}
	corpus=$(mktemp -d)
	# seed: every fixture file named after the parser (proc/NAME)
	for fx in "$top"/tests/fixtures/*/; do
		for cand in "proc/$p" "proc/pressure/memory"; do
			case "$p:$cand" in
			pressure:proc/pressure/memory | *:proc/"$p")
				[ -f "$fx$cand" ] && cp "$fx$cand" "$corpus/$(basename "$fx")-$p"
				;;
			esac
		done
	done
	# seed: per-process and per-cgroup files for those parsers
	case "$p" in
	pid_smaps_rollup | pid_status | cgroup_memory_stat)
		pat=${p#pid_}
		[ "$p" = cgroup_memory_stat ] && pat=memory.stat
		find "$top"/tests/fixtures -name "$pat" -type f 2>/dev/null |
			head -50 | while read -r s; do
				cp "$s" "$corpus/$(echo "$s" | md5sum | cut -c1-12)"
			done
		;;
	esac
	# seed: the owners' sources and loose samples; a real snapshot
	case "$p" in
	snapshot)
		if "$build/memtally" --root "$top/tests/fixtures/debian12-6.18-x86_64" \
			snapshot -o "$corpus/seed.mtsnap" >/dev/null 2>&1; then
			zstd -q -d -c "$corpus/seed.mtsnap" >"$corpus/seed.tar" 2>/dev/null || rm -f "$corpus/seed.tar"
		fi
		;;
	sockstat)
		for fx in "$top"/tests/fixtures/*/; do
			for s in sockstat sockstat6; do
				[ -f "${fx}proc/net/$s" ] && cp "${fx}proc/net/$s" "$corpus/$(basename "$fx")-$s"
			done
		done
		;;
	sockdiag) cp "$top"/tests/data/sockdiag/*.bin "$corpus/" ;;
	fdinfo) cp "$top"/tests/fixtures/fdinfo/* "$corpus/" ;;
	sysvipc_shm) cp "$top"/tests/fixtures/sysvipc/shm "$corpus/" ;;
	sysvipc_msg) cp "$top"/tests/fixtures/sysvipc/msg "$corpus/" ;;
	posix_mqueue) cp "$top"/tests/fixtures/sysvipc/mqueue "$corpus/" ;;
	owners-snap) cp "$top"/tests/fixtures/*/memtally/owners.json "$corpus/" ;;
	esac
	echo "fuzz: $p for ${secs}s"
	"$f" -max_total_time="$secs" -max_len=65536 -print_final_stats=0 "$corpus" >/tmp/memtally-fuzz-$p.log 2>&1 || {
		tail -n 40 /tmp/memtally-fuzz-$p.log
		echo "fuzz: $p FAILED (log /tmp/memtally-fuzz-$p.log)"
		exit 1
	}
	rm -rf "$corpus"
	n=$((n + 1))
done
echo "fuzz: $n targets ran clean"
