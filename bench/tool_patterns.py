#!/usr/bin/python3
"""Turn `hush rules export` output into pattern files for rg and grep -E.

usage: tool_patterns.py rg   PATTERNS OUT         -> OUT (patterns rg compiles)
       tool_patterns.py grep PATTERNS OUT OUT_I   -> OUT (grep -E), OUT_I (grep -E -i)

rg: each pattern is kept as is if `rg -e PAT /dev/null` compiles it (exit 2 means
it does not).

grep: PCRE syntax is not ERE, and GNU grep silently gives some of it another
meaning (`\\d` is a literal d, `(?:` is a warning), so each pattern is first
translated: a leading (?i) moves the pattern to the -i list, (?:...) becomes
(...), named groups become plain groups, \\d \\s \\D \\S become bracket
expressions, lazy quantifiers become greedy ones (same lines match),
bracket expressions are rewritten in POSIX form.  Patterns that need anything
else (lookaround, backreferences, inline flags elsewhere, possessive
quantifiers, \\A \\z \\p ...) are dropped.  A translated pattern is kept if
`LC_ALL=C grep -E -e ERE /dev/null` exits 0 or 1 with nothing on stderr.

Prints one summary line on stdout.
"""

import os
import subprocess
import sys

ERE_SPECIAL = set(".[]()*+?{}|^$\\")


class Unsupported(Exception):
    pass


def lit(ch):
    """ERE for a literal character outside brackets."""
    return "\\" + ch if ch in ERE_SPECIAL else ch


def parse_hex(p, i):
    """p[i] is just after '\\x'; returns (char, next index)."""
    if i < len(p) and p[i] == "{":
        j = p.find("}", i)
        if j < 0:
            raise Unsupported("bad \\x{")
        code, nxt = p[i + 1:j], j + 1
    else:
        code, nxt = p[i:i + 2], i + 2
    try:
        c = chr(int(code, 16))
    except ValueError:
        raise Unsupported("bad \\x")
    if ord(c) > 0x7E or (ord(c) < 0x20 and c != "\t"):
        raise Unsupported("non-printable \\x")
    return c, nxt


def parse_class(p, i):
    """p[i] == '['; returns (ERE bracket expression or escaped literal, next index)."""
    i += 1
    neg = False
    if i < len(p) and p[i] == "^":
        neg = True
        i += 1
    items = []          # strings to place inside the brackets
    has_rb = has_dash = has_caret = False
    first = True

    def atom(i):
        """Return (kind, value, next): kind 'char' or 'class'."""
        c = p[i]
        if c == "\\":
            if i + 1 >= len(p):
                raise Unsupported("trailing \\")
            e = p[i + 1]
            if e == "d":
                return "class", "0-9", i + 2
            if e == "w":
                return "class", "[:alnum:]_", i + 2
            if e == "s":
                return "class", "[:space:]", i + 2
            if e == "t":
                return "char", "\t", i + 2
            if e == "x":
                c2, nxt = parse_hex(p, i + 2)
                return "char", c2, nxt
            if e.isalnum():
                raise Unsupported("\\" + e + " in class")
            return "char", e, i + 2
        if c == "[" and p.startswith("[:", i):
            j = p.find(":]", i + 2)
            if j < 0:
                raise Unsupported("bad [:")
            return "class", p[i:j + 2], j + 2
        return "char", c, i + 1

    while True:
        if i >= len(p):
            raise Unsupported("unterminated [")
        if p[i] == "]" and not first:
            i += 1
            break
        kind, val, i = atom(i)
        first = False
        if kind == "char" and i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
            kind2, val2, i = atom(i + 1)
            if kind2 != "char":
                raise Unsupported("range to a class")
            if val in "]^-\\" or val2 in "]^-\\" or ord(val) > ord(val2):
                raise Unsupported("awkward range")
            items.append(val + "-" + val2)
            continue
        if kind == "class":
            items.append(val)
        elif val == "]":
            has_rb = True
        elif val == "-":
            has_dash = True
        elif val == "^":
            has_caret = True
        elif val == "[":
            items.append("[")  # '[' alone is literal inside brackets; avoid '[:' by ordering
        else:
            items.append(val)
    # POSIX placement: ']' first, '^' anywhere but first, '[' late (so it cannot
    # start "[:"), '-' last.
    body_items = [x for x in items if x != "["]
    lb = "[" if "[" in items else ""
    dash = "-" if has_dash else ""
    pre = ("]" if has_rb else "") + "".join(body_items)
    if not has_caret:
        body = pre + lb + dash
    elif pre:
        body = pre + "^" + lb + dash
    elif lb:
        body = "[^" + dash
    elif dash:
        body = "-^"
    elif neg:
        body = "^"
    else:
        return "\\^", i
    if not body:
        raise Unsupported("empty class")
    return "[" + ("^" if neg else "") + body + "]", i


