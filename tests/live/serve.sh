#!/usr/bin/env bash
# Live test of `serve`: a real Prometheus (Debian's package), started on
# loopback with a temporary config and storage, scrapes memtally every
# second; its HTTP API must return the usage categories summing to
# MemTotal, and load the alert rules from contrib/ (which also pass their
# promtool unit tests). Bad requests get 4xx
# and serve keeps answering; scrape latency is measured. About 15 s.
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v prometheus >/dev/null || { echo "serve: no prometheus, skipping"; exit 77; }
command -v curl >/dev/null || { echo "serve: no curl, skipping"; exit 77; }
tmp=$(mktemp -d /tmp/memtally-live-serve.XXXXXX)
spid= ppid_=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null && wait "$ppid_" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
sport=$(free_port)
pport=$(free_port)

"$M" serve --listen "127.0.0.1:$sport" --duration 90 -q &
spid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$sport/metrics" >/dev/null && break; sleep 0.1; done

# the exposition itself
curl -sf "http://127.0.0.1:$sport/metrics" >"$tmp/metrics" || { echo "FAIL: no /metrics"; exit 1; }
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/metrics" >"$tmp/lint" 2>&1 || { echo "FAIL: promtool check metrics:"; cat "$tmp/lint"; fail=1; }
	promtool check rules "$top/contrib/prometheus/memtally-alerts.yml" >/dev/null || { echo "FAIL: alert rules"; fail=1; }
	# the alerts fire on a leaking host and stay quiet on a steady one
	if promtool test rules "$top/tests/prometheus/memtally-alerts-test.yml" >"$tmp/rt" 2>&1; then
		echo "serve: alert rules: promtool unit tests pass (a leaking host alerts, a steady one does not)"
	else
		echo "FAIL: promtool test rules:"; cat "$tmp/rt"; fail=1
	fi
fi

# bad requests: 4xx, and serve survives them
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$sport/nope")" = 404 ] || { echo "FAIL: unknown path is not 404"; fail=1; }
[ "$(code -X POST -d x=1 "http://127.0.0.1:$sport/metrics")" = 405 ] || { echo "FAIL: POST is not 405"; fail=1; }
[ "$(code -X DELETE "http://127.0.0.1:$sport/metrics")" = 405 ] || { echo "FAIL: DELETE is not 405"; fail=1; }
python3 - "$sport" <<'PY' || fail=1
import socket, sys
port = int(sys.argv[1])
for junk in (b"GARBAGE\r\n\r\n", b"GET /metrics HTTP/9.9\r\n\r\n", b"GET " + b"A" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"\x00\xff\x13\x37" * 100):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(junk)
    try:
        s.shutdown(socket.SHUT_WR)
        reply = s.recv(64)
    except OSError:
        reply = b""
    s.close()
    status = reply.split(b" ")[1] if reply.startswith(b"HTTP/") else b"(closed)"
    if status != b"(closed)" and not status.startswith(b"4") and not status.startswith(b"5"):
        print(f"FAIL: junk request {junk[:20]!r} answered {status!r}")
        sys.exit(1)
print("serve: junk requests answered with 4xx/5xx or closed")
PY
kill -0 "$spid" 2>/dev/null || { echo "FAIL: serve died on bad requests"; exit 1; }

# scrape latency: 50 scrapes
python3 - "$sport" <<'PY' || fail=1
import statistics, sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/metrics"
t = []
for _ in range(50):
    a = time.perf_counter()
    urllib.request.urlopen(url, timeout=5).read()
    t.append((time.perf_counter() - a) * 1000)
med, worst = statistics.median(t), max(t)
print(f"serve: scrape latency median {med:.2f} ms, max {worst:.2f} ms over 50 scrapes")
sys.exit(0 if med < 100 else 1)
PY

# a real Prometheus scrapes it
cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $top/contrib/prometheus/memtally-alerts.yml
scrape_configs:
  - job_name: memtally
    static_configs:
      - targets: ['127.0.0.1:$sport']
YML
timeout 80 prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$tmp/prom.log" 2>&1 &
ppid_=$!
ok=
for _ in $(seq 60); do
	sleep 0.5
	curl -sf "http://127.0.0.1:$pport/api/v1/query?query=memtally_usage_bytes" >"$tmp/q.json" 2>/dev/null || continue
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["data"]["result"]) > 5 else 1)' "$tmp/q.json" && { ok=1; break; }
done
[ -n "$ok" ] || { echo "FAIL: Prometheus has no memtally_usage_bytes"; tail -20 "$tmp/prom.log"; exit 1; }
curl -sf "http://127.0.0.1:$pport/api/v1/query?query=memtally_memory_total_bytes" >"$tmp/t.json"
curl -sf "http://127.0.0.1:$pport/api/v1/query?query=sum(memtally_usage_bytes)-on()memtally_memory_total_bytes" >"$tmp/s.json"
curl -sf "http://127.0.0.1:$pport/api/v1/rules" >"$tmp/r.json"
curl -sf "http://127.0.0.1:$pport/api/v1/targets" >"$tmp/tg.json"
curl -sf "http://127.0.0.1:$pport/api/v1/query?query=count(memtally_pool_bytes)" >"$tmp/pc.json"
curl -sf "http://127.0.0.1:$pport/api/v1/query?query=count(memtally_free_bytes)" >"$tmp/fc.json"
python3 - "$tmp" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
q = json.load(open(f"{d}/q.json"))["data"]["result"]
cats = {r["metric"]["category"]: float(r["value"][1]) for r in q}
for c in ("free", "anonymous", "page_cache", "unaccounted"):
    assert c in cats, f"category {c} missing from Prometheus: {sorted(cats)}"
assert all(r["metric"]["job"] == "memtally" for r in q)
total = float(json.load(open(f"{d}/t.json"))["data"]["result"][0]["value"][1])
memtotal = int(open("/proc/meminfo").readline().split()[1]) * 1024
assert total == memtotal, f"total {total} != MemTotal {memtotal}"
diff = json.load(open(f"{d}/s.json"))["data"]["result"]
assert diff and float(diff[0]["value"][1]) == 0, f"categories do not sum to MemTotal: {diff}"
groups = json.load(open(f"{d}/r.json"))["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
assert len(rules) >= 5 and all(r.get("health") in ("ok", "unknown") for r in rules), rules
tg = json.load(open(f"{d}/tg.json"))["data"]["activeTargets"]
assert tg and tg[0]["health"] == "up", tg
def count(name):
    r = json.load(open(f"{d}/{name}.json"))["data"]["result"]
    return int(float(r[0]["value"][1])) if r else 0
pools, frees = count("pc"), count("fc")
import os
if os.geteuid() == 0:
    assert 0 < pools <= 20, f"{pools} pool tag series (want 1..20: top 20 only)"
assert frees > 0, "no free-list series"
print(f"serve: Prometheus has {pools} pool tag series (bounded to the top 20) and {frees} free-list series")
print(f"serve: Prometheus scraped {len(cats)} categories summing to MemTotal {memtotal}, "
      f"{len(rules)} alert rules loaded, target up")
PY
[ $fail = 0 ] && echo "serve: all checks passed"
exit $fail
