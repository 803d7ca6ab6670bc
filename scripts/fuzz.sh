#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz.sh [SECONDS] - the test suite's optional long mode: build the libFuzzer
# targets in build-fuzz with clang (address, undefined) and run each for
# SECONDS (default 60), seeded from corpus/. Exit 1 when a target finds a
# crash; the reproducer is left in build-fuzz/.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DHUSH_FUZZ=ON -DHUSH_SANITIZE=address,undefined -DHUSH_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_age fuzz_sops \
	fuzz_dockerignore fuzz_dockerfile fuzz_rules >/dev/null
seeds=build-fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds/age" "$seeds/sops" "$seeds/dockerignore" "$seeds/dockerfile" \
	"$seeds/rules"
cp corpus/injector/age/*.age corpus/injector/age/cctv-testdata/* "$seeds/age/" 2>/dev/null || true
# the first byte picks the format (byte % 4): d YAML, a JSON, b dotenv, c INI
for f in $(find corpus/injector/sops -type f \( -name '*.yaml' -o -name '*.json' \
		-o -name '*.env' -o -name '*.ini' \) ! -name '*.expected.json'); do
	case $f in
	*.yaml) p=d ;; *.json) p=a ;; *.env) p=b ;; *.ini) p=c ;;
	esac
	{ printf '%s' "$p"; cat "$f"; } > "$seeds/sops/$(echo "$f" | tr / _)"
done
cp corpus/context/guarded/.dockerignore "$seeds/dockerignore/guarded"
cp corpus/context/dockerfiles/* "$seeds/dockerfile/"
cp patterns/*.yaml "$seeds/rules/"
export HUSH_FUZZ_AGE_KEY="$PWD/corpus/injector/age/key1.txt"
status=0
for t in age sops dockerignore dockerfile rules; do
	echo "fuzz: fuzz_$t for ${secs}s"
	(cd build-fuzz && ./fuzz_$t -max_total_time="$secs" -max_len=65536 \
		-print_final_stats=1 "seeds/$t" 2>&1 | tail -n 4) || status=1
done
exit $status
