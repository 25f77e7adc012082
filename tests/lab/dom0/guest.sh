# SPDX-License-Identifier: LGPL-2.1-only
# The guest life cycle with xl, shared by the xl-* scenarios (sourced after
# lib.sh). lab_xl_guest TYPE IP [RETRIES]:
#   create a TYPE (pv, pvh, hvm) guest with a file disk (blkback through the
#   block script) and a vif on xenbr0; wait for its init; check the disk
#   marker it wrote back; ping it both ways; shut it down; destroy it; check
#   that it is gone. The xenstore tree is saved and schema-checked after each
#   phase (created, connected, shutdown, destroyed).
#   The one failure that is retried, at most RETRIES times, is the documented
#   emulation fault (lab_boot_fault); each retry is a RETRY result, counted
#   in the summary. Every other failure, and any failure once the guest's
#   init runs, fails the scenario.
#
# A scenario may set, before calling lab_xl_guest: LAB_DISK_OPTS (the disk
# spec's backend part, default script=block), LAB_VIF_OPTS (appended to the
# vif spec), LAB_CMDLINE_EXTRA (appended to the guest's command line) and
# LAB_RUNNING_HOOK (a command run once the guest answers ping, before its
# shutdown; its failure fails the scenario), LAB_EXIT_HOOK (a command run
# when the scenario exits, after the guest is destroyed).
#
# /lab/break (tests of the harness only; XCTL_LAB_BREAK on the host) names a
# fault to plant: disk-marker makes the guest write back a wrong marker.
LAB_BREAK=$(cat /lab/break 2>/dev/null)

lab_guest_cfg() {
	ty=$1 ip=$2 mac=$3 img=$4 cfg=$5
	{
		echo "name = \"lab-$ty\""
		echo "type = \"$ty\""
		echo "memory = 128"
		echo "vcpus = 1"
		echo "kernel = \"/lab/guest/vmlinuz\""
		echo "ramdisk = \"/lab/guest/initrd.img\""
		echo "disk = [ \"format=raw,vdev=xvda,access=rw,${LAB_DISK_OPTS:-script=block},target=$img\" ]"
		echo "on_poweroff = \"preserve\""
		echo "on_reboot = \"preserve\""
		echo "on_crash = \"preserve\""
		# The console is hvc0 for every type: xenconsoled serves HVM guests'
		# PV console too, and an emulated UART costs a trap per character.
		# pci=noearly (HVM): the kernel's early PCI scans (the AMD GART
		# aperture check among them) took 2 x 24 s of an HVM guest's boot
		# here, each config-space access a trip to the device model.
		early=
		[ "$ty" = hvm ] && early=" pci=noearly"
		echo "cmdline = \"console=hvc0 lab.ip=$ip$early${LAB_BREAK:+ lab.break=$LAB_BREAK}${LAB_CMDLINE_EXTRA:+ $LAB_CMDLINE_EXTRA}\""
		if [ "$ty" = hvm ]; then
			echo "vif = [ \"mac=$mac,bridge=xenbr0,type=vif\" ]"
			echo "vnc = 0"
			echo "sdl = 0"
			echo "vga = \"none\""
		else
			echo "vif = [ \"mac=$mac,bridge=xenbr0${LAB_VIF_OPTS:+,$LAB_VIF_OPTS}\" ]"
		fi
	} >"$cfg"
}

# The state column of `xl list NAME` (r, b, p, s, c, d or dashes).
lab_guest_state() {
	xl list "$1" 2>/dev/null | {
		read -r _
		read -r _ _ _ _ gs_state _
		echo "$gs_state"
	}
}
lab_guest_is_shutdown() { lab_guest_state "$1" | grep -q s; }
lab_guest_absent() { ! xl domid "$1" >/dev/null 2>&1; }

# lab_boot_fault TYPE DOMID CONSOLE XENLOG: whether a failed boot is the
# documented emulation fault: QEMU's nested SVM sometimes makes a PVH or
# HVM guest triple-fault early in its boot. Its signature: Xen's console
# (XENLOG, `xl dmesg`) reports "dDOMIDvN Triple fault" for that domain, and
# the guest's console (CONSOLE) shows that its init never ran. Prints the
# signature found and returns 0, or returns 1.
lab_boot_fault() {
	bf_ty=$1 bf_id=$2 bf_con=$3 bf_xen=$4
	case $bf_ty in pvh | hvm) ;; *) return 1 ;; esac
	[ -n "$bf_id" ] || return 1
	grep -q LAB-GUEST-INIT-RUNNING "$bf_con" 2>/dev/null && return 1
	bf_line=$(grep -E "d${bf_id}v[0-9]+ Triple fault" "$bf_xen" 2>/dev/null | head -n 1) || return 1
	[ -n "$bf_line" ] || return 1
	echo "early-boot triple fault (Xen: ${bf_line#*) }; the guest's init never ran)"
	return 0
}

