#!/usr/bin/env bash
# Hostile outputs and permissions (issue 12 items 6 and 12): recordings read
# without write access (a read-only bind mount, another user, a WAL left by
# a killed recorder), two recorders on one file, a full disk (a 64 KiB
# tmpfs, unmounted at exit), an unwritable directory, `usage --deep` as a
# user. Needs root (mount, setpriv); exit 77 otherwise.
set -u
M=$(realpath "${MEMTALLY:?}")
FIX=$(realpath "${SRCDIR:-.}/tests/fixtures/debian12-6.18-x86_64")
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: no setpriv"; exit 77; }
tmpd=$(mktemp -d /tmp/memtally-io.XXXXXX)
chmod 755 "$tmpd"
mnts=()
cleanup() {
	for m in "${mnts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$tmpd"
}
trap cleanup EXIT
mount --bind "$tmpd" "$tmpd" 2>/dev/null && umount "$tmpd" ||
	{ echo "skip: cannot mount here"; exit 77; }
fail=0
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
run() { # desc, want rc, cmd...
	local desc=$1 want=$2
	shift 2
	"$@" >"$tmpd/out" 2>"$tmpd/err"
	local rc=$?
	[ "$rc" = "$want" ] || { echo "FAIL: $desc: exit $rc, want $want"; cat "$tmpd/err"; fail=1; }
	return 0
}
expect_err() { # desc, pattern
	grep -Eq -- "$2" "$tmpd/err" || { echo "FAIL: $1: stderr lacks '$2':"; cat "$tmpd/err"; fail=1; }
	[ "$(wc -l <"$tmpd/err")" -le 1 ] || { echo "FAIL: $1: error is not one line"; fail=1; }
}
readers() { # desc, db, [prefix...]: leaks, report, diff all read it
	local desc=$1 db=$2
	shift 2
	run "$desc: leaks" 0 "$@" "$M" leaks --db "$db"
	run "$desc: report" 0 "$@" "$M" report --db "$db" -o "$tmpd/w/r.html"
	run "$desc: diff" 0 "$@" "$M" diff --db "$db"
}
mkdir -p "$tmpd/rec" "$tmpd/ro" "$tmpd/w"
chmod 755 "$tmpd/rec" "$tmpd/ro"
chmod 777 "$tmpd/w"

# --- a clean recording (no -wal, no -shm) -------------------------------
"$M" --root "$FIX" record --db "$tmpd/rec/a.db" -i 0.05 -n 3 -q ||
	{ echo "FAIL: record"; exit 1; }
# one copy per reader: a reader that may write leaves an -shm behind,
# which would let the next one pass without the fix
for c in n r o; do cp "$tmpd/rec/a.db" "$tmpd/rec/$c.db"; done
readers "as nobody" "$tmpd/rec/n.db" "${NOBODY[@]}"
mount --bind -o ro "$tmpd/rec" "$tmpd/ro" && mnts+=("$tmpd/ro")
readers "read-only mount" "$tmpd/ro/r.db"
readers "read-only mount as nobody" "$tmpd/ro/r.db" "${NOBODY[@]}"
readers "own" "$tmpd/rec/o.db"

