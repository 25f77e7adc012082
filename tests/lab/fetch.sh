#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Download and unpack the Debian packages that make up the lab's Xen host.
#
# Usage: tests/lab/fetch.sh CACHE_DIR
# Prints one line, "KEY cached" or "KEY unpacked": CACHE_DIR/root-KEY holds
# every package below, extracted with dpkg-deb -x. The key is a hash of the
# package names and versions, so the tree is reused while they are unchanged.
#
# The hypervisor, Xen's tools and its libraries are pinned to the version of
# the host's libxen-dev, the headers xctl is compiled against, so that the
# xctl binary copied into dom0 talks to libraries of the same version.
set -eu

cache=$1
mkdir -p "$cache/debs"

die() { echo "lab fetch: $*" >&2; exit 1; }

xenver=$(dpkg-query -W -f='${Version}' libxen-dev 2>/dev/null) ||
	die "libxen-dev is not installed; run scripts/install-deps.sh lab"

# Packages pinned to Xen's version, and the others at their candidate.
XEN_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils \
libxenmisc4.17 libxenstore4 libxencall1 libxendevicemodel1 libxenevtchn1 \
libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1"
OTHER_PKGS="busybox-static qemu-system-xen qemu-system-data seabios ipxe-qemu"

# One apt-cache call (each costs most of a second): candidate versions, and
# the kernel package the linux-image-amd64 metapackage points at.
resolve() {
	apt-cache show --no-all-versions $OTHER_PKGS linux-image-amd64 2>/dev/null | awk '
		/^Package:/ { p = $2 }
		/^Version:/ && p != "linux-image-amd64" { print p "=" $2 }
		/^Depends:/ && p == "linux-image-amd64" {
			if (match($0, /linux-image-[0-9][^ ]*-amd64 \(= [^)]*\)/)) {
				d = substr($0, RSTART, RLENGTH); gsub(/[()=]/, "", d); split(d, a, " +")
				print a[1] "=" a[2]
			}
		}'
}
others=$(resolve)
if [ "$(echo "$others" | grep -c =)" -lt 6 ]; then
	echo "lab fetch: apt lists are incomplete, running apt-get update" >&2
	apt-get update -q >/dev/null || die "apt-get update failed; check network access to the Debian mirror"
	others=$(resolve)
fi
for p in $OTHER_PKGS linux-image; do
	echo "$others" | grep -q "^$p" || die "package $p has no candidate version in the apt lists"
done
kimage=$(echo "$others" | sed -n 's/^\(linux-image-[^=]*\)=.*/\1/p')

list=""
for p in $XEN_PKGS; do
	list="$list $p=$xenver"
done
list="$list $others"

key=$(printf '%s\n' $list | sort | sha256sum | cut -c1-16)
root="$cache/root-$key"
if [ -f "$root/.complete" ]; then
	echo "$key cached"
	exit 0
fi

# apt-get download writes NAME_VERSION_ARCH.deb into the current directory;
# keep debs already present.
cd "$cache/debs"
need=""
for pv in $list; do
	p=${pv%%=*}
	v=${pv#*=}
	fv=$(printf '%s' "$v" | sed 's/:/%3a/')
	ls "${p}_${fv}_"*.deb >/dev/null 2>&1 || need="$need $pv"
done
if [ -n "$need" ]; then
	echo "lab fetch: downloading:$need" >&2
	# shellcheck disable=SC2086
	apt-get download -q $need >/dev/null 2>"$cache/download.err" ||
		die "apt-get download failed (see $cache/download.err); version $xenver of Xen must still be on the mirror"
fi

rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for pv in $list; do
	p=${pv%%=*}
	v=${pv#*=}
	fv=$(printf '%s' "$v" | sed 's/:/%3a/')
	deb=$(ls "${p}_${fv}_"*.deb | head -n 1)
	dpkg-deb -x "$deb" "$root.tmp" || die "cannot unpack $deb"
done
printf '%s\n' $list >"$root.tmp/.packages"
echo "$kimage" >"$root.tmp/.kernel-package"
touch "$root.tmp/.complete"
rm -rf "$root"
mv "$root.tmp" "$root"
echo "$key unpacked"
