# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: create-xl-vs-xctl
# lab-timeout: 2200
# lab-needs: bin/xctl feature:xctl-xen feature:xctl-lifecycle
# Create and destroy timing of xl against xctl, in dom0, on the same PV
# guest config (one disk through blkback, one vif on xenbr0): runs
# alternate between the two tools (xl first on odd runs, xctl first on even
# ones), 5 runs of each; xctl twice: as installed (native hotplug with
# xctl-hotplug, no shell; the kernel and ramdisk decompressed once, from
# the image cache, which is emptied first, so xctl's first create is a cold
# one) and as xl does it (xctl-plain: hotplug = "scripts", kernel_cache = 0),
# so that xctl's own overhead shows too. Create is timed from the
# command's start to the guest's first console line (xenconsoled's log of
# the guest), destroy from the command's start to the domain's absence.
# The xenstore requests Xen's xenstored receives during a create are
# counted from its trace (xenstore-control logfile / log on) in one more
# create of each tool, not timed: under emulation the trace costs every
# request milliseconds (a few seconds a create, for either tool), which
# would weigh on the timed runs. Medians and the ratio xctl / xl go to
# bench-create.txt.
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
printf 'hotplug = "scripts"\nkernel_cache = 0\n' >/lab/out/xctl-plain.conf
rm -rf /var/cache/xctl/images

# bench_tool TOOL: the command line of a tool
bench_tool() {
	case $1 in
	xl) echo xl ;;
	xctl) echo "$xctl" ;;
	xctl-plain) echo "env XCTL_CONFIG=/lab/out/xctl-plain.conf $xctl" ;;
	esac
}

# bench_one TOOL RUN [trace]: one create and one destroy; appends
# "TOOL create CS", "TOOL command CS" and "TOOL destroy CS" to $results,
# or with trace (not timed) "TOOL requests N".
bench_one() {
	tool=$1 run=$2 cmd=$(bench_tool "$1")
	trace=/tmp/xs-trace-$tool-$run.log
	rm -f "$con" "$trace"
	if [ "${3:-}" = trace ]; then
		xenstore-control logfile "$trace" >/dev/null && xenstore-control log on >/dev/null ||
			lab_fail "xenstore-control could not start Xen's xenstored trace"
	fi
	s=$(lab_now)
	$cmd create "$cfg" >"/lab/out/bench-$tool-$run-create.log" 2>&1 ||
		lab_fail "$tool create failed on run $run (see bench-$tool-$run-create.log)"
	ret=$(($(lab_cs "$(lab_now)") - $(lab_cs "$s")))
	lab_wait_for 120 test -s "$con" || lab_fail "$name printed nothing on its console within 120 s ($tool, run $run)"
	create=$(($(lab_cs "$(lab_now)") - $(lab_cs "$s")))
	if [ "${3:-}" = trace ]; then
		xenstore-control log off >/dev/null
		requests=$(grep -c '^IN ' "$trace" 2>/dev/null || echo 0)
	fi
	lab_wait_for 300 grep -q LAB-GUEST-READY "$con" || lab_fail "$name did not reach READY ($tool, run $run)"
	s=$(lab_now)
	$cmd destroy "$name" >"/lab/out/bench-$tool-$run-destroy.log" 2>&1 ||
		lab_fail "$tool destroy failed on run $run (see bench-$tool-$run-destroy.log)"
	lab_wait_for 60 lab_guest_absent "$name" || lab_fail "$name still there 60 s after $tool destroy (run $run)"
	destroy=$(($(lab_cs "$(lab_now)") - $(lab_cs "$s")))
	if [ "${3:-}" = trace ]; then
		echo "$tool requests $requests" >>"$results"
		lab_log "$tool, traced (not timed): $requests xenstore requests during create"
		rm -f "$trace"
		return
	fi
	echo "$tool create $create" >>"$results"
	echo "$tool command $ret" >>"$results"
	echo "$tool destroy $destroy" >>"$results"
	lab_log "run $run, $tool: create command $((ret / 100)).$((ret % 100 / 10)) s, to first console line $((create / 100)).$((create % 100 / 10)) s, destroy $((destroy / 100)).$((destroy % 100 / 10)) s"
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
	case $((i % 3)) in
	1) order="xl xctl xctl-plain" ;;
	2) order="xctl xctl-plain xl" ;;
	*) order="xctl-plain xl xctl" ;;
	esac
	for tool in $order; do bench_one "$tool" "$i"; done
	i=$((i + 1))
done
for tool in xl xctl xctl-plain; do bench_one "$tool" traced trace; done

# One more create of each, not counted: the tool's own log (xl -vvv: libxl's
# debug messages) with each line stamped by dom0's uptime, and the hotplug
# log, to show where a create's time goes.
for tool in xl xctl; do
	cmd=$(bench_tool "$tool")
	v=-vvv
	rm -f "$con"
	: >/var/log/xen/hotplug.log
	s=$(lab_now)
	echo "$s start" >"$LAB_OUT/bench-profile-$tool.log"
	$cmd $v create "$cfg" 2>&1 | while IFS= read -r l; do
		read -r up _ </proc/uptime
		echo "$up $l"
	done >>"$LAB_OUT/bench-profile-$tool.log"
	echo "$(lab_now) command returned" >>"$LAB_OUT/bench-profile-$tool.log"
	lab_wait_for 120 test -s "$con"
	echo "$(lab_now) first console line" >>"$LAB_OUT/bench-profile-$tool.log"
	cp /var/log/xen/hotplug.log "$LAB_OUT/bench-profile-$tool-hotplug.log" 2>/dev/null
	lab_wait_for 300 grep -q LAB-GUEST-READY "$con"
	$cmd destroy "$name" >/dev/null 2>&1
	lab_wait_for 60 lab_guest_absent "$name"
done

# ratio B A: B / A with two decimals, "-" when A is 0
ratio() {
	if [ "${2:-0}" -gt 0 ]; then
		echo "$(($1 * 100 / $2 / 100)).$(printf '%02d' $(($1 * 100 / $2 % 100)))x"
	else
		echo -
	fi
}
cs() { echo "$(($1 / 100)).$(printf '%02d' $(($1 % 100)))"; }
{
	echo "create (to the guest's first console line) and destroy of a PV guest with one disk and one vif,"
	echo "xl against xctl (native hotplug, image cache) and xctl-plain (hotplug = scripts, kernel_cache = 0),"
	echo "$runs runs each, rotating; medians in seconds; xctl's first create (cold image cache): $(cs "$(awk '$1 == "xctl" && $2 == "create" { print $3; exit }' "$results")") s;"
	echo "xenstore requests from one more create of each with Xen's xenstored tracing, not timed"
	printf '%-28s %8s %8s %10s %13s %13s\n' phase xl xctl "xctl/xl" "xctl-plain" "plain/xl"
	for w in create command destroy requests; do
		a=$(median xl $w) b=$(median xctl $w) c=$(median xctl-plain $w)
		if [ "$w" = requests ]; then
			fa=$a fb=$b fc=$c
			label="xenstore requests in create"
		else
			fa=$(cs "$a") fb=$(cs "$b") fc=$(cs "$c")
			label=$w
			[ "$w" = command ] && label="create command's return"
		fi
		printf '%-28s %8s %8s %10s %13s %13s\n' "$label" "$fa" "$fb" "$(ratio "$b" "$a")" "$fc" "$(ratio "$c" "$a")"
	done
} >"$LAB_OUT/bench-create.txt"
cat "$LAB_OUT/bench-create.txt"
