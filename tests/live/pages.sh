#!/usr/bin/env bash
# Live test of the page scan: put 256 MiB into each kind of memory and
# check that `usage --exact` (every page classified from its flags) moves
# the right category by that much (within 5%), and that `phys --pid`
# finds a process's anonymous pages under it.
#   anonymous   a process touching a 256 MiB private mapping  -> anon
#   tmpfs       a 256 MiB file in /dev/shm                      -> shmem
#   file cache  a 256 MiB file on disk, read after eviction     -> file
#   pipe        256 pipes holding 1 MiB each                    -> kernel
#               (counted in a memory cgroup of the holder's own: see
#               below)
# Other work on the machine moves memory too, so each figure is measured
# just before, during and just after the hold, and a check passes when
# during-before or during-after is within 5% of 256 MiB; a check that
# misses is tried again, three times at most, and each try is printed.
# Needs root (exit 77 otherwise) and python3 for the holders.
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "live pages: not root, skipped"; exit 77; }
[ -r /proc/kpageflags ] || { echo "live pages: no /proc/kpageflags, skipped"; exit 77; }
command -v python3 >/dev/null || { echo "live pages: no python3, skipped"; exit 77; }

MiB=$((1024 * 1024))
want=$((256 * MiB))
tmp=$(mktemp -d /tmp/memtally-live-pages.XXXXXX)
shm=/dev/shm/memtally-live-pages.$$
holder=
fail=0
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$tmp" "$shm"
}
trap cleanup EXIT

# page-flag bytes of the given usage --exact categories (comma list)
used() {
	"$M" --json usage --exact | python3 -c '
import json, sys
want = sys.argv[1].split(",")
d = json.load(sys.stdin)
print(sum(r["bytes"] for r in d["categories"] if r["name"] in want))' "$1"
}

# name, uses, before, during, after; returns 1 when it missed
check() {
	local name=$1 uses=$2 b=$3 d=$4 a=$5
	local up=$((d - b)) down=$((d - a)) ok=0
	for delta in $up $down; do
		if [ $((delta * 100)) -ge $((want * 95)) ] && [ $((delta * 100)) -le $((want * 105)) ]; then
			ok=1
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok: $name: $uses +$((up / MiB)) MiB on the way in, -$((down / MiB)) MiB on the way out"
		return 0
	fi
	echo "miss: $name: $uses moved +$((up / MiB)) MiB / -$((down / MiB)) MiB, want 256 MiB"
	return 1
}

# run a scenario function up to three times
try3() {
	for _ in 1 2 3; do
		"$1" && return 0
	done
	echo "FAIL: $1"
	fail=1
}

# start a holder: python3 CODE; waits until it says "ready"
hold() {
	python3 -c "$1" >"$tmp/ready" &
	holder=$!
	for _ in $(seq 100); do
		grep -q ready "$tmp/ready" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "FAIL: holder did not start"
	exit 1
}
# wait until the holder has printed WORD N times
waitfor() {
	for _ in $(seq 200); do
		[ "$(grep -c "^$1" "$tmp/ready" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "FAIL: holder did not say '$1'"
	exit 1
}
release() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=
}

