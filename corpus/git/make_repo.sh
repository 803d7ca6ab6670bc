#!/bin/sh
# SPDX-License-Identifier: MIT
# make_repo.sh DIR - build the git history fixture of `hush git` in DIR (a
# new folder). Identities, dates and contents are fixed, so every commit id
# is the same on every run and with every git version. The fake secrets are
# derived from fixed labels at run time (sha256), match hush's rules and are
# valid for nothing.
#
# History (main, oldest first):
#   c1  README only
#   c2  config/app.env with a GitHub token             (added ...)
#   c3  config/app.env without it                      (... and deleted)
#   c4  notes.txt with a Stripe key, then 4 more commits changing other
#       lines of notes.txt: one secret in 5 blobs (one grouped finding)
#   c9  a commit whose message holds an AWS key id
#   c10 assets/logo.bin: a binary blob holding a GitHub token
#   side branch: a commit; the merge into main adds deploy/merge.env with a
#       Slack token (the blob first appears in the merge commit)
#   tag v1 (annotated) on main; tag treetag (annotated) on a tree that no
#       commit holds, with vault/tree.env and a GitHub token
#   a branch "scratch" with secret/scratch.env (a Slack token), deleted with
#       its reflogs: its blob and commit are unreachable (not gc'd)
set -eu
dir=$1
mkdir "$dir"
cd "$dir"

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$PWD"
export GIT_AUTHOR_NAME="Ada Fixture" GIT_AUTHOR_EMAIL="ada@example.invalid"
export GIT_COMMITTER_NAME="Ci Fixture" GIT_COMMITTER_EMAIL="ci@example.invalid"
export TZ=UTC LC_ALL=C
n=0
at() {
	n=$((n + 1))
	export GIT_AUTHOR_DATE="2024-01-$(printf %02d $n)T10:00:00+02:00"
	export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
}
# alnum LABEL N: N fixed pseudo-random letters and digits
alnum() {
	python3 -c 'import base64, hashlib, sys
d = base64.b64encode(hashlib.sha512(b"hush-fixture-" + sys.argv[1].encode()).digest())
print("".join(c for c in d.decode() if c.isalnum())[:int(sys.argv[2])])' "$1" "$2"
}
b32() {
	python3 -c 'import base64, hashlib, sys
d = base64.b32encode(hashlib.sha256(b"hush-fixture-" + sys.argv[1].encode()).digest())
print("".join(c for c in d.decode() if c.isalpha() or c in "234567")[:int(sys.argv[2])])' "$1" "$2"
}
ghp1="ghp_$(alnum ghp1 36)"
ghp2="ghp_$(alnum ghp2 36)"
ghp3="ghp_$(alnum ghp3 36)"
stripe="sk_live_$(alnum stripe 30)"
akia="AKIA$(b32 akia 16)"
slack1="xoxb-1234567890-9876543210-$(alnum slack1 24)"
slack2="xoxb-2345678901-8765432109-$(alnum slack2 24)"

git init -q -b main .
git config commit.gpgsign false
git config tag.gpgsign false
commit() { at; git add -A; git commit -q -m "$1"; }

printf '# demo\n' > README.md
commit "c1: readme"
mkdir config
printf 'MODE=prod\nGITHUB_TOKEN=%s\n' "$ghp1" > config/app.env
commit "c2: app config"
printf 'MODE=prod\nGITHUB_TOKEN=${GITHUB_TOKEN}\n' > config/app.env
commit "c3: read the token from the environment"
for i in 1 2 3 4 5; do
	printf 'revision %s\nstripe = %s\n' "$i" "$stripe" > notes.txt
	commit "c$((3 + i)): notes $i"
done
printf 'more\n' >> README.md
commit "c9: rotate the key

The old key was $akia, now revoked."
mkdir assets
printf '\211PNG\r\n\032\n\0\0\0\rIHDR token=%s\0\0\n' "$ghp2" > assets/logo.bin
commit "c10: logo"

git checkout -q -b side
printf 'side work\n' > side.txt
commit "s1: side work"
git checkout -q main
printf 'main work\n' > main.txt
commit "c11: main work"
at
git merge -q --no-ff --no-commit side
mkdir deploy
printf 'SLACK=%s\n' "$slack1" > deploy/merge.env
git add -A
git commit -q -m "c12: merge side"

at
git tag -a -m "release 1" v1
mkdir -p ../tree-$$/vault
printf 'token: %s\n' "$ghp3" > ../tree-$$/vault/tree.env
blob=$(git hash-object -w ../tree-$$/vault/tree.env)
rm -rf ../tree-$$
sub=$(printf '100644 blob %s\ttree.env\n' "$blob" | git mktree)
tree=$(printf '040000 tree %s\tvault\n' "$sub" | git mktree)
at
git tag -a -m "a tree" treetag "$tree"

git checkout -q -b scratch
mkdir secret
printf 'SLACK=%s\n' "$slack2" > secret/scratch.env
commit "x1: scratch"
git checkout -q main
git branch -q -D scratch
git reflog expire --expire=now --all
