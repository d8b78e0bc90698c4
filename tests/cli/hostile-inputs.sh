#!/usr/bin/env bash
# Hostile inputs and outputs (issue 12): a FIFO or device in place of a
# kernel file or a snapshot, an oversized kernel file, symlinks out of a
# --root tree, crafted snapshots (bombs, members the manifest does not
# list, unsafe member names), and -o targets that are not regular files.
# Every case must end within seconds with exit 1 and one line on stderr
# saying what was refused, and must leave the target untouched.
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fx=$top/tests/fixtures/debian12-6.18-x86_64
tmp=$(mktemp -d /tmp/memtally-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

# expect NAME WANT CMD...: exit 1 within 20 s, one stderr line with WANT
expect() {
	local name=$1 want=$2 rc
	shift 2
	timeout 20 "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	if [ $rc = 124 ]; then
		echo "FAIL: $name: hangs"; fail=1
	elif [ $rc != 1 ] || [ "$(wc -l <"$tmp/err")" != 1 ] ||
		! grep -qF -- "$want" "$tmp/err"; then
		echo "FAIL: $name: exit $rc, want one line with '$want':"
		sed 's/^/    /' "$tmp/err" | head -5
		fail=1
	fi
}

# a copy of the fixture's proc/ (what usage reads), proc/meminfo removed
tree() {
	rm -rf "$tmp/t"
	mkdir "$tmp/t"
	cp -a "$fx/proc" "$tmp/t/proc"
	rm -f "$tmp/t/proc/meminfo"
}

# --- item 2: FIFOs and devices never block -------------------------------
tree; mkfifo "$tmp/t/proc/meminfo"
expect "fifo meminfo" "is not a regular file" "$M" --root "$tmp/t" usage
mkfifo "$tmp/p"
expect "-f fifo" "not a regular file" "$M" -f "$tmp/p" usage
if [ "$(id -u)" = 0 ]; then
	tree; mknod "$tmp/t/proc/meminfo" c 1 5 # /dev/zero
	expect "device meminfo" "is not a regular file" "$M" --root "$tmp/t" usage
fi
# a FIFO under sys/ in a view that reads many files: no hang either
tree; cp "$fx/proc/meminfo" "$tmp/t/proc/meminfo"
mkdir -p "$tmp/t/sys/kernel/slab"
d=$(ls -d "$fx"/sys/kernel/slab/*/ 2>/dev/null | head -1)
[ -n "$d" ] && cp -a "$d" "$tmp/t/sys/kernel/slab/" && d=$tmp/t/sys/kernel/slab/$(basename "$d")
if [ -n "$d" ]; then
	rm -f "$d/object_size"; mkfifo "$d/object_size"
	timeout 20 "$M" --root "$tmp/t" pools >/dev/null 2>&1
	[ $? = 124 ] && { echo "FAIL: fifo in sys/kernel/slab: pools hangs"; fail=1; }
	n=$((n + 1))
fi

# --- item 3: a kernel file larger than the cap ---------------------------
tree; truncate -s 65M "$tmp/t/proc/meminfo"
expect "65 MiB meminfo" "is larger than 64 MiB: not a kernel file" \
	"$M" --root "$tmp/t" usage

# --- item 9: --root DIR resolves beneath DIR -----------------------------
tree; ln -s ../../../../../../../../etc/passwd "$tmp/t/proc/meminfo"
expect "meminfo -> ../etc/passwd" "leads outside the root" "$M" --root "$tmp/t" usage
"$M" --root "$tmp/t" snapshot -o "$tmp/out.mtsnap" >/dev/null 2>&1
if tar --zstd -xOf "$tmp/out.mtsnap" proc/meminfo 2>/dev/null | grep -q '^root:'; then
	echo "FAIL: /etc/passwd went into a snapshot of the tree"; fail=1
fi
tree; ln -s /etc/passwd "$tmp/t/proc/meminfo"
expect "meminfo -> /etc/passwd" "leads outside the root" "$M" --root "$tmp/t" usage
# a corrupt owners member (memtally/owners.json in a tree or snapshot):
# bad input, exit 1, not a usage error
ofx=$top/tests/fixtures/owners-6.18-x86_64
rm -rf "$tmp/o" && cp -a "$ofx" "$tmp/o"
head -c 100 "$ofx/memtally/owners.json" >"$tmp/o/memtally/owners.json"
expect "owners.json cut" "'memtally/owners.json': not JSON" "$M" --root "$tmp/o" owners
printf '{"version":1,"procs":[],"objects":[{"kind":"pipe","id":-5,"holders":[]}]}' \
	>"$tmp/o/memtally/owners.json"
expect "owners.json negative id" "a malformed process or object" "$M" --root "$tmp/o" owners

tree; cp "$fx/proc/meminfo" "$tmp/t/meminfo.real"
ln -s ../meminfo.real "$tmp/t/proc/meminfo"
if ! "$M" --root "$tmp/t" usage >/dev/null 2>"$tmp/err"; then
	echo "FAIL: a link inside the tree is not followed: $(cat "$tmp/err")"; fail=1
fi
n=$((n + 1))

# --- items 4 and 10: crafted snapshots -----------------------------------
"$M" --root "$fx" snapshot -o "$tmp/good.mtsnap" >/dev/null || fail=1
zstd -qdc "$tmp/good.mtsnap" >"$tmp/good.tar" || fail=1
python3 - "$tmp" <<'PY' || { echo "FAIL: cannot craft snapshots"; fail=1; }
import io, json, sys, tarfile
tmp = sys.argv[1]
src = tarfile.open(f"{tmp}/good.tar")
members = [(m, src.extractfile(m).read() if m.isfile() else None)
           for m in src.getmembers()]
manifest = json.loads(members[0][1])

def write(name, items, man=None):
    with tarfile.open(f"{tmp}/{name}.tar", "w", format=tarfile.PAX_FORMAT) as t:
        m0 = tarfile.TarInfo("memtally-snapshot.json")
        data = (man if man is not None
                else json.dumps(manifest).encode())
        if isinstance(data, str):
            data = data.encode()
        m0.size = len(data)
        t.addfile(m0, io.BytesIO(data))
        for m, d in items:
            t.addfile(m, io.BytesIO(d) if d is not None else None)

def extra(name, path, data=b"MemTotal: 1 kB\n"):
    m = tarfile.TarInfo(path)
    m.size = len(data)
    write(name, members[1:] + [(m, data)])

# members the manifest does not list, and unsafe names
extra("unlisted", "proc/unlisted")
extra("absolute", "/tmp/x")
extra("dotdot", "../../../../tmp/x")
# a manifest that names an unsafe path
man = dict(manifest)
man["errors"] = man["errors"] + [{"path": "../etc/x", "errno": 2}]
write("man-dotdot", members[1:], json.dumps(man))
# bombs: members declared larger than any kernel file; sizes adding up
man = dict(manifest)
man["files"] = man["files"] + [
    {"path": f"proc/big{i}", "size": 700 << 20, "fnv1a64": "0" * 16}
    for i in range(3)]
write("bomb-member", members[1:], json.dumps(man))
man = dict(manifest)
man["files"] = man["files"] + [
    {"path": f"proc/mid{i}", "size": 60 << 20, "fnv1a64": "0" * 16}
    for i in range(5)]
write("bomb-total", members[1:], json.dumps(man))
# a million-entry-class manifest, and one of empty arrays
man = dict(manifest)
man["files"] = [{"path": f"d/{i}", "type": "dir"} for i in range(250000)]
write("bomb-entries", [], json.dumps(man))
write("bomb-arrays", [], "[" + "[]," * 3000000 + "[]]")
# a manifest past its own cap
write("bomb-manifest", [], '{"format": "memtally-snapshot", "pad": "'
      + "x" * (33 << 20) + '"}')
PY
expect "unlisted member" "member 'proc/unlisted' is not in the manifest" "$M" -f "$tmp/unlisted.tar" usage
expect "absolute member" "unsafe name" "$M" -f "$tmp/absolute.tar" usage
expect "dotdot member" "unsafe name" "$M" -f "$tmp/dotdot.tar" usage
expect "dotdot in manifest" "absolute or with '..'" "$M" -f "$tmp/man-dotdot.tar" usage
expect "700 MiB members" "more than any kernel file" "$M" -f "$tmp/bomb-member.tar" usage
expect "5 x 60 MiB members" "members add up to more than 256 MiB" "$M" -f "$tmp/bomb-total.tar" usage
expect "250000 entries" "manifest lists more than 200000 entries" "$M" -f "$tmp/bomb-entries.tar" usage
expect "3M empty arrays" "manifest lists more than 200000 entries" "$M" -f "$tmp/bomb-arrays.tar" usage
expect "33 MiB manifest" "manifest is larger than 32 MiB" "$M" -f "$tmp/bomb-manifest.tar" usage
# the crafted writer itself is sound: the good tar still reads
if ! "$M" -f "$tmp/good.tar" usage >/dev/null 2>"$tmp/err"; then
	echo "FAIL: the uncompressed good snapshot is refused: $(cat "$tmp/err")"; fail=1
fi

# --- item 1: -o refuses what is not a regular file -----------------------
mkfifo "$tmp/o.fifo"
expect "snapshot -o fifo" "exists and is not a regular file" \
	"$M" --root "$fx" snapshot -o "$tmp/o.fifo"
[ -p "$tmp/o.fifo" ] || { echo "FAIL: snapshot -o replaced a FIFO"; fail=1; }
echo keep >"$tmp/victim"; ln -s "$tmp/victim" "$tmp/o.link"
expect "snapshot -o symlink" "exists and is not a regular file" \
	"$M" --root "$fx" snapshot -o "$tmp/o.link"
[ -L "$tmp/o.link" ] && [ "$(cat "$tmp/victim")" = keep ] ||
	{ echo "FAIL: snapshot -o went through a symlink"; fail=1; }
if [ "$(id -u)" = 0 ]; then
	mknod "$tmp/o.null" c 1 3
	expect "snapshot -o device" "exists and is not a regular file" \
		"$M" --root "$fx" snapshot -o "$tmp/o.null"
	[ -c "$tmp/o.null" ] || { echo "FAIL: snapshot -o replaced a device node"; fail=1; }
fi
python3 "$top/bench/gen-recording.py" "$tmp/r.db" --samples 20 --interval 300 --leak 1 >/dev/null 2>&1 ||
	{ echo "FAIL: cannot make a recording"; fail=1; }
expect "report -o fifo" "exists and is not a regular file" \
	"$M" report --db "$tmp/r.db" -o "$tmp/o.fifo"
expect "report -o symlink" "exists and is not a regular file" \
	"$M" report --db "$tmp/r.db" -o "$tmp/o.link"
[ -p "$tmp/o.fifo" ] && [ -L "$tmp/o.link" ] ||
	{ echo "FAIL: report -o replaced a FIFO or a symlink"; fail=1; }
# a full disk says so, with the right errno (root: a tiny tmpfs)
if [ "$(id -u)" = 0 ] && mkdir "$tmp/full" &&
	mount -t tmpfs -o size=16k tmpfs "$tmp/full" 2>/dev/null; then
	expect "snapshot on a full disk" "No space left on device" \
		"$M" --root "$fx" snapshot -o "$tmp/full/s.mtsnap"
	expect "report on a full disk" "No space left on device" \
		"$M" report --db "$tmp/r.db" -o "$tmp/full/r.html"
	left=$(ls -A "$tmp/full")
	[ -z "$left" ] || { echo "FAIL: a full disk kept '$left'"; fail=1; }
	umount "$tmp/full"
fi
echo "hostile-inputs: $n cases"
exit $fail
