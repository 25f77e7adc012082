#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run every fuzz target for a bounded time (FUZZ_SECONDS, default 60 each),
# starting from its seed corpus in tests/fuzz/corpus/NAME/.
set -u
build=$1; shift
secs=${FUZZ_SECONDS:-60}
rc=0
for f in "$@"; do
	name=$(basename "$f")
	work="$build/fuzz-corpus/$name"
	mkdir -p "$work"
	seeds="tests/fuzz/corpus/$name"
	echo "== fuzz $name for ${secs}s"
	if [ -d "$seeds" ]; then
		"$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" "$work" "$seeds" || rc=1
	else
		"$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" "$work" || rc=1
	fi
done
exit $rc
