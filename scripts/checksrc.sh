#!/bin/sh
# SPDX-License-Identifier: MIT
# checksrc.sh [SRC] - the house rules a grep can check (STYLE.md 6, curl's
# checksrc idea): banned functions; getenv and stdout printing only where
# they belong; each third-party header in one file per binary, none in
# core/. Exit 1 on a breach.
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2
status=0
files=$(find core scanner injector include -name '*.[ch]' 2>/dev/null | sort)

breach() { echo "checksrc: $*" >&2; status=1; }

# shellcheck disable=SC2086
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|alloca|system|popen)[[:space:]]*\(' $files)
[ -z "$hits" ] || breach "banned function:
$hits"

for f in $files; do
	case $f in
	*/cli.c|*/env.c) ;;
	*) grep -n '\bgetenv[[:space:]]*(' "$f" >/dev/null &&
		breach "$f: getenv outside cli.c/env.c" ;;
	esac
	case $f in
	*/report.c|*/cli.c|*/cmd_rules.c|*/cmd_context.c|*/main.c) ;;
	*) grep -nE '(^|[^a-z_])(printf|puts)[[:space:]]*\(|fprintf[[:space:]]*\([[:space:]]*stdout' "$f" |
		grep -v 'snprintf\|vsnprintf' >/dev/null &&
		breach "$f: prints to stdout outside report.c/cli.c" ;;
	esac
	# a snprintf whose result is ignored hides truncation
	# (a statement that starts with snprintf: the line before ends one)
	l=$(awk '/^[[:space:]]*snprintf[[:space:]]*\(/ && prev ~ /[;{}][[:space:]]*$/ { print FNR": "$0 } { prev = $0 }' "$f")
	[ -z "$l" ] || breach "$f: snprintf result ignored (check for truncation): $l"
done

# each third-party header is included by one file of each binary: both
# binaries use libsodium and cJSON, and core/ has no third-party dependency,
# so scanner/ and injector/ each have their own boundary file
for dir in core scanner injector include; do
	[ -d "$dir" ] || continue
	dfiles=$(find "$dir" -name '*.[ch]' | sort)
	for h in hs.h pcre2.h yaml.h sodium.h cjson/cJSON.h git2.h archive.h curl/curl.h openssl/; do
		# shellcheck disable=SC2086
		n=$(grep -lE "#include <$h" $dfiles | wc -l)
		[ "$n" -le 1 ] || breach "<$h> is included by $n files in $dir/: $(grep -lE "#include <$h" $dfiles | tr '\n' ' ')"
	done
done
# core/ and include/ depend on no third-party library
# shellcheck disable=SC2086
hits=$(grep -nE '#include <(hs|pcre2|yaml|sodium|git2|archive)\.h>|#include <(cjson|curl|openssl)/' $(find core include -name '*.[ch]'))
[ -z "$hits" ] || breach "third-party header in core/ or include/:
$hits"
exit $status
