#!/bin/bash
# SPDX-License-Identifier: MIT
# test_cli.sh HUSH SRC TEST - black-box tests of `hush`; each function below
# is one ctest case. Fake secrets are generated at run time.
set -u
hush=$1 src=$2 name=$3

# the *unreadable tests run hush as nobody: their sandbox must be reachable
# by nobody, which a build tree inside a private clone is not
case $name in
*unreadable) tmpbase=/tmp ;;
*) tmpbase=${HUSH_TEST_TMP:-${TMPDIR:-/tmp}} ;;
esac
box=$(mktemp -d "$tmpbase/hush-cli.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$box" 2>/dev/null; rm -rf "$box"' EXIT INT TERM
# one database cache for the whole suite (written atomically), else per test
export XDG_CACHE_HOME="${HUSH_TEST_CACHE:-$box/cache}"
cd "$box" || exit 2

fail() { echo "test_cli: $name: $*" >&2; exit 1; }

# run CMD...: stdout in $box/out, stderr in $box/err, exit code in $rc
run() { "$@" >"$box/out" 2>"$box/err"; rc=$?; }
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" >&2; fail "exit $rc, want $1"; }; }
want_err() { grep -qF -- "$1" "$box/err" || { cat "$box/err" >&2; fail "stderr lacks: $1"; }; }
want_out() { grep -qF -- "$1" "$box/out" || { cat "$box/out" >&2; fail "stdout lacks: $1"; }; }
no_crash() { [ "$rc" -lt 128 ] || fail "killed by signal $((rc - 128))"; }

# A fake token in the format of rule github.pat.classic, new each run.
# as_nobody ARGS...: run hush as uid 65534 (root) or as we are; the binary
# is copied into the sandbox, since its build folder may be private
as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || { echo "skip: no setpriv"; exit 0; }
		cp "$hush" "$box/hush-nobody" && chmod 755 "$box" "$box/hush-nobody"
		run setpriv --reuid=65534 --regid=65534 --clear-groups \
			env XDG_CACHE_HOME=/nonexistent "$box/hush-nobody" "$@"
	else
		run "$hush" "$@"
	fi
}

fake_ghp() {
	printf 'ghp_%s' "$(head -c 200 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 36)"
}

t_usage() {
	run "$hush"; want_rc 2
	run "$hush" --help; want_rc 0; want_out "rules check"; want_out "XDG_CACHE_HOME"
	run "$hush" --version; want_rc 0; want_out "hush "
	run "$hush" dir; want_rc 2; want_err "no PATH given"
	run "$hush" dir --bogus .; want_rc 2
	want_err "hush: error: unknown option '--bogus'"
	want_err "Try 'hush --help' for more information."
	run "$hush" dir --format xml .; want_rc 2; want_err "unknown format 'xml'"
	run "$hush" dir -j 0 .; want_rc 2
	run "$hush" dir --max-file-size 12Q .; want_rc 2
	run "$hush" dir --help; want_rc 0; want_out "--max-file-size"; want_out "NO_COLOR"
	run "$hush" frobnicate; want_rc 2; want_err "unknown command 'frobnicate'"
}