def pcre_to_ere(p):
    """Returns (ere, icase) or raises Unsupported."""
    icase = False
    if p.startswith("(?i)"):
        icase = True
        p = p[4:]
    out = []
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                raise Unsupported("trailing \\")
            e = p[i + 1]
            i += 2
            if e == "d":
                out.append("[0-9]")
            elif e == "D":
                out.append("[^0-9]")
            elif e == "s":
                out.append("[[:space:]]")
            elif e == "S":
                out.append("[^[:space:]]")
            elif e in "wWbB":
                out.append("\\" + e)
            elif e == "t":
                out.append("\t")
            elif e == "x":
                ch, i = parse_hex(p, i)
                out.append(lit(ch))
            elif e.isalnum():
                raise Unsupported("\\" + e)
            else:
                out.append(lit(e))
        elif c == "[":
            s, i = parse_class(p, i)
            out.append(s)
        elif c == "(":
            if p.startswith("(?:", i):
                out.append("(")
                i += 3
            elif p.startswith("(?P<", i) or (p.startswith("(?<", i) and p[i + 3:i + 4] not in ("=", "!")):
                j = p.find(">", i)
                if j < 0:
                    raise Unsupported("bad named group")
                out.append("(")
                i = j + 1
            elif p.startswith("(?", i):
                raise Unsupported("(?" + p[i + 2:i + 3])
            else:
                out.append("(")
                i += 1
        elif c in "*+?}":
            out.append(c)
            i += 1
            if i < n and p[i] == "?":
                i += 1          # lazy -> greedy: the same lines match
            elif i < n and p[i] == "+":
                raise Unsupported("possessive quantifier")
        else:
            out.append(c)
            i += 1
    return "".join(out), icase


def compiles(cmd):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=dict(os.environ, LC_ALL="C"))
    return r.returncode in (0, 1) and not r.stderr.strip()


def read_patterns(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [l.rstrip("\n").rstrip("\r") for l in f if l.strip()]


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("rg", "grep"):
        sys.exit(__doc__)
    tool, src = sys.argv[1], sys.argv[2]
    pats = read_patterns(src)
    if tool == "rg":
        kept = [p for p in pats
                if compiles(["rg", "-e", p, "/dev/null"])]
        with open(sys.argv[3], "w", encoding="utf-8", errors="surrogateescape") as f:
            f.writelines(p + "\n" for p in kept)
        print("%d of %d patterns compile in rg" % (len(kept), len(pats)))
        return
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    plain, icase, untranslatable, rejected = [], [], 0, 0
    for p in pats:
        try:
            ere, ic = pcre_to_ere(p)
        except Unsupported:
            untranslatable += 1
            continue
        cmd = ["grep", "-E"] + (["-i"] if ic else []) + ["-e", ere, "/dev/null"]
        if not compiles(cmd):
            rejected += 1
            continue
        (icase if ic else plain).append(ere)
    with open(sys.argv[3], "w", encoding="utf-8", errors="surrogateescape") as f:
        f.writelines(p + "\n" for p in plain)
    with open(sys.argv[4], "w", encoding="utf-8", errors="surrogateescape") as f:
        f.writelines(p + "\n" for p in icase)
    print("%d of %d patterns usable as ERE (%d plain, %d had a leading (?i): run with -i; "
          "%d need PCRE-only syntax, %d rejected by grep)"
          % (len(plain) + len(icase), len(pats), len(plain), len(icase), untranslatable, rejected))


if __name__ == "__main__":
    main()
