#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scale_jobs.sh CORPUS [JOBS...] - how `hush dir` scales with -j on this
# machine: wall time, MB/s, peak RSS and speed-up over -j 1 for each job
# count (default: 1 2 4 8 and the core count), next to the read floor.
# Prints figures only; best of HUSH_BENCH_REPEAT runs (default 3).
set -u -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HUSH=${HUSH:-$here/../build/hush}
REPEAT=${HUSH_BENCH_REPEAT:-3}
corpus=${1:?usage: scale_jobs.sh CORPUS [JOBS...]}
shift
cores=$(nproc)
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(1 2 4 8 "$cores")
[ -x "$HUSH" ] || { echo "scale_jobs: no hush binary at $HUSH" >&2; exit 1; }

bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus: $files files, $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB; $cores cores"

# best-of-N wall seconds and the peak RSS (KB) of that run
measure() {
	local best="" rss="" i out t
	t=$(mktemp)
	for ((i = 0; i < REPEAT; i++)); do
		"${HUSH_TIME:-/usr/bin/time}" -o "$t" -f '%e %M' "$@" >/dev/null 2>&1
		out=$(tail -n 1 "$t")
		local w=${out% *} m=${out#* }
		if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$w rss=$m
		fi
	done
	rm -f "$t"
	echo "$best $rss"
}

find "$corpus" -type f -exec cat {} + >/dev/null # warm the page cache
"$HUSH" dir --no-progress "$corpus" >/dev/null 2>&1 # warm the database cache

read -r fw fm < <(measure sh -c "find '$corpus' -type f -exec cat {} + >/dev/null")
printf '%-16s %8s %9s %9s %8s %9s\n' name wall_s MB/s RSS_MB speedup vs_floor
printf '%-16s %8.2f %9.0f %9.1f %8s %9s\n' "read floor" "$fw" \
	"$(awk -v b="$bytes" -v w="$fw" 'BEGIN{print (w>0)?b/1e6/w:0}')" \
	"$(awk -v m="$fm" 'BEGIN{print m/1024}')" - 1.00
base=""
for j in "${jobs[@]}"; do
	read -r w m < <(measure "$HUSH" dir -j "$j" --no-progress --format jsonl "$corpus")
	[ -n "$base" ] || base=$w
	printf '%-16s %8.2f %9.0f %9.1f %8.2f %9.2f\n' "hush dir -j $j" "$w" \
		"$(awk -v b="$bytes" -v w="$w" 'BEGIN{print (w>0)?b/1e6/w:0}')" \
		"$(awk -v m="$m" 'BEGIN{print m/1024}')" \
		"$(awk -v a="$base" -v w="$w" 'BEGIN{print (w>0)?a/w:0}')" \
		"$(awk -v f="$fw" -v w="$w" 'BEGIN{print (f>0)?w/f:0}')"
done
