# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xl-pvh
# lab-timeout: 700
# The PV scenario with a PVH guest. PVH guests occasionally triple-fault
# early under QEMU's nested SVM emulation (a quick failure, seen in up to
# half the runs on a busy machine): that fault, recognised by its signature
# (lab_boot_fault), is retried up to four times, each retry counted in the
# summary; any other failure fails.
. /lab/guest.sh
lab_xl_guest pvh 10.0.0.12 4
