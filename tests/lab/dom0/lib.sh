# SPDX-License-Identifier: LGPL-2.1-only
# Helpers for the lab's dom0 and its scenarios (BusyBox ash).
#
# A scenario is a shell file sourced in a subshell after this library. It
# reports with lab_result / lab_time, and ends with exit 0 (PASS) or any
# other status (FAIL, with lab_fail "why"). Whether it runs at all (NOT RUN
# for a missing prerequisite) is decided on the host from its lab-needs
# header (tests/lab/plan.sh), never in dom0. A failed lab_schema_check fails
# the scenario too. Everything it wants kept goes to $LAB_OUT, which the host
# unpacks into $(BUILD)/lab/.
# The paths may be changed by the harness's own tests on the host.
LAB_OUT=${LAB_OUT:-/lab/out}
LAB_BIN=${LAB_BIN:-/lab/build/bin}
LAB_LIB=${LAB_LIB:-/lab/lib.sh}
LAB_CONSOLE=${LAB_CONSOLE:-/dev/console}
LAB_RESULTS=$LAB_OUT/results.txt
export LAB_OUT LAB_BIN LAB_LIB LAB_CONSOLE

lab_say() { echo "$*" >>"$LAB_CONSOLE"; }

# Seconds since dom0's kernel started, with hundredths ("123.45"). Time
# arithmetic stays in the shell: BusyBox awk has been seen to crash here.
lab_now() {
	read -r lab_up _ </proc/uptime
	echo "$lab_up"
}

# lab_cs SECONDS: "123.45" as centiseconds.
lab_cs() {
	lab_i=${1%.*}
	lab_f=${1#*.}
	[ "$lab_f" = "$1" ] && lab_f=00
	lab_f=$(printf '%.2s' "${lab_f}00")
	echo $((lab_i * 100 + ${lab_f#0}))
}

# lab_elapsed START: seconds since START (a lab_now value), one decimal.
lab_elapsed() {
	lab_d=$(($(lab_cs "$(lab_now)") - $(lab_cs "$1")))
	echo "$((lab_d / 100)).$((lab_d % 100 / 10))"
}

# lab_result NAME PASS|FAIL|NOTRUN SECONDS [REASON...]
lab_result() {
	n=$1 st=$2 secs=$3
	shift 3
	echo "RESULT $n $st $secs $*" >>"$LAB_RESULTS"
	lab_say "LAB-RESULT $n $st ${secs}s $*"
}

# lab_time SCENARIO PHASE SECONDS
lab_time() {
	echo "TIME $1 $2 $3" >>"$LAB_RESULTS"
	lab_say "LAB-TIME $1 $2 ${3}s"
}

lab_log() { lab_say "LAB-LOG ${LAB_SCENARIO:-dom0}: $*"; }

lab_fail() {
	lab_log "FAIL: $*"
	echo "$*" >"$LAB_OUT/.reason"
	exit 1
}

# NOT RUN is the host's decision (a lab-needs prerequisite probed missing):
# a scenario that calls this fails, saying so.
lab_notrun() {
	lab_fail "lab_notrun '$*' in dom0: declare the prerequisite in the scenario's lab-needs header instead (docs/lab.md)"
}

# lab_run_scenario NAME FILE TIMEOUT
lab_run_scenario() {
	name=$1 file=$2 tmo=$3
	start=$(lab_now)
	rm -f "$LAB_OUT/.reason" "$LAB_OUT/.schema-failed"
	lab_say "LAB-SCENARIO-START $name uptime=$start"
	# SIGKILL: a scenario stuck in its EXIT trap (a hung xl destroy) would
	# outlive a SIGTERM and hold the whole run; what it started is left.
	LAB_SCENARIO=$name timeout -s KILL "$tmo" sh -c '. "$LAB_LIB"; . "$1"' sh "$file" \
		>"$LAB_OUT/scenario-$name.log" 2>&1
	rc=$?
	case $rc in 124 | 137) lab_stuck_state "$name" ;; esac
	secs=$(lab_elapsed "$start")
	reason=$(cat "$LAB_OUT/.reason" 2>/dev/null)
	schema=$(cat "$LAB_OUT/.schema-failed" 2>/dev/null | tr '\n' ' ')
	case $rc in
	0) if [ -n "$schema" ]; then
		lab_result "$name" FAIL "$secs" "the schema check failed for phase(s): $schema"
	   else
		lab_result "$name" PASS "$secs"
	   fi ;;
	124 | 143 | 137) lab_result "$name" FAIL "$secs" "timed out after ${tmo}s" ;;
	*) lab_result "$name" FAIL "$secs" "${reason:-exit status $rc}" ;;
	esac
	tail -n 40 "$LAB_OUT/scenario-$name.log" | sed "s/^/LAB-LOG $name| /" >>"$LAB_CONSOLE"
}

# lab_stuck_state NAME: after a scenario timed out, what dom0's processes
# were doing (stuck-NAME.txt): the process list and, for xenstored and
# every xl or xctl process, its state and kernel stack.
lab_stuck_state() {
	{
		ps
		for p in /proc/[0-9]*; do
			c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)
			case $c in *xenstored* | *xl\ * | *xctl*) ;; *) continue ;; esac
			echo "== ${p#/proc/}: $c"
			grep -E '^(State|Threads)' "$p/status" 2>/dev/null
			cat "$p/wchan" 2>/dev/null && echo
			cat "$p/stack" 2>/dev/null
		done
	} >"$LAB_OUT/stuck-$1.txt" 2>&1
}

# lab_wait_for TIMEOUT COMMAND...: run COMMAND every half second until it
# succeeds; fails after TIMEOUT seconds.
lab_wait_for() {
	wf_end=$(($(lab_cs "$(lab_now)") + $1 * 100))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(lab_cs "$(lab_now)")" -gt "$wf_end" ] && return 1
		usleep 500000
	done
	return 0
}

# lab_xs_dump SCENARIO PHASE: save the whole xenstore tree, with
# permissions, as xenstore-SCENARIO-PHASE.txt; prints the file name.
lab_xs_dump() {
	f=$LAB_OUT/xenstore-$1-$2.txt
	# stderr apart: a node removed during the listing (a guest shutting
	# down) makes xenstore-ls complain, and its words are no tree line
	xenstore-ls -fp / >"$f" 2>"$f.err" || lab_log "xenstore-ls failed for $1 $2: $(head -n 3 "$f.err" | tr '\n' ' ')"
	echo "$f"
}

# lab_schema_check SCENARIO PHASE FILE [ARGS...]: run the schema validator
# on a tree and record the outcome as its own result line; a failure also
# fails the scenario when it ends (lab_run_scenario reads .schema-failed).
lab_schema_check() {
	sc=$1 ph=$2 f=$3
	shift 3
	n=$sc/schema-$ph
	s=$(lab_now)
	if "$LAB_BIN/xctl" schema check "$@" "$f" >"$LAB_OUT/schema-$sc-$ph.txt" 2>&1; then
		lab_result "$n" PASS "$(lab_elapsed "$s")"
	else
		lab_result "$n" FAIL "$(lab_elapsed "$s")" "see schema-$sc-$ph.txt"
		sed "s/^/LAB-LOG $n| /" "$LAB_OUT/schema-$sc-$ph.txt" | head -n 30 >>"$LAB_CONSOLE"
		echo "$ph" >>"$LAB_OUT/.schema-failed"
	fi
	return 0
}
