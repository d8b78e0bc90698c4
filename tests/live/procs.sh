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
