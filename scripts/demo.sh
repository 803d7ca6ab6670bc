#!/bin/sh
# SPDX-License-Identifier: MIT
# demo.sh - install what is missing, build hush and scan the demo target in
# corpus/demo, which holds fake credentials. README quick start (a).
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "+ build/hush dir corpus/demo"
rc=0
./build/hush dir corpus/demo || rc=$?
# exit 1 means "findings", which is what the demo is for
if [ "$rc" -eq 1 ]; then
	echo "demo: hush found the planted fake secrets (exit code 1 = findings)"
	exit 0
fi
exit "$rc"
