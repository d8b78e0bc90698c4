#!/usr/bin/env bash
# Run every benchmark in bench/ (make bench). Results go to bench/results/.
set -eu
build=${1:-build}
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	echo "== $b"
	bash "$b" "$build"
done
