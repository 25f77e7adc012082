/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl's JSON of a domain configuration, without a libxl context: the
 * generator libxl_domain_config_to_json() uses (libxl_json.c:982), on a
 * yajl generator configured as libxl configures it. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"

#define HAVE_YAJL_YAJL_VERSION_H 1 /* yajl 2, as libxl was built with */
#include <libxl_json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *xctl_xen_config_to_json(libxl_domain_config *d)
{
	const unsigned char *buf;
	libxl_yajl_length len = 0;
	char *out = NULL;
	yajl_gen hand = libxl_yajl_gen_alloc(NULL);
	if (!hand)
		return NULL;
	if (libxl_domain_config_gen_json(hand, d) == yajl_gen_status_ok &&
	    yajl_gen_get_buf(hand, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(hand);
	return out;
}

int xctl_xen_libxl_json(const struct xctl_domain_config *m, const struct xctl_global_config *g,
			const struct xctl_log *log, char **json)
{
	libxl_domain_config d;
	libxl_ctx *ctx = NULL;
	xentoollog_logger_stdiostream *lg = NULL;
	int rc;

	*json = NULL;
	/* on a Xen host, a context gives CPU maps the host's size, as xl's */
	if (access("/dev/xen/privcmd", F_OK) == 0) {
		lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
		if (lg && libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)lg))
			ctx = NULL;
	}
	libxl_domain_config_init(&d);
	rc = xctl_xen_domain_config(ctx, m, g, log, &d);
	if (!rc) {
		*json = xctl_xen_config_to_json(&d);
		if (!*json) {
			xctl_err_log(log, "domain '%s': cannot write its libxl configuration as JSON", m->name);
			rc = XCTL_ERR_NOMEM;
		}
	}
	libxl_domain_config_dispose(&d);
	if (ctx)
		libxl_ctx_free(ctx);
	if (lg)
		xtl_logger_destroy((xentoollog_logger *)lg);
	return rc;
}

int xctl_xen_device_json(const struct xctl_disk *disk, const struct xctl_vif *vif,
			 const struct xctl_global_config *g, const struct xctl_log *log, char **json)
{
	const unsigned char *buf;
	libxl_yajl_length len = 0;
	libxl_device_disk d;
	libxl_device_nic n;
	yajl_gen_status gs = yajl_gen_generation_complete;
	int rc;
	*json = NULL;
	libxl_device_disk_init(&d);
	libxl_device_nic_init(&n);
	if (disk) {
		rc = xctl_xen_disk(&d, disk);
	} else {
		rc = xctl_xen_nic(&n, vif, 0, g, log);
		if (vif->devid < 0)
			n.devid = -1; /* as xl leaves it: libxl picks one when it adds the nic */
	}
	yajl_gen hand = rc ? NULL : libxl_yajl_gen_alloc(NULL);
	if (hand)
		gs = disk ? libxl_device_disk_gen_json(hand, &d) : libxl_device_nic_gen_json(hand, &n);
	if (hand && gs == yajl_gen_status_ok && yajl_gen_get_buf(hand, &buf, &len) == yajl_gen_status_ok)
		*json = strndup((const char *)buf, len);
	if (hand)
		yajl_gen_free(hand);
	if (!rc && !*json) {
		xctl_err_log(log, "cannot write the %s as libxl's JSON", disk ? "disk" : "vif");
		rc = XCTL_ERR_NOMEM;
	}
	libxl_device_disk_dispose(&d);
	libxl_device_nic_dispose(&n);
	return rc;
}