# --- anonymous memory --------------------------------------------------
t_anon() {
# the holder starts first and allocates on SIGUSR1, frees on SIGUSR2, so
# that the interpreter's own memory is in the baseline
hold '
import mmap, signal, sys
held = []
def alloc(*_):
    m = mmap.mmap(-1, 256 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(0, len(m), 4096):
        m[i] = 1
    held.append(m)
    print("allocated", flush=True)
def free(*_):
    held.pop().close()
    print("freed", flush=True)
signal.signal(signal.SIGUSR1, alloc)
signal.signal(signal.SIGUSR2, free)
print("ready", flush=True)
while True:
    signal.pause()'
b=$(used anon)
kill -USR1 "$holder"
waitfor allocated 1
d=$(used anon)
kill -USR2 "$holder"
waitfor freed 1
a=$(used anon)
kill -USR1 "$holder"
waitfor allocated 2
# the owner walk must find the holder's pages under its pid
own=$("$M" --json phys --pid "$holder" --use anon,thp | python3 -c '
import json, sys
print(json.load(sys.stdin)["pages_listed"] * 4096)')
# and the walk of every process finds them too, under the holder's pid
all=$("$M" --json phys --owners --use anon,thp | python3 -c '
import json, sys
pid = int(sys.argv[1])
d = json.load(sys.stdin)
print(sum(r["pages"] for r in d["rows"]
          if any(o["pid"] == pid for o in r.get("owners", []))) * 4096)' "$holder")
release
if [ $((all * 100)) -ge $((want * 99)) ]; then
	echo "ok: phys --owners found $((all / MiB)) MiB of anonymous pages owned by the holder"
else
	echo "miss: phys --owners found $((all / MiB)) MiB owned by the holder, want >= 256 MiB"
	return 1
fi
if [ $((own * 100)) -ge $((want * 99)) ]; then
	echo "ok: phys --pid found $((own / MiB)) MiB of anonymous pages under the holder"
else
	echo "miss: phys --pid found $((own / MiB)) MiB under the holder, want >= 256 MiB"
	return 1
fi
check anonymous anon "$b" "$d" "$a"
}
try3 t_anon

# --- tmpfs -------------------------------------------------------------
t_tmpfs() {
b=$(used shmem)
dd if=/dev/zero of="$shm" bs=1M count=256 status=none
d=$(used shmem)
rm -f "$shm"
a=$(used shmem)
check tmpfs shmem "$b" "$d" "$a"
}
try3 t_tmpfs

# --- file cache --------------------------------------------------------
t_file() {
dd if=/dev/urandom of="$tmp/file" bs=1M count=256 conv=fsync status=none
evict='import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)'
python3 -c "$evict" "$tmp/file"
b=$(used file)
cat "$tmp/file" >/dev/null
d=$(used file)
python3 -c "$evict" "$tmp/file"
a=$(used file)
check "file cache" file "$b" "$d" "$a"
}
try3 t_file

# --- pipes -------------------------------------------------------------
# Pipe buffers are flagless kernel pages, and the "kernel" total moves by
# hundreds of MiB on a busy machine; so the holder runs in a memory cgroup
# of its own and the check counts the kernel pages charged to it.
t_pipes() {
	local cg base rel got
	if [ -f /sys/fs/cgroup/memory/memory.usage_in_bytes ]; then
		base=/sys/fs/cgroup/memory
	elif grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		base=/sys/fs/cgroup
	else
		echo "ok: pipes: no memory cgroup to isolate the holder in, skipped"
		return 0
	fi
	rel=/memtally-live-pages-$$
	cg=$base$rel
	mkdir "$cg" || return 1
	local kb kd
	kb=$(used kernel)
	hold "
import fcntl, os, signal
open('$cg/cgroup.procs', 'w').write(str(os.getpid()))
keep = []
for i in range(256):
    r, w = os.pipe()
    fcntl.fcntl(w, 1031, 1 << 20)
    os.write(w, b'x' * (1 << 20))
    keep.append((r, w))
print('ready', flush=True)
signal.pause()"
	got=$("$M" --json phys --cgroup "$rel" --use kernel | python3 -c '
import json, sys
print(json.load(sys.stdin)["bytes_by_use"].get("kernel", 0))')
	kd=$(used kernel)
	echo "info: usage --exact 'kernel' moved $(((kd - kb) / MiB)) MiB meanwhile (noisy: other work)"
	release
	rmdir "$cg" 2>/dev/null || sleep 1
	rmdir "$cg" 2>/dev/null
	if [ $((got * 100)) -ge $((want * 95)) ] && [ $((got * 100)) -le $((want * 105)) ]; then
		echo "ok: pipes: $((got / MiB)) MiB of kernel pages charged to the holder's cgroup"
		return 0
	fi
	echo "miss: pipes: $((got / MiB)) MiB of kernel pages in the holder's cgroup, want 256 MiB"
	return 1
}
try3 t_pipes

exit $fail
