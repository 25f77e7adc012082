#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Install the Debian 12 packages xctl needs, and nothing when all are present.
# Usage: scripts/install-deps.sh [build|lab]   (default: build)
set -eu

BUILD_PKGS="build-essential pkg-config libxen-dev libyajl-dev libcmocka-dev \
xenstore-utils clang libclang-rt-14-dev python3"
LAB_PKGS="qemu-system-x86 cpio"

case "${1:-build}" in
build) want="$BUILD_PKGS" ;;
lab)   want="$BUILD_PKGS $LAB_PKGS" ;;
*)     echo "install-deps: unknown set '$1' (expected build or lab)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "install-deps: done"
