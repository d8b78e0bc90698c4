#!/usr/bin/env python3
"""Hostile kernel trees: mutate a captured tree, run every view on it.

Each case copies a fixture tree (tests/fixtures/NAME), mutates one of its
files and runs views on it with --root, in text and with --json, under
the sanitizer build, each with a timeout. Counted and reported: cases,
runs, crashes (a signal, or an exit code other than 0, 1 and 2), hangs
(the timeout), sanitizer reports (ASan, UBSan, LSan on stderr) and
negative sizes printed. Every count but cases and runs must be 0: exit 1
otherwise, with the first failures and how to reproduce them.

Mutation classes (HOSTILE_SKIP=fifo,zero,symlink leaves classes out):
  truncate  cut at a line boundary; --every-line first tries every line
            of each of proc/'s own files, then one random line (or
            mid-line) per case
  bitflip   1-8 random bits flipped
  dupline   a line repeated (a field twice, a zone twice)
  huge      a number replaced by 2^52 kB-class, 2^63, 2^64 - 1, 2^64,
            twenty nines
  allhuge   every number in the file 2^52 (kB: 2^62 bytes)
  zeronum   a number replaced by 0 ("Cached: 0 kB")
  negative  a number made negative
  nonutf8   invalid UTF-8 bytes inserted
  nul       NUL bytes inserted
  empty     the file emptied
  missing   the file removed
  fifo      the file replaced by a FIFO (no writer: a read blocks)
  zero      the file a symlink to /dev/zero (endless)
  symlink   the file a symlink out of the tree (/etc/passwd)

Negative sizes: any "-N B/KiB/MiB..." in text output and any negative
number in JSON, except the usage category 'unaccounted', which is signed
by design (accounting.h: counters read a moment apart may overlap; it
is shown as measured with a note, and left out when far below zero).

  tools/hostile-trees.py [--seconds S] [--cases N] [--jobs J] [--seed N]
                         [--timeout T] [--every-line] [--keep DIR]

MEMTALLY names the binary (default build-test/memtally). The run stops
by itself after --seconds or --cases, whichever comes first."""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = ["debian12-6.18-x86_64", "debian12-6.18-x86_64-procs"]
CLASSES = ["truncate", "bitflip", "dupline", "huge", "allhuge", "zeronum",
           "negative", "nonutf8", "nul", "empty", "missing", "fifo", "zero",
           "symlink"]
# every view that reads a tree, text and JSON
VIEWS = [
    ["usage"], ["usage", "--deep"], ["pools"], ["pools", "-e"], ["free"],
    ["free", "--by-type"], ["free", "--runs"], ["sources"], ["procs"],
    ["procs", "-g", "comm"], ["cgroups"], ["lists"], ["ranges"],
    ["phys", "--summary"], ["usage", "--exact"],
]
HUGE = [b"4503599627370496", b"9223372036854775807", b"9223372036854775808",
        b"18446744073709551615", b"18446744073709551616",
        b"99999999999999999999"]
NEG_TEXT = re.compile(rb"(?<![\w.-])-[0-9][0-9.,]* ?(?:[KMGTPE]i)?B\b")
SANITIZER = re.compile(rb"runtime error:|AddressSanitizer|LeakSanitizer|"
                       rb"UndefinedBehaviorSanitizer")


def files_of(tree):
    out = []
    for d, _, fs in os.walk(tree):
        for f in fs:
            p = os.path.join(d, f)
            rel = os.path.relpath(p, tree)
            if rel.startswith(("proc/", "sys/")) and os.path.isfile(p) \
                    and not os.path.islink(p):
                out.append(rel)
    return sorted(out)


def numbers(data):
    return [m.span() for m in re.finditer(rb"\d+", data)]


