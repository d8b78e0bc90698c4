#!/usr/bin/env bash
# The top screen driven in tmux: sorting keys change the order, p changes
# the type shown, q exits with the terminal restored, SIGTERM ends it
# cleanly too (programs detached), and without root the header says why
# there are no BPF rows. Skips (77) without tmux or ncurses.
set -u
M=${MEMTALLY:?}
M=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
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
pane | grep -q "TOTAL (shown rows)" || { echo "FAIL: 'e' shows no totals"; fail=1; }
key v
pane | grep -q "CATEGORY" || { echo "FAIL: 'v' did not switch to the usage view"; fail=1; }
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
	if command -v bpftool >/dev/null && bpftool prog show 2>/dev/null | grep -q "name kt_"; then
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
