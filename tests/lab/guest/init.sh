#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The lab guest's startup (run by BusyBox init as its sysinit action).
# Prints markers on the console that dom0 waits for: reads the marker dom0
# put in sector 0 of xvda, writes LAB-DISK-OUT back in sector 1, brings up
# eth0 with the address given as lab.ip= on the kernel command line, and
# then idles; `xl shutdown` makes the kernel run /sbin/poweroff. The disk is
# read once: a failed read fails the scenario. lab.break=disk-marker (tests
# of the harness only) writes back a wrong marker.
PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
echo "LAB-GUEST-INIT-RUNNING $(cut -d' ' -f1 /proc/uptime)"
for m in $(cat /lib/modules/lab/order); do
	insmod "/lib/modules/lab/$m.ko" || echo "LAB-GUEST-WARN insmod $m failed"
done

# xl sysrq: every key, crash (c) among them (Debian's default, 438, has
# not the dump keys)
echo 1 >/proc/sys/kernel/sysrq
# A vCPU the toolstack brings online later (vcpu-set) is added by the
# kernel and onlined by userspace, as a distribution's udev rule does (this
# kernel has no uevent helper): a CPU present and offline is onlined. One
# the toolstack takes away, the kernel offlines and removes itself.
(
	while :; do
		for c in /sys/devices/system/cpu/cpu[0-9]*/online; do
			read -r on <"$c" 2>/dev/null && [ "$on" = 0 ] && echo 1 >"$c"
		done
		sleep 1
	done
) </dev/null >/dev/null 2>&1 &

ip=
brk=
hot=
for a in $(cat /proc/cmdline); do
	case $a in
	lab.ip=*) ip=${a#lab.ip=} ;;
	lab.break=*) brk=${a#lab.break=} ;;
	lab.hot=*) hot=${a#lab.hot=} ;;
	esac
done

i=0
while [ ! -b /dev/xvda ] && [ $i -lt 60 ]; do usleep 250000; i=$((i + 1)); done
if [ -b /dev/xvda ]; then
	m=$(dd if=/dev/xvda bs=512 count=1 2>/tmp/dd.err | tr -d '\000' | head -n 1)
	echo "LAB-GUEST-DISK-READ $m"
	# for diagnosis only (the read above decides): what dd said, and what
	# a second read of the first bytes sees
	[ -n "$m" ] || echo "LAB-GUEST-DISK-EMPTY dd: $(tr '\n' ' ' </tmp/dd.err) again: $(dd if=/dev/xvda bs=16 count=1 2>&1 | od -An -c | head -n 1)"
	case $m in
	LAB-DISK-IN\ *)
		out=${m#LAB-DISK-IN }
		[ "$brk" = disk-marker ] && out="broken-$out" && echo "LAB-GUEST-BREAK disk-marker"
		printf 'LAB-DISK-OUT %s\n' "$out" |
			dd of=/dev/xvda bs=512 seek=1 conv=sync,fsync 2>/dev/null &&
			echo "LAB-GUEST-DISK-WRITTEN"
		;;
	esac
else
	echo "LAB-GUEST-ERROR no /dev/xvda after 15 s"
fi

ip link set lo up
i=0
while ! ip link show eth0 >/dev/null 2>&1 && [ $i -lt 60 ]; do usleep 250000; i=$((i + 1)); done
if [ -n "$ip" ] && ip addr add "$ip/24" dev eth0 && ip link set eth0 up; then
	echo "LAB-GUEST-NET-UP $ip"
	ping -c 1 -W 5 10.0.0.1 >/dev/null 2>&1 && echo "LAB-GUEST-PINGED-DOM0"
else
	echo "LAB-GUEST-ERROR eth0 not configured (lab.ip='$ip')"
fi
echo "LAB-GUEST-READY $(cut -d' ' -f1 /proc/uptime)"

# Hot-plug: poll (no fork per round: the tests are shell built-ins) for
# xvdb and eth1 coming and going, in the background so that init goes on.
hot_watch() {
	hd=0 hn=0
	while :; do
		if [ $hd = 0 ] && [ -b /dev/xvdb ]; then
			hd=1
			m=$(dd if=/dev/xvdb bs=512 count=1 2>/dev/null | tr -d '\000' | head -n 1)
			echo "LAB-GUEST-HOT-DISK-READ $m"
			case $m in
			LAB-HOT-IN\ *)
				printf 'LAB-HOT-OUT %s\n' "${m#LAB-HOT-IN }" |
					dd of=/dev/xvdb bs=512 seek=1 conv=sync,fsync 2>/dev/null &&
					echo "LAB-GUEST-HOT-DISK-WRITTEN"
				;;
			esac
		elif [ $hd = 1 ] && [ ! -b /dev/xvdb ]; then
			hd=0
			echo "LAB-GUEST-HOT-DISK-GONE"
		fi
		if [ $hn = 0 ] && [ -e /sys/class/net/eth1 ]; then
			hn=1
			ip addr add "$hot/24" dev eth1 && ip link set eth1 up && echo "LAB-GUEST-HOT-NET-UP $hot"
		elif [ $hn = 1 ] && [ ! -e /sys/class/net/eth1 ]; then
			hn=0
			echo "LAB-GUEST-HOT-NET-GONE"
		fi
		usleep 300000
	done
}
[ -n "$hot" ] && hot_watch </dev/null >/dev/console 2>&1 &
