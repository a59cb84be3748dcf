#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The exported ABI is exactly the public headers.

Three lists must agree: the functions (and objects) declared, not static, in
include/softiommu/*.h; the global names of src/softiommu.map (an explicit
list: no wildcards); and what `nm -D --defined-only libsoftiommu.so`
shows.  Anything declared but not exported fails a user at link time;
anything exported but not declared is an internal a user could bind to.

usage: check-exports.py --include DIR --map FILE --lib SO --nm NM --cc CC...
       check-exports.py --include DIR --cc CC... --print-map
"""
import argparse
import os
import re
import subprocess
import sys

KEYWORDS = {
    'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed',
    'unsigned', 'const', 'volatile', 'struct', 'union', 'enum', 'extern',
    'inline', 'static', 'restrict', 'bool', 'sizeof', 'return', 'if',
}


def preprocess(cc, incdir):
    """Text of every public header after the preprocessor, by header."""
    headers = sorted(h for h in os.listdir(os.path.join(incdir, 'softiommu'))
                     if h.endswith('.h'))
    src = ''.join('#include <softiommu/%s>\n' % h for h in headers)
    out = subprocess.run(cc + ['-E', '-I', incdir, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True)
    if out.returncode:
        sys.exit('preprocessing the public headers failed:\n' + out.stderr)
    pub = os.path.realpath(os.path.join(incdir, 'softiommu'))
    texts, cur = {}, None
    for line in out.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            path = os.path.realpath(m.group(1))
            cur = (os.path.basename(path)
                   if os.path.dirname(path) == pub else None)
            continue
        if cur and not line.startswith('#'):
            texts.setdefault(cur, []).append(line)
    return {h: '\n'.join(t) for h, t in texts.items()}


def statements(text):
    """Top-level declarations, brace bodies collapsed to {}."""
    out, cur, depth = [], [], 0
    for ch in text:
        if ch == '{':
            if depth == 0:
                cur.append('{}')
            depth += 1
        elif ch == '}':
            depth -= 1
            if depth < 0:
                sys.exit('unbalanced braces in a public header')
            if depth == 0 and re.search(r'\)\s*\{\}$', ''.join(cur)):
                out.append(''.join(cur))	# a function body ends here
                cur = []
        elif depth:
            continue
        elif ch == ';':
            out.append(''.join(cur))
            cur = []
        else:
            cur.append(ch)
    if ''.join(cur).strip():
        sys.exit('public headers end inside a declaration: ' + ''.join(cur))
    return [' '.join(s.split()) for s in out if s.strip()]


def declared_symbols(texts):
    """{name: header} for every non-static function or object declared."""
    syms = {}
    for header, text in texts.items():
        for st in statements(text):
            st = re.sub(r'__attribute__\s*\(\(.*?\)\)', '', st)
            if re.match(r'(typedef|static)\b', st) or re.search(r'\bstatic\b', st):
                continue
            if re.fullmatch(r'(struct|union|enum)\s+\w+(\s*\{\})?', st):
                continue
            name = None
            depth = 0
            for m in re.finditer(r'[A-Za-z_]\w*|\(|\)', st):
                tok = m.group(0)
                if tok == '(':
                    depth += 1
                elif tok == ')':
                    depth -= 1
                elif depth == 0 and tok not in KEYWORDS:
                    rest = st[m.end():].lstrip()
                    if rest.startswith('('):
                        name = tok		# a function declarator
                        break
            if name is None:			# an object: its last identifier
                ids = [t for t in re.findall(r'[A-Za-z_]\w*', st)
                       if t not in KEYWORDS]
                if not ids:
                    sys.exit('cannot read this declaration: ' + st)
                name = ids[-1]
            syms[name] = header
    return syms


def map_symbols(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    m = re.search(r'global:(.*?)local:', text, re.S)
    if not m:
        sys.exit('%s: no global: ... local: section' % path)
    names = [n.strip() for n in m.group(1).split(';') if n.strip()]
    wild = [n for n in names if re.search(r'[*?\[]', n)]
    if wild:
        sys.exit('%s: wildcards export internals too: %s' % (path, ' '.join(wild)))
    return set(names)


def exported_symbols(nm, lib):
    out = subprocess.run([nm, '-D', '--defined-only', lib],
                         capture_output=True, text=True, check=True)
    syms = set()
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] != 'A':		# 'A': the version node
            syms.add(f[2].split('@')[0])
    return syms


def report(title, names, where=None):
    if not names:
        return 0
    print(title)
    for n in sorted(names):
        print('  %s%s' % (n, ' (%s)' % where[n] if where and n in where else ''))
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--include', required=True)
    ap.add_argument('--map')
    ap.add_argument('--lib')
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--cc', action='append', required=True)
    ap.add_argument('--print-map', action='store_true')
    a = ap.parse_args()

    decl = declared_symbols(preprocess(a.cc, a.include))
    if a.print_map:
        for header in sorted(set(decl.values())):
            print('    /* softiommu/%s */' % header)
            for n in sorted(k for k, v in decl.items() if v == header):
                print('    %s;' % n)
        return 0
    mapped = map_symbols(a.map)
    exported = exported_symbols(a.nm, a.lib)
    bad = 0
    bad |= report('declared in a public header but missing from %s:' % a.map,
                  set(decl) - mapped, decl)
    bad |= report('listed in %s but declared in no public header:' % a.map,
                  mapped - set(decl))
    bad |= report('declared in a public header but not exported by %s:' % a.lib,
                  set(decl) - exported, decl)
    bad |= report('exported by %s but declared in no public header:' % a.lib,
                  exported - set(decl))
    if not bad:
        print('%d public symbols: headers, export map and %s agree'
              % (len(decl), os.path.basename(a.lib)))
    return bad


if __name__ == '__main__':
    sys.exit(main())
