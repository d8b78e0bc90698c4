#!/usr/bin/env bash
# Live test of `report`: a synthetic week (bench/gen-recording.py, a slab
# leak of 20 MiB/h under a page-cache sawtooth) and a short real
# recording are drawn as HTML; the charts' elements must be there, the
# file must fetch nothing, and headless Chromium must render it to a
# screenshot. Skips (77) when Chromium cannot run. About 20 s.
set -u
M=${MEMTALLY:?}
top=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d /tmp/memtally-live-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

python3 "$top/bench/gen-recording.py" "$tmp/week.db" --leak 20 || { echo "FAIL: gen-recording"; exit 1; }
"$M" report --db "$tmp/week.db" -o "$tmp/week.html" >/dev/null || { echo "FAIL: report exit $?"; exit 1; }
"$M" record --db "$tmp/real.db" --interval 0.1 --count 5 -q || { echo "FAIL: record exit $?"; fail=1; }
"$M" report --db "$tmp/real.db" -o "$tmp/real.html" >/dev/null || { echo "FAIL: report of a real recording exit $?"; fail=1; }
"$M" report --db "$tmp/week.db" 2>/dev/null; [ $? = 2 ] || { echo "FAIL: report without -o is not exit 2"; fail=1; }

python3 - "$tmp/week.html" "$tmp/real.html" <<'PY' || fail=1
import re, sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

for path, growers in ((sys.argv[1], 2), (sys.argv[2], 0)):
    text = open(path).read()
    p = P()
    p.feed(text)
    t = p.tags
    ids = {a.get("id") for _, a in t}
    areas = [a for tag, a in t if tag == "path" and "area" in a.get("class", "")]
    g = [a for tag, a in t if tag == "svg" and "grower" in a.get("class", "").split()]
    assert "usage-chart" in ids and "pools" in ids and "leaks" in ids, (path, ids)
    assert len(areas) >= 10, f"{path}: {len(areas)} category areas"
    assert len(g) >= growers, f"{path}: {len(g)} grower charts, want {growers}"
    for tag, a in t:
        for k in ("src", "href"):
            v = a.get(k, "")
            assert not re.match(r"(https?:)?//", v), f"{path}: fetches {v}"
    assert "<script" not in text, f"{path}: has a script"
    print(f"report: {path.rsplit('/', 1)[1]}: {len(text)} bytes, {len(areas)} areas, {len(g)} grower charts")
week = open(sys.argv[1]).read()
assert "kmalloc-256" in week and "slab_unreclaimable" in week
PY

if ! command -v chromium >/dev/null; then
	echo "report: no chromium, skipping the rendering"
	[ $fail = 0 ] && exit 77
	exit 1
fi
ud=$(mktemp -d "$tmp/chromium.XXXXXX")
timeout 90 chromium --headless --no-sandbox --disable-gpu --screenshot="$tmp/week.png" \
	--window-size=1200,1600 --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --user-data-dir="$ud" \
	"file://$tmp/week.html" >"$tmp/chromium.log" 2>&1
if [ ! -s "$tmp/week.png" ]; then
	echo "report: chromium could not render here, skipping:"; tail -3 "$tmp/chromium.log"
	[ $fail = 0 ] && exit 77
	exit 1
fi
python3 - "$tmp/week.png" <<'PY' || fail=1
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1200, 1600), (w, h)
assert len(b) > 20000, f"screenshot suspiciously small: {len(b)} bytes"
print(f"report: screenshot {w}x{h}, {len(b)} bytes")
PY
[ -n "${MEMTALLY_KEEP_SCREENSHOT:-}" ] && cp "$tmp/week.png" "$MEMTALLY_KEEP_SCREENSHOT"
[ $fail = 0 ] && echo "report: all checks passed"
exit $fail
