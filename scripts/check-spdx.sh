#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Source rule: every source file carries the project's licence, LGPL-2.1-only
# (LICENSE), as an SPDX line within its first two lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bad=0
for f in $("$top/scripts/source-files.sh" "$top"); do
	if ! head -2 "$top/$f" | grep -q 'SPDX-License-Identifier: LGPL-2.1-only'; then
		echo "$f: no 'SPDX-License-Identifier: LGPL-2.1-only' line in its first two lines: add one (see LICENSE)"
		bad=1
	fi
done
[ $bad = 0 ] && echo "licence: every source file carries SPDX-License-Identifier: LGPL-2.1-only"
exit $bad
