#!/usr/bin/env bash
# Benchmark `memtally files` against fincore (util-linux) and vmtouch on
# 20,000 small cached files and on one 4 GiB cached file, with hyperfine.
#
#   bench/files.sh [MEMTALLY] [DIR]   DIR: where to make the files
#                                     (default /var/tmp; needs 4.1 GiB)
# fincore 2.38 does not recurse: it is given the 20,000 names by the
# shell, which is the cheapest way to call it. Everything made is removed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
M=${1:-$top/build-rel/memtally}
base=${2:-/var/tmp}
[ -x "$M" ] || { echo "no $M: meson setup build-rel --buildtype=release && ninja -C build-rel" >&2; exit 1; }
for t in hyperfine fincore vmtouch; do
	command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }
done
dir=$(mktemp -d "$base/memtally-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/small"
python3 - "$dir/small" <<'PY'
import os, sys
d = sys.argv[1]
data = b"x" * 4096
for i in range(20000):
    sub = os.path.join(d, "d%02d" % (i % 100))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%05d" % i), "wb") as f:
        f.write(data)
PY
dd if=/dev/zero of="$dir/big" bs=16M count=256 status=none
sync
cat "$dir/big" >/dev/null
echo "small files: $(find "$dir/small" -type f | wc -l); big: $(du -h "$dir/big" | cut -f1)"

run() { # name, then hyperfine args
	local name=$1
	shift
	hyperfine -w 3 -r 15 -i --export-json "$dir/$name.json" "$@"
	python3 - "$dir/$name.json" "$name" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
res = {r["command"]: r["median"] for r in rs}
cpu = {r["command"]: r["user"] + r["system"] for r in rs}
m, mc = res["memtally"], cpu["memtally"]
for k, v in res.items():
    print(f"{sys.argv[2]}: {k:10s} median {v*1000:8.1f} ms   {v/m:5.2f}x memtally;"
          f"  cpu {cpu[k]*1000:8.1f} ms {cpu[k]/mc:5.2f}x")
PY
}
run small -n memtally "$M files -n 20 $dir/small" \
	-n fincore "fincore $dir/small/*/* >/dev/null" \
	-n vmtouch "vmtouch $dir/small >/dev/null"
run big -n memtally "$M files $dir/big" \
	-n fincore "fincore $dir/big >/dev/null" \
	-n vmtouch "vmtouch $dir/big >/dev/null"
