#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Count test cases in a meson build's testlog.json: TAP tests count their
subtests; other tests count as one case.  Prints "passed failed skipped"."""
import json
import sys

log = sys.argv[1] + "/meson-logs/testlog.json"
passed = failed = skipped = 0
try:
    lines = open(log).read().splitlines()
except OSError:
    print(0, 1, 0)
    sys.exit(0)
for line in lines:
    rec = json.loads(line)
    result = rec.get("result")
    out = rec.get("stdout") or ""
    tap = [l for l in out.splitlines() if l.startswith(("ok ", "not ok "))]
    if tap and rec.get("protocol", "") in ("tap", "TestProtocol.TAP", ""):
        for l in tap:
            if l.startswith("not ok"):
                failed += 1
            elif "# SKIP" in l:
                skipped += 1
            else:
                passed += 1
        # a crashed/timed-out TAP binary that printed some results still failed
        if result not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(l.startswith("not ok") for l in tap):
            failed += 1
    else:
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(passed, failed, skipped)
