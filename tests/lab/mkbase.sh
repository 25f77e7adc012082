#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
# Build the parts of the lab that depend only on the Debian packages and on
# tests/lab/ itself: the uncompressed hypervisor, dom0's kernel, the guest's
# initramfs, and dom0's base initramfs (BusyBox, Xen's tools and libraries,
# qemu-system-xen, firmware, kernel modules, hotplug scripts, init).
#
# Usage: tests/lab/mkbase.sh ROOT OUTDIR
#   ROOT    the tree tests/lab/fetch.sh unpacked
#   OUTDIR  receives xen.elf, vmlinuz, base.cpio (written atomically: the
#           directory appears complete or not at all)
set -euo pipefail

root=$1
out=$2
lab=$(cd "$(dirname "$0")" && pwd)
die() { echo "lab mkbase: $*" >&2; exit 1; }

kpkg=$(cat "$root/.kernel-package")
kver=${kpkg#linux-image-}
moddir=$root/lib/modules/$kver
[ -d "$moddir" ] || die "kernel modules for $kver not found in $root"

tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"

. "$lab/copy-elf.sh"

# add_modules STAGE NAME...: the modules and what they depend on (read from
# each module's .modinfo), in load order, into STAGE/lib/modules/lab/.
add_modules() {
	local stage=$1 m
	shift
	mkdir -p "$stage/lib/modules/lab"
	: >"$stage/lib/modules/lab/order"
	for m in "$@"; do
		add_module "$stage" "$m"
	done
}
add_module() {
	local stage=$1 m=$2 f dep
	grep -qx "$m" "$stage/lib/modules/lab/order" && return 0
	f=$(find "$moddir/kernel" -name "$m.ko" -o -name "$(echo "$m" | tr _ -).ko" | head -n 1)
	if [ -z "$f" ]; then
		grep -q "/$m.ko\$" "$moddir/modules.builtin" && return 0
		die "kernel module $m not found in $kpkg"
	fi
	for dep in $(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$stage" "$dep"
	done
	cp "$f" "$stage/lib/modules/lab/$m.ko"
	echo "$m" >>"$stage/lib/modules/lab/order"
}

mkcpio() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0); }

# The hypervisor, uncompressed for QEMU's multiboot loader; the kernel.
gunzip -c "$root/boot/xen-4.17-amd64.gz" >"$tmp/xen.elf"
cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
# The same kernel uncompressed (the ELF inside the bzImage), for PV guests
# that the scenario suite creates many times: libxc then loads it as it is
# instead of XZ-decompressing 8 MiB into 64 in dom0 at every create, which
# under emulation took most of a PV create's time.
xzoff=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$tmp/vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$xzoff" ] || die "no XZ payload in vmlinuz-$kver"
tail -c +$((xzoff + 1)) "$tmp/vmlinuz" | xz -dcq >"$tmp/vmlinux" 2>/dev/null || true
[ "$(head -c 4 "$tmp/vmlinux" | od -An -c | tr -d ' ')" = 177ELF ] ||
	die "the XZ payload of vmlinuz-$kver is not an ELF kernel"

# The guest: BusyBox init, the two frontends, the startup script.
g=$tmp/guest-stage
mkdir -p "$g/bin" "$g/sbin" "$g/etc" "$g/dev" "$g/proc" "$g/sys"
cp "$root/bin/busybox" "$g/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$g/bin/$a"
done
ln -s ../bin/busybox "$g/sbin/poweroff"
ln -s ../bin/busybox "$g/sbin/reboot"
ln -s ../bin/busybox "$g/sbin/init"
ln -s bin/busybox "$g/init"
mknod "$g/dev/console" c 5 1
cp "$lab/guest/init.sh" "$g/etc/lab-init.sh"
cp "$lab/guest/inittab" "$g/etc/inittab"
add_modules "$g" xen-blkfront xen-netfront
mkcpio "$g" | gzip -1 >"$tmp/guest-initrd.img"
rm -rf "$g"

# dom0.
d=$tmp/dom0-stage
mkdir -p "$d/bin" "$d/sbin" "$d/dev" "$d/proc" "$d/sys" "$d/tmp" "$d/etc/xen/scripts" \
	"$d/lab/guest" "$d/usr/share" "$d/usr/lib"
cp "$root/bin/busybox" "$d/bin/busybox"
mknod "$d/dev/console" c 5 1
for b in xl xenstored xenstore-control xenconsoled xen-init-dom0 libxl-save-helper xenconsole xenctx; do
	copy_elf "$d" "$root/usr/lib/xen-4.17/bin/$b" "/usr/lib/xen-4.17/bin/$b" "$root"
done
copy_elf "$d" "$root/usr/bin/xenstore" /usr/bin/xenstore "$root"
for t in ls read write rm list exists chmod watch; do
	ln -s xenstore "$d/usr/bin/xenstore-$t"
done
copy_elf "$d" "$root/usr/libexec/xen-qemu-system-i386" /usr/libexec/xen-qemu-system-i386 "$root"
mkdir -p "$d/usr/lib/xen-4.17/boot"
cp "$root/usr/lib/xen-4.17/boot/hvmloader" "$d/usr/lib/xen-4.17/boot/"
cp -a "$root/usr/share/seabios" "$d/usr/share/"
mkdir -p "$d/usr/share/qemu" "$d/usr/lib/ipxe"
cp -a "$root/usr/share/qemu/keymaps" "$d/usr/share/qemu/"
cp -a "$root/usr/share/qemu/"*.bin "$root/usr/share/qemu/"*.rom "$d/usr/share/qemu/" 2>/dev/null || true
cp -a "$root/usr/lib/ipxe/qemu" "$d/usr/lib/ipxe/"
cp "$lab/dom0/scripts/block" "$lab/dom0/scripts/vif-bridge" "$d/etc/xen/scripts/"
printf 'autoballoon="off"\nvif.default.bridge="xenbr0"\n' >"$d/etc/xen/xl.conf"
cp "$lab/dom0/init" "$d/init"
cp "$lab/dom0/lib.sh" "$lab/dom0/guest.sh" "$d/lab/"
add_modules "$d" xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback \
	xen-netback loop bridge tun virtio_pci virtio_blk
cp "$tmp/vmlinuz" "$d/lab/guest/vmlinuz"
mv "$tmp/vmlinux" "$d/lab/guest/vmlinux"
cp "$tmp/guest-initrd.img" "$d/lab/guest/initrd.img"
# the guest kernel's symbols, for xenctx's stack of a guest stuck in boot
cp "$root/boot/System.map-$kver" "$d/lab/guest/System.map"
mkcpio "$d" >"$tmp/base.cpio"
du -sk "$d" | awk '{ printf "lab mkbase: dom0 base initramfs %d MiB\n", $1 / 1024 }' >&2
rm -rf "$d"

rm -rf "$out"
mv "$tmp" "$out"
