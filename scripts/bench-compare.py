#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare benchmark ratios before and after a change.

Usage: bench-compare.py BEFORE.json [BEFORE.json ...] -- AFTER.json [...]

Each file is the output of `softiommu bench --json` (one object a line).
For every ratio of every benchmark it prints the median over the BEFORE
runs, the median over the AFTER runs, the range of each, and whether the
after-median lies inside the before-range widened by the before-spread
("within noise"): the way the reshape issue asks changes to be judged
(the median of three full runs before and after).  Exit 0; this is a
report, not a test (timing never decides a test).
"""
import json
import statistics
import sys


def load(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            for r in obj.get("ratios", []):
                key = f"{obj.get('id', '')} {r['name']}".strip()
                out[key] = float(r["ratio"])
    return out


def main(argv):
    if "--" not in argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cut = argv.index("--")
    before = [load(p) for p in argv[:cut]]
    after = [load(p) for p in argv[cut + 1:]]
    if not before or not after:
        print("need at least one run on each side", file=sys.stderr)
        return 2
    keys = [k for k in before[0] if all(k in r for r in before + after)]
    width = max(len(k) for k in keys) if keys else 10
    print(f"{'ratio':<{width}}  {'before (median, range)':>28}  "
          f"{'after (median, range)':>28}  verdict")
    for k in keys:
        b = [r[k] for r in before]
        a = [r[k] for r in after]
        bm, am = statistics.median(b), statistics.median(a)
        spread = max(b) - min(b)
        lo, hi = min(b) - spread, max(b) + spread
        verdict = "within noise" if lo <= am <= hi else (
            "lower" if am < lo else "higher")
        print(f"{k:<{width}}  {bm:9.4g} [{min(b):7.4g},{max(b):7.4g}]  "
              f"{am:9.4g} [{min(a):7.4g},{max(a):7.4g}]  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
