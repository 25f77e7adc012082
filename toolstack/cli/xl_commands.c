/* SPDX-License-Identifier: LGPL-2.1-only */
/* The names of xl 4.17's commands, as data: tools/xl/xl_cmdtable.c at
 * RELEASE-4.17.7 (92 entries, the x86-only psr-* commands included; "help"
 * is handled by xl's main() and is not in its table). xctl consults this list
 * only when its own command table (commands.c) has no entry for a name, to
 * say that the command is xl's and not implemented in xctl yet. A command
 * added to commands.c needs no change here. */
#include "toolstack/cli/cli.h"

#include <stddef.h>

const char *const xctl_xl_command_names[] = {
	"create", "config-update", "list", "destroy", "shutdown", "reboot",
	"pci-attach", "pci-detach", "pci-list", "pci-assignable-add", "pci-assignable-remove", "pci-assignable-list",
	"pause", "unpause", "console", "vncviewer", "save", "migrate",
	"restore", "migrate-receive", "dump-core", "cd-insert", "cd-eject", "mem-max",
	"mem-set", "button-press", "vcpu-list", "vcpu-pin", "vcpu-set", "vm-list",
	"info", "sharing", "sched-credit", "sched-credit2", "sched-rtds", "domid",
	"domname", "rename", "trigger", "sysrq", "debug-keys", "set-parameters",
	"dmesg", "top", "network-attach", "network-list", "network-detach", "channel-list",
	"block-attach", "block-list", "block-detach", "vtpm-attach", "vtpm-list", "vtpm-detach",
	"vkb-attach", "vkb-list", "vkb-detach", "vdispl-attach", "vdispl-list", "vdispl-detach",
	"vsnd-attach", "vsnd-list", "vsnd-detach", "uptime", "claims", "cpupool-create",
	"cpupool-list", "cpupool-destroy", "cpupool-rename", "cpupool-cpu-add", "cpupool-cpu-remove", "cpupool-migrate",
	"cpupool-numa-split", "getenforce", "setenforce", "loadpolicy", "remus", "devd",
	"psr-hwinfo", "psr-cmt-attach", "psr-cmt-detach", "psr-cmt-show", "psr-cat-set", "psr-cat-show",
	"psr-mba-set", "psr-mba-show", "usbctrl-attach", "usbctrl-detach", "usbdev-attach", "usbdev-detach",
	"usb-list", "qemu-monitor-command",
	NULL,
};
