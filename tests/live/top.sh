#!/usr/bin/env bash
# The top screen driven in tmux: sorting keys change the order, p changes
# the type shown, q exits with the terminal restored, SIGTERM ends it
# cleanly too (programs detached), and without root the header says why
# there are no BPF rows. First, without a terminal, `top --batch -n 2
# --json` prints two JSON lines of the same views. Skips (77) without
# tmux or ncurses (after the batch checks).
set -u
M=${MEMTALLY:?}
M=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")

# --batch: two refreshes as two JSON documents, one a line; the pool rows
# have their fields and the header the memory totals; every view.
for view in pools usage procs free; do
	out=$("$M" top --batch -n 2 -d 0.3 --json --view $view </dev/null) || { echo "FAIL: top --batch --json --view $view exited $?"; exit 1; }
	printf '%s\n' "$out" | python3 -c '
import json, sys
view = sys.argv[1]
lines = sys.stdin.read().splitlines()
assert len(lines) == 2, f"{len(lines)} lines, not 2"
docs = [json.loads(l) for l in lines]
assert [d["refresh"] for d in docs] == [1, 2], [d["refresh"] for d in docs]
for d in docs:
    assert d["view"] == view, d["view"]
    m = d["header"]["memory"][0]
    assert m["total"] > 0 and m["available"] > 0, m
    v = d[view]
    table = {"pools": "rows", "usage": "usage", "procs": "procs", "free": "zones"}[view]
    assert v[table], f"no rows in {table}"
    if view == "pools":
        r = v["rows"][0]
        assert {"tag", "source", "diff", "bytes", "per_alloc"} <= set(r), r
        assert isinstance(r["bytes"], int)
    if view == "procs":
        assert any(p["command"] == "memtally" for p in v["procs"]), "memtally not among the processes"
' "$view" || { echo "FAIL: top --batch -n 2 --json --view $view"; printf '%s\n' "$out" | head -c 600; exit 1; }
done
txt=$("$M" top --batch -n 1 --no-bpf </dev/null) || { echo "FAIL: top --batch (text) exited $?"; exit 1; }
printf '%s\n' "$txt" | grep -q '^TAG ' || { echo "FAIL: top --batch prints no pool table"; exit 1; }
printf '%s\n' "$txt" | grep -q '^Sources: /proc only (--no-bpf)' || { echo "FAIL: top --batch --no-bpf does not say so"; exit 1; }
"$M" top --json </dev/null >/dev/null 2>&1 && { echo "FAIL: top --json without --batch was accepted"; exit 1; }
echo "top --batch: two JSON lines a view, and text"
command -v tmux >/dev/null || { echo "top: no tmux, skipping"; exit 77; }
if "$M" top --help >/dev/null 2>&1 && ! "$M" top </dev/null 2>&1 | grep -q "needs a terminal"; then
	echo "top: built without ncurses, skipping"; exit 77
fi
S=memtally-top-test-$$
fail=0
cleanup() { tmux kill-session -t "$S" 2>/dev/null; }
trap cleanup EXIT
tmux new-session -d -s "$S" -x 160 -y 45 "env -u TMUX bash --norc --noprofile" || { echo "FAIL: tmux"; exit 1; }
pane() { tmux capture-pane -t "$S" -p; }
key() { tmux send-keys -t "$S" "$@"; sleep 0.7; }
# rows: the lines between the column header and the key bar
rows() { pane | awk '/^ TAG /{on=1; next} /^ q quit/{on=0} on && NF'; }

tmux send-keys -t "$S" "$M top -d 0.5; echo EXITED rc=\$?" Enter
for _ in $(seq 100); do pane | grep -q '^ TAG ' && break; sleep 0.1; done
pane | grep -q '^ TAG ' || { echo "FAIL: top did not draw its table"; pane; exit 1; }
sleep 1.5
[ "$(rows | wc -l)" -ge 3 ] || { echo "FAIL: fewer than 3 pool rows"; pane; exit 1; }

# a: allocs, biggest first (column 4 counts from the right of TYPE)
key a
pane | head -1 | grep -q "sort: allocs" || { echo "FAIL: 'a' did not sort by allocs"; fail=1; }
rows | awk '{print $4}' | grep -E '^[0-9]+$' >/tmp/memtally-top-a.$$
sort -n -r -c /tmp/memtally-top-a.$$ || { echo "FAIL: allocs not in descending order"; fail=1; }
order_a=$(rows | awk '{print $1}' | head -20)
# t: tags ascending
key t
pane | head -1 | grep -q "sort: tag" || { echo "FAIL: 't' did not sort by tag"; fail=1; }
rows | awk '{print $1}' >/tmp/memtally-top-t.$$
LC_ALL=C sort -c /tmp/memtally-top-t.$$ || { echo "FAIL: tags not in ascending order"; fail=1; }
[ "$order_a" != "$(rows | awk '{print $1}' | head -20)" ] || { echo "FAIL: the order did not change"; fail=1; }
# t again: reversed
key t
pane | head -1 | grep -q "reversed" || { echo "FAIL: 't' twice did not reverse"; fail=1; }
rm -f /tmp/memtally-top-a.$$ /tmp/memtally-top-t.$$

