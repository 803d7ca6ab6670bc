#!/bin/sh
# SPDX-License-Identifier: MIT
# test.sh - install what is missing, build, and run the whole suite through
# ctest; then the same suite under -DHUSH_SANITIZE=address,undefined.
# README quick start (b); .ci/run calls it. HUSH_TEST_SANITIZE=0 skips the
# sanitizer pass; HUSH_TEST_LONG=1 adds the long mode: every libFuzzer target
# for HUSH_FUZZ_SECONDS (default 60) each.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUSH_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

if [ "${HUSH_TEST_SANITIZE:-1}" != 0 ]; then
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug \
		-DHUSH_SANITIZE=address,undefined -DHUSH_WERROR=ON >/dev/null
	cmake --build build-sanitize -j"$jobs"
	(cd build-sanitize &&
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j"$jobs")
fi

if [ "${HUSH_TEST_LONG:-0}" = 1 ]; then
	./scripts/fuzz.sh "${HUSH_FUZZ_SECONDS:-60}"
fi
