/* SPDX-License-Identifier: LGPL-2.1-only */
/* block-list and network-list output (devfmt.h). The columns are xl's: a
 * block-list row's "Vdev" is the device number, its "handle" the frontend
 * domain (as xl prints diskinfo.frontend_id there); numbers the frontend has
 * not written are -1. */
#include "toolstack/cli/devfmt.h"
#include "common/json.h"
#include "xenstore-schema/xs_paths.h"

void xctl_devfmt_block_header(FILE *out)
{
	fprintf(out, "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
		XS_KEY_RING_REF /* "ring-ref", xl's column */, "BE-path");
}

void xctl_devfmt_block_row(FILE *out, const struct xctl_hv_devinfo *d)
{
	fprintf(out, "%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", d->devid, (int)d->backend_id, (int)d->frontend_id,
		d->state, d->evtch, d->rref, d->backend);
}

void xctl_devfmt_network_header(FILE *out)
{
	fprintf(out, "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.", "handle", "state",
		"evt-ch", "tx-", XS_KEY_RX_RING_REF /* "rx-ring-ref" */, "BE-path");
}

void xctl_devfmt_network_row(FILE *out, const struct xctl_hv_devinfo *d)
{
	fprintf(out, "%-3d %-2d ", d->devid, (int)d->backend_id);
	fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4],
		d->mac[5]);
	fprintf(out, "%6d %5d %6d %5d/%-11d %-30s\n", d->devid, d->state, d->evtch, d->rref_tx, d->rref_rx,
		d->backend);
}

void xctl_devfmt_json(struct xctl_jw *w, const char *domain, uint32_t domid, const struct xctl_hv_devinfo *d)
{
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "domain", domain);
	xctl_jw_kuint(w, "domid", domid);
	if (d->kind == XCTL_HV_DEV_VBD) {
		xctl_jw_kstr(w, "vdev", d->vdev[0] ? d->vdev : NULL);
		xctl_jw_kint(w, "devid", d->devid);
	} else {
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", d->mac[0], d->mac[1], d->mac[2], d->mac[3],
			 d->mac[4], d->mac[5]);
		xctl_jw_kint(w, "devid", d->devid);
		xctl_jw_kstr(w, "mac", mac);
	}
	xctl_jw_kuint(w, "backend_id", d->backend_id);
	xctl_jw_kuint(w, "frontend_id", d->frontend_id);
	xctl_jw_kint(w, "state", d->state);
	xctl_jw_kint(w, "evtch", d->evtch);
	if (d->kind == XCTL_HV_DEV_VBD) {
		xctl_jw_kint(w, "ring_ref", d->rref);
	} else {
		xctl_jw_kint(w, "tx_ring_ref", d->rref_tx);
		xctl_jw_kint(w, "rx_ring_ref", d->rref_rx);
	}
	xctl_jw_kstr(w, "backend", d->backend);
	xctl_jw_kstr(w, "frontend", d->frontend);
	xctl_jw_obj_close(w);
}
