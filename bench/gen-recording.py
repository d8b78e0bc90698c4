#!/usr/bin/env python3
"""Write a synthetic memtally recording (for benchmarks and tests).

  gen-recording.py OUT.db [--samples N] [--interval S] [--leak MIB_PER_H]
                          [--pools N] [--seed S]

It writes the same file `memtally record` would (schema version 1,
application_id 'MTLY', one row per sample with the values packed as in
src/store/store.c): the usage categories of a 24 GiB machine with noise,
a page-cache sawtooth, MemTotal/MemAvailable, N pool tags and free lists,
and, with --leak, unreclaimable slab and the pool tag slab/kmalloc-256
growing at that rate (0: no leak). Default: a week at 60 s.
"""
import argparse
import json
import random
import sqlite3

MIB = 1 << 20
GIB = 1 << 30
CATS = [
    ("free", "free"), ("anonymous", "swappable"), ("page_cache", "reclaimable"),
    ("shmem", "swappable"), ("buffers", "reclaimable"), ("swap_cache", "reclaimable"),
    ("slab_reclaimable", "reclaimable"), ("slab_unreclaimable", "pinned"),
    ("kernel_stack", "pinned"), ("page_tables", "pinned"), ("sec_page_tables", "pinned"),
    ("vmalloc", "pinned"), ("percpu", "pinned"), ("hugetlb", "pinned"),
    ("zswap", "pinned"), ("bounce", "pinned"), ("unaccounted", "unknown"),
]
BASE = {"anonymous": 3 * GIB, "page_cache": 6 * GIB, "shmem": 200 * MIB,
        "buffers": 300 * MIB, "slab_reclaimable": 600 * MIB,
        "slab_unreclaimable": 150 * MIB, "kernel_stack": 12 * MIB,
        "page_tables": 60 * MIB, "vmalloc": 180 * MIB, "percpu": 20 * MIB,
        "unaccounted": 250 * MIB}
TOTAL = 24 * GIB


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return out


def pack(points):
    out, prev = bytearray(), 0
    for sid, v in sorted(points):
        kib = v % 1024 == 0
        out += varint(((sid - prev) << 1) | kib)
        w = v // 1024 if kib else v
        out += varint((w << 1) ^ (w >> 63) if w >= 0 else ((-w) << 1) - 1)
        prev = sid
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--samples", type=int, default=7 * 24 * 60)
    ap.add_argument("--interval", type=float, default=60)
    ap.add_argument("--leak", type=float, default=20.0, help="MiB per hour")
    ap.add_argument("--pools", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=1790000000, help="unix time")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    db = sqlite3.connect(a.out)
    db.executescript("""
PRAGMA auto_vacuum=INCREMENTAL;
PRAGMA journal_mode=WAL;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE series(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  reclaim TEXT, owner TEXT, UNIQUE(kind, name));
CREATE TABLE samples(t INTEGER PRIMARY KEY, failed TEXT, data BLOB NOT NULL);
PRAGMA application_id=1297370201;
PRAGMA user_version=1;
""")
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("hostname", "synthetic"), ("kernel", "6.18.0-synthetic"),
        ("interval_s", "%g" % a.interval), ("tool_version", "gen-recording")])
    series = []

    def add(kind, name, reclaim, owner):
        series.append((len(series) + 1, kind, name, reclaim,
                       json.dumps(owner) if owner else None))
        return len(series)

    cat_id = {c: add("category", c, r, {"category": c, "from": c}) for c, r in CATS}
    tot_id = add("meminfo", "total", None, None)
    av_id = add("meminfo", "available", None, None)
    pools = ["kmalloc-256"] + ["cache-%02d" % i for i in range(1, a.pools)]
    pool_id = {p: add("pool", "slab/" + p, "pinned",
                      {"category": "slab_unreclaimable", "source": "slab",
                       "tag": p, "module": None}) for p in pools}
    free_id = {o: add("free", "0/Normal/%d" % o, "free", None) for o in range(11)}
    db.executemany("INSERT INTO series VALUES (?, ?, ?, ?, ?)", series)

    rows = []
    for i in range(a.samples):
        h = i * a.interval / 3600
        leak = int(a.leak * MIB * h)
        v = {}
        for c, _ in CATS:
            b = BASE.get(c, 0)
            if b:
                b += int(rnd.gauss(0, b * 0.01))
            v[c] = b // 4096 * 4096
        # page cache fills 50 MiB/h and is dropped every 12 hours
        v["page_cache"] += int((h % 12) * 50 * MIB) // 4096 * 4096
        v["slab_unreclaimable"] += leak // 4096 * 4096
        v["free"] = TOTAL - sum(v[c] for c, _ in CATS if c != "free")
        pts = [(cat_id[c], v[c]) for c, _ in CATS]
        pts.append((tot_id, TOTAL))
        pts.append((av_id, v["free"] + v["page_cache"] // 2))
        for k, p in enumerate(pools):
            b = (40 - k) * MIB + int(rnd.gauss(0, 64 * 1024))
            if p == "kmalloc-256":
                b += leak
            pts.append((pool_id[p], b // 256 * 256))
        for o in range(11):
            pts.append((free_id[o], (v["free"] // 22) >> (o // 3) // 4096 * 4096))
        rows.append(((a.start * 1000 + int(i * a.interval * 1000)), None, pack(pts)))
    db.executemany("INSERT INTO samples VALUES (?, ?, ?)", rows)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
