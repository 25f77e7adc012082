/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen: a PV domain's kernel and ramdisk from the decompressed-image cache
 * (toolstack/kcache), so that libxc loads them as they are instead of
 * decompressing them at every create. libxl records the paths it was given
 * in /vm/UUID/image/kernel and image/ramdisk; they are set back to the
 * configuration's paths once the domain is built, so the xenstore tree is
 * the one xl makes. */
#include "toolstack/hv/xen/xen_int.h"
#include "toolstack/kcache/kcache.h"
#include "common/err.h"
#include "common/log.h"
#include "xenstore-schema/xs_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

static int swap(char **field, enum xctl_kcache_kind kind, const struct xctl_log *log, char **orig)
{
	char *cached = NULL;
	if (!*field || xctl_kcache_get(getenv("XCTL_KCACHE_DIR"), *field, kind, log, &cached) || !cached)
		return 0;
	*orig = *field;
	*field = cached;
	return 1;
}

void xctl_xen_images_use(libxl_domain_config *d, const struct xctl_global_config *g, const struct xctl_log *log,
			 struct xctl_xen_images *im)
{
	memset(im, 0, sizeof(*im));
	if (!g->kernel_cache || d->c_info.type != LIBXL_DOMAIN_TYPE_PV)
		return;
	swap(&d->b_info.kernel, XCTL_KCACHE_KERNEL, log, &im->kernel);
	swap(&d->b_info.ramdisk, XCTL_KCACHE_RAMDISK, log, &im->ramdisk);
}

void xctl_xen_images_restore(struct xctl_xen_images *im, const char *uuid, const struct xctl_log *log)
{
	if (!im->kernel && !im->ramdisk)
		return;
	struct xs_handle *xs = xs_open(0);
	const struct {
		const char *fmt, *v;
	} n[] = { { XS_FMT_VMDIR_IMAGE_KERNEL, im->kernel }, { XS_FMT_VMDIR_IMAGE_RAMDISK, im->ramdisk } };
	for (size_t i = 0; i < 2; i++) {
		char p[128];
		if (!n[i].v)
			continue;
		snprintf(p, sizeof(p), n[i].fmt, uuid);
		if (!xs || !xs_write(xs, XBT_NULL, p, n[i].v, (unsigned)strlen(n[i].v)))
			xctl_warn(log, "cannot set %s back to %s: it names the decompressed image", p, n[i].v);
	}
	if (xs)
		xs_close(xs);
}

void xctl_xen_images_free(struct xctl_xen_images *im)
{
	free(im->kernel);
	free(im->ramdisk);
	memset(im, 0, sizeof(*im));
}
