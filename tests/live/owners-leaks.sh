#!/usr/bin/env bash
# Live test of the owner chain (root): a helper leaks pipe buffers at
# 4 MiB/s (leak-steady.py pipes: 1 MiB pipes filled and held, nobody
# reading; capped at 100 MiB, killed at the end);
#  1. record --interval 0.5 --count 40, then leaks --json: the first
#     suspect's owner names the helper's pid, comm and kind "pipe", and
#     the text says "Top suspect: pid N (python3) ... holds pipe buffers";
#  2. two snapshots around the leak: diff A B names the helper under
#     the category that grew, read back from the snapshots' owners;
#  3. record --root on a captured tree names the owners as failed.
# About 45 seconds.
set -u
M=${MEMTALLY:?}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "owners-leaks: not root, skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "owners-leaks: no sqlite3, skipping"; exit 77; }
# the recorder's own heap under ASan: see leaks.sh
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
tmp=$(mktemp -d /tmp/memtally-live-owners-leaks.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

start_leak() { # RATE CAP
	rm -f "$tmp/ready"
	python3 "$here/leak-steady.py" pipes "$1" "$2" "$tmp/ready" &
	pid=$!
	for _ in $(seq 100); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
	[ -s "$tmp/ready" ] || { echo "FAIL: pipe leaker did not start"; exit 1; }
}
stop_leak() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }

# 1. record and leaks
start_leak 4 100
"$M" record --db "$tmp/rec.db" --interval 0.5 --count 40 2>"$tmp/err" || { echo "FAIL: record exit $?"; cat "$tmp/err"; fail=1; }
grep -v "^memtally: recording\|^memtally: recorded" "$tmp/err"
leaker=$pid
stop_leak
owner_samples=$(sqlite3 "$tmp/rec.db" "SELECT count(*) FROM samples")
"$M" leaks --db "$tmp/rec.db" --json >"$tmp/leaks.json" || { echo "FAIL: leaks exit $?"; fail=1; }
python3 - "$tmp/leaks.json" "$leaker" <<'PY' || { fail=1; "$M" leaks --db "$tmp/rec.db" | head -20; }
import json, sys
d = json.load(open(sys.argv[1]))
leaker = int(sys.argv[2])
s = d["suspects"]
assert s, f"no suspects in {d['samples']} samples"
top = s[0]
o = top["owner"]
chain = [c["series"] for c in o.get("chain", [])]
ok = o.get("pid") == leaker and o.get("comm") == "python3" and o.get("kind") == "pipe" and "cgroup" in o
print(f"owners-leaks: first suspect {top['series']} at {top['bytes_per_hour'] / 2**20 / 3600:.1f} MiB/s, "
      f"owner pid {o.get('pid')} ({o.get('comm')}) kind {o.get('kind')} cgroup {o.get('cgroup')}, "
      f"chain {' -> '.join(chain)} (helper {leaker}): {'ok' if ok else 'FAIL'}")
if top["series"].startswith("owner:"):
    print("owners-leaks: note: the owner series outran its category")
sys.exit(0 if ok else 1)
PY
"$M" leaks --db "$tmp/rec.db" >"$tmp/leaks.txt"
if grep -q "^Top suspect: pid $leaker (python3).* holds pipe buffers, +[0-9.]* MiB/s\.$" "$tmp/leaks.txt"; then
	echo "owners-leaks: text: $(grep '^Top suspect' "$tmp/leaks.txt")"
else
	echo "FAIL: leaks text names no holder"; cat "$tmp/leaks.txt"; fail=1
fi

# 2. diff of two snapshots around 32 MiB of pipe buffers
"$M" snapshot -o "$tmp/a.mtsnap" >/dev/null 2>&1 || { echo "FAIL: snapshot A"; fail=1; }
start_leak 64 32
sleep 1.5
"$M" snapshot -o "$tmp/b.mtsnap" >/dev/null 2>&1 || { echo "FAIL: snapshot B"; fail=1; }
leaker=$pid
stop_leak
tar --zstd -tf "$tmp/b.mtsnap" | grep -qx "memtally/owners.json" || { echo "FAIL: snapshot has no memtally/owners.json"; fail=1; }
"$M" diff "$tmp/a.mtsnap" "$tmp/b.mtsnap" --json >"$tmp/diff.json" || { echo "FAIL: diff exit $?"; fail=1; }
python3 - "$tmp/diff.json" "$leaker" <<'PY' || { fail=1; "$M" diff "$tmp/a.mtsnap" "$tmp/b.mtsnap" | head -12; }
import json, sys
d = json.load(open(sys.argv[1]))
leaker = int(sys.argv[2])
hit = None
for s in d["suspects"]:
    if s["series"].startswith("category:") and s["owner"].get("pid") == leaker:
        hit = s
        break
ok = hit is not None and hit["owner"]["kind"] == "pipe" and hit["owner"]["chain"][0]["series"] == f"owner:pipe/{leaker}" \
    and hit["owner"]["chain"][0]["change_bytes"] >= 32 << 20
print(f"owners-leaks: diff of two snapshots: {hit['series'] if hit else 'no category'} "
      f"-> {hit['owner']['chain'][0]['series'] if hit else '?'} "
      f"{hit['owner']['chain'][0]['change_bytes'] / 2**20 if hit else 0:+.1f} MiB: {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY

# 3. a captured tree has no owners: every sample says so
mkdir -p "$tmp/tree"
tar --zstd -xf "$tmp/a.mtsnap" -C "$tmp/tree" --exclude memtally/owners.json
"$M" record --db "$tmp/root.db" --root "$tmp/tree" --interval 0.1 --count 2 -q || { echo "FAIL: record --root exit $?"; fail=1; }
n=$(sqlite3 "$tmp/root.db" "SELECT count(*) FROM samples WHERE json_extract(failed, '$.owners') IS NOT NULL")
[ "$n" = 2 ] && echo "owners-leaks: record --root: owners named failed in both samples" || { echo "FAIL: record --root: owners failed in $n of 2 samples"; fail=1; }

[ $fail = 0 ] && echo "owners-leaks: all checks passed"
exit $fail
