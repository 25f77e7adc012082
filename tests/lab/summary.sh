#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The scenarios part of the lab's summary, from the plan (tests/lab/plan.sh)
# and dom0's results. Called by lab.sh; the tests call it on files of their
# own.
#
# Usage: tests/lab/summary.sh PLAN RESULTS
#   PLAN      RUN|NOTRUN|FAIL|SKIPPED lines, as plan.sh prints them
#   RESULTS   "RESULT NAME STATUS SECONDS REASON" lines from dom0; NAME/PART
#             lines belong to scenario NAME (schema checks, retries)
# Prints one line per scenario and per part, then the count of retries, and
# exits 1 when anything failed: a FAIL in the plan or the results, a planned
# scenario without a result, a status other than PASS (RETRY for a part), or
# a result of no planned scenario.
set -u
plan=$1 res=$2
failed=0 retries=0 rlist=""
line() { printf '  %-7s %-28s %7s  %s\n' "$1" "$2" "$3" "$4"; }

while read -r verb name rest; do
	[ -n "$verb" ] || continue
	case $verb in
	NOTRUN) line "NOT RUN" "$name" - "$rest" ;;
	SKIPPED) line SKIPPED "$name" - "$rest" ;;
	FAIL) line FAIL "$name" - "$rest"; failed=1 ;;
	RUN)
		r=$(grep "^RESULT $name " "$res" | head -n 1)
		n=$(grep -c "^RESULT $name/retry[0-9]* RETRY " "$res")
		if [ -z "$r" ]; then
			line FAIL "$name" - "no result: dom0 crashed or QEMU hit its deadline (see serial.log)"
			failed=1
		else
			set -- $r
			st=$3 secs=$4
			shift 4
			why="$*"
			[ "$n" -gt 0 ] && why="${why:+$why; }$n retr$([ "$n" = 1 ] && echo y || echo ies) for the documented emulation fault"
			case $st in
			PASS) ;;
			FAIL) failed=1 ;;
			*) why="unexpected status '$st' from dom0${why:+: $why}"; st=FAIL; failed=1 ;;
			esac
			line "$st" "$name" "${secs}s" "$why"
		fi
		grep "^RESULT $name/" "$res" | while read -r _ part st secs why; do
			case $st in
			PASS) ;;
			RETRY) case $part in "$name"/retry[0-9]*) ;; *) st=FAIL ;; esac ;;
			*) st=FAIL ;;
			esac
			line "$st" "$part" "${secs}s" "$why"
		done
		grep "^RESULT $name/" "$res" | grep -vq " PASS \| RETRY " && failed=1
		grep "^RESULT $name/[^ ]* RETRY " "$res" | grep -vq "^RESULT $name/retry[0-9]* " && failed=1
		retries=$((retries + n))
		[ "$n" -gt 0 ] && rlist="$rlist $name: $n,"
		;;
	*) line FAIL "$name" - "unknown plan line '$verb'"; failed=1 ;;
	esac
done <"$plan"

# results of no planned scenario
planned=$(awk '$1 == "RUN" { print $2 }' "$plan")
awk '$1 == "RESULT" { print $2 }' "$res" | sed 's|/.*||' | sort -u | while read -r n; do
	echo "$planned" | grep -qx "$n" || line FAIL "$n" - "a result of no scenario that was planned to run"
done
awk '$1 == "RESULT" { print $2 }' "$res" | sed 's|/.*||' | sort -u | while read -r n; do
	echo "$planned" | grep -qx "$n" || exit 1
done || failed=1

echo
rlist=${rlist%,}
echo "Retries: $retries${rlist:+ (${rlist# })}, each for the documented emulation fault only (an early-boot triple fault of a PVH or HVM guest under QEMU's nested SVM, docs/lab.md)"
exit $failed