# p: reclaimable only, then unreclaimable only, then all
key p
pane | head -1 | grep -q "type: reclaimable" || { echo "FAIL: 'p' did not switch to reclaimable"; fail=1; }
if rows | awk '{print $3}' | grep -qx unreclaimable; then echo "FAIL: unreclaimable rows shown"; fail=1; fi
key p
pane | head -1 | grep -q "type: unreclaimable" || { echo "FAIL: 'p' did not switch to unreclaimable"; fail=1; }
if rows | awk '{print $3}' | grep -qx reclaimable; then echo "FAIL: reclaimable rows shown"; fail=1; fi
key p
# e: totals; v: the usage view; h: help
key e
pane | grep -qE "^ total +all " || { echo "FAIL: 'e' shows no total lines"; pane; fail=1; }
key v
pane | grep -q "CATEGORY" || { echo "FAIL: 'v' did not switch to the usage view"; fail=1; }
key 3
pane | grep -q "PID  COMMAND" || { echo "FAIL: '3' did not switch to the processes view"; pane; fail=1; }
pane | grep -qE "^ +[0-9]+  memtally " || { echo "FAIL: the processes view does not list memtally itself"; pane; fail=1; }
key 4
pane | grep -q "free blocks by order" || { echo "FAIL: '4' did not switch to the free-lists view"; pane; fail=1; }
key 1
key h
pane | grep -q "Keys:" || { echo "FAIL: 'h' shows no help"; fail=1; }
key x   # any key leaves the help

# q: exits 0 and the terminal is restored (the shell's screen is back)
key q
sleep 0.5
pane | grep -q "EXITED rc=0" || { echo "FAIL: q did not exit 0"; pane; fail=1; }
if pane | grep -q "memtally top - "; then echo "FAIL: the screen was not restored"; fail=1; fi

# SIGTERM: exits 0, screen restored, BPF programs gone
tmux send-keys -t "$S" "clear; $M top -d 0.5; echo EXITED2 rc=\$?" Enter
for _ in $(seq 100); do pane | grep -q '^ TAG ' && break; sleep 0.1; done
shell=$(tmux display -p -t "$S" '#{pane_pid}')
pid=$(pgrep -P "$shell" -x memtally | head -1)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	sleep 1
	pane | grep -q "EXITED2 rc=0" || { echo "FAIL: SIGTERM did not end top cleanly"; pane; fail=1; }
	if pane | grep -q "memtally top - "; then echo "FAIL: the screen was not restored after SIGTERM"; fail=1; fi
	# A process's BPF programs die with it unless pinned: nothing of
	# ours may be pinned, and, when no other memtally tracer runs (a
	# recorder of another test run would own its own), none may remain.
	if ls /sys/fs/bpf 2>/dev/null | grep -qi "kt_\|memtally"; then
		echo "FAIL: BPF objects pinned under /sys/fs/bpf"; fail=1
	fi
	if command -v bpftool >/dev/null && ! pgrep -f "memtally .*(record|pools|top)" >/dev/null &&
		bpftool prog show 2>/dev/null | grep -q "name kt_"; then
		echo "FAIL: BPF programs left after SIGTERM"; fail=1
	fi
else
	echo "FAIL: cannot find top's pid"; fail=1
fi
# without root: the header says why there are no BPF rows, and q still
# restores the terminal
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	tmux send-keys -t "$S" "clear; setpriv --reuid=65534 --regid=65534 --clear-groups $M top -d 0.5; echo EXITED3 rc=\$?" Enter
	for _ in $(seq 100); do pane | grep -q 'sources:' && break; sleep 0.1; done
	pane | grep -q "sources: bpf unavailable (.*root" || { echo "FAIL: non-root header does not say why bpf is missing"; pane; fail=1; }
	key q
	pane | grep -q "EXITED3 rc=0" || { echo "FAIL: non-root top did not exit 0"; fail=1; }
fi
[ $fail = 0 ] && echo "top: keys sort, filter and switch views; q and SIGTERM restore the terminal"
exit $fail
