# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xl-hvm
# lab-timeout: 700
# The PV scenario with an HVM guest (hvmloader, SeaBIOS and Debian's
# qemu-system-xen as device model; the kernel loaded directly), using the
# PV disk and network drivers. The early-boot triple fault of QEMU's nested
# SVM (lab_boot_fault) is retried up to twice, each retry counted in the
# summary; any other failure fails.
. /lab/guest.sh
lab_xl_guest hvm 10.0.0.13 2
