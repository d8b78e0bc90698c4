#!/usr/bin/env bash
# Live: a 100 MiB file read into the cache shows 100 MiB in `files` and a
# full map in `file`, agreeing with fincore; evicting its first half
# (posix_fadvise DONTNEED) shows in the map and the runs.
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
dir=$(mktemp -d /var/tmp/memtally-live.XXXXXX)
trap 'rm -rf "$dir"' EXIT
f=$dir/data
dd if=/dev/urandom of="$f" bs=1M count=100 status=none
sync "$f"
cat "$f" >/dev/null
fail=0
json=$("$M" files --json "$dir") || { echo "FAIL: files exited $?"; exit 1; }
read -r cached dirty < <(printf '%s' "$json" | python3 -c '
import json,sys; r=json.load(sys.stdin)["rows"][0]; print(r["cached"], r["dirty"])')
echo "files: cached $((cached >> 20)) MiB, dirty $dirty"
[ "$cached" = $((100 << 20)) ] || { echo "FAIL: cached $cached, want 100 MiB"; fail=1; }
[ "$dirty" = 0 ] || { echo "FAIL: dirty $dirty after sync"; fail=1; }
# fincore counts the same pages
fc=$(fincore -b -n -o RES "$f" | tr -d ' ')
[ "$fc" = "$cached" ] || { echo "FAIL: fincore says $fc, memtally $cached"; fail=1; }
map=$("$M" file -w 32 "$f" | sed -n 's/^  \([#+.D-]*\)$/\1/p')
[ "$map" = "################################" ] || { echo "FAIL: map '$map'"; fail=1; }
# evict the first half only: the map and runs show it
python3 -c "
import os; fd=os.open('$f', os.O_RDONLY)
os.posix_fadvise(fd, 0, 50 << 20, os.POSIX_FADV_DONTNEED)"
json=$("$M" file --json -w 32 "$f")
printf '%s' "$json" | python3 -c '
import json,sys; o=json.load(sys.stdin)
assert o["cached"] == 50 << 20, o["cached"]
assert o["map"] == "." * 16 + "#" * 16, o["map"]
runs = [r for r in o["runs"] if r["state"] == "cached"]
assert runs == [{"state": "cached", "offset": 50 << 20, "length": 50 << 20}], runs
# no EVICTED check: fadvise drops pages without leaving the shadow
# entries that reclaim leaves, so they do not count as evicted
assert o["evicted"] is not None
print("file: half evicted, map", o["map"])' || { echo "FAIL: partial eviction not seen"; fail=1; }
# without PATH: a process holding the file open is named as its holder
sleep 30 <"$f" &
holder=$!
"$M" files --json -n 0 | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin)["rows"] if r["path"] == sys.argv[1]]
assert rows, "held file not listed"
assert "sleep(%s)" % sys.argv[2] in rows[0]["holders"], rows[0]["holders"]
print("files: held by", rows[0]["holders"])' "$f" $holder || { echo "FAIL: holder not named"; fail=1; }
kill $holder 2>/dev/null; wait $holder 2>/dev/null
# live only
"$M" --root tests/fixtures/prometheus-procfs files >/dev/null 2>&1; [ $? = 1 ] || { echo "FAIL: files with --root not exit 1"; fail=1; }
# a vanishing tree and unreadable names do not stop the walk
mkdir -p "$dir/sub"; ln -s /etc "$dir/sub/link"; mkfifo "$dir/sub/fifo"
"$M" files "$dir" >/dev/null || { echo "FAIL: walk with fifo/symlink"; fail=1; }
[ $fail = 0 ] && echo "live files: ok"
exit $fail
