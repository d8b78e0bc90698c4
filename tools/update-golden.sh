#!/usr/bin/env bash
# Rewrite tests/golden/expected/ from the current build. Read the diff
# (git diff tests/golden) before committing: it is the review.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
MEMTALLY=${MEMTALLY:-$top/build/memtally} SRCDIR=$top bash "$top/tests/golden/run.sh" --update
