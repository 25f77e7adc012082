# SPDX-License-Identifier: LGPL-2.1-only
# copy_elf STAGE FILE DEST [ROOT]: copy an executable into STAGE at DEST with
# every shared library ldd lists for it. Libraries under ROOT (the unpacked
# package set) keep their path below ROOT; the others come from the host,
# which runs the same Debian release as dom0. Sourced by bash scripts.
copy_elf() {
	local stage=$1 src=$2 dst=$3 root=${4:-/nonexistent} deps lib rel
	local libpath=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
	mkdir -p "$stage$(dirname "$dst")"
	cp -L "$src" "$stage$dst"
	deps=$(LD_LIBRARY_PATH=$libpath ldd "$src" 2>&1) || return 0 # static
	if echo "$deps" | grep -q 'not found'; then
		echo "lab: $src needs libraries found neither in the package set nor on the host:" \
			"$(echo "$deps" | grep 'not found' | tr -s ' \t' ' ')" >&2
		return 1
	fi
	for lib in $(echo "$deps" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		case $lib in
		"$root"/*) rel=${lib#"$root"} ;;
		*) rel=$lib ;;
		esac
		[ -e "$stage$rel" ] && continue
		mkdir -p "$stage$(dirname "$rel")"
		cp -L "$lib" "$stage$rel"
	done
}