t_bad_rules() {
	mkdir t && echo "x" > t/a.txt
	for f in "$src"/tests/data/rules-bad/*.yaml; do
		want=$(sed -n 's/^# want: //p' "$f")
		run "$hush" dir --rules "$f" t; want_rc 2
		[ "$(wc -l <"$box/err")" = 1 ] || { cat "$box/err" >&2; fail "$f: not one line"; }
		want_err "$f"
		want_err "$want"
	done
	/usr/bin/python3 -c 'print("rules:\n  - id: t.long\n    name: n\n    pattern: \x27(" + "a" * 9000 + ")\x27\n    examples: [a]\n    negative_examples: [b]")' > long.yaml
	run "$hush" dir --rules long.yaml t; want_rc 2
	want_err "long.yaml:2: rule t.long: pattern is longer than HUSH_MAX_PATTERN"
	run "$hush" dir --rules "$box/missing.yaml" t; want_rc 3; want_err "missing.yaml: cannot open"
	run "$hush" rules check "$src"/tests/data/rules-bad/hs-reject.yaml; want_rc 2
}

t_unreadable() {
	mkdir -p tree/locked && tok=$(fake_ghp)
	echo "token = $tok" > tree/ok.txt
	echo "token = $(fake_ghp)" > tree/secret.txt
	echo "x" > tree/locked/inner.txt
	chmod 000 tree/secret.txt tree/locked
	chmod 755 "$box" tree
	as_nobody dir --no-progress tree
	want_rc 3
	want_err "tree/secret.txt: cannot open"
	want_err "tree/locked: cannot open folder"
	want_out "tree/ok.txt:1:9"
}

t_odd_files() {
	mkdir tree
	: > tree/empty
	printf 'abc\0def %s\n' "$(fake_ghp)" > tree/nul.bin
	truncate -s 5G tree/sparse
	run "$hush" dir --no-progress tree; want_rc 0
	run "$hush" dir --no-progress -v tree; want_rc 0; want_err "tree/nul.bin: binary, skipped"
	run "$hush" dir --no-progress --binary --format jsonl tree/nul.bin; want_rc 1
	want_out '"path":"tree/nul.bin","line":1,"column":9'
	# 5 GB of zeros as "text": scanned in 32 MiB chunks, memory stays flat
	run /usr/bin/time -f '%M' "$hush" dir --no-progress --binary tree/sparse
	want_rc 0
	rss=$(tail -n 1 "$box/err")
	[ -n "${HUSH_TEST_SANITIZED:-}" ] || [ "$rss" -lt 262144 ] ||
		fail "peak RSS ${rss} KB on a 5 GB file"
	echo "5 GB sparse file with --binary: peak RSS ${rss} KB"
}

t_changing_file() {
	mkdir tree
	head -c 64000000 /dev/zero | tr '\0' 'a' > tree/big.txt
	(
		for i in $(seq 1 40); do
			truncate -s 1000 tree/big.txt
			head -c 64000000 /dev/zero | tr '\0' 'b' >> tree/big.txt
		done
	) &
	writer=$!
	for i in 1 2 3 4 5 6; do
		run "$hush" dir --no-progress --max-file-size 1M tree
		no_crash
		case $rc in 0|3) ;; *) kill $writer; fail "exit $rc";; esac
	done
	kill $writer 2>/dev/null
	wait 2>/dev/null
	return 0
}

t_stdin() {
	tok=$(fake_ghp)
	printf 'line one\nexport TOKEN=%s\n' "$tok" | { "$hush" dir --no-progress --format jsonl - >"$box/out" 2>"$box/err"; }
	rc=$?
	want_rc 1
	want_out '"path":"<stdin>","line":2,"column":14'
	: | "$hush" dir - >"$box/out" 2>"$box/err"; rc=$?; want_rc 0
}

t_formats() {
	mkdir tree && tok=$(fake_ghp)
	printf 'a = "%s"\n' "$tok" > tree/a.py
	printf 'b: %s\n' "$tok" > 'tree/with space.yaml'
	run "$hush" dir --no-progress --format json tree; want_rc 1
	/usr/bin/python3 - "$box/out" <<'PY' || fail "json report"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
assert len(f) == 1 and f[0]["count"] == 2, f
assert f[0]["rule_id"] == "github.pat.classic"
assert f[0]["redacted"] is True and f[0]["secret"].startswith("ghp_*")
assert d["summary"]["complete"] is True and d["summary"]["files"] == 2
PY
	grep -q "$tok" "$box/out" && fail "secret printed without --show-secrets"
	run "$hush" dir --no-progress --show-secrets --format jsonl tree; want_rc 1
	want_out "$tok"
	[ "$(wc -l <"$box/out")" = 1 ] || fail "jsonl: one line per secret"
	/usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$box/out" || fail "jsonl"
	run "$hush" dir --no-progress --format sarif tree; want_rc 1
	/usr/bin/python3 "$src/tests/cli/validate_sarif.py" "$src/tests/sarif-schema-2.1.0.json" "$box/out" ||
		fail "sarif does not validate"
	want_out '"uri":"tree/with%20space.yaml"'
	want_out '"partialFingerprints":{"hush/secret/v1":'
	run "$hush" dir --no-progress --format sarif "$src/corpus/files/placeholders"; want_rc 0
	/usr/bin/python3 "$src/tests/cli/validate_sarif.py" "$src/tests/sarif-schema-2.1.0.json" "$box/out" ||
		fail "empty sarif does not validate"
	run "$hush" dir --no-progress --format json -o report.json tree; want_rc 1
	[ -s "$box/out" ] && fail "stdout not empty with --output"
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' report.json || fail "--output"
	ls report.json.*.tmp 2>/dev/null && fail "temporary report left behind"
	return 0
}

t_baseline() {
	mkdir tree && printf 'k = %s\n' "$(fake_ghp)" > tree/a.txt
	run "$hush" dir --no-progress --format json -o base.json tree; want_rc 1
	run "$hush" dir --no-progress --baseline base.json tree; want_rc 0
	printf 'k2 = %s\n' "$(fake_ghp)" >> tree/a.txt
	run "$hush" dir --no-progress --baseline base.json --format jsonl tree; want_rc 1
	[ "$(wc -l <"$box/out")" = 1 ] || fail "baseline: only the new secret"
	echo '{"findings": 3}' > bad.json
	run "$hush" dir --baseline bad.json tree; want_rc 2; want_err "bad.json"
}

t_ignorefile() {
	mkdir -p tree/fixtures && tok=$(fake_ghp) && tok2=$(fake_ghp)
	printf 'k = %s\n' "$tok" > tree/fixtures/a.txt
	printf 'k = %s\n' "$tok2" > tree/b.txt
	run "$hush" dir --no-progress --format json tree; want_rc 1
	fp=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([f["fingerprint"] for f in d["findings"] if f["locations"][0]["path"]=="tree/b.txt"][0])' "$box/out")
	printf '# fixtures\nfixtures/\nfingerprint:%s\n' "$fp" > tree/.hushignore
	run "$hush" dir --no-progress -v tree; want_rc 0
	want_err "1 allowlisted paths, 1 suppressed by fingerprint"
	# a file named on the command line: the current folder's .hushignore
	(cd tree && "$hush" dir --no-progress fixtures/a.txt ./b.txt >"$box/out" 2>"$box/err"); rc=$?
	want_rc 0
	(cd tree && "$hush" dir --no-progress "$box/tree/fixtures/a.txt" >"$box/out" 2>"$box/err"); rc=$?
	want_rc 1
	printf 'fingerprint:zz\n' > tree/.hushignore
	run "$hush" dir --no-progress tree; want_rc 3; want_err ".hushignore:1: not a fingerprint"
}

t_walk() {
	mkdir -p tree/.git outside tree/loop
	printf 'k = %s\n' "$(fake_ghp)" > outside/secret.txt
	printf 'k = %s\n' "$(fake_ghp)" > tree/.git/config
	ln -s ../outside/secret.txt tree/link.txt
	ln -s .. tree/loop/up
	ln -s nowhere tree/dangling
	mkfifo tree/fifo
	echo "plain" > tree/plain.txt
	# a guard against a hang on the symlink loop, not a timing check
	run timeout 300 "$hush" dir --no-progress tree; want_rc 0
	# a path named on the command line is followed
	run "$hush" dir --no-progress tree/link.txt; want_rc 1
	# paths past HUSH_MAX_PATH are reported, not cut
	/usr/bin/python3 -c '
import os
os.makedirs("deep")
os.chdir("deep")
for i in range(20):
    n = "d%02d" % i + "x" * 240
    os.mkdir(n)
    os.chdir(n)
open("f.txt", "w").write("x\n")'
	run "$hush" dir --no-progress deep; want_rc 3; want_err "(HUSH_MAX_PATH)"
}

t_chunks() {
	# secrets on both sides of and across 1 MiB chunk boundaries
	/usr/bin/python3 - "$box/big.txt" "$(fake_ghp)" "$(fake_ghp)" "$(fake_ghp)" <<'PY'
import sys
path, a, b, c = sys.argv[1:5]
M = 1 << 20
out = bytearray()
line = b"lorem ipsum dolor sit amet consectetur\n"
def fill(to):
    while len(out) < to:
        out.extend(line[: min(len(line), to - len(out))])
fill(M - 100); out += b"\nA=" + a.encode() + b"\n"
fill(2 * M - 20); out += b"\nB=" + b.encode() + b"\n"
fill(3 * M + 5); out += b"\nC=" + c.encode() + b"\n"
fill(4 * M + 77)
open(path, "wb").write(out)
PY
	expected=$(/usr/bin/python3 - "$box/big.txt" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
for m in re.finditer(rb"ghp_[A-Za-z0-9]{36}", data):
    line = data.count(b"\n", 0, m.start()) + 1
    col = m.start() - data.rindex(b"\n", 0, m.start())
    print(f"{line}:{col}")
PY
)
	for size in 1M 2M 64M; do
		run "$hush" dir --no-progress --max-file-size "$size" --format jsonl big.txt
		want_rc 1
		got=$(/usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    for x in d["locations"]: print("%d:%d" % (x["line"], x["column"]))' "$box/out" | sort -n)
		[ "$got" = "$(echo "$expected" | sort -n)" ] || fail "chunk $size: got [$got], want [$expected]"
	done
}

t_exit_precedence() {
	mkdir tree && printf 'k = %s\n' "$(fake_ghp)" > tree/a.txt
	run "$hush" dir --no-progress tree missing-path; want_rc 3
	want_err "missing-path: cannot stat"
	want_out "tree/a.txt"
}

t_self_scan() {
	run "$hush" dir --no-progress "$src"
	[ "$rc" = 0 ] || { head -50 "$box/out" >&2; cat "$box/err" >&2; fail "the project's own tree is not clean (exit $rc)"; }
}

t_demo() {
	run "$hush" dir --no-progress "$src/corpus/demo"; want_rc 1
	want_out "github.pat.classic"
}

# a small context: app code, a Dockerfile, room for more
mkctx() {
	mkdir -p "$1/src" && echo 'print(1)' > "$1/src/app.py"
	printf 'FROM alpine\nCOPY src/ /src/\n' > "$1/Dockerfile"
}

t_context_bad_ignore() {
	mkctx ctx
	printf 'src\n!\n' > ctx/.dockerignore
	run "$hush" context --no-progress ctx; want_rc 2
	want_err 'ctx/.dockerignore:2: illegal exclusion pattern: "!"'
	printf '# ok\n[]a]\n' > ctx/.dockerignore
	run "$hush" context --no-progress ctx; want_rc 2
	want_err "ctx/.dockerignore:2: invalid pattern '[]a]'"
	printf '[Local-Only]/\n' > ctx/.dockerignore
	run "$hush" context --no-progress --list ctx; want_rc 2
	want_err "ctx/.dockerignore:1:"
	run "$hush" context a b; want_rc 2; want_err "one DIR at most"
	run "$hush" context --no-progress missing-dir; want_rc 2; want_err "missing-dir: not a folder"
}

t_context_unreadable() {
	mkctx ctx && mkdir ctx/locked && echo x > ctx/locked/a.txt
	chmod 000 ctx/locked
	chmod 755 "$box" ctx
	as_nobody context --no-progress ctx
	want_rc 3; want_err "ctx/locked"
	# excluded by .dockerignore: no builder sends it, so it does not matter
	echo locked > ctx/.dockerignore
	chmod 644 ctx/.dockerignore
	as_nobody context --no-progress ctx
	want_rc 0
}

t_context_dockerfile() {
	mkctx ctx
	printf 'FROM alpine\nRUN echo hi \\\n  && true\nFROBNICATE now\n' > ctx/Dockerfile
	run "$hush" context --no-progress ctx; want_rc 3
	want_err "ctx/Dockerfile:4:"
	# -f: fixtures for every check; the good one stays quiet
	df=$src/corpus/context/dockerfiles
	run "$hush" context --no-progress -f "$df/good.Dockerfile" ctx; want_rc 0
	run "$hush" context --no-progress --format jsonl -f "$df/run_credential.Dockerfile" ctx
	want_rc 1
	want_out '"rule_id":"dockerfile.run_credential"'
	want_out '"line":5,'
	run "$hush" context --no-progress --format jsonl -f "$df/secret_arg_env.Dockerfile" ctx
	want_rc 1; want_out '"rule_id":"dockerfile.secret_arg_env"'
	run "$hush" context --no-progress --format jsonl -f "$df/add_url.Dockerfile" ctx
	want_rc 1; want_out '"rule_id":"dockerfile.add_url"'
	run "$hush" context --no-progress --format jsonl -f "$df/copy_sensitive.Dockerfile" ctx
	want_rc 1; want_out '"rule_id":"dockerfile.copy_sensitive"'
	grep -q "fake-pass-1234" "$box/out" && fail "a credential printed in a message"
	run "$hush" context --no-progress -f "$df/run_credential.Dockerfile" ctx
	grep -q "fake-pass-1234" "$box/out" && fail "a credential printed in a message"
	run "$hush" context --no-progress --format sarif -f "$df/run_credential.Dockerfile" ctx
	want_rc 1
	/usr/bin/python3 "$src/tests/cli/validate_sarif.py" "$src/tests/sarif-schema-2.1.0.json" "$box/out" ||
		fail "context sarif does not validate"
	return 0
}

t_context_ignore_files() {
	mkctx ctx && printf 'K=%s\n' "$(fake_ghp)" > ctx/.env
	# BuildKit: Dockerfile.dockerignore replaces .dockerignore
	printf '**/.env\n' > ctx/Dockerfile.dockerignore
	run "$hush" context --no-progress --format jsonl ctx; want_rc 1
	want_out 'sent by the legacy builder (not BuildKit)'
	printf '**/.env\n' > ctx/.dockerignore
	run "$hush" context --no-progress ctx; want_rc 0
	# the Dockerfile and .dockerignore always leave the machine, and are scanned
	printf '**/.env\nDockerfile\n.dockerignore\n# %s\n' "$(fake_ghp)" > ctx/.dockerignore
	rm ctx/Dockerfile.dockerignore
	run "$hush" context --no-progress --format jsonl ctx; want_rc 1
	want_out '"path":".dockerignore","line":4'
	# why a sensitive file got in: a pattern that does not float, an exception
	mkdir -p ctx/config && echo A=1 > ctx/config/.env && echo A=1 > ctx/.env.local
	printf '.env\n.env.*\n!.env.local\n' > ctx/.dockerignore
	run "$hush" context --no-progress ctx; want_rc 1
	want_out "ctx/.dockerignore:1: '.env' matches only at the root (patterns do not float); add: **/.env"
	want_out "ctx/.dockerignore:3: '!.env.local' lets it back in; add: **/.env.local"
	rm -r ctx/config ctx/.env.local
	printf '**/.env\nDockerfile\n.dockerignore\n' > ctx/.dockerignore
	# symlinks are sent as links, never followed; a loop does not hang
	ln -s .. ctx/src/up
	ln -s /etc/shadow ctx/src/shadow
	run timeout 300 "$hush" context --no-progress --list ctx; want_rc 0
	want_out "src/up"
}

"t_$name"
