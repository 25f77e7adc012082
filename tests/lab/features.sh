# SPDX-License-Identifier: LGPL-2.1-only
# Features a lab scenario may need (# lab-needs: feature:NAME): things the
# tree may not have yet, each with a probe run on the host before QEMU
# starts. A probe is the function lab_feature_NAME (dashes as underscores),
# called with BUILD_DIR in the source tree ($XCTL_SRC); it returns 0 when the
# feature is there, or prints why it is missing and returns 1. A scenario
# whose feature is missing is NOT RUN with that reason; a name without a probe
# is an error. Sourced by tests/lab/plan.sh (POSIX sh).

# The names, one a line.
lab_features() {
	echo xctl-xen
	echo xctl-lifecycle
}

# xctl drives real Xen through libxl: the xctl that was built links libxl
# and is not the placeholder of toolstack/hv/xen/xen_stub.c.
lab_feature_xctl_xen() {
	x=$1/bin/xctl
	[ -x "$x" ] || { echo "$x was not built"; return 1; }
	if grep -q 'cannot drive a real Xen host yet' "$x"; then
		echo "this build's hv/xen is the placeholder (toolstack/hv/xen/xen_stub.c): no libxl implementation yet"
		return 1
	fi
	readelf -d "$x" 2>/dev/null | grep -q 'NEEDED.*libxenlight' ||
		{ echo "$x does not link libxenlight"; return 1; }
	return 0
}

# xctl has the lifecycle commands (create, list, shutdown, destroy, ...):
# `xctl --xen list` is not the "not implemented in xctl yet" of the command
# table's xl names.
lab_feature_xctl_lifecycle() {
	x=$1/bin/xctl
	[ -x "$x" ] || { echo "$x was not built"; return 1; }
	if "$x" --xen list 2>&1 | grep -q 'not implemented in xctl yet'; then
		echo "xctl list is not implemented in this build (the lifecycle commands)"
		return 1
	fi
	return 0
}
