#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Regenerate docs/man/xctl.1.md, the manual page in Markdown, from the
# command table (`xctl help --markdown`; the roff page is built into
# BUILD/share/man/man1/xctl.1 by make). Usage: scripts/gen-man.sh [BUILD]
set -eu
build=${1:-build}
man=docs/man/xctl.1.md
tmp=$(mktemp)
"$build/bin/xctl" help --markdown >"$tmp"
mv "$tmp" "$man"
echo "gen-man: $man updated"
