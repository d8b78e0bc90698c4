#!/usr/bin/env bash
# Snapshots: for every fixture tree, `snapshot --root TREE -o FILE` then
# every golden case must print the same from -f FILE as from --root TREE
# (RAMMap's save and load). A truncated, altered or foreign file must be
# refused with exit 1 and one line on stderr, never half-read.
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d /tmp/memtally-snap-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

for fxdir in "$top"/tests/fixtures/*/; do
	fx=$(basename "$fxdir")
	[ -d "$fxdir/proc" ] || continue # samples, not a tree (fdinfo/, sysvipc/)
	snap=$tmp/$fx.mtsnap
	if ! "$M" --root "$fxdir" snapshot --pages -o "$snap" >/dev/null 2>"$tmp/err"; then
		echo "FAIL: snapshot of $fx: $(cat "$tmp/err")"; fail=1; continue
	fi
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2086
		a=$(NO_COLOR=1 "$M" --root "$fxdir" $line 2>&1; echo "exit $?")
		# shellcheck disable=SC2086
		b=$(NO_COLOR=1 "$M" -f "$snap" $line 2>&1; echo "exit $?")
		# paths in messages name the tree or the snapshot: compare the rest
		a=$(printf '%s' "$a" | sed "s|${fxdir%/}||g")
		b=$(printf '%s' "$b" | sed "s|$snap:||g; s|$snap||g")
		if [ "$a" != "$b" ]; then
			echo "FAIL: $fx: '$line' differs between --root and -f"
			diff <(echo "$a") <(echo "$b") | head -10
			fail=1
		fi
		n=$((n + 1))
	done <"$top/tests/golden/cases.txt"
done

# bad files: exit 1, one line, says what is wrong
good=$(ls "$tmp"/*.mtsnap | head -1)
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" >"$tmp/trunc"
printf 'not a snapshot\n' >"$tmp/text"
tar -cf "$tmp/foreign" -C "$top/tests" cli 2>/dev/null
: >"$tmp/empty"
for bad in trunc text foreign empty; do
	"$M" -f "$tmp/$bad" usage >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc != 1 ] || [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q "cannot open snapshot" "$tmp/err"; then
		echo "FAIL: bad snapshot '$bad': exit $rc, stderr: $(cat "$tmp/err")"; fail=1
	fi
done
echo "snapshot: $n view comparisons, bad files refused"
exit $fail
