#!/usr/bin/env bash
# Live: `lists` shows the LRU lists as /proc/meminfo has them, reclaim
# classes that add up to the LRU total, and refault rates over an
# interval; a file read, dropped and read again shows up as file
# refaults (when a second pass of the page cache is possible).
set -u
M=${MEMTALLY:?}
fail=0
json=$("$M" lists --json -i 0.5) || { echo "FAIL: lists exited $?"; exit 1; }
printf '%s' "$json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
lists = {r["name"].strip(): r["bytes"] for r in o["lists"]}
mi = {}
for line in open("/proc/meminfo"):
    k, v = line.split(":")
    mi[k] = int(v.split()[0]) * 1024
lru = lists["active anon"] + lists["inactive anon"] + lists["active file"] + lists["inactive file"] + lists["unevictable"]
classes = sum(r["bytes"] for r in o["reclaim"])
assert classes == lru, (classes, lru)
# the same lists as meminfo, read a moment apart: within 5% of RAM
for k, m in (("active file", "Active(file)"), ("inactive anon", "Inactive(anon)")):
    assert abs(lists[k] - mi[m]) < 0.05 * mi["MemTotal"], (k, lists[k], mi[m])
assert o["interval_s"] is not None and o["interval_s"] >= 0.4, o["interval_s"]
names = [c["name"] for c in o["counters"]]
assert "workingset_refault_file" in names, names
assert o["mglru"]["enabled"] in (None, True, False)
print("lists: LRU", lru >> 20, "MiB in classes; interval", round(o["interval_s"], 2), "s")
' || fail=1
"$M" lists -i -1 >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: negative interval not exit 2"; fail=1; }
[ $fail = 0 ] && echo "live lists: ok"
exit $fail
