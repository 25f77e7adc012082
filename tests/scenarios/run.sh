#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run one scenario with the leak check around it:
#   run.sh SCENARIO.sh
# Exit 0 when the scenario passed and left nothing behind; 1 otherwise.
set -u
here=$(dirname "$0")
scenario=$1
. "$here/lib.sh"
[ -n "${XCTL_SCEN_TMP:-}" ] || XCTL_SCEN_TMP=$(mktemp -d)
export XCTL_SCEN_TMP
: >"$XCTL_SCEN_TMP/domids"
name=$(basename "$scenario" .sh)

x list >/dev/null 2>&1 # the host is up before the first snapshot
snapshot "$XCTL_SCEN_TMP/before"
start=$(date +%s)
(. "$scenario")
rc=$?
# a failed scenario may leave domains: remove them, then check for leaks
if [ $rc != 0 ]; then
	for d in $(x list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
		grep -qx "$d" "$XCTL_SCEN_TMP/before.domains" || x destroy "$d" >/dev/null 2>&1
	done
fi
# a domain's monitor tidies its state after the domain is gone (as xl's
# does): 10 s of the clock for the monitors the scenario started to finish;
# one still running then is reported by the leak check
wait_monitors "$XCTL_SCEN_TMP/before" 10
snapshot "$XCTL_SCEN_TMP/after"
leak_check "$XCTL_SCEN_TMP/before" "$XCTL_SCEN_TMP/after"
leak=$?
end=$(date +%s)
if [ $rc = 0 ] && [ $leak = 0 ]; then
	echo "scenario $name: ok ($((end - start)) s)"
	exit 0
fi
echo "scenario $name: FAILED ($([ $rc = 0 ] || echo "scenario exit $rc")$([ $rc != 0 ] && [ $leak != 0 ] && echo ", ")$([ $leak = 0 ] || echo "leak check")) after $((end - start)) s"
exit 1
