#!/usr/bin/env bash
# Golden tests (util-linux's lsmem/lscpu tests): every view in cases.txt
# is run against every captured tree in tests/fixtures/ with --root, and
# the output (stdout, stderr, exit code) must match
# tests/golden/expected/FIXTURE/CASE.out byte for byte.
#
#   tests/golden/run.sh            check
#   tests/golden/run.sh --update   rewrite the expected files (then read
#                                  the diff before committing it)
set -u
tmpd=$(mktemp -d /tmp/memtally-test.XXXXXX)
trap 'rm -rf "$tmpd"' EXIT
M=${MEMTALLY:?set MEMTALLY to the memtally binary}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cases=$top/tests/golden/cases.txt
update=0
[ "${1:-}" = --update ] && update=1
pass=0 fail=0

run_case() { # fixture, args...
	local fx=$1
	shift
	local out rc
	out=$(NO_COLOR=1 "$M" --root "$top/tests/fixtures/$fx" "$@" 2>"$tmpd/err")
	rc=$?
	printf '%s\n' "$out"
	if [ -s "$tmpd/err" ]; then
		echo "--- stderr ---"
		sed "s|$top/||g" "$tmpd/err"
	fi
	echo "--- exit $rc ---"
}

for fxdir in "$top"/tests/fixtures/*/; do
	fx=$(basename "$fxdir")
	[ -d "$fxdir/proc" ] || continue # samples, not a tree (fdinfo/, sysvipc/)
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		slug=$(echo "$line" | sed -E 's/--?//g; s/[^A-Za-z0-9=,.]+/_/g')
		exp=$top/tests/golden/expected/$fx/$slug.out
		# shellcheck disable=SC2086
		got=$(run_case "$fx" $line | sed "s|$top/||g")
		if [ $update = 1 ]; then
			mkdir -p "$(dirname "$exp")"
			printf '%s\n' "$got" >"$exp"
			continue
		fi
		if [ ! -f "$exp" ]; then
			echo "FAIL: $fx: '$line': no expected file $exp"
			fail=$((fail + 1))
		elif ! diff -u "$exp" <(printf '%s\n' "$got") >"$tmpd/diff"; then
			echo "FAIL: $fx: '$line'"
			head -40 "$tmpd/diff"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done <"$cases"
done
[ $update = 1 ] && { echo "golden: expected files rewritten"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
