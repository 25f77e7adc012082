#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Source rule: no source file over 800 lines (split by responsibility).
# Generated files under the build directory are not checked; the list of
# files does not need git (scripts/source-files.sh).
set -u
limit=${XCTL_MAX_LINES:-800}
bad=0
top=$(cd "$(dirname "$0")/.." && pwd)
for f in $("$top/scripts/source-files.sh" "$top"); do
	n=$(wc -l <"$top/$f")
	if [ "$n" -gt "$limit" ]; then
		echo "$f: $n lines, over the limit of $limit: split it by responsibility"
		bad=1
	fi
done
[ $bad = 0 ] && echo "file sizes: every source file is within $limit lines"
exit $bad
