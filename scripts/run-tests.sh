#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run the cmocka test binaries; print each one's own summary and a total.
# Usage: run-tests.sh BUILD TEST_BINARY...
set -u
build=$1; shift
export XCTL_BUILD="$build" XCTL_BIN="$build/bin" XCTL_SRC="$(pwd)"
failed=""; n=0
for t in "$@"; do
	n=$((n + 1))
	echo "== $t"
	start=$(date +%s)
	# cmocka prints part of its summary on stderr: bring it all to stdout
	"$t" 2>&1
	rc=$?
	echo "== $t: $( [ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)" ) in $(( $(date +%s) - start ))s"
	[ $rc = 0 ] || failed="$failed $t"
done
if [ -n "$failed" ]; then
	echo "test: FAILED:$failed"
	exit 1
fi
echo "test: all $n test programs passed"
