# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xenstore-portable
# lab-timeout: 300
# lab-needs: tests/test_xs_portable
# xctl-xenstored's integration tests, run against Xen's real xenstored in
# dom0 (XCTL_XS_EXTERNAL=1): differences in behaviour show up here.
XCTL_XS_EXTERNAL=1 /lab/build/tests/test_xs_portable >"$LAB_OUT/test_xs_portable.txt" 2>&1
rc=$?
cat "$LAB_OUT/test_xs_portable.txt"
if [ $rc != 0 ]; then
	# What real xenstored answers to the permission changes the tests make,
	# for whoever reconciles the two daemons.
	{
		echo "== xenstore-chmod probes against real xenstored"
		xenstore-write /lab-probe/p v
		for perm in "n0 r5" "r7 b3" "n0 r7" "b0" "n1" "r0 n5"; do
			# shellcheck disable=SC2086
			out=$(xenstore-chmod /lab-probe/p $perm 2>&1)
			echo "chmod $perm: exit $? ${out:+($out)}; now: $(xenstore-ls -p /lab-probe 2>&1 | tr '\n' ' ')"
		done
		xenstore-rm /lab-probe
	} >"$LAB_OUT/xenstore-perm-probes.txt" 2>&1
	cat "$LAB_OUT/xenstore-perm-probes.txt"
	lab_fail "test_xs_portable failed against real xenstored (exit $rc; see test_xs_portable.txt, xenstore-perm-probes.txt)"
fi