# --- two recorders: the second is refused; a WAL left by SIGKILL --------
"$M" --root "$FIX" record --db "$tmpd/rec/b.db" -i 0.05 -q &
rec=$!
# until it has two samples (the writer made the -shm: reading as root
# changes nothing for the readers below)
for _ in $(seq 100); do "$M" diff --db "$tmpd/rec/b.db" >/dev/null 2>&1 && break; sleep 0.1; done
run "second recorder" 1 "$M" --root "$FIX" record --db "$tmpd/rec/b.db" -i 0.05 -n 2 -q
expect_err "second recorder" "already being recorded"
readers "live WAL as nobody" "$tmpd/rec/b.db" "${NOBODY[@]}"
sleep 0.3
kill -9 $rec
wait $rec 2>/dev/null
[ -s "$tmpd/rec/b.db-wal" ] || echo "note: the recorder left no -wal"
readers "killed WAL as nobody" "$tmpd/rec/b.db" "${NOBODY[@]}"
readers "killed WAL on read-only mount" "$tmpd/ro/b.db"
# the lock went with the killed recorder
run "recorder after SIGKILL" 0 "$M" --root "$FIX" record --db "$tmpd/rec/b.db" -i 0.05 -n 1 -q
# a non-empty -wal without its -shm on a read-only mount: a reason, not
# a silently partial read
"$M" --root "$FIX" record --db "$tmpd/rec/c.db" -i 0.05 -q &
rec=$!
for _ in $(seq 50); do [ -s "$tmpd/rec/c.db-wal" ] && break; sleep 0.1; done
sleep 0.2
kill -9 $rec
wait $rec 2>/dev/null
rm -f "$tmpd/rec/c.db-shm"
if [ -s "$tmpd/rec/c.db-wal" ]; then
	run "WAL without -shm, read-only" 1 "$M" leaks --db "$tmpd/ro/c.db"
	expect_err "WAL without -shm, read-only" "samples are in .*-wal"
fi

# --- a full disk ----------------------------------------------------------
mkdir -p "$tmpd/full"
mount -t tmpfs -o size=64k,mode=0777 memtally-test "$tmpd/full" && mnts+=("$tmpd/full")
dd if=/dev/zero of="$tmpd/full/fill" bs=4k 2>/dev/null
run "record on a full disk" 1 "$M" --root "$FIX" record --db "$tmpd/full/r.db" -n 1 -q
[ ! -e "$tmpd/full/r.db" ] || { echo "FAIL: record left '$(ls -la "$tmpd/full/r.db")'"; fail=1; }
run "report on a full disk" 1 "$M" report --db "$tmpd/rec/a.db" -o "$tmpd/full/r.html"
expect_err "report on a full disk" "No space left on device"
ls "$tmpd/full" | grep -q 'r.html' && { echo "FAIL: report left $(ls "$tmpd/full")"; fail=1; }
run "snapshot on a full disk" 1 "$M" --root "$FIX" snapshot -o "$tmpd/full/s.mtsnap"
expect_err "snapshot on a full disk" "No space left on device"

# --- an unwritable directory; usage --deep as a user --------------------
run "snapshot, unwritable dir" 1 "${NOBODY[@]}" "$M" --root "$FIX" snapshot -o "$tmpd/rec/s.mtsnap"
expect_err "snapshot, unwritable dir" "Permission denied"
if [ -r /proc/vmallocinfo ] && [ -r /proc/meminfo ]; then
	run "usage --deep as nobody" 0 "${NOBODY[@]}" "$M" usage --deep
	grep -q -- "--deep: cannot read '/proc/vmallocinfo'" "$tmpd/out" ||
		{ echo "FAIL: usage --deep as nobody says nothing"; cat "$tmpd/out"; fail=1; }
fi

# --- empty: --cgroup stays beneath the mount; a missing PID is an error --
# (the files exist, as an attacker would prepare them)
mkdir -p "$tmpd/x"
: >"$tmpd/x/memory.force_empty"
: >"$tmpd/x/memory.reclaim"
: >"$tmpd/x/memory.current"
run "empty --cgroup escape" 1 "$M" empty workingsets --cgroup "/../../../../..$tmpd/x" --yes
[ ! -s "$tmpd/x/memory.force_empty" ] && [ ! -s "$tmpd/x/memory.reclaim" ] ||
	{ echo "FAIL: empty --cgroup wrote outside the cgroup tree"; fail=1; }
run "empty --pid missing" 1 "$M" empty workingsets --pid 999999999
expect_err "empty --pid missing" "no process '999999999'"
pid1=$("${NOBODY[@]}" "$M" empty workingsets --pid 1 2>&1)
if ! "${NOBODY[@]}" cat /proc/1/smaps_rollup >/dev/null 2>&1; then
	grep -q "RSS now n/a" <<<"$pid1" || { echo "FAIL: PID 1 as nobody: $pid1"; fail=1; }
fi

[ $fail = 0 ] && echo "hostile-io: all checks passed"
exit $fail
