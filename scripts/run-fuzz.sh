#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run every fuzz target for a bounded time (FUZZ_SECONDS, default 60 each;
# one input may take 10 s; a target that overruns its time by a minute is
# killed and fails), starting from its seed corpus in tests/fuzz/corpus/NAME/
# (make test replays those seeds without libFuzzer: tests/fuzz/replay.c).
set -u
build=$1; shift
secs=${FUZZ_SECONDS:-60}
rc=0
[ $# -gt 0 ] || { echo "run-fuzz: no fuzz targets (FUZZ_TARGETS in the module.mk fragments)" >&2; exit 1; }
for f in "$@"; do
	name=$(basename "$f")
	work="$build/fuzz-corpus/$name"
	mkdir -p "$work"
	seeds="tests/fuzz/corpus/$name"
	echo "== fuzz $name for ${secs}s"
	if [ -d "$seeds" ]; then
		timeout -k 10 $((secs + 60)) "$f" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
			-artifact_prefix="$work/" "$work" "$seeds" || rc=1
	else
		echo "run-fuzz: $name has no seed corpus $seeds: add seeds there" >&2
		rc=1
	fi
done
exit $rc
