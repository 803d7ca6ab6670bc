#!/bin/sh
# SPDX-License-Identifier: MIT
# run_case.sh HUSH SRC CASE EXPECT [ARGS...] - run `hush $RUN_CASE_CMD`
# (default dir) with --format text on a sandbox copy of corpus/CASE and
# compare stdout and the exit code with corpus/expect/EXPECT.out and
# EXPECT.rc. A corpus/CASE.setup script, if any, runs in the copy first (for
# what git cannot hold, such as a .git folder).
set -u
hush=$1 src=$2 case=$3 expect=$4
shift 4
cmd=${RUN_CASE_CMD:-dir}

box=$(mktemp -d "${TMPDIR:-/tmp}/hush-case.XXXXXX") || exit 2
trap 'rm -rf "$box"' EXIT INT TERM
export XDG_CACHE_HOME="${HUSH_TEST_CACHE:-$box/cache}"
cp -R "$src/corpus/$case" "$box/tree" || exit 2
cd "$box/tree" || exit 2
if [ -f "$src/corpus/$case.setup" ]; then
	sh "$src/corpus/$case.setup" || exit 2
fi

"$hush" "$cmd" --format text --no-color --no-progress "$@" . >"$box/out" 2>"$box/err"
rc=$?
want_rc=$(cat "$src/corpus/expect/$expect.rc")
status=0
if ! diff -u "$src/corpus/expect/$expect.out" "$box/out"; then
	echo "run_case: $case: output differs from corpus/expect/$expect.out" >&2
	status=1
fi
if [ "$rc" != "$want_rc" ]; then
	echo "run_case: $case: exit code $rc, want $want_rc" >&2
	cat "$box/err" >&2
	status=1
fi
exit $status
