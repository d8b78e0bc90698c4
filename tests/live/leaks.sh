#!/usr/bin/env bash
# Live tests of record and leaks on this machine (root):
#  1. leak injection: SysV messages leaked at 4 MiB/s (unreclaimable slab)
#     and tmpfs files at 8 MiB/s (shmem), each recorded at a 1-second
#     interval for 25 s: `leaks --json` must name that category first,
#     with a rate within 20% of the true one;
#  2. a recording with no leak: no suspects;
#  3. SIGKILL mid-record: the file passes integrity_check, leaks reads it,
#     and record appends to it again;
#  4. a full tiny tmpfs: record exits 1 with one clear line, the file
#     stays readable;
#  5. a file that is not a memtally database is refused and not touched;
#  6. diff of two snapshots taken around a SysV leak names unreclaimable
#     slab first, with the slab caches that hold it.
# About 90 seconds.
set -u
M=${MEMTALLY:?}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "leaks: not root, skipping"; exit 77; }
# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
# default) before reuse: the recorder's own heap then grows by what every
# sample allocates, and `anonymous` shows it as a steady leak. It is the
# test build's, not the machine's: keep the quarantine small.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
command -v sqlite3 >/dev/null || { echo "leaks: no sqlite3, skipping"; exit 77; }
tmp=$(mktemp -d /tmp/memtally-live-leaks.XXXXXX)
mnt=$tmp/mnt
mkdir -p "$mnt"
pid=
old_msgmnb=$(cat /proc/sys/kernel/msgmnb)
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	echo "$old_msgmnb" >/proc/sys/kernel/msgmnb
	mountpoint -q "$mnt" && umount "$mnt"
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

# leak MODE RATE CATEGORY CHAIN [DIR [BPFSITE]]: record 25 s while
# leaking, check that leaks names CATEGORY first at RATE (MiB/s) +-20%,
# and, when CHAIN is not -, that its owner chain names a series starting
# with CHAIN; with the eBPF tracer running, also one starting with BPFSITE
leak() {
	local mode=$1 rate=$2 cat=$3 chain=$4 dir=${5:-} db=$tmp/$1.db
	rm -f "$tmp/ready"
	python3 "$here/leak-steady.py" "$mode" "$rate" 400 "$tmp/ready" $dir &
	pid=$!
	for _ in $(seq 100); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
	[ -s "$tmp/ready" ] || { echo "FAIL: $mode leaker did not start"; fail=1; return; }
	# --bpf: the tracer's call sites join the chain where it can run
	"$M" record --db "$db" --interval 1 --duration 25 -q --bpf 2>/dev/null || { echo "FAIL: record exit $?"; fail=1; }
	bpf_sites=$(sqlite3 "$db" "SELECT count(*) FROM series WHERE name LIKE 'bpf/%'")
	kill "$pid"; wait "$pid" 2>/dev/null; pid=
	"$M" leaks --db "$db" --json >"$tmp/out.json" || { echo "FAIL: leaks exit $?"; fail=1; return; }
	python3 - "$tmp/out.json" "category:$cat" "$rate" "$chain" "$bpf_sites" "${6:-}" <<'PY' || { fail=1; "$M" leaks --db "$db" --all; }
import json, sys
d = json.load(open(sys.argv[1]))
want, rate, chain = sys.argv[2], float(sys.argv[3]) * 2**20 * 3600, sys.argv[4]
bpf_sites, bpf_want = int(sys.argv[5] or 0), sys.argv[6]
s = d["suspects"]
assert s, f"no suspects in {d['samples']} samples; want {want}"
got = s[0]
ok = got["series"] == want and abs(got["bytes_per_hour"] - rate) <= 0.2 * rate
print(f"leaks: first suspect {got['series']} at {got['bytes_per_hour'] / 2**20:.0f} MiB/h "
      f"(want {want} at {rate / 2**20:.0f} MiB/h), confidence {got['confidence']}, "
      f"runs out in {got['exhaustion_seconds']} s: {'ok' if ok else 'FAIL'}")
assert isinstance(got["bytes_per_hour"], int) and isinstance(got["start_bytes"], int)
assert "owner" in got and got["kind"] in ("reclaimable", "unreclaimable")
names = [c["series"] for c in got["owner"]["chain"]]
if chain != "-":
    print(f"leaks: owner chain {' -> '.join([want] + names)}")
    ok = ok and any(n.startswith(chain) for n in names)
if bpf_want and bpf_sites:
    hit = any(n.startswith(bpf_want) for n in names)
    print(f"leaks: --bpf traced {bpf_sites} call sites; chain names {bpf_want}...: {'ok' if hit else 'FAIL'}")
    ok = ok and hit
elif bpf_want:
    print("leaks: --bpf could not trace here (no BTF or BPF build); call sites not checked")
sys.exit(0 if ok else 1)
PY
}

