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
# Left out: configs whose CPU maps depend on the host (cpus with "all" or
# node:, docs/config.md L-dryrun-cpus); the lab compares them on the host.
skip=" valid-pv-cpus valid-pv-cpus-per-vcpu "
n=0
for f in "$src"/*.json; do
	[ -s "$f" ] || continue
	b=$(basename "$f" .json)
	case $skip in *" $b "*) continue ;; esac
	cp "$f" "$dst/"
	n=$((n + 1))
done
[ -f "$build/lab/libxl-json/xl.conf" ] && cp "$build/lab/libxl-json/xl.conf" "$dst/xl.conf"
echo "lab-libxl-expected: $n files in $dst"
