#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Source rule: no xenstore path or key written as a string literal in C
# outside the generated header (see xenstore-schema/lint/xs-lint.c for the
# exact rule). Scope: toolstack/, sim/, drivers-backend/, xenstore-schema/
# except the generator (xenstore-schema/gen/, which produces the constants).
# Usage: check-no-path-literals.sh [SOURCE-DIR]   (XCTL_BUILD: the build tree)
set -u
build=${XCTL_BUILD:-build}
src=${1:-.}
lint="$build/tools/xs-lint"
case $lint in /*) ;; *) lint="$(pwd)/$lint" ;; esac
if [ ! -x "$lint" ]; then
	echo "check-no-path-literals: $lint is missing; build it with make" >&2
	exit 2
fi
files=$(cd "$src" && find toolstack sim drivers-backend xenstore-schema \
	-path xenstore-schema/gen -prune -o \( -name '*.c' -o -name '*.h' \) -print 2>/dev/null | sort)
[ -n "$files" ] || { echo "check-no-path-literals: no sources under $src" >&2; exit 2; }
cd "$src" || exit 2
# shellcheck disable=SC2086 # file names have no spaces
"$lint" $files
rc=$?
[ "$rc" = 0 ] && echo "check-no-path-literals: $(echo "$files" | wc -l) files, no xenstore path literals"
exit "$rc"
