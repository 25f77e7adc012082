#!/bin/sh
# Source rule: no source file over 800 lines (split by responsibility).
# Generated files under the build directory are not checked.
set -u
limit=${XCTL_MAX_LINES:-800}
bad=0
for f in $(git ls-files '*.c' '*.h' '*.sh' '*.mk' 2>/dev/null); do
	[ -f "$f" ] || continue
	n=$(wc -l <"$f")
	if [ "$n" -gt "$limit" ]; then
		echo "$f: $n lines, over the limit of $limit: split it by responsibility"
		bad=1
	fi
done
[ $bad = 0 ] && echo "file sizes: every source file is within $limit lines"
exit $bad
