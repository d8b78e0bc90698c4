#!/usr/bin/env bash
# Live: `empty` says what it would do and does nothing without --yes;
# `empty standby --yes` drops a 100 MiB file read into the cache (clean
# page cache only); `empty workingsets --pid P --yes` pages out the file
# pages a process maps. Dry runs only for slab and compact (harmless but
# system-wide). Exit 77 without root or process_madvise.
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
dir=$(mktemp -d /var/tmp/memtally-live.XXXXXX)
hog=
cleanup() {
	[ -n "$hog" ] && kill "$hog" 2>/dev/null && wait "$hog" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
f=$dir/data
dd if=/dev/urandom of="$f" bs=1M count=100 status=none
sync "$f"
cat "$f" >/dev/null
cached() { "$M" files --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["cached"] >> 20)'; }
fail=0

# without --yes: nothing happens, and it says so
out=$("$M" empty standby) || { echo "FAIL: dry run exited $?"; fail=1; }
printf '%s\n' "$out" | grep -q "would" || { echo "FAIL: dry run does not say 'would'"; fail=1; }
printf '%s\n' "$out" | grep -q "/proc/sys/vm/drop_caches" || { echo "FAIL: dry run does not name drop_caches"; fail=1; }
[ "$(cached)" = 100 ] || { echo "FAIL: dry run dropped the cache"; fail=1; }
for w in modified slab compact workingsets; do
	"$M" empty $w >/dev/null || { echo "FAIL: dry run of $w"; fail=1; }
done
"$M" empty bogus >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: bad WHAT not exit 2"; fail=1; }
"$M" empty standby --pid 1 >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: --pid with standby not exit 2"; fail=1; }
"$M" --root tests/fixtures/prometheus-procfs empty standby --yes >/dev/null 2>&1
[ $? = 1 ] || { echo "FAIL: empty with --root not exit 1"; fail=1; }

# standby --yes: the clean file leaves the cache, before/after shown
out=$("$M" empty standby --yes) || { echo "FAIL: standby --yes exited $?"; fail=1; }
printf '%s\n' "$out" | grep -q "page cache" || { echo "FAIL: no before/after"; fail=1; }
c=$(cached)
echo "after empty standby: $c MiB of the file cached"
[ "$c" = 0 ] || { echo "FAIL: $c MiB still cached"; fail=1; }

# workingsets --pid: a process mapping the file loses those pages
cat "$f" >/dev/null
python3 -c "
import mmap, sys, time
f = open('$f', 'rb'); m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
s = sum(m[i] for i in range(0, len(m), 4096))
print('ready', flush=True); time.sleep(60)" >"$dir/ready" &
hog=$!
for _ in $(seq 50); do grep -q ready "$dir/ready" && break; sleep 0.1; done
rss() { "$M" procs --json -p "$hog" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["rss"] >> 20)'; }
before=$(rss)
if "$M" empty workingsets --pid "$hog" --yes >"$dir/out" 2>&1; then
	after=$(rss)
	echo "workingsets: RSS $before MiB -> $after MiB"
	[ "$before" -ge 100 ] && [ "$after" -lt 50 ] || { echo "FAIL: RSS did not drop"; fail=1; }
elif grep -q "not implemented\|Function not implemented" "$dir/out"; then
	echo "no process_madvise here: workingsets part skipped"
else
	echo "FAIL: workingsets --yes:"; cat "$dir/out"; fail=1
fi
[ $fail = 0 ] && echo "live empty: ok"
exit $fail
