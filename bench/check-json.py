#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# bench_quick: run `softiommu bench --quick --json` and check that every
# benchmark printed one JSON object with the required keys.  Ratios against
# their bars do not decide anything here: the bars are for people.
import json
import subprocess
import sys

REQUIRED = ("name", "id", "parameters", "figures", "comparator", "ratio",
            "bar", "target", "pass", "ratios")


def main():
    exe = sys.argv[1]
    listing = subprocess.run([exe, "bench", "--list"], check=True,
                             capture_output=True, text=True).stdout.split()
    ids, names = listing[0::2], listing[1::2]
    want = ["B%d" % i for i in range(1, 7)]
    if [i for i in want if i not in ids]:
        print("softiommu bench --list lacks some of %s: %r" % (want, ids))
        return 1
    run = subprocess.run([exe, "bench", "--quick", "--json"],
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        print("softiommu bench exited with %d\n%s" % (run.returncode,
                                                     run.stderr))
        return 1
    seen = {}
    bad = 0
    for n, line in enumerate(run.stdout.splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            print("line %d is not JSON (%s): %s" % (n, e, line))
            bad += 1
            continue
        if obj.get("kind") == "environment":
            print("run: %.1f s, lockdep %s, pinned %s, peak RSS %d KiB, "
                  "%d WARN(s), %d library object(s) left allocated" % (
                      obj.get("seconds", 0), obj.get("lockdep"),
                      obj.get("pinned"), obj.get("peak_rss_kib", 0),
                      obj.get("warns", 0), obj.get("leaked_objects", 0)))
        if obj.get("kind") in ("reference", "environment"):
            continue
        seen[obj.get("name")] = obj
    for name in names:
        obj = seen.get(name)
        if obj is None:
            print("%s: no JSON object" % name)
            bad += 1
            continue
        missing = [k for k in REQUIRED if k not in obj]
        if missing:
            print("%s: missing keys %s" % (name, ", ".join(missing)))
            bad += 1
            continue
        if "skipped" in obj:
            print("%s: skipped: %s" % (name, obj["skipped"]))
            if obj["pass"] is not None:
                print("%s: skipped but pass is %r" % (name, obj["pass"]))
                bad += 1
            continue
        if not isinstance(obj["pass"], bool) or not obj["ratios"]:
            print("%s: no ratio / pass" % name)
            bad += 1
            continue
        for q in obj["ratios"]:
            for k in ("name", "comparator", "ratio", "bar", "target", "pass"):
                if k not in q:
                    print("%s: ratio without %s" % (name, k))
                    bad += 1
        print("%s: ratio %s (bar %s %s) %s" % (
            name, obj["ratio"], obj["ratios"][0].get("op"), obj["bar"],
            "pass" if obj["pass"] else "below bar"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
