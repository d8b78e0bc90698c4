#!/usr/bin/env bash
# Golden tests (util-linux's lsmem/lscpu tests): every view in cases.txt
# is run against the captured trees in tests/fixtures/ that its section
# names, with --root, and the output (stdout, stderr, exit code) must
# match tests/golden/expected/FIXTURE/CASE.out byte for byte.
#
# Sections in cases.txt say which trees a case runs on:
#   @ needs FILE...   every tree that has all these files (paths in the
#                     tree, e.g. proc/meminfo); "@ needs" alone: all trees
#   @ lacks FILE      the first tree (by name) without FILE: the error
#                     path, checked once instead of on every such tree
#   @ on TREE...      these trees (usage errors and live-only refusals
#                     need one)
# FILE may be a glob (proc/[0-9]*/smaps_rollup). Cases run in C.UTF-8, the
# character set most users have (trees drawn with box characters).
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
	out=$(NO_COLOR=1 LC_ALL=C.UTF-8 "$M" --root "$top/tests/fixtures/$fx" "$@" 2>"$tmpd/err")
	rc=$?
	printf '%s\n' "$out"
	if [ -s "$tmpd/err" ]; then
		echo "--- stderr ---"
		sed "s|$top/||g" "$tmpd/err"
	fi
	echo "--- exit $rc ---"
}

# trees have proc/; other folders hold samples (fdinfo/, sysvipc/)
fixtures=$(cd "$top/tests/fixtures" && ls -d */proc | sed 's|/proc$||')

# The trees the current section selects, one a line.
select_trees() { # mode files...
	local mode=$1 fx f ok
	shift
	for fx in $fixtures; do
		ok=1
		for f in "$@"; do
			# shellcheck disable=SC2086
			compgen -G "$top/tests/fixtures/$fx/$f" >/dev/null || ok=0
		done
		if [ "$mode" = needs ] && [ $ok = 1 ]; then
			echo "$fx"
		elif [ "$mode" = lacks ] && [ $ok = 0 ]; then
			echo "$fx"
			return
		fi
	done
}

trees=$fixtures
: >"$tmpd/made"
while IFS= read -r line; do
	case "$line" in
	'@ needs'*) # shellcheck disable=SC2086
		trees=$(select_trees needs ${line#@ needs}); continue ;;
	'@ lacks'*) # shellcheck disable=SC2086
		trees=$(select_trees lacks ${line#@ lacks}); continue ;;
	'@ on'*) trees=${line#@ on}; continue ;;
	''|'#'*) continue ;;
	esac
	slug=$(echo "$line" | sed -E 's/--?//g; s/[^A-Za-z0-9=,.]+/_/g')
	for fx in $trees; do
		exp=$top/tests/golden/expected/$fx/$slug.out
		echo "$exp" >>"$tmpd/made"
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
	done
done <"$cases"
# An expected file no case makes is stale: removed on --update, a failure
# otherwise.
for exp in "$top"/tests/golden/expected/*/*.out; do
	grep -qxF "$exp" "$tmpd/made" && continue
	if [ $update = 1 ]; then
		rm -f "$exp"
	else
		echo "FAIL: stale expected file ${exp#$top/} (no case makes it)"
		fail=$((fail + 1))
	fi
done
[ $update = 1 ] && { echo "golden: expected files rewritten"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
