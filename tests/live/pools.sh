#!/usr/bin/env bash
# Live: `memtally pools --json --source slab` against /proc/slabinfo read
# independently with awk, on this machine, now. The cache set must be the
# same, and the total bytes (sum of num_slabs * pagesperslab * page size)
# must agree within churn between the two reads. Root only (exit 77).
set -u
M=${MEMTALLY:?}
[ "$(id -u)" = 0 ] || { echo "skip: not root"; exit 77; }
[ -r /proc/slabinfo ] || { echo "skip: no /proc/slabinfo"; exit 77; }
command -v jq >/dev/null || { echo "skip: no jq"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ps=$(getconf PAGESIZE)
fail=0

cat /proc/slabinfo >"$tmp/slabinfo"
"$M" pools --json --source slab >"$tmp/pools.json" || { echo "FAIL: exit $?"; exit 1; }

awk 'NR > 2 { print $1 }' "$tmp/slabinfo" | sort >"$tmp/want.names"
jq -r '.rows[].tag' "$tmp/pools.json" | sort >"$tmp/got.names"
if ! diff -u "$tmp/want.names" "$tmp/got.names"; then
	echo "FAIL: cache sets differ"
	fail=1
fi
jq -e '[.rows[] | select(.source != "slab")] | length == 0' "$tmp/pools.json" >/dev/null ||
	{ echo "FAIL: --source slab shows other sources"; fail=1; }
jq -e '[.rows[] | select(.allocs != null or .frees != null)] | length == 0' "$tmp/pools.json" >/dev/null ||
	{ echo "FAIL: allocs/frees must be null for slab"; fail=1; }
jq -e '[.rows[] | select(.type != "reclaimable" and .type != "unreclaimable")] | length == 0' "$tmp/pools.json" >/dev/null ||
	{ echo "FAIL: a slab cache has no type although sysfs is readable"; fail=1; }

want=$(awk -v ps="$ps" 'NR > 2 { s += $15 * $6 * ps } END { printf "%.0f\n", s }' "$tmp/slabinfo")
got=$(jq '.totals.by_source.slab.bytes' "$tmp/pools.json")
sum=$(jq '[.rows[].bytes] | add' "$tmp/pools.json")
[ "$got" = "$sum" ] || { echo "FAIL: totals $got != sum of rows $sum"; fail=1; }
# churn between the two reads: 2% or 4 MiB, whichever is more
tol=$(awk -v w="$want" 'BEGIN { t = w * 0.02; if (t < 4194304) t = 4194304; printf "%.0f\n", t }')
delta=$(awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.0f\n", d }')
echo "slab bytes: awk $want, memtally $got, |delta| $delta, tolerance $tol"
[ "$delta" -le "$tol" ] || { echo "FAIL: slab bytes differ by $delta"; fail=1; }

# the reclaimable total must match meminfo's SReclaimable within churn:
# both count the pages of SLAB_RECLAIM_ACCOUNT caches
rec=$("$M" pools --json --source slab -t reclaimable | jq '.totals.bytes')
srec=$(awk '/^SReclaimable:/ { print $2 * 1024 }' /proc/meminfo)
d2=$(awk -v a="$rec" -v b="$srec" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.0f\n", d }')
tol2=$(awk -v w="$srec" 'BEGIN { t = w * 0.05; if (t < 4194304) t = 4194304; printf "%.0f\n", t }')
echo "reclaimable: memtally $rec, SReclaimable $srec, |delta| $d2, tolerance $tol2"
[ "$d2" -le "$tol2" ] || { echo "FAIL: reclaimable differs from SReclaimable by $d2"; fail=1; }

[ $fail = 0 ] && echo "live pools: ok"
exit $fail
