#!/usr/bin/python3
"""Generate a deterministic corpus of real text for benchmarking `hush dir`.

usage: gen_corpus.py OUTDIR [--mb 300] [--seed 1] [--plant-every 997] [--force]

The corpus is made of text that is already on this machine (/usr/share/doc,
/usr/share/common-licenses, /usr/share/perl*, /usr/share/X11, man pages, ...,
/usr/include), cut into files of 1-64 KiB in nested folders until --mb
megabytes (10^6 bytes) are written.  Binary inputs (a NUL byte in the first
8 KiB, after gzip decompression) are skipped.  If the machine has less source
text than asked for, the text is reused: each further pass takes the sources in
a new order and starts each source at a different line, so the chunks differ.

Every --plant-every-th file (indexes N-1, 2N-1, ...) gets one fake secret line
(GitHub PAT, AWS access key id, Stripe live key or Slack bot token, in turn)
at a random line.  The secrets are random strings from random.Random(seed);
none is a real credential.  OUTDIR/PLANTED.txt lists them: path, family, line.

Only the python3 standard library is used.  Given the same arguments and the
same source files on the machine, the output is byte-identical: inputs are
walked in sorted order and every random choice comes from random.Random(seed).
"""

import argparse
import gzip
import math
import os
import random
import shutil
import string
import sys

# Source roots, in this order; glob-like entries are expanded and sorted.
SOURCE_ROOTS = [
    "/usr/share/common-licenses",
    "/usr/share/doc",
    "/usr/share/perl*",
    "/usr/share/X11",
    "/usr/share/man",
    "/usr/share/vim",
    "/usr/share/cmake*",
    "/usr/share/i18n",
    "/usr/share/mime",
    "/usr/share/tcltk",
    "/usr/share/postgresql",
    "/usr/share/fpcsrc",
    "/usr/include",
]

MIN_SIZE = 1024
MAX_SIZE = 64 * 1024
SIZE_SKEW = 1.6          # >1 favours small files: mean ~11 KB, ~27k files per 300 MB
BINARY_PROBE = 8192
MAX_SOURCE_BYTES = 64 << 20   # ignore (decompressed) sources larger than this

# Output file extensions kept from the source name; anything else becomes .txt.
KEEP_EXT = {
    ".c", ".h", ".hpp", ".cc", ".cpp", ".inc", ".pl", ".pm", ".pod", ".py",
    ".sh", ".txt", ".md", ".rst", ".html", ".htm", ".xml", ".tex", ".vim",
    ".cmake", ".pas", ".pp", ".conf", ".cfg", ".ini", ".json", ".yaml",
    ".yml", ".js", ".css", ".tcl", ".sql", ".el",
}
MAN_EXT = {".1", ".3", ".5", ".7", ".8"}
# Names that some scanners skip or treat specially; never used for output names.
AVOID_IN_NAMES = ("example", "sample", "test", "dummy", "mock", "fixture",
                  "vendor", "node_modules", "placeholder")
DIR_WORDS = [
    "src", "lib", "core", "util", "api", "app", "cmd", "pkg", "internal",
    "common", "config", "scripts", "server", "client", "web", "data", "model",
    "service", "tools", "include", "doc", "man", "share", "io", "net", "db",
    "auth", "ui", "proto", "legacy", "contrib", "misc",
]

ALNUM = string.ascii_letters + string.digits
# AWS key ids use the base32 alphabet (upper case and digits 2-7).
AWS_ALPHABET = string.ascii_uppercase + "234567"
# Substrings that hush (and most scanners) treat as placeholders.
PLACEHOLDERS = ("example", "xxxx", "dummy", "placeholder", "changeme",
                "change_me", "your_", "your-", "yourpass", "redacted",
                "replace_me", "sample", "test")
FAMILIES = ["github", "aws", "stripe", "slack"]
PLANTED_HEADER = "# hush bench corpus: planted fake secrets (path<TAB>family<TAB>line)\n"


def expand_roots():
    roots = []
    for entry in SOURCE_ROOTS:
        if entry.endswith("*"):
            parent, prefix = os.path.split(entry[:-1])
            try:
                names = sorted(os.listdir(parent))
            except OSError:
                continue
            roots += [os.path.join(parent, n) for n in names if n.startswith(prefix)]
        else:
            roots.append(entry)
    seen, out = set(), []
    for r in roots:
        if os.path.isdir(r) and not os.path.islink(r):
            real = os.path.realpath(r)
            if real not in seen:
                seen.add(real)
                out.append(r)
    return out


def list_sources(roots):
    """All regular files (no symlinks) under roots, in sorted walk order."""
    files = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                files.append(path)
    return files