def mutate(rng, cls, path, arg=None):
    """Apply mutation class cls to the file at path; a short description."""
    if cls in ("missing", "fifo", "zero", "symlink"):
        os.unlink(path)
        if cls == "fifo":
            os.mkfifo(path)
        elif cls == "zero":
            os.symlink("/dev/zero", path)
        elif cls == "symlink":
            os.symlink("../" * 12 + "etc/passwd", path)
        return cls
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    desc = cls
    if cls == "truncate":
        if arg is None:
            if data and rng.random() < 0.3:
                arg = ("byte", rng.randrange(len(data)))
            else:
                arg = ("line", rng.randrange(len(lines) + 1))
        if arg[0] == "byte":
            data = data[:arg[1]]
        else:
            data = b"\n".join(lines[:arg[1]]) + (b"\n" if arg[1] else b"")
        desc = "truncate at %s %d" % arg
    elif cls == "bitflip" and data:
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        data = bytes(b)
    elif cls == "dupline" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        data = b"\n".join(lines)
        desc = "duplicate line %d" % (i + 1)
    elif cls in ("huge", "negative", "zeronum"):
        spans = numbers(data)
        if spans:
            s, e = rng.choice(spans)
            rep = {"huge": rng.choice(HUGE), "zeronum": b"0",
                   "negative": b"-" + data[s:e]}[cls]
            data = data[:s] + rep + data[e:]
            desc = "%s at byte %d" % (cls, s)
    elif cls == "allhuge":
        data = re.sub(rb"\d+", b"4503599627370496", data)
    elif cls == "nonutf8":
        i = rng.randrange(len(data) + 1)
        data = data[:i] + rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80",
                                      b"\x80\x80\x80"]) + data[i:]
    elif cls == "nul":
        i = rng.randrange(len(data) + 1)
        data = data[:i] + b"\0" * rng.randint(1, 4) + data[i:]
    elif cls == "empty":
        data = b""
    with open(path, "wb") as f:
        f.write(data)
    return desc


def negatives_json(doc):
    """Negative numbers in a JSON document, but the signed remainder."""
    bad = []

    def walk(v, key):
        if isinstance(v, dict):
            if v.get("name") == "unaccounted":
                return
            for k, x in v.items():
                if k != "unaccounted":
                    walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif isinstance(v, (int, float)) and not isinstance(v, bool) \
                and v < 0:
            bad.append("%s=%s" % (key, v))
    walk(doc, "")
    return bad


def negatives_text(out):
    return [l.decode(errors="replace").strip() for l in out.splitlines()
            if NEG_TEXT.search(l) and not l.lstrip().startswith(b"unaccounted")]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.cases = self.runs = 0
        self.found = {"crash": [], "hang": [], "sanitizer": [], "negative": []}

    def add(self, kind, what):
        with self.lock:
            self.found[kind].append(what)