# lab_boot_diagnose DOMID KEEP: what a guest that did not boot was doing,
# into KEEP-state.txt: each vCPU's registers and stack (xenctx, with the
# guest kernel's symbols), its vCPUs as Xen sees them, and the xenstore
# state of its devices' frontends and backends.
lab_boot_diagnose() {
	bd_id=$1 bd_keep=$2
	{
		echo "== xenctx -C -S (registers and stack of every vCPU, twice, 1 s apart)"
		/usr/lib/xen-4.17/bin/xenctx -s /lab/guest/System.map -C -S "$bd_id" 2>&1
		sleep 1
		/usr/lib/xen-4.17/bin/xenctx -s /lab/guest/System.map -C -S "$bd_id" 2>&1
		echo "== xl vcpu-list"
		command xl vcpu-list "$bd_id" 2>&1
		echo "== frontends"
		xenstore-ls -f "/local/domain/$bd_id/device" 2>&1
		echo "== backends"
		xenstore-ls -f /local/domain/0/backend 2>&1
	} >"$bd_keep-state.txt"
}

# lab_wait_boot NAME CONSOLE MAX STALL: wait for the guest's READY marker.
# Gives up when the domain crashed or stopped, when its console, once it has
# printed, has been silent for STALL seconds (a guest stuck in boot), or
# after MAX seconds; a slow guest that keeps printing is given the time it
# needs.
lab_wait_boot() {
	b_name=$1 b_con=$2 b_max=$3 b_stall=$4
	b_start=$(lab_now) b_last=$(lab_now) b_size=-1
	while :; do
		grep -q LAB-GUEST-READY "$b_con" 2>/dev/null && return 0
		b_state=$(lab_guest_state "$b_name")
		case $b_state in
		*c*) LAB_BOOT_WHY="the domain crashed (state $b_state)"; return 1 ;;
		*s*) LAB_BOOT_WHY="the domain shut down (state $b_state)"; return 1 ;;
		"") if lab_guest_absent "$b_name"; then
			# what xl said, in case it is xl that failed, not the guest
			b_said=$(xl list 2>&1 | tail -n 3 | tr '\n' ' ')
			LAB_BOOT_WHY="the domain disappeared (xl list: $b_said)"
			return 1
		fi ;;
		esac
		# A console that has not printed yet is not stalled: an HVM guest's
		# firmware prints nothing there; MAX bounds that wait.
		n=$(wc -c <"$b_con" 2>/dev/null || echo 0)
		if [ "$n" != "$b_size" ] || [ "$n" = 0 ]; then
			b_size=$n
			b_last=$(lab_now)
		elif [ "$(lab_elapsed "$b_last" | cut -d. -f1)" -ge "$b_stall" ]; then
			LAB_BOOT_WHY="its console stayed silent for $b_stall s at $b_size bytes (state $b_state)"
			return 1
		fi
		if [ "$(lab_elapsed "$b_start" | cut -d. -f1)" -ge "$b_max" ]; then
			LAB_BOOT_WHY="still booting after $b_max s (state $b_state)"
			return 1
		fi
		sleep 1
	done
}