def read_text(path):
    """The file's text (gunzipped if .gz), or None if binary/unreadable/huge."""
    try:
        if os.path.getsize(path) > MAX_SOURCE_BYTES:
            return None
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read(MAX_SOURCE_BYTES + 1)
        else:
            with open(path, "rb") as f:
                data = f.read()
    except Exception:  # unreadable, bad gzip, ...
        return None
    if not data or len(data) > MAX_SOURCE_BYTES or b"\0" in data[:BINARY_PROBE]:
        return None
    return data


def source_ext(path):
    base = os.path.basename(path)
    if base.endswith(".gz"):
        base = base[:-3]
    stem, ext = os.path.splitext(base)
    ext = ext.lower()
    if path.startswith("/usr/share/man/") and ext[:2] in MAN_EXT:
        return stem, ext[:2]
    return stem, (ext if ext in KEEP_EXT else ".txt")


def clean_stem(stem):
    s = "".join(c if c.isalnum() else "_" for c in stem.lower())[:24].strip("_")
    if not s or any(w in s for w in AVOID_IN_NAMES):
        return "f"
    return s


class TextStream:
    """Concatenated source text; take() returns line-aligned chunks."""

    def __init__(self, sources, rng):
        self.sources = sources
        self.rng = rng
        self.buf = b""
        self.pos = 0
        self.names = []          # (offset in buf, source path) of each appended source
        self.passno = 0
        self.idx = 0
        self.order = list(range(len(sources)))
        rng.shuffle(self.order)
        self.usable = None       # indexes of sources that turned out to be text
        self.found = []
        self.source_bytes = 0    # distinct text bytes seen in pass 0
        self.exhausted = False

    def _next_source(self):
        while True:
            if self.idx >= len(self.order):
                if self.passno == 0:
                    self.usable = self.found
                if not self.usable:
                    self.exhausted = True
                    return None
                self.passno += 1
                self.order = list(self.usable)
                self.rng.shuffle(self.order)
                self.idx = 0
            i = self.order[self.idx]
            self.idx += 1
            data = read_text(self.sources[i])
            if data is None:
                continue
            if self.passno == 0:
                self.found.append(i)
                self.source_bytes += len(data)
            else:
                # Reuse: rotate the text to start at a random line.
                cut = self.rng.randrange(len(data))
                nl = data.find(b"\n", cut)
                if 0 <= nl < len(data) - 1:
                    data = data[nl + 1:] + data[:nl + 1]
            if not data.endswith(b"\n"):
                data += b"\n"
            return i, data

    def _fill(self, need):
        while len(self.buf) - self.pos < need:
            nxt = self._next_source()
            if nxt is None:
                return
            i, data = nxt
            # Drop consumed text; the source that pos lies in moves to offset 0.
            shifted = [(o - self.pos, p) for o, p in self.names]
            self.names = ([(0, p) for o, p in shifted if o <= 0][-1:]
                          + [(o, p) for o, p in shifted if o > 0])
            self.buf = self.buf[self.pos:]
            self.pos = 0
            self.names.append((len(self.buf), self.sources[i]))
            self.buf += data

    def current_source(self):
        """Path of the source that the next chunk starts in."""
        best = None
        for off, path in self.names:
            if off <= self.pos:
                best = path
        return best or (self.names[0][1] if self.names else "")

    def take(self, size):
        self._fill(size + 512)
        avail = len(self.buf) - self.pos
        if avail <= 0:
            return b""
        if avail <= size:
            end = len(self.buf)
        else:
            nl = self.buf.find(b"\n", self.pos + size - 1, self.pos + size + 512)
            end = nl + 1 if nl >= 0 else self.pos + size
        chunk = self.buf[self.pos:end]
        self.pos = end
        # Forget names of sources that lie entirely before pos (keep the last one).
        keep = [(o, p) for o, p in self.names if o > self.pos]
        before = [(o, p) for o, p in self.names if o <= self.pos]
        self.names = before[-1:] + keep
        return chunk


def shannon(s):
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in (s.count(ch) for ch in set(s)))


