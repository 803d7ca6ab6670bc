#!/bin/bash
# SPDX-License-Identifier: MIT
# test_git.sh HUSH SRC TEST - end-to-end tests of `hush git` on the history
# that corpus/git/make_repo.sh builds (fixed dates and identities, so commit
# ids are fixed); each t_* function is one ctest case. Expected outputs are
# corpus/expect/git-*.out.
set -u
hush=$1 src=$2 name=$3

box=$(mktemp -d "${HUSH_TEST_TMP:-${TMPDIR:-/tmp}}/hush-git.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$box" 2>/dev/null; rm -rf "$box"' EXIT INT TERM
export XDG_CACHE_HOME="${HUSH_TEST_CACHE:-$box/cache}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
cd "$box" || exit 2
command -v git >/dev/null || { echo "skip: no git"; exit 77; }

fail() { echo "test_git: $name: $*" >&2; exit 1; }
run() { "$@" >"$box/out" 2>"$box/err"; rc=$?; }
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" >&2; fail "exit $rc, want $1"; }; }
want_err() { grep -qF -- "$1" "$box/err" || { cat "$box/err" >&2; fail "stderr lacks: $1"; }; }
want_out() { grep -qF -- "$1" "$box/out" || { cat "$box/out" >&2; fail "stdout lacks: $1"; }; }
no_out() { ! grep -qF -- "$1" "$box/out" || { cat "$box/out" >&2; fail "stdout has: $1"; }; }
no_crash() { [ "$rc" -lt 128 ] || fail "killed by signal $((rc - 128))"; }
err_lines() { [ "$(grep -c . "$box/err")" = "$1" ] || { cat "$box/err" >&2; fail "stderr: not $1 lines"; }; }
# same EXPECT: stdout equals corpus/expect/EXPECT.out
same() {
	diff -u "$src/corpus/expect/$1.out" "$box/out" >&2 ||
		fail "output differs from corpus/expect/$1.out"
}
hgit() { run "$hush" git --no-progress --no-color "$@"; }

make_repo() {
	sh "$src/corpus/git/make_repo.sh" "$box/repo" >/dev/null 2>&1 ||
		fail "make_repo.sh failed"
}

# The whole history: every case of the fixture, attributed; the same with
# one worker or many, on the work tree, its .git folder and a bare copy.
t_history() {
	make_repo
	hgit repo; want_rc 1; same git-history
	hgit -j 1 repo; want_rc 1; same git-history
	hgit -j 7 repo/.git; want_rc 1; same git-history
	cp -R repo/.git bare.git && git --git-dir=bare.git config core.bare true
	hgit bare.git; want_rc 1; same git-history
	(cd repo && "$hush" git --no-progress --no-color >"$box/out" 2>"$box/err"); rc=$?
	want_rc 1; same git-history
}

t_binary() {
	make_repo
	hgit --binary repo; want_rc 1; same git-history-binary
}

t_jsonl() {
	make_repo
	hgit --format jsonl repo; want_rc 1; same git-history-jsonl
}

t_sarif() {
	make_repo
	hgit --format sarif repo; want_rc 1
	/usr/bin/python3 "$src/tests/cli/validate_sarif.py" "$src/tests/sarif-schema-2.1.0.json" "$box/out" ||
		fail "sarif does not validate"
	want_out '"uri":"config/app.env"'
	want_out '"commitSha":"c07a73034fb9cc84985802799b4aa56fa5ac0f5e"'
	want_out '"kind":"unreachable"'
}

# --since, --branch and --staged
t_modes() {
	make_repo
	hgit --since main~1 repo; want_rc 1; same git-since
	hgit --since v1 --branch main repo; want_rc 0
	hgit --since treetag repo; want_rc 2; want_err "--since treetag: not a commit"
	hgit --branch side repo; want_rc 1; same git-branch-side
	hgit --branch v1 --branch side repo; want_rc 1
	want_out "deploy/merge.env:1:7"; no_out "vault/tree.env"; no_out "unreachable"
	hgit --staged repo; want_rc 0
	[ ! -s "$box/out" ] || fail "--staged on a clean index found something"
	printf 'K=AKIA%s\n' QWERTYUIOPZXCVBN > repo/staged.env
	printf 'unstaged xoxb-1234567890-9876543210-%s\n' aB3dE5gH7jK9mN1pQ3sT5vX7 >> repo/README.md
	(cd repo && git add staged.env)
	hgit --staged repo; want_rc 1; same git-staged
	(cd repo && git rm -q --cached README.md && git add README.md)
	hgit --staged repo; want_rc 1; want_out "README.md:3:"
}

# a blob over --max-file-size is scanned in chunks; a match in the last one
t_chunks() {
	make_repo
	/usr/bin/python3 -c '
import sys
line = "filler line without anything of note in it, just text\n"
sys.stdout.write(line * 60000 + "tail AKIA" + "QWERTYUIOPZXCVBN" + "\n")' > repo/big.txt
	(cd repo && git add big.txt &&
		GIT_AUTHOR_DATE=2024-02-01T00:00:00Z GIT_COMMITTER_DATE=2024-02-01T00:00:00Z \
		git -c user.name=T -c user.email=t@example.invalid commit -q -m big) ||
		fail "commit"
	hgit --max-file-size 1M repo; want_rc 1; want_out "big.txt:60001:6: aws.access_key_id"
}

t_usage() {
	make_repo
	hgit repo repo; want_rc 2; want_err "one REPO at most"
	hgit --staged --since HEAD repo; want_rc 2; want_err "--staged does not go with"
	hgit --branch nope repo; want_rc 2; want_err "--branch nope: no such revision"
	hgit --since nope repo; want_rc 2; want_err "--since nope: no such revision"
	hgit --help; want_rc 0; want_out "--staged"; want_out "--since"; want_out "--branch"
	run "$hush" --help; want_rc 0; want_out "git [OPTIONS] [REPO]"
}

# bad input: one line naming the problem, the rest is scanned, exit 3
t_not_repo() {
	mkdir plain
	hgit plain; want_rc 3; err_lines 1; want_err "plain: not a git repository"
	hgit "$box/missing"; want_rc 3; err_lines 1; want_err "missing: not a git repository"
}

t_bad_ref() {
	make_repo
	echo 1111111111111111111111111111111111111111 > repo/.git/refs/heads/ghost
	hgit repo; want_rc 3; no_crash; same git-history
	want_err "refs/heads/ghost points to 1111111111111111111111111111111111111111, which is not in the object database"
	err_lines 2 # and "scan incomplete"
	# a loose ref of garbage, which libgit2's iterator passes over silently
	rm repo/.git/refs/heads/ghost
	echo 'not an object id' > repo/.git/refs/heads/junk
	: > repo/.git/refs/heads/main.lock # a git at work: not a ref
	hgit repo; want_rc 3; no_crash; same git-history
	want_err "repo: ref refs/heads/junk cannot be read: corrupted loose reference file: refs/heads/junk"
	err_lines 2
}

t_missing_object() {
	make_repo
	rm -f repo/.git/objects/9a/e0875d5710f5daaf444aad2d37aef73ea347a2
	hgit repo; want_rc 3; no_crash; err_lines 2
	want_err "object 9ae0875d5710f5daaf444aad2d37aef73ea347a2 (needed by commit c07a73034fb9cc84985802799b4aa56fa5ac0f5e)"
	no_out "config/app.env"; want_out "notes.txt:2:10"; want_out "unreachable"
	# a shallow clone lacks the parents of its oldest commit
	git clone -q --depth 3 "file://$box/repo" shallow 2>/dev/null || fail "clone"
	hgit shallow; want_rc 3; no_crash
	want_err "is missing from the object database (shallow or partial clone?)"
	want_out "deploy/merge.env:1:7"
}

t_corrupt_loose() {
	make_repo
	f=repo/.git/objects/64/c9db79d2575a75acd1d860c6baa50796c5616b
	chmod u+w "$f" && printf 'XXXXXXXX' | dd of="$f" bs=1 seek=4 conv=notrunc 2>/dev/null
	hgit repo; want_rc 3; no_crash; err_lines 2
	want_err "object 64c9db79d2575a75acd1d860c6baa50796c5616b cannot be read"
	# the other 4 blobs of notes.txt still hold the secret
	want_out "notes.txt:2:10: stripe.secret_key.live"; want_out "deploy/merge.env:1:7"
	# a corrupt tree: its blobs are not attributed, the scan goes on
	sh "$src/corpus/git/make_repo.sh" "$box/repo2" >/dev/null 2>&1 || fail "make_repo.sh"
	t=$(cd repo2 && git rev-parse c07a73034fb9cc84985802799b4aa56fa5ac0f5e^{tree})
	f=repo2/.git/objects/${t:0:2}/${t:2}
	chmod u+w "$f" && printf 'XXXXXXXX' | dd of="$f" bs=1 seek=4 conv=notrunc 2>/dev/null
	hgit repo2; want_rc 3; no_crash; want_err "tree $t cannot be read"
	want_out "deploy/merge.env:1:7"
}

t_corrupt_pack() {
	make_repo
	(cd repo && git repack -q -a -d) || fail "repack"
	p=$(ls repo/.git/objects/pack/*.pack)
	sz=$(stat -c %s "$p")
	chmod u+w "$p" && printf 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ' |
		dd of="$p" bs=1 seek=$((sz / 2)) conv=notrunc 2>/dev/null
	hgit repo; want_rc 3; no_crash; want_err "cannot be read"
	# the unreachable blob is still loose, and found
	want_out "df9c6c1eb64c60ad48f7e35a03ada2d79014cbce:1:7"
	truncate -s 300 "$p"
	hgit repo; want_rc 3; no_crash; want_err "cannot be read"
	want_out "df9c6c1eb64c60ad48f7e35a03ada2d79014cbce:1:7"
	i=$(ls repo/.git/objects/pack/*.idx)
	chmod u+w "$i" && printf 'QQQQQQQQ' | dd of="$i" bs=1 seek=1100 conv=notrunc 2>/dev/null
	hgit repo; want_rc 3; no_crash
	: >"$i"
	hgit repo; want_rc 3; no_crash
}

"t_$name"
