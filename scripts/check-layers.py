#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check the layering of src/ and include/ (docs/design.md, "Layers").

Every #include of a project header from a file under src/ or include/ must
point at the same layer or a lower one.  Also checked:
  - public headers (include/softiommu/*.h), included as <softiommu/x.h>, are
    owned by the layer that implements them;
  - the driver contract (iommu.h, iommu-driver.h) is owned by the IOMMU core
    and may be included by the IOMMU drivers, but by nothing lower;
  - the IOMMU core never includes a driver header;
  - <module>-priv.h is included only from its own directory;
  - no two files under src/, include/, tools/, bench/, tests/ share a name
    (meson.build excepted);
  - one include style in src/: a project header by its path from src/
    ("base/base.h", never "../base/base.h" or "base.h"), a public header
    as <softiommu/x.h>.

Usage: check-layers.py [--root DIR] [--allow FILE:HEADER]... [--fix-style]
FILE is a path from the root (e.g. src/hw/hw-smmu.c), HEADER the text between
the quotes or brackets (softiommu/iommu.h): a known, temporary exception.
Prints one line per error, "file:line: <layer> includes <layer> (<header>)"
for a layering error; exits 1 if there was any.  --fix-style first rewrites,
in place, the #include lines of src/, bench/, tools/ and tests/ that name a
file under src/ or include/ into that style (after a merge, say).
"""
import argparse
import os
import re
import sys

# Bottom first.  A file belongs to the longest matching directory.
LAYERS = [
    "src/base",
    "src/mem",
    "src/dev",
    "src/pgtable",
    "src/hw",
    "src/drivers",
    "src/core",
    "src/iopf",
    "src/sva",
    "src/dma",
    "src/bus",
    "src/endpoints",
    "src/user",
    "src/machine",
]

# Public headers: the layer that implements each, and the lowest layer that
# may include it when that is lower than the owner (a contract implemented
# from below).
PUBLIC = {
    "softiommu/iommu.h": ("src/core", "src/drivers"),
    "softiommu/iommu-driver.h": ("src/core", "src/drivers"),
    "softiommu/dma.h": ("src/dev", None),
    "softiommu/machine.h": ("src/machine", None),
    "softiommu/error.h": ("src/base", None),
    # include-internal/: the named interface of softiommu's own programs.
    "softiommu/internal.h": ("src/machine", None),
}
INTERNAL_HEADERS = {"softiommu/internal.h"}

# (includer layer, included layer): forbidden although it points down.
FORBIDDEN = {
    ("src/core", "src/drivers"): "the core never includes a driver header",
}

SCANNED = ("src", "include")
NAMES_UNIQUE_IN = ("src", "include", "tools", "bench", "tests")
STYLED = ("src", "bench", "tools", "tests")
# Extra -I directories of some targets (tests/meson.build, bench/).
EXTRA_INCLUDE_DIRS = {"tests": ["tests/harness"], "bench": ["bench"],
                      "tools": ["bench"]}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
QUOTED_RE = re.compile(r'^(\s*#\s*include\s*)"([^"]+)"(.*)$')


def layer_of(path):
    """Layer directory of a path from the root, or None."""
    best = None
    for layer in LAYERS:
        if path == layer or path.startswith(layer + "/"):
            if best is None or len(layer) > len(best):
                best = layer
    return best


def rank(layer):
    return LAYERS.index(layer)


def resolve(root, includer, header):
    """Path from the root of a quoted include, the way the build finds it:
    the includer's directory, then include/ and src/ (and a few targets'
    own directories)."""
    extra = EXTRA_INCLUDE_DIRS.get(includer.split("/", 1)[0], [])
    for base in [os.path.dirname(includer), "include", "src"] + extra:
        cand = os.path.normpath(os.path.join(base, header))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def check_edge(path, lineno, header, target, allow, errors):
    """One include of @target (a path from the root) by @path."""
    if path.startswith("include/"):
        src_layer = PUBLIC.get(public_name(path), (None, None))[0]
    else:
        src_layer = layer_of(path)
    if src_layer is None:
        return
    if (path, header) in allow:
        allow[(path, header)] += 1
        return
    if target.startswith(("include/", "include-internal/")):
        name = public_name(target)
        if name not in PUBLIC:
            errors.append(f"{path}:{lineno}: {header}: public header not in "
                          "the layer table (scripts/check-layers.py)")
            return
        owner, lowest = PUBLIC[name]
        floor = lowest or owner
        if rank(floor) > rank(src_layer):
            errors.append(f"{path}:{lineno}: {src_layer} includes {owner} "
                          f"({header})")
        return
    dst_layer = layer_of(target)
    if dst_layer is None:
        errors.append(f"{path}:{lineno}: {header}: {target} is in no layer "
                      "(scripts/check-layers.py)")
        return
    if rank(dst_layer) > rank(src_layer):
        errors.append(f"{path}:{lineno}: {src_layer} includes {dst_layer} "
                      f"({header})")
    elif (src_layer, dst_layer) in FORBIDDEN:
        errors.append(f"{path}:{lineno}: {src_layer} includes {dst_layer} "
                      f"({header}): "
                      f"{FORBIDDEN[(src_layer, dst_layer)]}")
    if (os.path.basename(target).endswith("-priv.h") and
            os.path.dirname(target) != os.path.dirname(path)):
        errors.append(f"{path}:{lineno}: {header}: another module's "
                      "internals (-priv.h)")


def public_name(path):
    """"include/softiommu/x.h" -> "softiommu/x.h"."""
    for top in ("include/", "include-internal/"):
        if path.startswith(top):
            return path[len(top):]
    return path


def check_file(root, path, allow, errors):
    try:
        with open(os.path.join(root, path), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        errors.append(f"{path}: cannot read: {e}")
        return
    for lineno, line in enumerate(lines, 1):
        m = INCLUDE_RE.match(line)
        if not m:
            continue
        kind, header = m.groups()
        if kind == "<":
            if not header.startswith("softiommu/"):
                continue        # a system header
            target = os.path.join(
                "include-internal" if header in INTERNAL_HEADERS
                else "include", header)
            if not os.path.isfile(os.path.join(root, target)):
                errors.append(f"{path}:{lineno}: {header}: no such public "
                              "header")
                continue
        else:
            target = resolve(root, path, header)
            if target is None:
                errors.append(f"{path}:{lineno}: {header}: not found")
                continue
            if path.startswith("src/"):
                want = styled(target)
                if want and want != '"%s"' % header:
                    errors.append(f"{path}:{lineno}: include \"{header}\" "
                                  f"as {want} (--fix-style)")
        check_edge(path, lineno, header, target, allow, errors)


def styled(target):
    """How a header at @target (a path from the root) is included, or None
    for a header outside src/ and include/."""
    if target.startswith("src/"):
        return '"%s"' % target[len("src/"):]
    if target.startswith("include/"):
        return "<%s>" % target[len("include/"):]
    return None


def fix_style(root):
    """Rewrite quoted includes of src/ and include/ headers in place."""
    for top in STYLED:
        for path in source_files(root, top):
            if not path.endswith((".c", ".h")):
                continue
            full = os.path.join(root, path)
            with open(full, encoding="utf-8") as f:
                text = f.read()
            out = []
            for line in text.split("\n"):
                m = QUOTED_RE.match(line)
                target = m and resolve(root, path, m.group(2))
                want = target and styled(target)
                if want:
                    line = m.group(1) + want + m.group(3)
                out.append(line)
            new = "\n".join(out)
            if new != text:
                with open(full, "w", encoding="utf-8") as f:
                    f.write(new)
                print(f"{path}: include style fixed", file=sys.stderr)


def source_files(root, top):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            yield os.path.relpath(os.path.join(dirpath, name), root)


def check_names(root, errors):
    seen = {}
    for top in NAMES_UNIQUE_IN:
        for path in source_files(root, top):
            name = os.path.basename(path)
            if name != "meson.build":
                seen.setdefault(name, []).append(path)
    for name in sorted(seen):
        if len(seen[name]) > 1:
            paths = seen[name]
            errors.append(f"{paths[0]}: file name {name} also used by "
                          + ", ".join(paths[1:]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(here),
                    help="project root (default: the script's parent)")
    ap.add_argument("--allow", action="append", default=[],
                    metavar="FILE:HEADER",
                    help="a known upward include to tolerate (repeatable)")
    ap.add_argument("--fix-style", action="store_true",
                    help="rewrite #include lines into the house style first")
    args = ap.parse_args()
    if args.fix_style:
        fix_style(args.root)

    allow = {}
    for a in args.allow:
        file, sep, header = a.rpartition(":")
        if not sep or not file or not header:
            ap.error(f"--allow {a}: expected FILE:HEADER")
        allow[(os.path.normpath(file), header)] = 0

    errors = []
    for top in SCANNED:
        for path in source_files(args.root, top):
            if not path.endswith((".c", ".h")):
                continue
            if top == "src" and layer_of(path) is None:
                errors.append(f"{path}: in no layer (scripts/check-layers.py)")
            elif top == "include" and public_name(path) not in PUBLIC:
                errors.append(f"{path}: public header not in the layer table "
                              "(scripts/check-layers.py)")
            check_file(args.root, path, allow, errors)
    check_names(args.root, errors)
    for (file, header), used in sorted(allow.items()):
        if not used:
            print(f"note: --allow {file}:{header} matched nothing "
                  "(remove it)", file=sys.stderr)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
