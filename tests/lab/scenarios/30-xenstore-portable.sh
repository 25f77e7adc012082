# lab-name: xenstore-portable
# lab-timeout: 300
# lab-needs: tests/test_xs_portable
# xctl-xenstored's integration tests, run against Xen's real xenstored in
# dom0 (XCTL_XS_EXTERNAL=1): differences in behaviour show up here.
XCTL_XS_EXTERNAL=1 /lab/build/tests/test_xs_portable >"$LAB_OUT/test_xs_portable.txt" 2>&1
rc=$?
cat "$LAB_OUT/test_xs_portable.txt"
[ $rc = 0 ] || lab_fail "test_xs_portable failed against real xenstored (exit $rc; see test_xs_portable.txt)"
