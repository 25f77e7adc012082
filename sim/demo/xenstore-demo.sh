#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# make demo, simulated-host part: start xctl-xenstored, load into it the
# xenstore tree real Xen 4.17 wrote for a running PV guest (the reference
# dump), using Debian's unmodified xenstore-write and xenstore-chmod; then
# show it with xenstore-ls -fp and check the tree our daemon holds against
# the schema.
#
# The daemon runs in the foreground as this script's child, with the parent
# death signal set (setpriv --pdeathsig KILL): it dies with the script, even
# when the script is killed with SIGKILL. XCTL_DEMO_DIR: a directory to work
# in (created under it; default /tmp). XCTL_DEMO_HOLD=FILE (tests only): once
# the daemon is up, wait until FILE exists (at most 60 s) before going on.
set -eu
bin=${XCTL_BIN:-build/bin}
dump=tests/schema/fixtures/real-pv-guest.txt
dir=$(mktemp -d "${XCTL_DEMO_DIR:-/tmp}/xctl-demo.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The guest of the dump, domain 1, must exist before nodes can be given to
# it (xenstored refuses an owner that is not a domain): start from a saved
# state (docs/xenstored.md) in which domain 1 has been introduced.
printf 'xctl-xenstored-state 1\ndomain 1 0 0 -\n' >"$dir/state"
echo "== xctl-xenstored: starting on $dir/socket, with domain 1 introduced"
setpriv --pdeathsig KILL "$bin/xctl-xenstored" --foreground --socket "$dir/socket" --pid-file "$dir/pid" \
	--log "$dir/log" --state "$dir/state" &
pid=$!
# the pid file appears once the socket is ready
i=0
while [ ! -s "$dir/pid" ]; do
	if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 100 ]; then
		echo "xctl-xenstored did not start; its log:" >&2
		cat "$dir/log" >&2 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
echo "== xctl-xenstored: running, pid $pid"
export XENSTORED_PATH="$dir/socket"
if [ -n "${XCTL_DEMO_HOLD:-}" ]; then
	i=0
	while [ ! -e "$XCTL_DEMO_HOLD" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
fi

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
