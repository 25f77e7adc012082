# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xenstored-vs-xen
# lab-timeout: 1200
# lab-needs: bin/xctl-xenstored bench/bench_xenstore
# Our xenstored against Xen's, in dom0, by the same benchmark with the same
# clients in the same run: xctl-xenstored on a socket of its own beside
# Xen 4.17's C xenstored (dom0's real one, on /run/xenstored/socket), each
# cell measured on one and then the other, 1 and 64 clients, a tree of 10
# domains of 100 nodes written into each. The table and the ratios
# (ours / Xen's) go to bench-xenstore.txt, which `make lab-bench` prints.
# 10 s per cell: on one emulated vCPU a few seconds are mostly noise.
secs=10
dir=/tmp/bench-xsd
rm -rf "$dir" && mkdir -p "$dir"
"$LAB_BIN/xctl-xenstored" --foreground --socket "$dir/socket" --log "$LAB_OUT/bench-xctl-xenstored.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
lab_wait_for 30 env XENSTORED_PATH="$dir/socket" xenstore-exists / ||
	lab_fail "xctl-xenstored did not answer on $dir/socket within 30 s (see bench-xctl-xenstored.log)"
XENSTORED_PATH=/run/xenstored/socket xenstore-exists / ||
	lab_fail "Xen's xenstored does not answer on /run/xenstored/socket"
lab_log "xctl-xenstored (pid $pid) on $dir/socket, Xen's xenstored on /run/xenstored/socket; ${secs} s per cell"
s=$(lab_now)
/lab/build/bench/bench_xenstore -t "$secs" -x "xctl=$dir/socket" -x "xen=/run/xenstored/socket" \
	>"$LAB_OUT/bench-xenstore.txt" 2>"$LAB_OUT/bench-xenstore.err"
rc=$?
cat "$LAB_OUT/bench-xenstore.txt"
lab_time xenstored-vs-xen bench "$(lab_elapsed "$s")"
[ $rc = 0 ] || lab_fail "bench_xenstore failed (exit $rc; see bench-xenstore.err)"
kill -0 $pid 2>/dev/null || lab_fail "xctl-xenstored died during the benchmark (see bench-xctl-xenstored.log)"
