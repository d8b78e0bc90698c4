#!/usr/bin/env bash
# Live: dying memory cgroups. Under a test parent, 50 child cgroups each
# get a process that writes 1 MiB of page cache to a file of its own; the
# children are removed while the cache stays charged to them. `cgroups`
# must then count dying cgroups (v2: under the parent; v1: at the root,
# from /proc/cgroups) and show the parent pinning memory. Cleanup deletes
# the files (freeing the dying cgroups) and the parent. v2 or v1.
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	base=/sys/fs/cgroup v=2
elif grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
	base=/sys/fs/cgroup/unified v=2
elif [ -f /sys/fs/cgroup/memory/memory.stat ]; then
	base=/sys/fs/cgroup/memory v=1
else
	echo "skip: no memory cgroup controller"; exit 77
fi
N=50
name=memtally-dying-$$
cg=$base/$name
data=$(mktemp -d /var/tmp/memtally-dying-XXXXXX)
cleanup() {
	rm -rf "$data"
	for i in $(seq $N); do rmdir "$cg/c$i" 2>/dev/null; done
	rmdir "$cg" 2>/dev/null
}
trap cleanup EXIT
mkdir "$cg" || { echo "skip: cannot create a cgroup"; exit 77; }
[ $v = 2 ] && { echo +memory >"$cg/cgroup.subtree_control" || { echo "skip: cannot enable memory below $cg"; exit 77; }; }
for i in $(seq $N); do
	mkdir "$cg/c$i" || { echo "FAIL: mkdir $cg/c$i"; exit 1; }
	bash -c "echo \$\$ >$cg/c$i/cgroup.procs && dd if=/dev/zero of=$data/f$i bs=64k count=16 status=none" ||
		{ echo "FAIL: could not charge page cache to c$i"; exit 1; }
done
for i in $(seq $N); do rmdir "$cg/c$i" || { echo "FAIL: rmdir c$i"; exit 1; }; done

fail=0
"$M" cgroups --json >"$data/all.json" || { echo "FAIL: cgroups exited $?"; exit 1; }
python3 - "$data/all.json" "/$name" $v $N <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
name, v, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = {r["path"]: r for r in d["rows"]}
p, root = rows[name], rows["/"]
print("v%d: root dying_count %s, %s dying_count %s, dying_bytes %s KiB"
      % (v, root["dying_count"], name, p["dying_count"],
         p["dying_bytes"] is not None and p["dying_bytes"] >> 10))
ok = True
# most of the 50 stay dying while their cache is charged
count = p["dying_count"] if v == 2 else root["dying_count"]
if count is None or count < n // 2:
    print("FAIL: dying_count %s, want >= %d" % (count, n // 2)); ok = False
# 50 x 1 MiB of cache, some of which reclaim may have taken
if not p["dying_bytes"] or p["dying_bytes"] < (n << 20) // 4:
    print("FAIL: dying_bytes %s, want >= %d" % (p["dying_bytes"], (n << 20) // 4)); ok = False
if v == 1 and p["dying_count"] is not None:
    print("FAIL: v1 has no per-cgroup count, got %s" % p["dying_count"]); ok = False
if root["dying_bytes"] is not None and root["dying_bytes"] < p["dying_bytes"]:
    print("FAIL: the root pins less than its child"); ok = False
sys.exit(0 if ok else 1)
PY
"$M" cgroups "/$name" | grep -q "PINNED" || { echo "FAIL: no PINNED column"; fail=1; }
[ $fail = 0 ] && echo "live cgroups-dying: ok"
exit $fail
