#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The library's own programs reach internals only by the named interface.

tools/softiommu may include system headers, the public headers
<softiommu/X.h>, the internal interface <softiommu/internal.h>, and its own
headers (same directory).  bench/ may also include the private headers the
internal interface lists under BENCH-PRIVATE-INCLUDES, and nothing else.

usage: check-includes.py --source DIR
"""
import argparse
import os
import re
import sys

INTERNAL = 'include-internal/softiommu/internal.h'


def bench_allowlist(path):
    text = open(path).read()
    m = re.search(r'BENCH-PRIVATE-INCLUDES\n(.*?)\n \* END', text, re.S)
    if not m:
        sys.exit('%s: no BENCH-PRIVATE-INCLUDES ... END list' % path)
    allowed = set()
    for line in m.group(1).splitlines():
        f = line.lstrip(' *').split()
        if f:
            allowed.add(f[0])
    return allowed


def check_dir(src, sub, private_ok):
    d = os.path.join(src, sub)
    public = set(os.listdir(os.path.join(src, 'include', 'softiommu')))
    own = set(os.listdir(d))
    bad = []
    for f in sorted(own):
        if not f.endswith(('.c', '.h')):
            continue
        for n, line in enumerate(open(os.path.join(d, f)), 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not m:
                continue
            kind, inc = m.groups()
            if inc.startswith('softiommu/'):
                ok = inc[len('softiommu/'):] in public | {'internal.h'}
            elif kind == '<':
                ok = True			# a system header
            else:
                ok = inc in own or inc in private_ok
            if not ok:
                bad.append('%s/%s:%d: #include %s%s%s' % (
                    sub, f, n, kind, inc, '>' if kind == '<' else '"'))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--source', required=True)
    a = ap.parse_args()
    allowed = bench_allowlist(os.path.join(a.source, INTERNAL))
    bad = check_dir(a.source, 'tools/softiommu', set())
    bad += check_dir(a.source, 'bench', allowed)
    if bad:
        print('includes outside the public headers and %s:' % INTERNAL)
        print('\n'.join('  ' + b for b in bad))
        return 1
    print('tools/softiommu and bench/ include only what %s allows' % INTERNAL)
    return 0


if __name__ == '__main__':
    sys.exit(main())
