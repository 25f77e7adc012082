# SPDX-License-Identifier: LGPL-2.1-only
# Helpers of the scenario suite, sourced by run.sh before a scenario.
# POSIX sh that BusyBox sh also runs (the lab's dom0). A scenario drives
# only the xctl command line, so that it runs unchanged on the simulated
# host and on real Xen.
#
# The environment (set by tests/scenarios/test_scenarios.c or the lab):
#   XCTL                the xctl command ("/path/xctl --sim", or "xctl")
#   XCTL_SCEN_CONFIGS   the example configurations (configs/)
#   XCTL_SCEN_TMP       a directory of the scenario's own (disk images)
#   XCTL_SCEN_ARGS_PV, XCTL_SCEN_ARGS_PVH, XCTL_SCEN_ARGS_HVM
#                       KEY=VALUE overrides for each type (the lab's kernels)
#   XCTL_SCEN_TIMEOUT   seconds a guest gets to boot or shut down (default 30)
#   XCTL_SCEN_DISK_OPTS disk spec options for every disk (the lab's
#                       "script=block": kernel blkback on a loop device)
#   XCTL_SCEN_VIF_OPTS  vif spec options for every vif create() makes
#   XCTL_SCEN_GUEST_HOOK a program run at each phase of a guest's life
#                       (guest_phase below: the lab's disk and ping checks)
#   XCTL_STATE_DIR, XCTL_LOG_DIR, XCTL_HOOKS_DIR, XCTL_SIM_DIR (xctl's own)

: "${XCTL_SCEN_TIMEOUT:=30}"
: "${XCTL_SCEN_ARGS_PV:=}" "${XCTL_SCEN_ARGS_PVH:=}" "${XCTL_SCEN_ARGS_HVM:=}"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

say() {
	echo "== $*"
}

x() {
	# shellcheck disable=SC2086
	$XCTL "$@"
}

# Run xctl, expecting success; its output on stdout.
ok() {
	x "$@" || fail "xctl $* failed (exit $?)"
}

# Run xctl, expecting failure with exit status $1; stderr kept in $XCTL_SCEN_TMP/err.
fails() {
	want=$1
	shift
	if x "$@" >"$XCTL_SCEN_TMP/out" 2>"$XCTL_SCEN_TMP/err"; then
		fail "xctl $* succeeded; it should have failed"
	else
		got=$?
	fi
	[ "$got" = "$want" ] || fail "xctl $* exited $got, expected $want: $(cat "$XCTL_SCEN_TMP/err")"
}

# The disk spec options every disk gets (", script=block"), or nothing.
disk_opts() {
	[ -z "${XCTL_SCEN_DISK_OPTS:-}" ] || printf ', %s' "$XCTL_SCEN_DISK_OPTS"
}

# A raw disk image of $2 MiB at $1 (sparse).
make_disk() {
	[ -e "$1" ] || dd if=/dev/zero of="$1" bs=1048576 count=0 seek="${2:-16}" 2>/dev/null ||
		fail "cannot make the disk image $1"
}

# create TYPE NAME [KEY=VALUE...]: create from configs/TYPE.cfg with one
# disk and one vif (the example's are replaced by ours), named NAME.
create() {
	type=$1
	name=$2
	shift 2
	img="$XCTL_SCEN_TMP/$name.img"
	make_disk "$img" 16
	case $type in
	pv) extra=$XCTL_SCEN_ARGS_PV vdev=xvda ;;
	pvh) extra=$XCTL_SCEN_ARGS_PVH vdev=xvda ;;
	hvm) extra=$XCTL_SCEN_ARGS_HVM vdev=xvda ;;
	*) fail "unknown guest type $type" ;;
	esac
	# shellcheck disable=SC2086
	guest_phase prepare "$name"
	x create -q "$XCTL_SCEN_CONFIGS/$type.cfg" "name=\"$name\"" \
		"disk=[\"format=raw, vdev=$vdev, access=rw$(disk_opts), target=$img\"]" \
		"vif=[\"bridge=xenbr0${XCTL_SCEN_VIF_OPTS:+, $XCTL_SCEN_VIF_OPTS}\"]" $extra "$@" ||
		fail "xctl create of $type domain $name failed"
	domid=$(x domid "$name") || fail "no domid for $name after create"
	echo "$domid" >>"$XCTL_SCEN_TMP/domids"
	guest_phase created "$name"
}

