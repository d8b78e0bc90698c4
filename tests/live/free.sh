#!/usr/bin/env bash
# Live test of `memtally free` on this machine: the JSON's buddy totals
# per zone must match /proc/buddyinfo summed independently with awk, the
# zone list and order count must be the same, free_bytes must be pages x
# page size, MemFree must match /proc/meminfo, and the reconcile verdict
# must be present. Churn: awk reads buddyinfo just before and just after
# memtally, and memtally's figure must lie between the two (plus a small
# slack); a busy machine gets three tries. Exit 77 (skip) where
# /proc/buddyinfo cannot be read or jq is missing.
set -u
M=${MEMTALLY:?set MEMTALLY to the memtally binary}
[ -r /proc/buddyinfo ] || { echo "skip: no /proc/buddyinfo"; exit 77; }
command -v jq >/dev/null || { echo "skip: jq missing"; exit 77; }
ps=$(getconf PAGESIZE)

buddy_awk() { # "node/zone pages" per line
	awk '{ n = $2; sub(",", "", n); p = 0;
		for (i = 5; i <= NF; i++) p += $i * 2 ^ (i - 5);
		printf "%s/%s %.0f\n", n, $4, p }' /proc/buddyinfo
}
memfree() { echo $(($(awk '/^MemFree:/ { print $2 }' /proc/meminfo) * 1024)); }

attempt() {
	local before after json mt_out fail=0 zone b a got lo hi bytes mf0 mf1 jmf
	before=$(buddy_awk)
	mf0=$(memfree)
	json=$("$M" free --json) || { echo "FAIL: memtally free --json failed"; return 2; }
	mf1=$(memfree)
	after=$(buddy_awk)
	mt_out=$(jq -r '.zones[] | "\(.node)/\(.zone) \(.free_pages)"' <<<"$json")
	if [ "$(cut -d' ' -f1 <<<"$before")" != "$(cut -d' ' -f1 <<<"$mt_out")" ]; then
		echo "FAIL: zone lists differ"; echo "$before"; echo "$mt_out"; return 2
	fi
	while read -r zone b; do
		a=$(awk -v z="$zone" '$1 == z { print $2 }' <<<"$after")
		got=$(awk -v z="$zone" '$1 == z { print $2 }' <<<"$mt_out")
		lo=$((b < a ? b : a)); hi=$((b > a ? b : a))
		lo=$((lo - 256)); hi=$((hi + 256))
		if [ "$got" -lt "$lo" ] || [ "$got" -gt "$hi" ]; then
			echo "retry: $zone: memtally $got pages, awk $b then $a"
			fail=1
		fi
		bytes=$(jq -r --arg z "$zone" '.zones[] | select("\(.node)/\(.zone)" == $z) | .free_bytes' <<<"$json")
		[ "$bytes" = $((got * ps)) ] || { echo "FAIL: $zone: free_bytes $bytes != $got * $ps"; return 2; }
	done <<<"$before"
	ncols=$(awk 'NR == 1 { print NF - 4 }' /proc/buddyinfo)
	[ "$(jq '.zones[0].free_blocks | length' <<<"$json")" = "$ncols" ] ||
		{ echo "FAIL: order count"; return 2; }
	verdict=$(jq -r '.reconcile.verdict' <<<"$json")
	case "$verdict" in
	agree*|differ*) ;;
	*) echo "FAIL: no reconcile verdict: '$verdict'"; return 2 ;;
	esac
	jmf=$(jq '.reconcile.memfree_bytes' <<<"$json")
	lo=$((mf0 < mf1 ? mf0 : mf1)); hi=$((mf0 > mf1 ? mf0 : mf1))
	if [ "$jmf" -lt $((lo - 1048576)) ] || [ "$jmf" -gt $((hi + 1048576)) ]; then
		echo "retry: MemFree $jmf outside $mf0..$mf1"
		fail=1
	fi
	return $fail
}

rc=1
for try in 1 2 3; do
	attempt
	rc=$?
	[ $rc = 1 ] || break
	sleep 1
done
[ $rc = 0 ] || { [ $rc = 1 ] && echo "FAIL: figures outside the churn bounds 3 times"; exit 1; }

# the text view runs and shows its four parts
txt=$("$M" free) || { echo "FAIL: memtally free failed"; exit 1; }
for part in "Free blocks by order" "Fragmentation" "migrate type" "verdict:"; do
	grep -q "$part" <<<"$txt" || { echo "FAIL: text lacks '$part'"; exit 1; }
done
echo "live free: ok ($verdict)"
