#!/usr/bin/env bash
# List the functions longer than 100 lines in src/views/ and src/cli/
# (the house rule; data tables are not functions and are not counted).
# The code is clang-formatted, so a function definition starts with a
# line at column 0 that names it (^[a-z].*\(), its body opens with "{"
# alone at column 0 and closes with "}" alone at column 0. Prints
# "FILE:LINE NAME LINES" for each one over the limit; exits 1 if any.
# Usage: tools/check-lengths.sh [LIMIT] [DIR...]
set -u
cd "${SRCDIR:-$(dirname "$0")/..}"
limit=${1:-100}
shift 2>/dev/null || true
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(src/views src/cli)
out=$(for f in $(find "${dirs[@]}" -name '*.c' | sort); do
	awk -v file="$f" -v limit="$limit" '
		/^[a-z].*\(/ { head = $0; headline = FNR; next_open = 1; next }
		next_open && /^\{/ { start = FNR; inbody = 1; next_open = 0; next }
		/^[a-z]/ { next_open = 0 }
		inbody && /^\}/ {
			n = FNR - start - 1
			if (n > limit) {
				name = head
				sub(/\(.*/, "", name)
				sub(/.*[ *]/, "", name)
				printf "%s:%d %s %d\n", file, headline, name, n
			}
			inbody = 0
		}
	' "$f"
done)
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
exit 0
