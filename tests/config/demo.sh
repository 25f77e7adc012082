#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# make demo: resolve every example config in configs/ with the example
# global configuration and print a readable summary of each.
set -eu
xctl="$XCTL_BIN/xctl"
for cfg in configs/*.cfg; do
	echo "== xctl --config configs/xctl.conf config check $cfg"
	"$xctl" --config configs/xctl.conf config check "$cfg" 2>&1
	echo
done
