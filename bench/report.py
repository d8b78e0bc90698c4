#!/usr/bin/env python3
"""Print a hyperfine JSON export as medians and ratios to a reference.

    report.py RESULT.json REFERENCE_COMMAND [COMMAND ...]

Ratios are median(command) / median(reference): below 1 is faster.
"""
import json
import sys


def main():
    path, ref = sys.argv[1], sys.argv[2]
    res = json.load(open(path))["results"]
    med = {r["command"]: r["median"] for r in res}
    if ref not in med:
        sys.exit(f"report: no result for reference '{ref}'")
    print(f"{'command':<40} {'median':>10} {'vs ' + ref:>14}")
    for r in res:
        m = r["median"]
        print(f"{r['command']:<40} {m * 1000:>8.2f} ms {m / med[ref]:>13.2f}x")


if __name__ == "__main__":
    main()
