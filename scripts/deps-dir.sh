#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Print the directory that holds the package data the tests read (filled by
# scripts/install-deps.sh at install time; run-tests.sh passes it to the tests
# as XCTL_DEPS_DIR). XCTL_DEPS_DIR overrides; the default is shared by every
# clone on the machine, like the lab's cache.
if [ -n "${XCTL_DEPS_DIR:-}" ]; then
	echo "$XCTL_DEPS_DIR"
elif [ "$(id -u)" = 0 ] || [ -w /var/cache ]; then
	echo /var/cache/xctl-deps
else
	echo "${XDG_CACHE_HOME:-$HOME/.cache}/xctl-deps"
fi
