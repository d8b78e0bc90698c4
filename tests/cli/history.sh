#!/usr/bin/env bash
# History commands without root or a live leak (deterministic):
#  - leaks on a synthetic week with a 20 MiB/h slab leak under a
#    page-cache sawtooth names unreclaimable slab first, at 20 MiB/h +-5%,
#    chained to the pool tag kmalloc-256; without the leak: no leaks;
#  - diff of a captured tree with itself: no changes; with a copy where
#    Shmem grew 100 MiB and SUnreclaim 50 MiB: shmem first, then slab;
#  - diff --db between two samples of the synthetic week;
#  - usage errors exit 2, a foreign file exits 1 with one line.
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fx=$top/tests/fixtures/debian12-6.18-x86_64
tmp=$(mktemp -d /tmp/memtally-history.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

python3 "$top/bench/gen-recording.py" "$tmp/leak.db" --samples 2000 --interval 300 --leak 20
python3 "$top/bench/gen-recording.py" "$tmp/quiet.db" --samples 2000 --interval 300 --leak 0 --seed 7
"$M" leaks --db "$tmp/leak.db" --json >"$tmp/l.json" || { echo "FAIL: leaks exit $?"; fail=1; }
python3 - "$tmp/l.json" <<'PY' || fail=1
import json, sys
s = json.load(open(sys.argv[1]))["suspects"]
assert s, "no suspects"
top = s[0]
rate = top["bytes_per_hour"] / 2**20
assert top["series"] == "category:slab_unreclaimable", top["series"]
assert abs(rate - 20) <= 1, rate
assert top["kind"] == "unreclaimable" and top["exhaustion_seconds"] > 0
chain = [c["series"] for c in top["owner"]["chain"]]
assert chain == ["pool:slab/kmalloc-256"], chain
assert not any(x["series"] == "category:page_cache" for x in s), "sawtooth named"
print(f"history: synthetic leak found: {top['series']} at {rate:.2f} MiB/h -> {chain[0]}")
PY
"$M" leaks --db "$tmp/quiet.db" | grep -q "^No leaks" || { echo "FAIL: synthetic no-leak recording reports a leak"; "$M" leaks --db "$tmp/quiet.db"; fail=1; }

"$M" --root "$fx" diff "$fx" | grep -q "^No changes" || { echo "FAIL: diff of a tree with itself"; fail=1; }
cp -r "$fx" "$tmp/fx2"
python3 - "$tmp/fx2/proc/meminfo" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
def bump(name, kb):
    global s
    s = re.sub(r"^(%s:\s+)(\d+)" % re.escape(name), lambda m: m.group(1) + str(int(m.group(2)) + kb), s, flags=re.M)
for n, kb in (("Shmem", 102400), ("Cached", 102400), ("MemFree", -153600), ("SUnreclaim", 51200), ("Slab", 51200)):
    bump(n, kb)
open(p, "w").write(s)
PY
"$M" diff "$fx" "$tmp/fx2" --json >"$tmp/d.json" || { echo "FAIL: diff exit $?"; fail=1; }
python3 - "$tmp/d.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
s = [(x["series"], x["change_bytes"]) for x in d["suspects"]]
assert s[0] == ("category:shmem", 100 << 20), s
assert s[1] == ("category:slab_unreclaimable", 50 << 20), s
assert s[-1] == ("category:free", -150 << 20), s
assert d["suspects"][0]["bytes_per_hour"] is None and d["seconds"] is None
print(f"history: diff of two trees: {s}")
PY
"$M" diff --db "$tmp/leak.db" --from 48h --to 24h --json >"$tmp/dd.json" || { echo "FAIL: diff --db exit $?"; fail=1; }
python3 - "$tmp/dd.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
t = d["suspects"][0]
assert t["series"] == "category:slab_unreclaimable" and d["seconds"] == 86400, (t["series"], d["seconds"])
assert abs(t["bytes_per_hour"] / 2**20 - 20) < 1, t["bytes_per_hour"]
assert t["owner"]["chain"][0]["series"] == "pool:slab/kmalloc-256"
print("history: diff --db of two samples a day apart: ok")
PY

# a recording and the usage view agree (same tree, same categories)
"$M" --root "$fx" record --db "$tmp/fx.db" --interval 10ms --count 3 -q || { echo "FAIL: record --root exit $?"; fail=1; }
"$M" --root "$fx" usage --deep --json >"$tmp/u.json"
"$M" leaks --db "$tmp/fx.db" --all --json >"$tmp/a.json"
python3 - "$tmp/u.json" "$tmp/a.json" <<'PY' || fail=1
import json, sys
u = json.load(open(sys.argv[1]))
rec = {s["series"]: s["start_bytes"] for s in json.load(open(sys.argv[2]))["suspects"]}
bad = [(c["name"], c["bytes"], rec.get("category:" + c["name"])) for c in u["categories"]
       if "category:" + c["name"] in rec and rec["category:" + c["name"]] != c["bytes"]]
n = sum(1 for c in u["categories"] if "category:" + c["name"] in rec)
assert n >= 15 and not bad, (n, bad)
pools = sum(1 for k in rec if k.startswith("pool:"))
assert pools == 30, pools
print(f"history: recorded categories equal 'usage --deep' on {n} categories; {pools} pool tags recorded")
PY

# a source that fails: recording goes on, and says so in every sample
mkdir -p "$tmp/empty"
"$M" --root "$tmp/empty" record --db "$tmp/fail.db" --interval 10ms --count 3 --bpf -q || { echo "FAIL: record with a failing source exit $?"; fail=1; }
python3 - "$tmp/fail.db" <<'PY' || fail=1
import json, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT failed FROM samples").fetchall()
assert len(rows) == 3, rows
for (f,) in rows:
    d = json.loads(f)
    assert "meminfo" in d and "bpf" in d, d
print(f"history: failing sources recorded in each of {len(rows)} samples: {sorted(d)}")
PY

# SIGTERM and SIGINT stop the recorder cleanly: exit 0, file intact
for sig in TERM INT; do
	"$M" record --db "$tmp/sig.db" --interval 50ms 2>"$tmp/sig.err" &
	rpid=$!
	sleep 0.6
	kill -$sig "$rpid"
	wait "$rpid"; rc=$?
	if [ $rc != 0 ] || ! grep -q "stopped by signal" "$tmp/sig.err"; then
		echo "FAIL: record on SIG$sig: exit $rc: $(cat "$tmp/sig.err")"; fail=1
	fi
done
[ "$(sqlite3 "$tmp/sig.db" 'PRAGMA integrity_check' 2>/dev/null || python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$tmp/sig.db")" = ok ] \
	|| { echo "FAIL: recording damaged after SIGTERM/SIGINT"; fail=1; }

# retention by size keeps the file bounded (applied every 100 samples);
# on a captured tree, so that processes other tests start and stop cannot
# add series (names) faster than retention drops samples
"$M" --root "$top/tests/fixtures/debian12-6.18-x86_64-procs" record --db "$tmp/ret.db" --interval 10ms --count 701 --retain-size 96K -q || { echo "FAIL: record --retain-size exit $?"; fail=1; }
python3 - "$tmp/ret.db" <<'PY' || fail=1
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n = c.execute("SELECT count(*) FROM samples").fetchone()[0]
pc, fl, ps = (c.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size"))
assert n < 701 and (pc - fl) * ps <= 96 * 1024 + 4096, (n, pc, fl)
print(f"history: --retain-size 96K kept {n} of 701 samples, {(pc - fl) * ps} bytes in use")
PY

# usage and failures
for args in "leaks" "diff" "diff a b c" "record" "report --db x" "leaks --db x --since nope" \
	"record --db x --interval 0" "serve --listen nonsense" "diff --from 1h a"; do
	# shellcheck disable=SC2086
	"$M" $args >/dev/null 2>&1; rc=$?
	[ $rc = 2 ] || { echo "FAIL: '$args' exit $rc, want 2"; fail=1; }
done
printf 'not a database\n' >"$tmp/text"
"$M" leaks --db "$tmp/text" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] || { echo "FAIL: leaks on a text file: exit $rc"; cat "$tmp/err"; fail=1; }
"$M" diff "$fx" /nonexistent 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] || { echo "FAIL: diff with a missing side: exit $rc"; cat "$tmp/err"; fail=1; }
[ $fail = 0 ] && echo "history: all checks passed"
exit $fail