# guest_phase PHASE NAME: a point in the life of the guest NAME that
# create() made, where the tree is checked against the schema (created:
# --phase created; up, once its disk xvda and vif 0 are Connected: --phase
# connected; shutdown: --phase created, a shut-down guest still has every
# node; destroyed: --after-destroy). With XCTL_SCEN_GUEST_HOOK the host
# does those checks itself, and more, in the program it names, run as
# HOOK PHASE NAME DOMID IMAGE (prepare: before create, no DOMID yet): the
# lab writes a marker on the disk, waits for the guest's init, checks the
# marker it wrote back and pings it, and keeps each tree.
guest_phase() {
	gp_id=
	[ "$1" = prepare ] || gp_id=$(cat "$XCTL_SCEN_TMP/$2.domid" 2>/dev/null)
	case $1 in
	created) gp_id=$(x domid "$2") && echo "$gp_id" >"$XCTL_SCEN_TMP/$2.domid" ;;
	up)
		wait_for "$XCTL_SCEN_TIMEOUT" "$2's disk connected" dev_connected block-list "$2" 51712
		wait_for "$XCTL_SCEN_TIMEOUT" "$2's vif connected" dev_connected network-list "$2" 0
		;;
	esac
	if [ -n "${XCTL_SCEN_GUEST_HOOK:-}" ]; then
		"$XCTL_SCEN_GUEST_HOOK" "$1" "$2" "$gp_id" "$XCTL_SCEN_TMP/$2.img" ||
			fail "the host's check of $2 at phase $1 failed ($XCTL_SCEN_GUEST_HOOK)"
		return 0
	fi
	case $1 in
	created | shutdown) set -- "$1" "$2" --phase created ;;
	up) set -- "$1" "$2" --phase connected ;;
	destroyed) set -- "$1" "$2" --after-destroy "$gp_id" ;;
	*) return 0 ;;
	esac
	xenstore-ls -fp >"$XCTL_SCEN_TMP/$2-$1.tree" 2>/dev/null
	gp_ph=$1 gp_name=$2
	shift 2
	x schema check "$@" "$XCTL_SCEN_TMP/$gp_name-$gp_ph.tree" >"$XCTL_SCEN_TMP/$gp_name-$gp_ph.schema" 2>&1 ||
		fail "$gp_name at phase $gp_ph: xctl schema check $*: $(cat "$XCTL_SCEN_TMP/$gp_name-$gp_ph.schema")"
}

# dev_connected block-list|network-list DOMAIN DEV: the device's row shows
# state 4 (Connected).
dev_connected() {
	dc_col=4
	[ "$1" = network-list ] && dc_col=5
	[ "$(x "$1" "$2" | awk -v d="$3" -v c="$dc_col" 'NR > 1 && $1 == d { print $c }')" = 4 ]
}

# guest_life TYPE: the life of one TYPE guest, scen-TYPE, from
# configs/TYPE.cfg: create, list -l --json, pause and unpause, up (its disk
# and vif Connected), shutdown -w, destroy; the tree checked at each phase
# (guest_phase). An on_poweroff of destroy (configs/) leaves it gone after
# shutdown -w, through its monitor; preserve (the lab's configs) leaves it
# shut down until destroy.
guest_life() {
	gl_ty=$1
	gl_name=scen-$1
	say "create a $gl_ty domain"
	create "$gl_ty" "$gl_name"
	[ "$(json_field "$gl_name" type)" = "$gl_ty" ] || fail "list -l --json: type is not $gl_ty"
	[ "$(json_field "$gl_name" name)" = "$gl_name" ] || fail "list -l --json: wrong name"
	x list -l --json "$gl_name" | grep -q '"config"' || fail "list -l --json has no config"
	gl_off=$(json_field "$gl_name" on_poweroff)
	case $gl_off in
	destroy | preserve) ;;
	*) fail "list -l --json: on_poweroff is '$gl_off' (the suite knows destroy and preserve)" ;;
	esac
	say "pause and unpause"
	ok pause "$gl_name"
	wait_for "$XCTL_SCEN_TIMEOUT" "$gl_name paused" is_state "$gl_name" '--p---'
	ok unpause "$gl_name"
	wait_for "$XCTL_SCEN_TIMEOUT" "$gl_name running" is_state "$gl_name" '[r-][b-]----'
	say "up: disk and vif connected"
	guest_phase up "$gl_name"
	say "shutdown -w (on_poweroff $gl_off)"
	ok shutdown -w "$gl_name"
	if [ "$gl_off" = preserve ]; then
		wait_for "$XCTL_SCEN_TIMEOUT" "$gl_name shut down" is_state "$gl_name" '---s--'
		guest_phase shutdown "$gl_name"
		ok destroy "$gl_name"
	fi
	wait_for "$XCTL_SCEN_TIMEOUT" "$gl_name gone" is_gone "$gl_name"
	guest_phase destroyed "$gl_name"
}

# The state column of xl list for domain $1 (e.g. "-b----"), or "gone".
state() {
	x list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }' | grep . || echo gone
}

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds, for SECONDS of
# the clock (not a count of tries: one xctl command takes seconds under the
# lab's emulation).
wait_for() {
	secs=$1
	what=$2
	shift 2
	wf_end=$(($(date +%s) + secs))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -le "$wf_end" ] || fail "gave up after $secs s waiting for $what"
		sleep 0.1
	done
}

is_gone() {
	[ "$(state "$1")" = gone ]
}

is_state() {
	case $(state "$1") in
	$2) return 0 ;;
	esac
	return 1
}

