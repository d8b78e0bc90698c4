#!/usr/bin/env bash
# Print one file of a ttar archive (the plain-text archive format used by
# prometheus/procfs and node_exporter test data) on stdout, byte for byte.
#
#   tools/ttar-extract.sh ARCHIVE PATH > FILE
#
# ttar stores a file as "Path: P", "Lines: N", N body lines, "Mode: M".
# A last body line ending in "EOF" means the file had no final newline;
# NUL bytes are written as "NULLBYTE" and restored here.
set -eu
archive=${1:?archive}
want=${2:?path inside the archive}
awk -v want="$want" '
	BEGIN { found = 0 }
	$0 == "Path: " want { found = 1; getline
		if ($0 !~ /^Lines: [0-9]+$/) { print "not a regular file" > "/dev/stderr"; exit 2 }
		n = substr($0, 8) + 0
		for (i = 1; i <= n; i++) {
			if ((getline line) <= 0) { print "archive ends early" > "/dev/stderr"; exit 2 }
			gsub(/NULLBYTE/, "\000", line)
			if (i == n && line ~ /EOF$/) {
				printf "%s", substr(line, 1, length(line) - 3)
			} else {
				printf "%s\n", line
			}
		}
		exit 0
	}
	END { if (!found) { print "no such path: " want > "/dev/stderr"; exit 1 } }
' "$archive"
