#!/usr/bin/env bash
# Lint: banned functions (git's banned.h list), stub markers, json-c in
# cli/ and views/, functions over 100 lines there, and formatting.
set -u
cd "${SRCDIR:-.}"
fail=0
if grep -rnE '(^|[^_a-z])(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)[[:space:]]*\(' src/ \
	| grep -vE '(snprintf|vsnprintf|asprintf|vasprintf)'; then
	echo "FAIL: banned function above (use snprintf, strbuf-style helpers, span_u64)"
	fail=1
fi
if grep -rniE 'not (yet )?implemented|TODO: implement' src/; then
	echo "FAIL: stub marker above"
	fail=1
fi
# The command and views layers fill documents: JSON is the renderer's.
if grep -rn 'json_object_' src/cli/ src/views/; then
	echo "FAIL: json_object_* above (fill a document: src/output/doc.h)"
	fail=1
fi
# No function over 100 lines in views/ and cli/ (data tables excepted).
if ! long=$(bash tools/check-lengths.sh 100 src/views src/cli); then
	echo "$long"
	echo "FAIL: function over 100 lines above (split it: one job each)"
	fail=1
fi
# Formatting: the committed .clang-format, on every C file git tracks.
if ! command -v clang-format >/dev/null; then
	echo "FAIL: clang-format is missing (tools/install-deps.sh installs it)"
	fail=1
elif git rev-parse --git-dir >/dev/null 2>&1; then
	bad=0
	for f in $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 2>/dev/null); do
		if ! clang-format "$f" | cmp -s - "$f"; then
			echo "FAIL: '$f' is not clang-formatted (clang-format -i $f)"
			bad=1
		fi
	done
	[ $bad = 0 ] || fail=1
fi
[ $fail = 0 ] && echo "lint: clean"
exit $fail
