#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The lab's plan: what each scenario of tests/lab/scenarios/ does in this
# run, decided on the host before QEMU starts. Called by lab.sh; the tests
# call it on scenario directories of their own.
#
# Usage: tests/lab/plan.sh SCENARIO_DIR BUILD_DIR [KNOWN_TARGET...]
#   KNOWN_TARGET   build outputs the tree knows how to make (relative to
#                  BUILD_DIR: make's PROGRAMS, TESTS, BENCHES and LAB_DATA)
# Environment: XCTL_LAB_ONLY (scenario names to run; the others are
# SKIPPED), XCTL_SRC (the source tree, for the feature probes).
#
# Prints one line per scenario, in the order of the file names:
#   RUN NAME FILE TIMEOUT NEED...     run it in dom0 (NEEDs: build outputs
#                                     to copy there)
#   NOTRUN NAME REASON                a declared prerequisite is really missing
#   FAIL NAME REASON                  the scenario is broken or its build
#                                     output is missing: a failure of the run
#   SKIPPED NAME REASON               not selected by XCTL_LAB_ONLY
# and exits 0, or 2 when the directory holds no scenario or XCTL_LAB_ONLY
# names one that does not exist.
#
# A scenario's header (docs/lab.md):
#   # lab-name: NAME          the name in the summary (default: the file name)
#   # lab-timeout: SECONDS    hard limit in dom0 (default 300)
#   # lab-needs: NEED...      build outputs (bin/X, tests/X, bench/X, lab data:
#                             known targets; make lab builds them) and
#                             features (feature:NAME, tests/lab/features.sh)
# Any other "# lab-KEY:" line is an error, as is an unknown need.
set -u
dir=$1 build=$2
shift 2
known=" $* "
lab=$(cd "$(dirname "$0")" && pwd)
XCTL_SRC=${XCTL_SRC:-$(cd "$lab/../.." && pwd)}
export XCTL_SRC
. "$lab/features.sh"

set -- "$dir"/*.sh
[ -e "$1" ] || { echo "lab plan: no scenario in $dir" >&2; exit 2; }

names=" "
for f in "$@"; do
	n=$(sed -n 's/^# lab-name: *//p' "$f" | head -n 1)
	names="$names${n:-$(basename "$f" .sh)} "
done
for o in ${XCTL_LAB_ONLY:-}; do
	case $names in
	*" $o "*) ;;
	*) echo "lab plan: XCTL_LAB_ONLY names '$o', which is no scenario (known:$names)" >&2; exit 2 ;;
	esac
done

for f in "$@"; do
	base=$(basename "$f")
	name=$(sed -n 's/^# lab-name: *//p' "$f" | head -n 1)
	tmo=$(sed -n 's/^# lab-timeout: *//p' "$f" | head -n 1)
	needs=$(sed -n 's/^# lab-needs: *//p' "$f" | tr '\n' ' ')
	[ -n "$name" ] || name=${base%.sh}
	[ -n "$tmo" ] || tmo=300
	fail="" notrun="" copy=""
	bad=$(sed -n 's/^# \(lab-[a-z-]*\):.*/\1/p' "$f" | grep -vx 'lab-name\|lab-timeout\|lab-needs' | head -n 1)
	if [ -n "$bad" ]; then
		fail="$base: unknown header '# $bad:' (lab-name, lab-timeout and lab-needs are known)"
	fi
	case $tmo in
	'' | *[!0-9]* | 0) fail="$base: lab-timeout '$tmo' is not a positive number of seconds" ;;
	esac
	case $name in
	*[!A-Za-z0-9._-]*)
		fail="$base: lab-name '$name' holds characters other than letters, digits, . _ -"
		name=${base%.sh}
		;;
	esac
	for n in $needs; do
		[ -z "$fail" ] || break
		case $n in
		feature:*)
			fn=lab_feature_$(echo "${n#feature:}" | tr '-' '_')
			if ! command -v "$fn" >/dev/null 2>&1 || [ "$(command -v "$fn")" != "$fn" ]; then
				fail="unknown lab-needs name '$n' (features: $(lab_features | tr '\n' ' ')in tests/lab/features.sh)"
			elif ! why=$("$fn" "$build" 2>&1); then
				[ -n "$notrun" ] || notrun="prerequisite $n is missing: ${why:-its probe said so}"
			fi
			;;
		*)
			case $known in
			*" $n "*)
				if [ -e "$build/$n" ]; then
					copy="$copy $n"
				else
					fail="prerequisite $n is a build output of the tree but was not built"
				fi
				;;
			*) fail="unknown lab-needs name '$n' (neither a build output of the tree nor feature:NAME)" ;;
			esac
			;;
		esac
	done
	if [ -n "$fail" ]; then
		echo "FAIL $name $fail"
	elif [ -n "${XCTL_LAB_ONLY:-}" ] && case " $XCTL_LAB_ONLY " in *" $name "*) false ;; *) true ;; esac; then
		echo "SKIPPED $name not selected by XCTL_LAB_ONLY"
	elif [ -n "$notrun" ]; then
		echo "NOTRUN $name $notrun"
	else
		echo "RUN $name $base $tmo$copy"
	fi
done
