#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Print the project's source files, one per line, relative to the top of the
# tree. Works on a tarball as on a clone: it walks the directories, not git.
# Build trees and fuzz corpora are not sources.
cd "${1:-.}" || exit 2
find . \( -path ./build -o -path './build*' -o -path ./.git -o -path ./tests/fuzz/corpus \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.mk' -o -name '*.xss' \
	-o -name Makefile -o -path ./.ci/run -o -path './tests/lab/dom0/*' -o -path './tests/lab/guest/*' \) \
	-print | sed 's|^\./||' | sort
