#!/bin/sh
# SPDX-License-Identifier: MIT
# test_image.sh HUSH SRC FIXTURES TEST - end-to-end tests of `hush image` on
# the layouts tests/image/mkimages.py wrote into FIXTURES (a ctest fixture):
# exact reports against corpus/expect/image-*.out, and one error line with
# exit 3 (and no report) for each broken input.
set -u
hush=$1 src=$2 fx=$3 name=$4
expect=$src/corpus/expect

box=$(mktemp -d "${HUSH_TEST_TMP:-${TMPDIR:-/tmp}}/hush-image.XXXXXX") || exit 2
trap 'rm -rf "$box"' EXIT INT TERM
export XDG_CACHE_HOME="${HUSH_TEST_CACHE:-$box/cache}"
cd "$fx" || { echo "test_image: no fixtures in $fx" >&2; exit 2; }

fail() { echo "test_image: $name: $*" >&2; exit 1; }
run() { "$hush" image --no-progress --no-color "$@" >"$box/out" 2>"$box/err"; rc=$?; }
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" >&2; fail "exit $rc, want $1"; }; }
# golden EXPECT IMAGE ARGS...: the text report equals corpus/expect/EXPECT.out
golden() {
	g=$1 img=$2
	shift 2
	run "$@" "$img"
	diff -u "$expect/$g.out" "$box/out" || fail "$img: report differs from $g.out"
	want_rc "$(cat "$expect/$g.rc")"
	[ ! -s "$box/err" ] || { cat "$box/err" >&2; fail "$img: stderr not empty"; }
}

t_oci() {
	# ours, skopeo's OCI archive, a Docker 25+ save and an all-gzip copy
	for img in oci-dir oci.tar skopeo-oci.tar docker25.tar oci-gz; do
		golden image-oci "$img"
	done
}

t_docker() {
	# a legacy docker save, ours and skopeo's (docker-archive:)
	golden image-docker legacy.tar
	golden image-docker skopeo-docker.tar
}

t_multi() {
	golden image-multi multi
	golden image-multi-arm64 multi --platform linux/arm64
	golden image-multi-arm64 multi --platform linux/arm64/v8x --platform linux/arm64
	run --platform linux/s390x multi; want_rc 2
	grep -qx "hush: error: multi: no image for platform linux/s390x" "$box/err" ||
		fail "no error for a missing platform"
}

t_tags() {
	golden image-two two.tar
	golden image-two-tag two.tar --tag fixture/other:2.0
	run --tag nope:1 two.tar; want_rc 2
	grep -q "no image tagged nope:1" "$box/err" || fail "no error for a missing tag"
}

t_json() {
	golden image-oci-json oci-dir --format json
	run --format sarif oci-dir; want_rc 1
	/usr/bin/python3 "$src/tests/cli/validate_sarif.py" "$src/tests/sarif-schema-2.1.0.json" \
		"$box/out" || fail "sarif does not validate"
	run --format jsonl multi; want_rc 1
	/usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' \
		"$box/out" || fail "jsonl"
	grep -q '"platform":"linux/arm64"' "$box/out" || fail "jsonl lacks the platform"
}

# Findings in a file read in pieces have the places `hush dir` gives.
t_pieces() {
	run big; want_rc 1
	sed -n 's|^/var/big.txt:\([0-9]*:[0-9]*: [^ ]*\).*|\1|p' "$box/out" >"$box/a"
	"$hush" dir --no-progress --no-color big-tree >"$box/dir" 2>/dev/null
	sed -n 's|^big-tree/big.txt:\([0-9]*:[0-9]*: [^ ]*\).*|\1|p' "$box/dir" >"$box/b"
	[ "$(wc -l <"$box/b")" -ge 7 ] || fail "hush dir found too little"
	diff -u "$box/b" "$box/a" || fail "pieces and hush dir disagree"
}

# Each broken input: exit 3, exactly the expected line, nothing written.
t_bad() {
	: >"$box/got"
	for b in truncated.tar notar missing missing.tar badjson.tar symlink-out \
		hardlink-out dotdot bad-whiteout bomb digest config-digest; do
		rm -f "$box/report"
		run --max-layer-size 1M -o "$box/report" "bad/$b"
		[ "$rc" = 3 ] || { cat "$box/err" >&2; fail "$b: exit $rc, want 3"; }
		[ ! -e "$box/report" ] || fail "$b: a report was written"
		[ "$(wc -l <"$box/err")" = 1 ] || { cat "$box/err" >&2; fail "$b: not one line"; }
		cat "$box/err" >>"$box/got"
	done
	run --max-image-size 2M bad/bomb; want_rc 3
	cat "$box/err" >>"$box/got"
	diff -u "$expect/image-bad.out" "$box/got" || fail "error lines differ"
}

# A media type that says gzip over a zstd layer: a warning, then scanned.
t_mediatype() {
	run bad/mediatype; want_rc 0
	grep -q "media type application/vnd.oci.image.layer.v1.tar+gzip says gzip, the content is zstd" \
		"$box/err" || fail "no media type warning"
}

t_usage() {
	run; want_rc 2
	grep -q "image: give one IMAGE" "$box/err" || fail "no usage error"
	run oci-dir oci.tar; want_rc 2
	run --max-layer-size 12Q oci-dir; want_rc 2
	run --help; want_rc 0
	grep -q -- "--platform" "$box/out" || fail "help lacks --platform"
	run /nonexistent/image.tar; want_rc 3
	run "$src/README.md"; want_rc 3
}

"t_$name"