# A field of `xctl list -l --json DOMAIN`: the value of the first line
# "KEY": VALUE (numbers and strings).
json_field() {
	x list -l --json "$1" | sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -n 1
}

# crash NAME: make the guest crash, as an administrator would: sysrq c (a
# Linux guest panics). A guest that ignores sysrq (the simulated guest
# until it handles it) is told "crash" on its console shell instead.
crash() {
	cid=$(x domid "$1") || fail "no domain $1 to crash"
	ok sysrq "$1" c
	i=0
	cr_end=$(($(date +%s) + 15))
	while [ $i -lt 30 ] && [ "$(date +%s)" -le "$cr_end" ]; do
		now=$(x domid "$1" 2>/dev/null) || return 0
		[ "$now" = "$cid" ] || return 0
		case $(state "$1") in
		---s*) return 0 ;;
		esac
		i=$((i + 1))
		sleep 0.1
	done
	printf 'crash\n' | x console "$1" >/dev/null 2>&1
}

# ---- the leak check (run.sh calls these around every scenario)

# Processes of this suite's xctl (their environment has our state dir).
our_processes() {
	for e in $(grep -l -s -F "XCTL_STATE_DIR=$XCTL_STATE_DIR" /proc/[0-9]*/environ); do
		p=${e%/environ}
		cmd=$({ tr '\000' ' ' <"$p/cmdline"; } 2>/dev/null)
		case ${cmd%% *} in
		*xctl*) echo "${p#/proc/} $cmd" ;;
		esac
	done | sort -n
}

# wait_monitors PREFIX SECONDS: until the monitors running are those of the
# snapshot PREFIX (at most SECONDS of the clock).
wait_monitors() {
	wm_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -le "$wm_end" ]; do
		our_processes | grep ' monitor ' | cmp -s - "$1.monitors" && return 0
		sleep 0.2
	done
	return 0
}

tree_dump() {
	xenstore-ls -fp 2>/dev/null | sed 's/[[:space:]]*$//' | sort
}

# snapshot PREFIX: what must be the same after the scenario.
snapshot() {
	tree_dump >"$1.tree"
	{ [ -d "$XCTL_STATE_DIR" ] && (cd "$XCTL_STATE_DIR" && find . -mindepth 1 | sort); } >"$1.files"
	{ [ -n "${XCTL_SIM_DIR:-}" ] && [ -d "$XCTL_SIM_DIR/domains" ] && ls "$XCTL_SIM_DIR/domains"; } >"$1.socks"
	our_processes | awk '{ $1 = ""; print }' | grep -v ' monitor ' | sort >"$1.procs"
	our_processes | grep ' monitor ' >"$1.monitors"
	x list | awk 'NR > 1 { print $1 }' | sort >"$1.domains"
}

# leak_check BEFORE AFTER: the tree equals the one before (but for the
# empty directories that stay once made: /vm, /libxl, dom0's home where no
# xen-init-dom0 made it, and on real Xen dom0's device-model, which libxl
# leaves behind the first HVM guest, with xl as with xctl; and dom0's empty
# backend directories, /local/domain/0/backend and its vbd, vif...: made
# with a domain's first device, and on real Xen removed by libxl with the
# last one, as libxl__xs_path_cleanup removes the empty parents of what it
# removes, so that a scenario after another that left them empty may end
# without them; a device below them still counts), the schema
# finds nothing left of the scenario's domains, and no domain, process,
# file or socket is left.
leak_check() {
	b=$1
	a=$2
	status=0
	for t in "$b" "$a"; do
		grep -v -x -e '/vm = ""   (n0)' -e '/libxl = ""   (n0)' -e '/local = ""   (n0)' \
			-e '/local/domain = ""   (n0)' -e '/local/domain/0 = ""   (n0)' \
			-e '/local/domain/0/device-model = ""   (n0)' "$t.tree" |
			grep -v -x -E '/local/domain/0/backend(/[a-z0-9]+)? = ""   \(n0\)' >"$t.tree2"
	done
	if ! diff "$b.tree2" "$a.tree2" >"$a.treediff"; then
		echo "LEAK: the xenstore tree differs from the one before the scenario:" >&2
		cat "$a.treediff" >&2
		status=1
	fi
	xenstore-ls -fp >"$a.dump" 2>/dev/null
	for id in $(sort -u "$XCTL_SCEN_TMP/domids" 2>/dev/null); do
		if ! x schema check --after-destroy "$id" "$a.dump" >"$a.schema" 2>&1; then
			echo "LEAK: xctl schema check --after-destroy $id:" >&2
			cat "$a.schema" >&2
			status=1
		fi
	done
	for what in domains files socks procs monitors; do
		if ! diff "$b.$what" "$a.$what" >"$a.$what.diff"; then
			echo "LEAK: $what left behind:" >&2
			cat "$a.$what.diff" >&2
			status=1
		fi
	done
	return $status
}
