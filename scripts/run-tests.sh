#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run the cmocka test binaries; print each one's own summary and a total.
# Every program runs under a timeout (XCTL_TEST_TIMEOUT seconds, default 300;
# KILL 10 s after TERM): timeout signals the program's whole process group,
# and a test's daemons die with it (docs/architecture.md, "Tests"). The
# package data the tests read comes from install time (XCTL_DEPS_DIR,
# scripts/deps-dir.sh): no test reaches the network.
# Usage: run-tests.sh BUILD TEST_BINARY...
set -u
build=$1; shift
limit=${XCTL_TEST_TIMEOUT:-300}
XCTL_DEPS_DIR=$("$(dirname "$0")/deps-dir.sh")
export XCTL_BUILD="$build" XCTL_BIN="$build/bin" XCTL_SRC="$(pwd)" XCTL_DEPS_DIR
failed=""; n=0
for t in "$@"; do
	n=$((n + 1))
	echo "== $t"
	start=$(date +%s)
	# cmocka prints part of its summary on stderr: bring it all to stdout
	timeout -k 10 "$limit" "$t" 2>&1
	rc=$?
	case $rc in
	0)       how=ok ;;
	124)     how="FAILED (timed out after ${limit}s, XCTL_TEST_TIMEOUT)" ;;
	*)       how="FAILED (exit $rc)" ;;
	esac
	echo "== $t: $how in $(( $(date +%s) - start ))s"
	[ $rc = 0 ] || failed="$failed $t"
done
if [ -n "$failed" ]; then
	echo "test: FAILED:$failed"
	exit 1
fi
echo "test: all $n test programs passed"
