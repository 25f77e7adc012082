# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: create-xl-vs-xctl
# lab-timeout: 1500
# lab-needs: bin/xctl feature:xctl-xen feature:xctl-lifecycle
# Create and destroy timing of xl against xctl, in dom0, on the same PV
# guest config (one disk through blkback, one vif on xenbr0): runs
# alternate between the two tools (xl first on odd runs, xctl first on even
# ones), 5 runs of each. Create is timed from the
# command's start to the guest's first console line (xenconsoled's log of
# the guest), destroy from the command's start to the domain's absence.
# Every xenstore request Xen's xenstored receives during each create is
# counted from its trace (xenstore-control logfile / log on). Medians and
# the ratio xctl / xl go to bench-create.txt.
. /lab/guest.sh
runs=5
ty=pv ip=10.0.0.21 name=lab-pv
img=/lab/disks/bench.img
cfg=/lab/out/bench-create.cfg
con=/var/log/xen/console/guest-$name.log
lab_guest_cfg "$ty" "$ip" 00:16:3e:00:00:21 "$img" "$cfg"
dd if=/dev/zero of="$img" bs=1M count=8 2>/dev/null
trap 'xl destroy "$name" >/dev/null 2>&1; xenstore-control log off >/dev/null 2>&1' EXIT
xctl=$LAB_BIN/xctl

# bench_tool TOOL: the command line of a tool
bench_tool() {
	case $1 in
	xl) echo xl ;;
	xctl) echo "$xctl" ;;
	esac
}

# bench_one TOOL RUN: one create and one destroy; appends
# "TOOL create CS", "TOOL destroy CS" and "TOOL requests N" to $results.
bench_one() {
	tool=$1 run=$2 cmd=$(bench_tool "$1")
	trace=/tmp/xs-trace-$tool-$run.log
	rm -f "$con" "$trace"
	xenstore-control logfile "$trace" >/dev/null && xenstore-control log on >/dev/null ||
		lab_fail "xenstore-control could not start Xen's xenstored trace"
	s=$(lab_now)
	$cmd create "$cfg" >"/lab/out/bench-$tool-$run-create.log" 2>&1 ||
		lab_fail "$tool create failed on run $run (see bench-$tool-$run-create.log)"
	lab_wait_for 120 test -s "$con" || lab_fail "$name printed nothing on its console within 120 s ($tool, run $run)"
	create=$(($(lab_cs "$(lab_now)") - $(lab_cs "$s")))
	xenstore-control log off >/dev/null
	requests=$(grep -c '^IN ' "$trace" 2>/dev/null || echo 0)
	lab_wait_for 300 grep -q LAB-GUEST-READY "$con" || lab_fail "$name did not reach READY ($tool, run $run)"
	s=$(lab_now)
	$cmd destroy "$name" >"/lab/out/bench-$tool-$run-destroy.log" 2>&1 ||
		lab_fail "$tool destroy failed on run $run (see bench-$tool-$run-destroy.log)"
	lab_wait_for 60 lab_guest_absent "$name" || lab_fail "$name still there 60 s after $tool destroy (run $run)"
	destroy=$(($(lab_cs "$(lab_now)") - $(lab_cs "$s")))
	echo "$tool create $create" >>"$results"
	echo "$tool destroy $destroy" >>"$results"
	echo "$tool requests $requests" >>"$results"
	lab_log "run $run, $tool: create to first console line $((create / 100)).$((create % 100 / 10)) s, destroy $((destroy / 100)).$((destroy % 100 / 10)) s, $requests xenstore requests during create"
	rm -f "$trace"
}

# median TOOL WHAT: the median of the values recorded (the lower middle one
# of an even count)
median() {
	awk -v t="$1" -v w="$2" '$1 == t && $2 == w { print $3 }' "$results" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

results=/lab/out/bench-create-raw.txt
: >"$results"
i=1
while [ "$i" -le "$runs" ]; do
	if [ $((i % 2)) = 1 ]; then order="xl xctl"; else order="xctl xl"; fi
	for tool in $order; do bench_one "$tool" "$i"; done
	i=$((i + 1))
done

cs() { echo "$(($1 / 100)).$(printf '%02d' $(($1 % 100)))"; }
{
	echo "create (to the guest's first console line) and destroy of a PV guest with one disk and one vif,"
	echo "xl against xctl, $runs runs each, alternating; medians in seconds"
	printf '%-28s %10s %10s %12s\n' phase xl xctl "xctl / xl"
	for w in create destroy requests; do
		a=$(median xl $w) b=$(median xctl $w)
		if [ "$w" = requests ]; then
			fa=$a fb=$b
			label="xenstore requests in create"
		else
			fa=$(cs "$a") fb=$(cs "$b")
			label=$w
		fi
		ratio=-
		[ "${a:-0}" -gt 0 ] && ratio="$((b * 100 / a / 100)).$(printf '%02d' $((b * 100 / a % 100)))x"
		printf '%-28s %10s %10s %12s\n' "$label" "$fa" "$fb" "$ratio"
	done
} >"$LAB_OUT/bench-create.txt"
cat "$LAB_OUT/bench-create.txt"
