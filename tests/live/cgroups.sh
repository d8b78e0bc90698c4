#!/usr/bin/env bash
# Live: a memory cgroup made by the test, with a 32 MiB tmpfs file charged
# to it, shows that shmem in `cgroups` (v2, or the v1 memory controller).
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	base=/sys/fs/cgroup
elif grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
	base=/sys/fs/cgroup/unified
elif [ -f /sys/fs/cgroup/memory/memory.stat ]; then
	base=/sys/fs/cgroup/memory
else
	echo "skip: no memory cgroup controller"; exit 77
fi
name=memtally-live-$$
cg=$base/$name
shm=/dev/shm/memtally-live-$$
cleanup() { rm -f "$shm"; rmdir "$cg" 2>/dev/null; }
trap cleanup EXIT
mkdir "$cg" || { echo "skip: cannot create a cgroup"; exit 77; }
bash -c "echo \$\$ >$cg/cgroup.procs && dd if=/dev/zero of=$shm bs=1M count=32 status=none" ||
	{ echo "FAIL: could not charge the tmpfs file"; exit 1; }
fail=0
json=$("$M" cgroups --json "/$name") || { echo "FAIL: cgroups exited $?"; exit 1; }
shmem=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["shmem"])')
cur=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["current"])')
echo "cgroup /$name: shmem $((shmem >> 20)) MiB, current $((cur >> 20)) MiB"
[ $((shmem >> 20)) = 32 ] || { echo "FAIL: shmem $shmem, want 32 MiB"; fail=1; }
[ "$cur" -ge $((32 << 20)) ] || { echo "FAIL: current below 32 MiB"; fail=1; }
# the tree view names it under the root
"$M" cgroups -d 1 | grep -q "^  $name " || { echo "FAIL: tree has no $name row"; fail=1; }
[ $fail = 0 ] && echo "live cgroups: ok"
exit $fail
