#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Install what xctl needs from Debian 12, and nothing when all is present:
#  - the packages the build, the tests and the lab use (apt-get install);
#  - the package files the tests read but do not install (Xen's example
#    configs of xen-utils-common), fetched with apt-get download and unpacked
#    into the data directory (scripts/deps-dir.sh), pinned to the version of
#    libxen-dev, so that `make test` needs no network once this has run.
# Usage: scripts/install-deps.sh [build|lab]   (default: build)
set -eu

BUILD_PKGS="build-essential pkg-config libxen-dev libyajl-dev libcmocka-dev \
xenstore-utils clang libclang-rt-14-dev python3 liblzma-dev zlib1g-dev"
LAB_PKGS="qemu-system-x86 cpio xz-utils"
# Packages whose files tests read: unpacked, never installed.
DATA_PKGS="xen-utils-common"

case "${1:-build}" in
build) want="$BUILD_PKGS" ;;
lab)   want="$BUILD_PKGS $LAB_PKGS" ;;
*)     echo "install-deps: unknown set '$1' (expected build or lab)" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	$SUDO apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
	echo "install-deps: done"
fi

# Package data for the tests: DATA/PKG/ holds the unpacked files of PKG at
# the version of libxen-dev, DATA/PKG/.version that version.
data=$("$(dirname "$0")/deps-dir.sh")
ver=$(dpkg-query -W -f='${Version}' libxen-dev)
for p in $DATA_PKGS; do
	[ "$(cat "$data/$p/.version" 2>/dev/null)" = "$ver" ] && continue
	mkdir -p "$data"
	(
		flock 9
		[ "$(cat "$data/$p/.version" 2>/dev/null)" = "$ver" ] && exit 0
		echo "install-deps: fetching $p $ver for the tests into $data/$p"
		tmp=$(mktemp -d "$data/.$p.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		if ! (cd "$tmp" && apt-get download -q "$p=$ver" >download.log 2>&1); then
			cat "$tmp/download.log" >&2
			echo "install-deps: apt-get download $p=$ver failed: a Debian mirror with $p $ver must be reachable (apt-get update may help)" >&2
			exit 1
		fi
		dpkg-deb -x "$tmp"/"${p}"_*.deb "$tmp/root"
		echo "$ver" >"$tmp/root/.version"
		rm -rf "$data/$p"
		mv "$tmp/root" "$data/$p"
	) 9>"$data/.lock"
done
