#!/usr/bin/env bash
# Without root: every view still runs, exits 0, and names what it could not
# read and why ("needs root"), instead of showing 0. Runs the binary as the
# user nobody (setpriv); skips (77) when we are not root to begin with.
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "nonroot: must start as root to drop to nobody"; exit 77; }
command -v setpriv >/dev/null || { echo "nonroot: setpriv missing"; exit 77; }
tmp=$(mktemp -d /tmp/memtally-nonroot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$M" "$tmp/memtally"
chmod 755 "$tmp" "$tmp/memtally"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env ASAN_OPTIONS=detect_leaks=0 "$tmp/memtally" "$@"
}
fail=0
check() { # description, grep pattern (or ''), command...
	local desc=$1 pat=$2
	shift 2
	as_nobody "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc != 0 ]; then
		echo "FAIL: $desc: exit $rc: $(head -3 "$tmp/err")"; fail=1; return
	fi
	if [ -n "$pat" ] && ! grep -qE "$pat" "$tmp/out"; then
		echo "FAIL: $desc: output lacks /$pat/"; head -20 "$tmp/out"; fail=1; return
	fi
	echo "nonroot: $desc: ok"
}
check "usage" "^total \\(MemTotal\\)" usage
check "usage --json" '"total_bytes"' usage --json
check "sources names what needs root" "needs root|available" sources
# views added later extend this list (pools, free)
if "$tmp/memtally" help pools 2>/dev/null | grep -q "^Usage: memtally pools" &&
	! "$tmp/memtally" help pools | grep -q "Not built"; then
	check "pools says slabinfo needs root" "needs root" pools
	check "pools --json" '"rows"' pools --json
fi
if "$tmp/memtally" help free 2>/dev/null | grep -q "^Usage: memtally free" &&
	! "$tmp/memtally" help free | grep -q "Not built"; then
	check "free without pagetypeinfo" "" free
	check "free --json" '"zones"' free --json
fi
# the page views need root: one line that says so and what to use instead
if "$tmp/memtally" help phys >/dev/null 2>&1; then
	as_nobody phys >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "CAP_SYS_ADMIN" "$tmp/err"; then
		echo "nonroot: phys refuses with one line naming CAP_SYS_ADMIN: ok"
	else
		echo "FAIL: phys as nobody: exit $rc: $(cat "$tmp/err")"; fail=1
	fi
fi
exit $fail
