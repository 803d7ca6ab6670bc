#!/usr/bin/env bash
# Benchmark `hush image` against the decompression floor on a generated image.
#
# usage: bench/bench_image.sh [OCI_DIR]
#
# Without OCI_DIR, gen_corpus.py writes ${HUSH_BENCH_MB:-560} MB of real text
# with planted fake secrets, and gen_image.py packs it into an OCI layout of
# ${HUSH_BENCH_LAYERS:-6} gzip layers (plus one that deletes a planted file),
# under ${HUSH_BENCH_DIR:-/tmp/hush-bench-image} (reused while the settings
# and generators are unchanged).
#
# The floor is `gzip -dc` of every layer to /dev/null, one after another: any
# scanner must at least decompress the layers. hush decompresses layers in
# parallel, so it can beat that. Target: hush at most 1.3x the floor, peak
# RSS under 200 MB. Environment: HUSH (binary, default build/hush),
# HUSH_BENCH_REPEAT (runs, best taken; default 3), HUSH_BENCH_JOBS (-j).
#
# Prints figures only; exit 1 only when something is broken.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_DIR=${HUSH_BENCH_DIR:-/tmp/hush-bench-image}
MB=${HUSH_BENCH_MB:-560}
LAYERS=${HUSH_BENCH_LAYERS:-6}
REPEAT=${HUSH_BENCH_REPEAT:-3}
HUSH=${HUSH:-$here/../build/hush}
die() { echo "bench_image: $*" >&2; exit 1; }
[ -x "$HUSH" ] || die "hush binary not found (set HUSH or build build/hush)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"
command -v gzip >/dev/null || die "gzip not found"
mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"

if [ $# -ge 1 ]; then
	IMG=$1
else
	IMG=$BENCH_DIR/image
	stamp="mb=$MB layers=$LAYERS gen=$(cat "$here/gen_corpus.py" "$here/gen_image.py" | sha256sum | cut -c1-16)"
	if [ "$(cat "$BENCH_DIR/image.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "generating $MB MB corpus and a $LAYERS-layer image (a few minutes)..."
		python3 "$here/gen_corpus.py" "$BENCH_DIR/corpus" --mb "$MB" --force >/dev/null ||
			die "gen_corpus.py failed"
		python3 "$here/gen_image.py" "$BENCH_DIR/corpus" "$IMG" --layers "$LAYERS" ||
			die "gen_image.py failed"
		echo "$stamp" >"$BENCH_DIR/image.stamp"
	fi
fi
[ -f "$IMG/index.json" ] || die "$IMG is not an OCI layout"

# the layer blobs, in manifest order
manifest=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]+"/index.json")); print(i["manifests"][0]["digest"][7:])' "$IMG")
mapfile -t blobs < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]+"/blobs/sha256/"+sys.argv[2])); [print(sys.argv[1]+"/blobs/sha256/"+l["digest"][7:]) for l in m["layers"]]' "$IMG" "$manifest")
stored=$(du -cb "${blobs[@]}" | tail -1 | cut -f1)
raw=0
for b in "${blobs[@]}"; do raw=$((raw + $(gzip -dc "$b" | wc -c))); done

now() { date +%s.%N; }
best_floor=
for _ in $(seq "$REPEAT"); do
	t0=$(now)
	for b in "${blobs[@]}"; do gzip -dc "$b" >/dev/null; done
	t=$(echo "$(now) - $t0" | bc)
	if [ -z "$best_floor" ] || [ "$(echo "$t < $best_floor" | bc)" = 1 ]; then best_floor=$t; fi
done

jobs=()
[ -n "${HUSH_BENCH_JOBS:-}" ] && jobs=(-j "$HUSH_BENCH_JOBS")
best=
rss=
for _ in $(seq "$REPEAT"); do
	/usr/bin/time -v -o "$BENCH_DIR/time.txt" "$HUSH" image --no-progress \
		"${jobs[@]}" --format json -o "$BENCH_DIR/report.json" "$IMG" 2>"$BENCH_DIR/err.txt"
	rc=$?
	[ "$rc" -le 1 ] || { cat "$BENCH_DIR/err.txt" >&2; die "hush exited $rc"; }
	w=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$BENCH_DIR/time.txt" |
		awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
	m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$BENCH_DIR/time.txt")
	if [ -z "$best" ] || [ "$(echo "$w < $best" | bc)" = 1 ]; then best=$w; fi
	if [ -z "$rss" ] || [ "$m" -gt "$rss" ]; then rss=$m; fi
done
findings=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["summary"]["findings"], sum(1 for f in r["findings"] for l in f["locations"] if l.get("status","").startswith("removed")))' "$BENCH_DIR/report.json")

printf 'image        %s: %d layers, %.1f MB stored, %.1f MB decompressed\n' \
	"$IMG" "${#blobs[@]}" "$(echo "$stored / 1000000" | bc -l)" "$(echo "$raw / 1000000" | bc -l)"
printf 'floor        gzip -dc of each layer in turn: %.2f s, %.0f MB/s\n' \
	"$best_floor" "$(echo "$raw / 1000000 / $best_floor" | bc -l)"
printf 'hush image   %.2f s, %.0f MB/s, %.2fx the floor, peak RSS %.0f MB (best of %d; RSS max)\n' \
	"$best" "$(echo "$raw / 1000000 / $best" | bc -l)" "$(echo "$best / $best_floor" | bc -l)" \
	"$(echo "$rss / 1024" | bc -l)" "$REPEAT"
echo "findings     ${findings% *} (of them in removed files: ${findings#* })"
echo "cores        $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