lab_xl_guest() {
	ty=$1 ip=$2 retries=${3:-0}
	sc=$LAB_SCENARIO
	name=lab-$ty
	img=/lab/disks/$ty.img
	cfg=/lab/out/$name.cfg
	mac=$(printf '00:16:3e:00:00:%02x' "${ip##*.}")
	con=/var/log/xen/console/guest-$name.log
	lab_guest_cfg "$ty" "$ip" "$mac" "$img" "$cfg"
	# Whatever happens, leave no guest behind for the next scenario.
	trap 'cp "$con" /lab/out/ 2>/dev/null; xl destroy "$name" >/dev/null 2>&1; ${LAB_EXIT_HOOK:-:}' EXIT

	attempt=0
	while :; do
		attempt=$((attempt + 1))
		nonce=$ty-$attempt-$(lab_now)
		rm -f "$img" "$con"
		dd if=/dev/zero of="$img" bs=1M count=8 2>/dev/null
		# On the disk before any backend opens it: a backend may read the
		# image around dom0's page cache (O_DIRECT, as QEMU's qdisk does).
		printf 'LAB-DISK-IN %s\n' "$nonce" | dd of="$img" conv=notrunc,fsync 2>/dev/null
		sync
		chk=$(dd if="$img" bs=512 count=1 2>/dev/null | tr -d '\000' | head -n 1)
		[ "$chk" = "LAB-DISK-IN $nonce" ] ||
			lab_fail "dom0 wrote the disk marker to $img but reads back '$chk'"

		s=$(lab_now)
		xl -v create "$cfg" >"/lab/out/$name-create.log" 2>&1 ||
			{ tail -n 20 "/lab/out/$name-create.log"; lab_fail "xl create $name failed (see $name-create.log)"; }
		lab_time "$sc" create "$(lab_elapsed "$s")"
		domid=$(xl domid "$name") || lab_fail "xl domid $name failed after create"
		lab_log "$name is domain $domid (attempt $attempt)"
		f=$(lab_xs_dump "$sc" created)
		lab_schema_check "$sc" created "$f" --phase created

		s=$(lab_now)
		if lab_wait_boot "$name" "$con" 300 90; then
			lab_time "$sc" boot "$(lab_elapsed "$s")"
			break
		fi
		lab_log "$name did not reach its init's READY marker: $LAB_BOOT_WHY"
		keep=/lab/out/$name-attempt$attempt
		cp "$con" "$keep-console.log" 2>/dev/null || : >"$keep-console.log"
		lab_boot_diagnose "$domid" "$keep"
		# Xen's console through the real xl, whichever tool the scenario drives
		command xl dmesg >"$keep-xen.log" 2>&1
		fault=$(lab_boot_fault "$ty" "$domid" "$keep-console.log" "$keep-xen.log") || fault=""
		xl destroy "$name" >/dev/null 2>&1
		[ -n "$fault" ] ||
			lab_fail "$name did not boot: $LAB_BOOT_WHY; not the documented emulation fault, so not retried (see $(basename "$keep")-console.log, -xen.log, -state.txt)"
		[ "$attempt" -gt "$retries" ] &&
			lab_fail "$name did not boot in $attempt attempts, each an $fault"
		lab_result "$sc/retry$attempt" RETRY 0 "attempt $attempt: $fault; retried"
	done

	grep -q "LAB-GUEST-DISK-READ LAB-DISK-IN $nonce" "$con" ||
		lab_fail "$name did not read the disk marker LAB-DISK-IN $nonce (its console: $(grep LAB-GUEST-DISK "$con" | tr '\n' ' '))"
	got=$(dd if="$img" bs=512 skip=1 count=1 2>/dev/null | tr -d '\000' | head -n 1)
	[ "$got" = "LAB-DISK-OUT $nonce" ] ||
		lab_fail "the marker $name wrote to its disk is '$got', expected 'LAB-DISK-OUT $nonce'"
	lab_log "disk round trip ok: $got"

	s=$(lab_now)
	ping -c 3 -W 5 "$ip" >"/lab/out/$name-ping.txt" 2>&1 ||
		lab_fail "dom0 cannot ping $name at $ip (see $name-ping.txt)"
	lab_time "$sc" ping "$(lab_elapsed "$s")"
	grep -q LAB-GUEST-PINGED-DOM0 "$con" ||
		lab_fail "$name cannot ping dom0 at 10.0.0.1 (its console lacks LAB-GUEST-PINGED-DOM0)"
	f=$(lab_xs_dump "$sc" connected)
	lab_schema_check "$sc" connected "$f" --phase connected
	if [ -n "${LAB_RUNNING_HOOK:-}" ]; then
		$LAB_RUNNING_HOOK "$name" "$domid" "$con" || lab_fail "$LAB_RUNNING_HOOK failed for $name"
	fi

	s=$(lab_now)
	xl shutdown "$name" >"/lab/out/$name-shutdown.log" 2>&1 || lab_fail "xl shutdown $name failed"
	lab_wait_for 90 lab_guest_is_shutdown "$name" ||
		lab_fail "$name did not shut down within 90 s (state $(lab_guest_state "$name"))"
	lab_time "$sc" shutdown "$(lab_elapsed "$s")"
	# xenconsoled writes the guest's last words to the log after the guest
	# has gone: give it 10 s to do so
	lab_wait_for 10 grep -q LAB-GUEST-POWEROFF "$con" ||
		lab_fail "$name shut down without running its poweroff action (its console ends: $(tail -n 3 "$con" | tr '\n' ' '))"
	# shut down, not yet destroyed: every node of a created domain is still there
	f=$(lab_xs_dump "$sc" shutdown)
	lab_schema_check "$sc" shutdown "$f" --phase created

	s=$(lab_now)
	xl destroy "$name" >"/lab/out/$name-destroy.log" 2>&1 || lab_fail "xl destroy $name failed"
	lab_wait_for 30 lab_guest_absent "$name" || lab_fail "$name still listed 30 s after destroy"
	lab_time "$sc" destroy "$(lab_elapsed "$s")"
	f=$(lab_xs_dump "$sc" destroyed)
	if grep -Eq "^/local/domain/$domid/|^/local/domain/$domid |/backend/[a-z0-9]+/$domid/" "$f"; then
		lab_fail "xenstore still holds paths of domain $domid after destroy (see $(basename "$f"))"
	fi
	lab_schema_check "$sc" destroyed "$f" --after-destroy "$domid"
	cp "$con" "/lab/out/" 2>/dev/null
	return 0
}
