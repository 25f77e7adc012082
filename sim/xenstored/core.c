/* SPDX-License-Identifier: LGPL-2.1-only */
/* Daemon context set-up and tear-down (no sockets: main.c adds those). */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sim/xenstored/paths.h"
#include "sim/xenstored/xsd.h"

static int add_node(struct xsd *d, const char *path)
{
	struct xsd_perm p = { .id = 0, .perm = XSD_PERM_NONE };
	struct xsd_node *n = xsd_node_new(xsd_basename(path), &p, 1, "", 0);
	if (!n)
		return XCTL_ERR_NOMEM;
	char up[XENSTORE_ABS_PATH_MAX + 1];
	xsd_parent(path, up, sizeof(up));
	struct xsd_node *parent = xsd_store_get(&d->store, up);
	if (!parent || xsd_node_add_child(parent, xsd_basename(path))) {
		xsd_node_free(n);
		return parent ? XCTL_ERR_NOMEM : XCTL_ERR_INTERNAL;
	}
	int rc = xsd_store_insert(&d->store, path, n);
	if (rc)
		xsd_node_free(n);
	return rc;
}

int xsd_init(struct xsd *d, struct xctl_log *log)
{
	memset(d, 0, sizeof(*d));
	d->log = log;
	d->epfd = d->lfd = d->sigfd = -1;
	d->main_pk.kind = XSD_K_MAIN;
	d->sig_pk.kind = XSD_K_SIGNAL;
	xsd_limits_default(&d->lim);
	int rc = xsd_store_init(&d->store);
	if (rc)
		return rc;
	rc = xsd_htab_init(&d->watch_index, 64);
	if (rc)
		goto fail;
	d->doms = calloc(XSD_DOMID_MAX, sizeof(*d->doms));
	rc = XCTL_ERR_NOMEM;
	if (!d->doms)
		goto fail;
	for (int s = 0; s < 2; s++) {
		d->special_perms[s] = calloc(1, sizeof(struct xsd_perm));
		if (!d->special_perms[s])
			goto fail;
		d->special_nperms[s] = 1;
	}
	/* The tree Xen's xenstored starts with: the root and its own node. */
	char tool[XENSTORE_ABS_PATH_MAX + 1];
	xsd_parent(XS_PATH_TOOL_XENSTORED, tool, sizeof(tool));
	if ((rc = add_node(d, tool)) ||
	    (rc = add_node(d, XS_PATH_TOOL_XENSTORED)))
		goto fail;
	return 0;
fail:
	xsd_fini(d);
	return rc;
}

void xsd_fini(struct xsd *d)
{
	xsd_io_fini(d);
	while (d->conns)
		xsd_conn_free(d, d->conns);
	xsd_dom_free_all(d);
	free(d->doms);
	d->doms = NULL;
	for (int s = 0; s < 2; s++) {
		free(d->special_perms[s]);
		d->special_perms[s] = NULL;
	}
	xsd_htab_free(&d->watch_index);
	xsd_store_free(&d->store);
}
