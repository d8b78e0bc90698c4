#!/usr/bin/env bash
# Live test of the BPF pool-tag tracer (`pools --source bpf`): the test
# makes N System V messages of S bytes, held in queues, while the tracer
# runs. Each message is one kmalloc of 48 + S bytes in load_msg(); with
# S = 976 that is exactly 1 KiB, so the tracer must show a call site in the
# msgsnd path, size class 1k, with allocs >= N and live bytes within 3% of
# N KiB (other processes' messages of other sizes are other rows). Then the queue is removed: the frees must catch up (frees >= N,
# diff back near zero). All of it twice: with the tp_btf programs (the
# default) and with the raw_tp ones (what kernels without tp_btf get).
# Last, the programs must be gone once memtally has exited, and nothing
# may be pinned.
# Skips (77) without root, without BTF, or in a build without BPF.
set -u
M=${MEMTALLY:?}
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-20000}
S=976
[ "$(id -u)" = 0 ] || { echo "bpf: not root, skipping"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "bpf: no BTF, skipping"; exit 77; }

tmp=$(mktemp -d /tmp/memtally-live-bpf.XXXXXX)
mpid= hpid=
cleanup() {
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	[ -n "$mpid" ] && kill -INT "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	exec 3>&- 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
NAME=bpf
. "$here/lib-bpf.sh"
cc -O2 -o "$tmp/msg-hold" "$here/msg-hold.c" || { echo "FAIL: cannot build msg-hold"; exit 1; }

# one run of the tracer, attached as $1 (tp_btf, or raw_tp: the programs
# kernels without tp_btf get), around msg-hold
check() {
rm -f "$tmp/ctl" "$tmp/ready"
start_tracer --attach "$1" --duration 60 --interval 1 --json

mkfifo "$tmp/ctl"
"$tmp/msg-hold" $N $S "$tmp/ready" <"$tmp/ctl" &
hpid=$!
exec 3>"$tmp/ctl"
for _ in $(seq 200); do [ -s "$tmp/ready" ] && break; sleep 0.05; done
[ -s "$tmp/ready" ] || { echo "FAIL: msg-hold did not queue its messages"; exit 1; }
sleep 2.5                    # two tables with the messages held
# the programs this memtally holds, from its file descriptors
ids=$(cat /proc/$mpid/fdinfo/* 2>/dev/null | awk '/^prog_id:/{print $2}' | sort -u)
[ -n "$ids" ] || { echo "FAIL: memtally holds no BPF program"; exit 1; }
all_ids="$all_ids $ids"
echo go >&3; exec 3>&-       # remove the queue: every message is freed
wait $hpid; hpid=
sleep 2.5                    # two tables after the release
kill -INT $mpid; wait $mpid; rc=$?; mpid=
[ $rc = 0 ] || { echo "FAIL: memtally exit $rc: $(cat "$tmp/err")"; exit 1; }

PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here" python3 - "$tmp/out" $N $S "$1" <<'PY' || exit 1
import re, sys
from jsondocs import read_docs
n, s, how = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
want = n * (s + 48)
docs = read_docs(sys.argv[1])
assert len(docs) >= 3, f"only {len(docs)} tables printed"
pat = re.compile(r"^(load_msg|alloc_msg|do_msgsnd)\b")
def row(d):
    # the site's row for our size class (another process's messages of
    # other sizes are other rows of the same site)
    # (the cache: "kmalloc 1k", or the one the slab audit named,
    # msg_msg-1k on 6.11+ kernels, kmalloc-cg-1k before)
    rows = [r for r in d["rows"] if pat.match(r["tag"]) and re.search(r"[ -]1k$", r.get("cache") or "")]
    return max(rows, key=lambda r: r["allocs"]) if rows else None
rows = [row(d) for d in docs]
held = [r for r in rows if r and r["bytes"] is not None]
assert held, "no msgsnd call site in any table: " + str([r["tag"] for r in docs[-1]["rows"][:10]])
peak = max(held, key=lambda r: r["bytes"])
ok = True
print(f"{how}: held: {peak['tag']} [{peak['module']}] cache {peak['cache']}: allocs {peak['allocs']}, "
      f"live {peak['bytes']} bytes, expected {want} ({n} x {s + 48})")
if peak["allocs"] < n:
    print(f"FAIL: allocs {peak['allocs']} < {n}"); ok = False
if abs(peak["bytes"] - want) > 0.03 * want:
    print(f"FAIL: live bytes {peak['bytes']} not within 3% of {want}"); ok = False
for k in ("allocs", "frees", "diff", "bytes", "per_alloc"):
    if not isinstance(peak[k], int):
        print(f"FAIL: {k} is not an integer: {peak[k]!r}"); ok = False
last = rows[-1]
assert last, "the msgsnd site vanished from the last table"
print(f"{how}: released: allocs {last['allocs']}, frees {last['frees']}, diff {last['diff']}, live {last['bytes']} bytes")
if last["frees"] is None or last["frees"] < n:
    print(f"FAIL: frees {last['frees']} < {n} after the queue was removed"); ok = False
if last["diff"] is None or abs(last["diff"]) > max(10, n // 100):
    print(f"FAIL: diff {last['diff']} not near zero"); ok = False
notes = docs[-1].get("notes", [])
if not any("tracer holds" in x for x in notes):
    print("FAIL: no note with the tracer's own memory"); ok = False
if (how == "raw_tp") != any("attached as raw_tp" in x for x in notes):
    print(f"FAIL: --attach {how}, but the notes say otherwise: {notes}"); ok = False
tr = docs[-1].get("tracer") or {}
if tr.get("attach") != how or tr.get("level") != 2 or not isinstance(tr.get("counters"), dict):
    print(f"FAIL: the tracer object does not match --attach {how}: {tr}"); ok = False
sys.exit(0 if ok else 1)
PY
}

all_ids=
check tp_btf
check raw_tp

# detached and nothing pinned once memtally has exited: none of the
# programs it held may still exist
if command -v bpftool >/dev/null; then
	for id in $all_ids; do
		if bpftool prog show id "$id" >/dev/null 2>&1; then
			echo "FAIL: program $id still loaded after exit"; exit 1
		fi
	done
fi
if [ -d /sys/fs/bpf ] && ls -R /sys/fs/bpf 2>/dev/null | grep -q kmemtag; then
	echo "FAIL: something of kmemtag is pinned"; exit 1
fi
echo "bpf: programs detached, nothing pinned"
