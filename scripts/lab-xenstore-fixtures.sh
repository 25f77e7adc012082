#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Refresh tests/fixtures/xenstore/ from a lab run: the xenstore trees real
# Xen 4.17 holds after each phase (created, connected, shutdown, destroyed)
# of the xl-TYPE and xctl-TYPE scenarios (TYPE pv, pvh, hvm), as they left
# them in LAB_DIR (default BUILD/lab, or give the directory of a copy).
# test_sim_fidelity compares the simulated host's trees with the xl ones.
#   XCTL_LAB_ONLY="xl-pv xl-pvh xl-hvm xctl-pv xctl-pvh xctl-hvm tree-compare" make lab &&
#   scripts/lab-xenstore-fixtures.sh [LAB_DIR]
# Every xl tree must be there (test_sim_fidelity compares with them): a run
# without them refreshes nothing; an xctl tree missing is said and skipped.
set -eu
src=${1:-build/lab}
dst=tests/fixtures/xenstore
missing=""
for ty in pv pvh hvm; do
	for ph in created connected shutdown destroyed; do
		f=$src/xenstore-xl-$ty-$ph.txt
		[ -s "$f" ] || missing="$missing $(basename "$f")"
	done
done
if [ -n "$missing" ]; then
	echo "lab-xenstore-fixtures: $src lacks:$missing (run the lab's xl-* scenarios first)" >&2
	exit 1
fi
mkdir -p "$dst"
n=0
for tool in xl xctl; do
	for ty in pv pvh hvm; do
		for ph in created connected shutdown destroyed; do
			f=$src/xenstore-$tool-$ty-$ph.txt
			if [ -s "$f" ]; then
				cp "$f" "$dst/"
				n=$((n + 1))
			else
				echo "lab-xenstore-fixtures: no $(basename "$f") in $src (xctl-$ty did not run): the fixture, if any, is kept" >&2
			fi
		done
	done
done
echo "lab-xenstore-fixtures: $n trees in $dst"
