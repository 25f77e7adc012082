# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: tree-compare
# lab-timeout: 120
# lab-needs: bin/xctl lab-data/tree-compare.allow
# The same xenstore tree: the trees the xl-TYPE and xctl-TYPE scenarios saved
# in this run (same dom0, same configs but for what each scenario chooses:
# the guest's address, and xctl-TYPE's guest is the scenario suite's
# scen-TYPE with a disk image of its own) are compared, for each type and
# phase (created, connected, shutdown, destroyed), with `xctl schema diff`:
# domain ids, UUIDs, MACs, ports, grant refs, frames, times, pids and ttys
# normalised; the guest's disk image, name and address substituted. A phase passes when
# the trees differ in nothing or only in the nodes tests/lab/tree-compare.allow
# documents (docs/lab.md lists them with why). Each comparison is kept as
# tree-compare-TYPE-PHASE.txt. A type for which xl-TYPE or xctl-TYPE did not
# run (XCTL_LAB_ONLY) is not compared; a phase only one of them left a tree
# for fails; the scenario fails when it compared nothing.
allow=/lab/build/lab-data/tree-compare.allow
# tree_choice image|name|ip TREE: the guest's disk image, name or address
# in a saved tree (empty when it has no guest)
tree_choice() {
	case $1 in
	image) sed -n 's|^/libxl/[1-9][0-9]*/device/vbd/51712/params = "\([^"]*\)".*|\1|p' "$2" ;;
	name) sed -n 's|^/local/domain/[1-9][0-9]*/name = "\([^"]*\)".*|\1|p' "$2" ;;
	ip) sed -n 's/.*lab\.ip=\([0-9.]*\).*/\1/p' "$2" ;;
	esac | head -n 1
}
compared=0 failed=""
for ty in pv pvh hvm; do
	# a scenario that did not run (XCTL_LAB_ONLY) left no tree: its own
	# result line says so; one that ran leaves at least its created tree
	ran=""
	for tool in xl xctl; do
		[ -e "$LAB_OUT/xenstore-$tool-$ty-created.txt" ] && ran="$ran $tool"
	done
	if [ "$ran" != " xl xctl" ]; then
		lab_log "$ty: not compared: only${ran:- none} of xl-$ty and xctl-$ty left trees in this run"
		continue
	fi
	for ph in created connected shutdown destroyed; do
		a=$LAB_OUT/xenstore-xl-$ty-$ph.txt
		b=$LAB_OUT/xenstore-xctl-$ty-$ph.txt
		out=$LAB_OUT/tree-compare-$ty-$ph.txt
		s=$(lab_now)
		if [ ! -s "$a" ] || [ ! -s "$b" ]; then
			lab_result "$LAB_SCENARIO/$ty-$ph" FAIL 0 "no tree of $([ -s "$a" ] || echo xl-$ty)$([ -s "$b" ] || echo " xctl-$ty") for phase $ph"
			failed="$failed $ty-$ph"
			continue
		fi
		# what each scenario chooses for its guest: the disk image, the
		# name (xctl-TYPE runs the suite's scen-TYPE) and the address
		# (lab.ip= on the command line); the image first, as it may
		# hold the name
		set --
		for what in image name ip; do
			va=$(tree_choice "$what" "$a")
			vb=$(tree_choice "$what" "$b")
			[ -n "$va" ] && [ -n "$vb" ] && [ "$va" != "$vb" ] && set -- "$@" --subst "$vb=$va"
		done
		if "$LAB_BIN/xctl" schema diff --allow "$allow" "$@" "$a" "$b" >"$out" 2>&1; then
			lab_result "$LAB_SCENARIO/$ty-$ph" PASS "$(lab_elapsed "$s")" "$(tail -n 1 "$out")"
		else
			lab_result "$LAB_SCENARIO/$ty-$ph" FAIL "$(lab_elapsed "$s")" "see $(basename "$out"): $(tail -n 1 "$out")"
			grep -v '# documented:' "$out" | head -n 30 | sed "s/^/LAB-LOG $LAB_SCENARIO| /" >>"$LAB_CONSOLE"
			failed="$failed $ty-$ph"
		fi
		compared=$((compared + 1))
	done
done
[ -z "$failed" ] || lab_fail "the xl and xctl trees differ in undocumented nodes, or a tree is missing:$failed"
[ "$compared" -gt 0 ] || lab_fail "no xl-TYPE and xctl-TYPE trees to compare: run the xl-* and xctl-* scenarios with this one"
exit 0
