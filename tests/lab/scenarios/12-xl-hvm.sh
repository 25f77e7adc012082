# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xl-hvm
# lab-timeout: 700
# The PV scenario with an HVM guest (hvmloader, SeaBIOS and Debian's
# qemu-system-xen as device model; the kernel loaded directly), using the
# PV disk and network drivers. Up to two retries, each reported as flaky.
. /lab/guest.sh
lab_xl_guest hvm 10.0.0.13 2