def rand_str(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_secret(rng, family):
    """(line, secret) for a family; retried until it looks like a real random key."""
    while True:
        if family == "github":
            secret = "ghp_" + rand_str(rng, ALNUM, 36)
            line = "GITHUB_TOKEN=" + secret
        elif family == "aws":
            secret = "AKIA" + rand_str(rng, AWS_ALPHABET, 16)
            line = "aws_access_key_id = " + secret
        elif family == "stripe":
            secret = "sk_live_" + rand_str(rng, ALNUM, rng.randint(24, 34))
            line = "STRIPE_KEY=" + secret
        elif family == "slack":
            secret = "xoxb-%s-%s-%s" % (rand_str(rng, string.digits, rng.randint(10, 13)),
                                        rand_str(rng, string.digits, rng.randint(10, 13)),
                                        rand_str(rng, ALNUM, 24))
            line = "slack " + secret
        else:
            raise ValueError(family)
        low = secret.lower()
        body = secret.split("_")[-1] if family != "slack" else secret.split("-")[-1]
        if any(p in low for p in PLACEHOLDERS) or shannon(body) < 3.5:
            continue
        return line, secret


def plant(rng, chunk, line):
    """Insert line (plus newline) at a random line boundary; returns (data, lineno)."""
    starts = [0] + [i + 1 for i in range(len(chunk)) if chunk[i] == 0x0A and i + 1 < len(chunk)]
    k = rng.randrange(len(starts))
    at = starts[k]
    data = chunk[:at] + line.encode() + b"\n" + chunk[at:]
    return data, k + 1


def prepare_outdir(outdir, force):
    if os.path.isdir(outdir) and os.listdir(outdir):
        marker = os.path.join(outdir, "PLANTED.txt")
        is_corpus = False
        try:
            with open(marker) as f:
                is_corpus = f.readline() == PLANTED_HEADER
        except OSError:
            pass
        if not (force and is_corpus):
            sys.exit("gen_corpus: %s is not empty (use --force to replace a corpus made by this script)"
                     % outdir)
        shutil.rmtree(outdir)
    os.makedirs(outdir, exist_ok=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--mb", type=float, default=300.0, help="target size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plant-every", type=int, default=997, help="plant a secret in every Nth file")
    ap.add_argument("--force", action="store_true", help="replace OUTDIR if it holds a previous corpus")
    args = ap.parse_args()
    if args.mb <= 0 or args.plant_every < 1:
        ap.error("--mb must be > 0 and --plant-every >= 1")

    target = int(args.mb * 1_000_000)
    roots = expand_roots()
    sources = list_sources(roots)
    if not sources:
        sys.exit("gen_corpus: no source files found under " + ", ".join(SOURCE_ROOTS))

    rng = random.Random(args.seed)
    secret_rng = random.Random("%d/secrets" % args.seed)
    stream = TextStream(sources, random.Random("%d/stream" % args.seed))
    prepare_outdir(args.outdir, args.force)

    written = 0
    nfiles = 0
    planted = []
    dir_left = 0
    cur_dir = ""
    top = -1
    while written < target:
        if dir_left <= 0:
            dir_left = rng.randint(5, 120)
            if top < 0 or rng.random() < 0.08:
                top += 1
            depth = rng.randint(0, 3)
            parts = ["proj%03d" % top] + [rng.choice(DIR_WORDS) for _ in range(depth)]
            cur_dir = os.path.join(*parts)
        size = int(MIN_SIZE * (MAX_SIZE // MIN_SIZE) ** (rng.random() ** SIZE_SKEW))
        size = min(size, target - written) if target - written >= MIN_SIZE else MIN_SIZE
        src = stream.current_source()
        chunk = stream.take(size)
        if not chunk:
            sys.exit("gen_corpus: ran out of source text")
        stem, ext = source_ext(src)
        rel = os.path.join(cur_dir, "%s_%06d%s" % (clean_stem(stem), nfiles, ext))
        if nfiles % args.plant_every == args.plant_every - 1:
            family = FAMILIES[len(planted) % len(FAMILIES)]
            line, _ = make_secret(secret_rng, family)
            chunk, lineno = plant(secret_rng, chunk, line)
            planted.append((rel, family, lineno))
        path = os.path.join(args.outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(chunk)
        written += len(chunk)
        nfiles += 1
        dir_left -= 1

    with open(os.path.join(args.outdir, "PLANTED.txt"), "w") as f:
        f.write(PLANTED_HEADER)
        f.write("# seed=%d mb=%g plant_every=%d files=%d bytes=%d\n"
                % (args.seed, args.mb, args.plant_every, nfiles, written))
        for rel, family, lineno in planted:
            f.write("%s\t%s\t%d\n" % (rel, family, lineno))

    reused = stream.passno > 0
    print("gen_corpus: %d files, %d bytes (%.1f MB), %d planted secrets -> %s"
          % (nfiles, written, written / 1e6, len(planted), args.outdir))
    if reused:
        print("gen_corpus: only %.1f MB of distinct source text on this machine; text reused over %d passes"
              % (stream.source_bytes / 1e6, stream.passno + 1))


if __name__ == "__main__":
    main()
