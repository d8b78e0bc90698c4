#!/usr/bin/env bash
# Live test of `memtally free` on this machine: the JSON's buddy totals
# per zone must match /proc/buddyinfo summed independently with awk
# (within churn: the two reads are moments apart), the zone list must be
# the same, and the reconcile verdict must be present. Exit 77 (skip)
# where /proc/buddyinfo cannot be read or jq is missing.
set -u
M=${MEMTALLY:?set MEMTALLY to the memtally binary}
[ -r /proc/buddyinfo ] || { echo "skip: no /proc/buddyinfo"; exit 77; }
command -v jq >/dev/null || { echo "skip: jq missing"; exit 77; }
ps=$(getconf PAGESIZE)
json=$("$M" free --json) || { echo "FAIL: memtally free --json failed"; exit 1; }
# awk: free pages per zone, "node/zone pages"
awk_out=$(awk '{ n = $2; sub(",", "", n); p = 0;
	for (i = 5; i <= NF; i++) p += $i * 2 ^ (i - 5);
	printf "%s/%s %.0f\n", n, $4, p }' /proc/buddyinfo)
mt_out=$(jq -r '.zones[] | "\(.node)/\(.zone) \(.free_pages)"' <<<"$json")
fail=0
[ "$(cut -d' ' -f1 <<<"$awk_out")" = "$(cut -d' ' -f1 <<<"$mt_out")" ] ||
	{ echo "FAIL: zone lists differ"; echo "$awk_out"; echo "$mt_out"; fail=1; }
# churn allowance per zone: 1% of its free pages plus 1024 pages
while read -r zone want; do
	got=$(awk -v z="$zone" '$1 == z { print $2 }' <<<"$mt_out")
	d=$((got > want ? got - want : want - got))
	lim=$((want / 100 + 1024))
	if [ "$d" -gt "$lim" ]; then
		echo "FAIL: $zone: memtally $got pages, awk $want (diff $d > $lim)"
		fail=1
	fi
	bytes=$(jq -r --arg z "$zone" '.zones[] | select("\(.node)/\(.zone)" == $z) | .free_bytes' <<<"$json")
	[ "$bytes" = $((got * ps)) ] || { echo "FAIL: $zone: free_bytes $bytes != $got * $ps"; fail=1; }
done <<<"$awk_out"
# free_blocks has as many orders as buddyinfo has columns
ncols=$(awk 'NR == 1 { print NF - 4 }' /proc/buddyinfo)
[ "$(jq '.zones[0].free_blocks | length' <<<"$json")" = "$ncols" ] ||
	{ echo "FAIL: order count"; fail=1; }
verdict=$(jq -r '.reconcile.verdict' <<<"$json")
case "$verdict" in
agree*|differ*) ;;
*) echo "FAIL: no reconcile verdict: '$verdict'"; fail=1 ;;
esac
# MemFree in the JSON must be near /proc/meminfo's (read moments apart)
mf=$(($(awk '/^MemFree:/ { print $2 }' /proc/meminfo) * 1024))
jmf=$(jq '.reconcile.memfree_bytes' <<<"$json")
d=$((mf > jmf ? mf - jmf : jmf - mf))
[ "$d" -lt $((mf / 100 + 4194304)) ] || { echo "FAIL: MemFree $jmf vs $mf"; fail=1; }
# text view runs and shows the four parts
txt=$("$M" free) || { echo "FAIL: memtally free failed"; exit 1; }
for part in "Free blocks by order" "Fragmentation" "migrate type" "verdict:"; do
	grep -q "$part" <<<"$txt" || { echo "FAIL: text lacks '$part'"; fail=1; }
done
[ $fail = 0 ] && echo "live free: ok ($verdict)"
exit $fail