# 1. leak injection
echo 1048576 >/proc/sys/kernel/msgmnb
leak msg 4 slab_unreclaimable pool:slab/ '' pool:bpf/load_msg
mount -t tmpfs -o size=400m memtally-live-leaks "$mnt" || { echo "FAIL: cannot mount tmpfs"; exit 1; }
leak tmpfs 8 shmem - "$mnt"
umount "$mnt"

# 2. no leak. A shared machine may really grow something while we record
#    (another job's build); a false alarm of memtally's own repeats, so up
#    to three recordings are taken and one quiet one is enough.
quiet=
for try in 1 2 3; do
	rm -f "$tmp/quiet.db"*
	"$M" record --db "$tmp/quiet.db" --interval 1 --duration 20 -q || { echo "FAIL: record exit $?"; fail=1; break; }
	"$M" leaks --db "$tmp/quiet.db" --json >"$tmp/out.json"
	if python3 - "$tmp/out.json" "$try" <<'PY'; then quiet=1; break; fi
import json, sys
d = json.load(open(sys.argv[1]))
names = [s["series"] for s in d["suspects"]]
print(f"leaks: no-leak recording {sys.argv[2]} of {d['samples']} samples: suspects {names}: {'ok' if not names else 'something grew meanwhile'}")
sys.exit(1 if names else 0)
PY
done
if [ -n "$quiet" ]; then
	"$M" leaks --db "$tmp/quiet.db" | grep -q "^No leaks" || { echo "FAIL: text output does not say No leaks"; fail=1; }
else
	echo "FAIL: no quiet recording in three tries"; "$M" leaks --db "$tmp/quiet.db" --all | head -20; fail=1
fi

# 3. SIGKILL mid-write, then reopen: every sample reported written
#    (record -v prints a line after each commit) is in the file
"$M" record --db "$tmp/kill.db" --interval 0.05 -q -v >"$tmp/kill.log" &
rpid=$!
sleep 2
kill -KILL "$rpid"; wait "$rpid" 2>/dev/null
reported=$(tail -n 1 "$tmp/kill.log" | sed -nE 's/^sample ([0-9]+) .*/\1/p')
n1=$(sqlite3 "$tmp/kill.db" "PRAGMA integrity_check; SELECT count(*) FROM samples;" | tr '\n' ' ')
case "$n1" in ok\ [1-9]*) ;; *) echo "FAIL: after SIGKILL: $n1"; fail=1;; esac
n1=$(echo "$n1" | cut -d' ' -f2)
if [ -n "$reported" ] && [ "$n1" -ge "$reported" ] && [ "$n1" -le $((reported + 1)) ]; then
	echo "leaks: after SIGKILL: integrity ok, $n1 samples in the file, $reported reported written (at most the one in flight lost)"
else
	echo "FAIL: after SIGKILL: $n1 samples in the file, ${reported:-none} reported written"; fail=1
