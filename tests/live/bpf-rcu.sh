#!/usr/bin/env bash
# Live test of the tracer's slab audit: frees that no tracepoint shows.
# epoll-churn adds and removes an epoll item N times; each item is a slab
# object (eventpoll_epi) allocated in do_epoll_ctl() and freed with
# kfree_rcu(), whose batched frees have no tracepoint. Without the audit
# every one of them would stay "live" (diff N, a false leak); with it, once
# the kernel has freed the batch and given the emptied slabs back, the
# site's diff may not exceed the objects the cache still has
# (/proc/slabinfo num_objs, plus a small tolerance, see below): an entry
# beyond that cannot be a live object.
# Skips (77) without root or BTF, in a build without BPF, and on kernels
# without the audit (bpf_get_kmem_cache, 6.13+).
set -u
M=${MEMTALLY:?}
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-20000}
[ "$(id -u)" = 0 ] || { echo "bpf-rcu: not root, skipping"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "bpf-rcu: no BTF, skipping"; exit 77; }

tmp=$(mktemp -d /tmp/memtally-live-bpf-rcu.XXXXXX)
mpid=
cleanup() {
	[ -n "$mpid" ] && kill -INT "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
NAME=bpf-rcu
. "$here/lib-bpf.sh"
cc -O2 -o "$tmp/epoll-churn" "$here/epoll-churn.c" || { echo "FAIL: cannot build epoll-churn"; exit 1; }

start_tracer --duration 60 --interval 1 --json -i 'do_epoll_ctl*'
"$tmp/epoll-churn" "$N" || { echo "FAIL: epoll-churn failed"; exit 1; }

# kfree_rcu drains its batches within a few seconds; then SLUB gives the
# emptied slabs back. Poll the tables until the site's diff fits the cache.
verdict=
for _ in $(seq 30); do
	sleep 1
	objs=$(awk '$1 == "eventpoll_epi" {print $3}' /proc/slabinfo)
	verdict=$(PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here" python3 - "$tmp/out" "$N" "${objs:-}" <<'PY'
import sys
from jsondocs import read_docs
n, objs = int(sys.argv[2]), sys.argv[3]
docs = read_docs(sys.argv[1])
if not docs:
    print("wait no table yet"); sys.exit()
last = docs[-1]
notes = " ".join(last.get("notes", []))
if "no slab audit" in notes:
    print("skip " + next(x for x in last["notes"] if "no slab audit" in x)); sys.exit()
rows = [r for r in last["rows"] if (r.get("cache") or "").split(" ")[0] == "eventpoll_epi"]
if not rows or max(r["allocs"] for r in rows) < n:
    print("wait the site has not counted %d allocations yet" % n); sys.exit()
r = max(rows, key=lambda r: r["allocs"])
# eventpoll_epi merged into another cache on some kernels: then no
# slabinfo line of its own, and a tenth of N is the bound. Else the
# cache's objects, plus 1% of N: an emptied slab's page taken by another
# cache of the same object size still looks like a live slab to the audit
# (slabinfo and the table are also read up to a second apart while the
# cache shrinks); without the audit the diff is about N
bound = int(objs) + n // 100 if objs else n // 10
state = "ok" if r["diff"] is not None and r["diff"] <= bound else "wait"
print(f"{state} {r['tag']}: allocs {r['allocs']}, frees {r['frees']}, diff {r['diff']}; "
      f"the cache holds {objs or '?'} objects (bound {bound}); {notes}")
PY
)
	case $verdict in ok*|skip*) break ;; esac
done
kill -INT $mpid; wait $mpid; rc=$?; mpid=
echo "bpf-rcu: $verdict"
# a kernel whose BTF has the kfunc must have the audit loaded
has_kfunc=0
command -v bpftool >/dev/null &&
	bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_get_kmem_cache'" && has_kfunc=1
case $verdict in
ok*) ;;
skip*)
	[ $has_kfunc = 0 ] || { echo "FAIL: the kernel has bpf_get_kmem_cache but the audit did not load"; exit 1; }
	exit 77 ;;
*) echo "FAIL: the kfree_rcu'd items still count as live after 30 s"; exit 1 ;;
esac
[ $rc = 0 ] || { echo "FAIL: memtally exit $rc: $(cat "$tmp/err")"; exit 1; }