def run_case(args, stats, case_id, fixture, rel, cls, arg, views, seed):
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="memtally-hostile.")
    tree = os.path.join(work, "t")
    try:
        shutil.copytree(os.path.join(TOP, "tests/fixtures", fixture), tree,
                        symlinks=True)
        desc = mutate(rng, cls, os.path.join(tree, rel), arg)
        what = "%s: %s: %s" % (fixture, rel, desc)
        env = dict(os.environ, NO_COLOR="1",
                   ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        bad = False
        for view in views:
            for js in (False, True):
                argv = [args.memtally, "--root", tree] + view + \
                    (["--json"] if js else [])
                cmd = " ".join(argv[3:])
                with stats.lock:
                    stats.runs += 1
                try:
                    p = subprocess.run(argv, capture_output=True, env=env,
                                       timeout=args.timeout,
                                       stdin=subprocess.DEVNULL)
                except subprocess.TimeoutExpired:
                    stats.add("hang", "%s: '%s'" % (what, cmd))
                    bad = True
                    continue
                if SANITIZER.search(p.stderr):
                    line = next((l for l in p.stderr.splitlines()
                                 if SANITIZER.search(l)), b"")
                    stats.add("sanitizer", "%s: '%s': %s" % (
                        what, cmd, line.decode(errors="replace")[:200]))
                    bad = True
                elif p.returncode < 0 or p.returncode > 2:
                    stats.add("crash", "%s: '%s': exit %d" %
                              (what, cmd, p.returncode))
                    bad = True
                neg = []
                if js and p.returncode == 0:
                    try:
                        neg = negatives_json(json.loads(p.stdout))
                    except ValueError:
                        stats.add("crash", "%s: '%s': invalid JSON" %
                                  (what, cmd))
                        bad = True
                elif p.returncode == 0:
                    neg = negatives_text(p.stdout)
                if neg:
                    stats.add("negative", "%s: '%s': %s" %
                              (what, cmd, "; ".join(neg[:3])[:200]))
                    bad = True
        if bad and args.keep:
            dst = os.path.join(args.keep, "case-%d" % case_id)
            shutil.rmtree(dst, ignore_errors=True)
            os.makedirs(args.keep, exist_ok=True)
            os.rename(tree, dst)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with stats.lock:
            stats.cases += 1


def plan(args, rng, skip):
    """Yield (fixture, file, class, arg, views, seed) cases."""
    classes = [c for c in CLASSES if c not in skip]
    trees = {fx: files_of(os.path.join(TOP, "tests/fixtures", fx))
             for fx in FIXTURES}
    if args.every_line and "truncate" in classes:
        # proc/'s own files, every line; 4 views at random each
        for fx, files in trees.items():
            for rel in (f for f in files if f.count("/") == 1):
                with open(os.path.join(TOP, "tests/fixtures", fx, rel),
                          "rb") as f:
                    n = f.read().count(b"\n")
                for k in range(n + 1):
                    views = VIEWS if args.all_views else rng.sample(VIEWS, 4)
                    yield fx, rel, "truncate", ("line", k), views, 0
    while True:
        fx = rng.choice(FIXTURES)
        # half the cases on proc/'s own files (meminfo, zoneinfo, ...),
        # which every view reads, the rest on any file of the tree
        top = [f for f in trees[fx] if f.count("/") == 1] or trees[fx]
        rel = rng.choice(top if rng.random() < 0.5 else trees[fx])
        views = VIEWS if args.all_views else rng.sample(VIEWS, 4)
        yield fx, rel, rng.choice(classes), None, views, rng.randrange(1 << 30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=50)
    ap.add_argument("--cases", type=int, default=1 << 30)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--every-line", action="store_true",
                    help="first truncate every file at every line")
    ap.add_argument("--all-views", action="store_true",
                    help="every view in each case (default: 4 at random)")
    ap.add_argument("--keep", help="move failing trees here")
    args = ap.parse_args()
    args.memtally = os.path.abspath(os.environ.get(
        "MEMTALLY", os.path.join(TOP, "build-test/memtally")))
    if not os.access(args.memtally, os.X_OK):
        print("hostile-trees: no memtally at %s (set MEMTALLY)" %
              args.memtally)
        return 2
    skip = {s for s in os.environ.get("HOSTILE_SKIP", "").split(",") if s}
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    stats = Stats()
    deadline = time.monotonic() + args.seconds
    cases = plan(args, rng, skip)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        pending = set()
        n = 0
        while n < args.cases and time.monotonic() < deadline:
            while len(pending) < args.jobs * 2 and n < args.cases:
                fx, rel, cls, arg, views, s = next(cases)
                pending.add(ex.submit(run_case, args, stats, n, fx, rel,
                                      cls, arg, views, s))
                n += 1
            done, pending = concurrent.futures.wait(
                pending, timeout=1,
                return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                f.result()
        for f in concurrent.futures.as_completed(pending):
            f.result()
    f = stats.found
    print("hostile-trees: seed %d, skipped [%s]: %d cases, %d runs: "
          "%d crashes, %d hangs, %d sanitizer reports, %d negative sizes" %
          (seed, ",".join(sorted(skip)), stats.cases, stats.runs,
           len(f["crash"]), len(f["hang"]), len(f["sanitizer"]),
           len(f["negative"])))
    failed = False
    for kind, items in f.items():
        for it in items[:10]:
            print("FAIL: %s: %s" % (kind, it))
        if len(items) > 10:
            print("FAIL: %s: ... and %d more" % (kind, len(items) - 10))
        failed |= bool(items)
    if failed:
        print("reproduce: HOSTILE_SKIP=%s %s --seed %d --cases %d" %
              (",".join(sorted(skip)), sys.argv[0], seed, stats.cases))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
