#!/usr/bin/env bash
# The README's command sections, the man page and the bash completion are
# generated from the commands' help texts; fail when any of them is stale
# (run tools/gen-docs.sh and commit the result).
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d /tmp/memtally-docs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bash "$top/tools/gen-docs.sh" "$M" "$tmp" || { echo "FAIL: gen-docs"; exit 1; }
fail=0
for f in README.md man/memtally.1 contrib/bash-completion/memtally; do
	if ! diff -u "$top/$f" "$tmp/$f" >"$tmp/diff"; then
		echo "FAIL: $f is stale; run tools/gen-docs.sh"
		head -30 "$tmp/diff"
		fail=1
	fi
done
# every command has a README section
for c in $("$M" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
	grep -q "<!-- help:$c -->" "$top/README.md" || { echo "FAIL: README has no section for '$c'"; fail=1; }
done
man -l "$top/man/memtally.1" >/dev/null 2>&1 || command -v man >/dev/null || true
[ $fail = 0 ] && echo "docs: README, man page and completion match the help texts"
exit $fail
