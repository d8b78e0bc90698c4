#!/usr/bin/env bash
# Live: on this machine, as root, `memtally sources --json` must say
# "available" for every source built in whose kernel file is here, and
# give a reason (absent, switched off) for the others. Only the sources
# this binary lists are checked, so it holds as modules are merged in.
# Exit 77 (skipped) when not root.
set -u
M=${MEMTALLY:?set MEMTALLY to the memtally binary}
[ "$(id -u)" = 0 ] || { echo "live-sources: needs root, skipped"; exit 77; }

json=$("$M" sources --json) || { echo "FAIL: memtally sources --json exited $?"; exit 1; }
# json-c prints one "key": value a line; pair each row's fields up
rows=$(printf '%s\n' "$json" | awk -F'"' '
	$2 == "name" { name = $4 }
	$2 == "path" { path = $4 }
	$2 == "status" { print name "\t" path "\t" $4 }')
[ -n "$rows" ] || { echo "FAIL: no rows in sources --json"; exit 1; }

fail=0 n=0
while IFS=$'\t' read -r name path status; do
	n=$((n + 1))
	if { [ -d "$path" ] && ls "$path" >/dev/null 2>&1; } || { [ -f "$path" ] && cat "$path" >/dev/null 2>&1; }; then
		if [ "$status" != available ]; then
			echo "FAIL: $name: $path is readable here but status is '$status'"
			fail=1
		fi
	elif [ ! -e "$path" ]; then
		case "$status" in
		*absent*) ;;
		*) echo "FAIL: $name: $path does not exist but status is '$status'"; fail=1 ;;
		esac
	else
		# present but unreadable even for root (psi=0 gives EOPNOTSUPP)
		case "$status" in
		available) echo "FAIL: $name: cat $path fails but status is available"; fail=1 ;;
		esac
	fi
done <<<"$rows"

# the reference source is always built in and always readable
printf '%s\n' "$rows" | grep -q "^meminfo	/proc/meminfo	available$" ||
	{ echo "FAIL: meminfo not available"; fail=1; }
[ $fail = 0 ] && echo "live-sources: $n sources checked"
exit $fail
