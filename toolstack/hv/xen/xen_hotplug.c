/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen: native hotplug on real Xen. libxl 4.17 runs a hotplug script for
 * every kernel-backend vbd and vif it adds or removes, whatever
 * c_info.run_hotplug_scripts says (nothing in libxl reads it since the udev
 * rules went, Xen commit 2ba368d13893): the backend's `script` node names an
 * executable that libxl__async_exec_start forks and runs, within its 40 s.
 * So with `hotplug = "native"` (the default of xctl.conf) a device whose
 * script is the standard one (`block` for a phy disk, `vif-bridge`, or none)
 * gets xctl-hotplug instead (toolstack/hotplug/: the same work in C, one
 * exec, no shell and none of the dozen programs the scripts start). A
 * device with a script of its own keeps it; `hotplug = "scripts"` keeps
 * every script, as xl does. The dry run (-N) shows the configuration as xl
 * would make it: the substitution is made only when the domain is built. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XEN_SCRIPT_DIR "/etc/xen/scripts" /* libxl__xen_script_dir_path() on Debian */
#define HOTPLUG_PROG "xctl-hotplug"

/* Whether script is the standard NAME: unset, NAME, or NAME in Xen's script
 * directory (libxl__abs_path makes a relative name absolute there). */
static bool standard(const char *script, const char *name)
{
	if (!script)
		return true;
	if (script[0] != '/')
		return !strcmp(script, name);
	size_t n = strlen(XEN_SCRIPT_DIR);
	return !strncmp(script, XEN_SCRIPT_DIR, n) && script[n] == '/' && !strcmp(script + n + 1, name);
}

int xctl_xen_hotplug_prog(char *out, size_t sz)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return XCTL_ERR_NOTFOUND;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (!slash)
		return XCTL_ERR_NOTFOUND;
	*slash = 0;
	if (snprintf(out, sz, "%s/%s", self, HOTPLUG_PROG) >= (int)sz || access(out, X_OK))
		return XCTL_ERR_NOTFOUND;
	return 0;
}

int xctl_xen_native_disk(libxl_device_disk *d, const char *prog)
{
	/* the disks libxl gives kernel blkback with the block script
	 * (libxl__device_disk_set_backend, disk_try_backend: phy, raw, in
	 * dom0; without a script, only a block device or a regular file) */
	struct stat st;
	if (d->backend != LIBXL_DISK_BACKEND_PHY && d->backend != LIBXL_DISK_BACKEND_UNKNOWN)
		return 0;
	if (d->format != LIBXL_DISK_FORMAT_RAW || d->specification == LIBXL_DISK_SPECIFICATION_VIRTIO ||
	    d->backend_domid || d->backend_domname || !d->pdev_path ||
	    (!libxl_defbool_is_default(d->colo_enable) && libxl_defbool_val(d->colo_enable)))
		return 0;
	if (!standard(d->script, "block"))
		return 0;
	if (!d->script && (stat(d->pdev_path, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))))
		return 0; /* libxl decides (and says why it refuses) */
	char *s = strdup(prog);
	if (!s)
		return XCTL_ERR_NOMEM;
	free(d->script);
	d->script = s;
	return 1;
}

int xctl_xen_native_nic(libxl_device_nic *n, const char *prog)
{
	if (n->nictype != LIBXL_NIC_TYPE_UNKNOWN && n->nictype != LIBXL_NIC_TYPE_VIF &&
	    n->nictype != LIBXL_NIC_TYPE_VIF_IOEMU)
		return 0;
	if (n->backend_domid || n->backend_domname || !standard(n->script, "vif-bridge"))
		return 0;
	char *s = strdup(prog);
	if (!s)
		return XCTL_ERR_NOMEM;
	free(n->script);
	n->script = s;
	return 1;
}

int xctl_xen_native_hotplug_prog(libxl_domain_config *d, const struct xctl_global_config *g,
				  const struct xctl_log *log, const char *prog)
{
	char secs[16];
	int rc = 0;
	if (g->hotplug) /* "scripts" */
		return 0;
	if (!prog) {
		xctl_warn(log, "domain '%s': %s is not next to xctl, so the devices' hotplug scripts run as with xl "
			       "(install it, or set hotplug = \"scripts\" in xctl.conf)",
			  d->c_info.name ? d->c_info.name : "?", HOTPLUG_PROG);
		return 0;
	}
	for (int i = 0; i < d->num_disks && rc >= 0; i++)
		rc = xctl_xen_native_disk(&d->disks[i], prog);
	for (int i = 0; i < d->num_nics && rc >= 0; i++)
		rc = xctl_xen_native_nic(&d->nics[i], prog);
	if (rc < 0)
		return rc;
	/* libxl's exec of the script keeps our environment */
	snprintf(secs, sizeof(secs), "%lld", (long long)g->hotplug_timeout);
	return setenv("XCTL_HOTPLUG_TIMEOUT", secs, 1) ? XCTL_ERR_NOMEM : 0;
}

int xctl_xen_native_hotplug(libxl_domain_config *d, const struct xctl_global_config *g, const struct xctl_log *log)
{
	char prog[PATH_MAX];
	return xctl_xen_native_hotplug_prog(d, g, log, xctl_xen_hotplug_prog(prog, sizeof(prog)) ? NULL : prog);
}
