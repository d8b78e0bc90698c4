#!/usr/bin/env bash
# CLI contract: every command answers --help (exit 0) and `help NAME`
# prints the same text; bad usage exits 2 with one line naming --help;
# --version works; an unreadable root exits 1 with one line.
set -u
tmpd=$(mktemp -d /tmp/memtally-test.XXXXXX)
trap 'rm -rf "$tmpd"' EXIT
M=${MEMTALLY:?}
fail=0
check() { # desc, expected rc, cmd...
	local desc=$1 want=$2
	shift 2
	"$@" >"$tmpd/out" 2>"$tmpd/err"
	local rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $desc: exit $rc, want $want"; cat "$tmpd/err"; fail=1
	fi
}

cmds=$("$M" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands in --help"; exit 1; }
for c in $cmds; do
	check "$c --help" 0 "$M" "$c" --help
	grep -q "^Usage: memtally" "$tmpd/out" || { echo "FAIL: $c --help has no Usage line"; fail=1; }
	[ "$(grep -c '^Global options:' "$tmpd/out")" = 1 ] || { echo "FAIL: $c --help lists the global options $(grep -c '^Global options:' "$tmpd/out") times"; fail=1; }
	"$M" help "$c" >"$tmpd/help" 2>&1
	cmp -s "$tmpd/out" "$tmpd/help" || { echo "FAIL: 'help $c' differs from '$c --help'"; fail=1; }
	check "$c --bogus" 2 "$M" "$c" --bogus-option
	grep -q -- "--help" "$tmpd/err" || { echo "FAIL: $c bad option does not mention --help"; fail=1; }
done
check "--version" 0 "$M" --version
grep -q "^memtally [0-9]" "$tmpd/out" || { echo "FAIL: --version output"; fail=1; }
check "unknown command" 2 "$M" frobnicate
check "missing root" 1 "$M" --root /nonexistent/dir sources
[ "$(wc -l <"$tmpd/err")" = 1 ] || { echo "FAIL: error is not one line"; cat "$tmpd/err"; fail=1; }
check "missing snapshot" 1 "$M" -f /nonexistent/snap sources
check "root and file" 1 "$M" --root / -f /x sources
check "snapshot without -o" 2 "$M" snapshot
[ $fail = 0 ] && echo "cli: all checks passed"
exit $fail
