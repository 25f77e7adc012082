#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# make demo, simulated-host part: start xctl-xenstored, load into it the
# xenstore tree real Xen 4.17 wrote for a running PV guest (the reference
# dump), using Debian's unmodified xenstore-write and xenstore-chmod; then
# show it with xenstore-ls -fp and check the tree our daemon holds against
# the schema.
set -eu
bin=${XCTL_BIN:-build/bin}
dump=tests/schema/fixtures/real-pv-guest.txt
dir=$(mktemp -d /tmp/xctl-demo.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The guest of the dump, domain 1, must exist before nodes can be given to
# it (xenstored refuses an owner that is not a domain): start from a saved
# state (docs/xenstored.md) in which domain 1 has been introduced.
printf 'xctl-xenstored-state 1\ndomain 1 0 0 -\n' >"$dir/state"
echo "== xctl-xenstored: starting on $dir/socket, with domain 1 introduced"
"$bin/xctl-xenstored" --socket "$dir/socket" --pid-file "$dir/pid" --log "$dir/log" --state "$dir/state"
pid=$(cat "$dir/pid")
export XENSTORED_PATH="$dir/socket"

n=$(grep -c '^/' "$dump")
echo "== loading $n nodes from $dump with xenstore-write and xenstore-chmod"
# PATH = "VALUE"   (PERMS); the dump's values hold no quotes, escapes or '|', and
# its lines end in CR LF as captured
tr -d '\r' <"$dump" | sed -n 's%^\(/[^ ]*\) = "\(.*\)"  *(\(.*\))$%\1|\2|\3%p' |
	while IFS='|' read -r path value perms; do
		xenstore-write "$path" "$value"
		# shellcheck disable=SC2046
		xenstore-chmod "$path" $(echo "$perms" | tr ',' ' ')
	done

echo "== xenstore-ls -fp /local/domain/1/device/vbd (through our daemon)"
xenstore-ls -fp /local/domain/1/device/vbd

echo "== xenstore-ls -fp / | xctl schema check --phase connected -"
xenstore-ls -fp / >"$dir/tree.txt"
"$bin/xctl" schema check --phase connected "$dir/tree.txt"