fi
"$M" leaks --db "$tmp/kill.db" >/dev/null || { echo "FAIL: leaks cannot read a killed recording"; fail=1; }
"$M" record --db "$tmp/kill.db" --interval 0.05 --count 3 -q || { echo "FAIL: record cannot reopen a killed recording"; fail=1; }
n2=$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM samples")
[ "$n2" = $((n1 + 3)) ] || { echo "FAIL: reopen appended $((n2 - n1)) samples, want 3"; fail=1; }

# 4. full disk: a 1 MiB tmpfs, mostly filled
mount -t tmpfs -o size=1m memtally-live-full "$mnt" || { echo "FAIL: cannot mount tmpfs"; exit 1; }
dd if=/dev/zero of="$mnt/filler" bs=4k count=176 status=none 2>/dev/null
timeout 60 "$M" record --db "$mnt/full.db" --interval 0.01 -q 2>"$tmp/err"
rc=$?
if [ $rc != 1 ] || [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q "No space left on device" "$tmp/err"; then
	echo "FAIL: full disk: exit $rc, stderr:"; cat "$tmp/err"; fail=1
else
	echo "leaks: full disk: $(cat "$tmp/err")"
fi
rm -f "$mnt/filler"
if [ -s "$mnt/full.db" ]; then
	r=$(sqlite3 "$mnt/full.db" "PRAGMA integrity_check")
	[ "$r" = ok ] || { echo "FAIL: full disk left a damaged file: $r"; fail=1; }
	"$M" leaks --db "$mnt/full.db" >/dev/null || { echo "FAIL: leaks cannot read the full-disk recording"; fail=1; }
fi
umount "$mnt"

# 5. not a database
printf 'precious notes\n' >"$tmp/notes.txt"
sum=$(md5sum <"$tmp/notes.txt")
"$M" record --db "$tmp/notes.txt" --count 1 -q 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "not a memtally database" "$tmp/err" || { echo "FAIL: non-database --db: exit $rc: $(cat "$tmp/err")"; fail=1; }
[ "$(md5sum <"$tmp/notes.txt")" = "$sum" ] || { echo "FAIL: non-database file was modified"; fail=1; }
"$M" leaks --db "$tmp/notes.txt" 2>/dev/null; [ $? = 1 ] || { echo "FAIL: leaks on a non-database"; fail=1; }
"$M" leaks --db "$tmp/missing.db" 2>/dev/null; [ $? = 1 ] || { echo "FAIL: leaks on a missing file"; fail=1; }
# 6. diff of two snapshots around a 64 MiB SysV leak: unreclaimable slab
#    first, +64 MiB +-10%, chained to the slab caches that hold it
"$M" snapshot -o "$tmp/a.mtsnap" >/dev/null 2>&1 || { echo "FAIL: snapshot A"; fail=1; }
echo 1048576 >/proc/sys/kernel/msgmnb
rm -f "$tmp/ready"
python3 "$here/leak-steady.py" msg 200 64 "$tmp/ready" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
sleep 1
"$M" snapshot -o "$tmp/b.mtsnap" >/dev/null 2>&1 || { echo "FAIL: snapshot B"; fail=1; }
kill "$pid"; wait "$pid" 2>/dev/null; pid=
"$M" diff "$tmp/a.mtsnap" "$tmp/b.mtsnap" --json >"$tmp/diff.json" || { echo "FAIL: diff exit $?"; fail=1; }
python3 - "$tmp/diff.json" <<'PY' || { fail=1; "$M" diff "$tmp/a.mtsnap" "$tmp/b.mtsnap" | head -12; }
import json, sys
d = json.load(open(sys.argv[1]))
top = d["suspects"][0]
chain = [c["series"] for c in top["owner"]["chain"]]
grew = top["change_bytes"] / 2**20
ok = top["series"] == "category:slab_unreclaimable" and abs(grew - 64) <= 6.4 and any(c.startswith("pool:slab/") for c in chain)
print(f"leaks: diff of two snapshots around a 64 MiB SysV leak: {top['series']} {grew:+.1f} MiB -> {' -> '.join(chain)}: {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY

[ $fail = 0 ] && echo "leaks: all checks passed"
exit $fail
