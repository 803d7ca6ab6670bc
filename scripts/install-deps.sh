#!/bin/sh
# install-deps.sh - install the Debian 12 packages that hush needs to build,
# test and benchmark; installs only what is missing. Run as root.
set -eu

pkgs="build-essential cmake pkg-config git ca-certificates python3
python3-jsonschema libhyperscan-dev libpcre2-dev libyaml-dev libsodium-dev
libcjson-dev ripgrep time age zlib1g-dev libssl-dev libgit2-dev git-secrets
libarchive-dev zstd skopeo umoci libcurl4-openssl-dev openssl util-linux"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
