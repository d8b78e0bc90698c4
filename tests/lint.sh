#!/usr/bin/env bash
# Lint: banned functions (git's banned.h list) and stub markers in src/.
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
[ $fail = 0 ] && echo "lint: clean"
exit $fail
