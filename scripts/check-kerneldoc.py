#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that every non-static function defined in the .c files under the
given directories carries kernel-doc at its definition: a /** ... */ block
right before it whose first line names the function ("name() - summary"),
with a "Context:" line and, unless the function returns void, a "Return:"
line (each section starting its own comment line, as kernel-doc wants).

Usage: scripts/check-kerneldoc.py DIR|FILE...
Prints one "file:line: name: problem" per offender; exits 1 if any, 2 on a
usage error, 0 when everything is documented.
"""
import os
import re
import sys

IDENT = re.compile(r"[A-Za-z_]\w*")
ATTRIBUTE = re.compile(r"__attribute__\s*\(\(")
# Words that may precede a function's name without being its return type.
SPECIFIERS = {"static", "inline", "extern", "__inline", "__inline__",
              "const", "volatile", "restrict", "_Noreturn", "noreturn",
              "__always_inline", "__cold", "__hot", "__noreturn"}


def blank_out(src):
    """Return (code, comments): @code is @src with comments, string and char
    literals and preprocessor lines replaced by spaces (newlines kept, so
    offsets and line numbers stay valid); @comments lists (start, end, text)
    of every comment."""
    out = list(src)
    comments = []
    i, n = 0, len(src)
    line_start = True
    while i < n:
        c = src[i]
        if line_start and c == "#":
            # A preprocessor line, with its backslash continuations.
            j = i
            while j < n and src[j] != "\n":
                if src[j] == "\\" and j + 1 < n and src[j + 1] == "\n":
                    j += 2
                    continue
                if src.startswith("/*", j):
                    break
                j += 1
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c in " \t":
            i += 1
            continue
        if c == "\n":
            line_start = True
            i += 1
            continue
        line_start = False
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            comments.append((i, j, src[i:j]))
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            comments.append((i, j, src[i:j]))
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            for k in range(i, min(j + 1, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
            continue
        i += 1
    return "".join(out), comments


def strip_attributes(text):
    """Blank out __attribute__((...)) groups in @text (same length)."""
    while True:
        m = ATTRIBUTE.search(text)
        if not m:
            return text
        depth, j = 0, m.start()
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        text = text[:m.start()] + " " * (j + 1 - m.start()) + text[j + 1:]


def definitions(code):
    """Yield (header_start, header_text) for every top-level "header {"
    whose header looks like a function declarator."""
    depth = 0
    stmt_start = 0
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                header = code[stmt_start:i]
                h = header.strip()
                if h.endswith((")", "]")) and "=" not in h and "(" in h:
                    lead = len(header) - len(header.lstrip())
                    yield stmt_start + lead, h
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                stmt_start = i + 1
        elif c == ";" and depth == 0:
            stmt_start = i + 1


def parse_header(header):
    """Return (name, is_static, returns_void) for a function header, or None
    if it is not one we can read."""
    h = strip_attributes(header).rstrip()
    # "T (*name(args))[N]": a function returning a pointer to an array.
    while h.endswith("]") and "[" in h:
        h = h[:h.rindex("[")].rstrip()
    # The parameter list is the last top-level parenthesised group.
    depth = 0
    open_paren = None
    for i in range(len(h) - 1, -1, -1):
        if h[i] == ")":
            depth += 1
        elif h[i] == "(":
            depth -= 1
            if depth == 0:
                open_paren = i
                break
    if open_paren is None:
        return None
    before = h[:open_paren].rstrip()
    m = re.search(r"([A-Za-z_]\w*)$", before)
    if m and not h[open_paren + 1:].lstrip().startswith("*"):
        name = m.group(1)
        before = before[:m.start()]
    else:
        # A function returning a function pointer: "T (*name(args))(...)".
        m = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\(", h)
        if not m:
            return None
        name = m.group(1)
        before = h[:m.start()] + " *"
    # Attribute-like macros with arguments ("__printf(2, 3)") are no type.
    before = re.sub(r"[A-Za-z_]\w*\s*\([^()]*\)", " ", before)
    prefix = IDENT.findall(before)
    is_static = "static" in prefix
    type_words = [w for w in prefix if w not in SPECIFIERS]
    returns_void = type_words == ["void"] and "*" not in before
    return name, is_static, returns_void


def comment_problems(comment, name, returns_void):
    """List what the kernel-doc @comment lacks for function @name."""
    if not comment.startswith("/**") or comment.startswith("/***"):
        return ["no /** kernel-doc comment"]
    lines = []
    for raw in comment[3:-2].splitlines():
        s = raw.strip()
        if s.startswith("*"):
            s = s[1:].strip()
        lines.append(s)
    while lines and not lines[0]:
        lines.pop(0)
    problems = []
    if not lines or not re.match(re.escape(name) + r"(\(\))?\s+-(\s|$)",
                                 lines[0]):
        problems.append("kernel-doc does not start with '%s() - '" % name)
    if not any(l.startswith("Context:") for l in lines):
        problems.append("no 'Context:' line")
    if not returns_void and not any(l.startswith("Return:") for l in lines):
        problems.append("no 'Return:' line")
    return problems


def check_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    code, comments = blank_out(src)
    ends = {end: text for start, end, text in comments}
    problems = []
    for start, header in definitions(code):
        parsed = parse_header(header)
        if not parsed:
            continue
        name, is_static, returns_void = parsed
        if is_static:
            continue
        # The comment must end right before the header (whitespace only).
        j = start
        while j > 0 and src[j - 1] in " \t\n":
            j -= 1
        comment = ends.get(j)
        line = src.count("\n", 0, start) + 1
        if comment is None:
            found = ["no kernel-doc comment before the definition"]
        else:
            found = comment_problems(comment, name, returns_void)
        for p in found:
            problems.append("%s:%d: %s: %s" % (path, line, name, p))
    return problems


def c_files(arg):
    if os.path.isfile(arg):
        yield arg
        return
    for root, dirs, files in os.walk(arg):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".c"):
                yield os.path.join(root, f)


def main(argv):
    if len(argv) < 2 or any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = []
    nfiles = 0
    for arg in argv[1:]:
        if not os.path.exists(arg):
            print("%s: no such file or directory" % arg, file=sys.stderr)
            return 2
        for path in c_files(arg):
            nfiles += 1
            problems += check_file(path)
    for p in problems:
        print(p)
    if problems:
        print("%d problem(s) in %d file(s) checked" % (len(problems), nfiles),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
