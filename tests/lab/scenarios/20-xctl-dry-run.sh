# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-dry-run
# lab-timeout: 120
# lab-needs: bin/xctl
# `xctl -N create` on every example config, inside a real dom0. Disk
# targets of the examples do not exist here: a dry run warns and exits 0.
xctl=$LAB_BIN/xctl
"$xctl" --help >/dev/null 2>&1 || lab_fail "xctl does not run in dom0: $("$xctl" --help 2>&1 | head -n 3)"
set -- /lab/configs/*.cfg
[ -e "$1" ] || lab_fail "no configs/*.cfg reached dom0"
bad=""
for c in "$@"; do
	b=$(basename "$c")
	if "$xctl" -N create "$c" >"$LAB_OUT/xctl-dry-run-$b.txt" 2>&1; then
		lab_log "xctl -N create $b: ok"
	else
		lab_log "xctl -N create $b: failed"
		sed 's/^/    /' "$LAB_OUT/xctl-dry-run-$b.txt"
		bad="$bad $b"
	fi
done
[ -z "$bad" ] || lab_fail "xctl -N create failed for:$bad"
