#!/usr/bin/python3
"""Generate a git history for the `hush git` benchmark, fast, with git fast-import.

usage: gen_git.py OUTDIR [--commits 20000] [--mb 1000] [--files 2000]
                         [--seed 1] [--plant-every 997] [--no-repack]

OUTDIR (a new folder) becomes a repository with one branch, main, of COMMITS
commits whose blobs add up to MB megabytes (10^6 bytes) of unique content:
the sum of the sizes of all distinct blobs, which is what `hush git` and
`git cat-file --batch-all-objects` read. Files are text lines of pseudo-words
in nested folders; the first commit adds FILES files, and each later commit
rewrites a few of them (some lines replaced, some added, long files cut), so
that versions of a file differ like real edits do and delta well once packed.

Every PLANT_EVERY-th commit plants one fake secret line in the file it edits,
cycling through a GitHub token, an AWS key id, a Stripe key and a Slack
token (random, valid for nothing); the next edit of that file removes it.

Identities and dates are fixed, and the content comes from random.Random(seed),
so the same parameters give the same commit ids. Unless --no-repack, the
fast-import pack is then repacked with deltas (`git repack -a -d -f`), as a
real repository would be. Python 3 standard library only.
"""

import argparse
import os
import random
import string
import subprocess
import sys


def words(rng, n):
    out = set()
    while len(out) < n:
        k = rng.randint(2, 10)
        out.add("".join(rng.choice(string.ascii_lowercase) for _ in range(k)))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--mb", type=float, default=1000)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plant-every", type=int, default=997)
    ap.add_argument("--no-repack", action="store_true")
    a = ap.parse_args()
    if os.path.exists(a.outdir):
        sys.exit("gen_git: %s exists" % a.outdir)
    rng = random.Random(a.seed)
    vocab = words(rng, 4000)
    target = int(a.mb * 1e6)
    per_commit = max(1, target // max(1, a.commits))
    # average file size so that ~2 rewritten files make one commit's share
    avg_lines = max(8, per_commit // 2 // 60)

    def line():
        return " ".join(rng.choices(vocab, k=rng.randint(4, 14))) + "\n"

    alnum = string.ascii_letters + string.digits

    def secret(i):
        kind = i % 4
        if kind == 0:
            return "GITHUB_TOKEN=ghp_%s\n" % "".join(rng.choices(alnum, k=36))
        if kind == 1:
            return "aws_access_key_id = AKIA%s\n" % "".join(
                rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k=16))
        if kind == 2:
            return "STRIPE_KEY=sk_live_%s\n" % "".join(rng.choices(alnum, k=30))
        return "slack xoxb-%d-%d-%s\n" % (
            rng.randint(10**10, 10**11), rng.randint(10**10, 10**11),
            "".join(rng.choices(alnum, k=24)))

    dirs = ["pkg%02d/%s" % (i % 40, rng.choice(vocab)) for i in range(200)]
    paths = ["%s/%s_%d.txt" % (rng.choice(dirs), rng.choice(vocab), i)
             for i in range(a.files)]
    content = [[line() for _ in range(rng.randint(avg_lines // 2, avg_lines * 3 // 2))]
               for _ in range(a.files)]
    planted = {}  # file -> line index of its planted secret

    os.makedirs(a.outdir)
    subprocess.run(["git", "init", "-q", "-b", "main", a.outdir], check=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    fi = subprocess.Popen(["git", "fast-import", "--quiet", "--done"],
                          cwd=a.outdir, stdin=subprocess.PIPE, env=env)
    out = fi.stdin
    total = 0
    ts = 1600000000
    for c in range(a.commits):
        if c == 0:
            changed = list(range(a.files))
        else:
            changed = []
            size = 0
            while size < per_commit and len(changed) < 50:
                f = rng.randrange(a.files)
                if f in changed:
                    continue
                lines = content[f]
                if f in planted:
                    del lines[planted.pop(f)]
                for _ in range(rng.randint(1, 4)):
                    lines[rng.randrange(len(lines))] = line()
                for _ in range(rng.randint(0, 6)):
                    lines.insert(rng.randrange(len(lines) + 1), line())
                if len(lines) > avg_lines * 2:
                    del lines[rng.randrange(len(lines)):][:avg_lines // 2]
                if a.plant_every and c % a.plant_every == 0 and not changed:
                    at = rng.randrange(len(lines) + 1)
                    lines.insert(at, secret(c // a.plant_every))
                    planted[f] = at
                changed.append(f)
                size += sum(len(x) for x in lines)
        msg = ("commit %d: edit %d files\n" % (c, len(changed))).encode()
        t = ts + c * 600
        out.write(b"commit refs/heads/main\n")
        out.write(b"author Bench <bench@example.invalid> %d +0000\n" % t)
        out.write(b"committer Bench <bench@example.invalid> %d +0000\n" % t)
        out.write(b"data %d\n%s" % (len(msg), msg))
        for f in changed:
            data = "".join(content[f]).encode()
            total += len(data)
            out.write(b"M 100644 inline %s\ndata %d\n" % (paths[f].encode(), len(data)))
            out.write(data)
            out.write(b"\n")
        out.write(b"\n")
    out.write(b"done\n")
    out.close()
    if fi.wait() != 0:
        sys.exit("gen_git: git fast-import failed")
    if not a.no_repack:
        subprocess.run(["git", "-C", a.outdir, "-c", "pack.threads=4", "repack",
                        "-q", "-a", "-d", "-f", "--window=10", "--depth=50"],
                       check=True, env=env)
    print("gen_git: %d commits, %.1f MB of blob content written (unique blobs may be "
          "slightly less), %d files" % (a.commits, total / 1e6, a.files))


if __name__ == "__main__":
    main()
