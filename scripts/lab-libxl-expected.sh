#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Refresh tests/hv/xen/expected/ from the last lab run: the JSON real xl
# printed (`xl -N create FILE uuid=...`) for every config of configs/ and of
# the valid corpus that xl accepted, as the lab's xctl-libxl-json scenario
# left it in BUILD/lab/libxl-json/xl/. test_xen_config compares xctl's
# translation with these files byte for byte.
#   XCTL_LAB_ONLY=xctl-libxl-json make lab && scripts/lab-libxl-expected.sh [BUILD]
set -eu
build=${1:-build}
src=$build/lab/libxl-json/xl
dst=tests/hv/xen/expected
[ -d "$src" ] || { echo "lab-libxl-expected: no $src (run the lab's xctl-libxl-json scenario first)" >&2; exit 1; }
mkdir -p "$dst"
rm -f "$dst"/*.json
n=0
for f in "$src"/*.json; do
	[ -s "$f" ] || continue
	cp "$f" "$dst/"
	n=$((n + 1))
done
echo "lab-libxl-expected: $n files in $dst"
