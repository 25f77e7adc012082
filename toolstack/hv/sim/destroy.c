/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: destroying a domain as libxl__destroy_domid does: stop it, close
 * and remove its devices, destroy it in the hypervisor, remove its xenstore
 * tree, and wait until it is gone. Works on half-made domains too. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEVICE_CLOSE_TIMEOUT_MS 2000

struct tree {
	uint32_t domid;
	char uuid[XCTL_UUID_STRLEN];
};

static void rm_tree(struct xw *w, void *arg)
{
	struct tree *t = arg;
	xw_rm(w, XS_FMT_BACKEND_CONSOLE_DOM, 0u, t->domid);
	xw_rm_if_empty(w, XS_FMT_BACKEND_CONSOLE, 0u);
	xw_rm_if_empty(w, XS_FMT_BACKEND_DIR, 0u);
	xw_rm(w, XS_FMT_DOMAIN_HOME, t->domid);
	if (t->uuid[0])
		xw_rm(w, XS_FMT_VM_DIR, t->uuid);
	xw_rm(w, XS_FMT_LIBXL_DOM, t->domid);
}

/* Close and remove every device of kind: the ones libxl's copy lists and
 * any backend left without it. */
static void remove_devices(struct sim *s, uint32_t domid, enum xctl_hv_devkind kind, bool running)
{
	const char *lx = kind == XCTL_HV_DEV_VBD ? XS_FMT_LIBXL_DOM_DEVICE_VBD : XS_FMT_LIBXL_DOM_DEVICE_VIF;
	const char *be = kind == XCTL_HV_DEV_VBD ? XS_FMT_BACKEND_VBD_DOM : XS_FMT_BACKEND_VIF_DOM;
	for (int pass = 0; pass < 2; pass++) {
		unsigned n = 0;
		char **v = pass ? sim_xs_dir(s, &n, be, 0u, domid) : sim_xs_dir(s, &n, lx, domid);
		for (unsigned i = 0; v && i < n; i++) {
			uint64_t id;
			if (xctl_parse_u64(v[i], 10, UINT32_MAX, &id))
				continue;
			/* as libxl's forced removal when a domain is destroyed: the
			 * backend is told to close; it is waited for only while a
			 * frontend can still answer (connected) */
			char *fst = sim_xs_read(s, kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_FE_STATE : XS_FMT_VIF_FE_STATE, domid,
						(uint32_t)id);
			bool connected = fst && (!strcmp(fst, "3") || !strcmp(fst, "4"));
			free(fst);
			sim_dev_remove(s, domid, kind, (uint32_t)id, true, connected && running ? DEVICE_CLOSE_TIMEOUT_MS : 1000,
				       false);
		}
		free(v);
	}
}

int sim_destroy(struct xctl_hv *hv, uint32_t domid)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	struct tree t = { .domid = domid };
	char what[64];
	int rc;

	if (domid == 0) {
		xctl_err_log(hv->log, "domain 0 cannot be destroyed");
		return XCTL_ERR_INVAL;
	}
	snprintf(what, sizeof(what), "domain %u", domid);
	if (sim_fault(s, "simd domain info"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot get its state", domid);
	rc = simd_domain_info(s->simd, domid, &d);
	if (rc && rc != XCTL_ERR_NOTFOUND)
		return sim_fail(s, rc, "domain %u: cannot get its state", domid);
	bool exists = rc == 0;
	char *vm = sim_xs_read(s, XS_FMT_DOMAIN_VM, domid);
	char prefix[16];
	snprintf(prefix, sizeof(prefix), XS_FMT_VM_DIR, "");
	if (exists)
		sim_uuid_format(d.uuid, t.uuid);
	else if (vm && !strncmp(vm, prefix, strlen(prefix)))
		snprintf(t.uuid, sizeof(t.uuid), "%s", vm + strlen(prefix));
	bool has_home = vm != NULL;
	free(vm);
	if (!exists && !has_home) {
		char *ty = sim_xs_read(s, XS_FMT_LIBXL_DOM_TYPE, domid);
		has_home = ty != NULL;
		free(ty);
	}
	if (!exists && !has_home)
		return XCTL_ERR_NOTFOUND;
	if (exists && !(d.flags & SIMD_DOMF_DYING) && !(d.flags & SIMD_DOMF_PAUSED))
		simd_domain_pause(s->simd, domid); /* stop its vcpus first, as libxl */
	bool running = exists && !(d.flags & (SIMD_DOMF_DYING | SIMD_DOMF_SHUTDOWN)) && d.guest_pid;
	remove_devices(s, domid, XCTL_HV_DEV_VBD, running);
	remove_devices(s, domid, XCTL_HV_DEV_VIF, running);
	if (exists) {
		if (sim_fault(s, "simd domain destroy"))
			return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot destroy it", domid);
		rc = simd_domain_destroy(s->simd, domid);
		if (rc && rc != XCTL_ERR_NOTFOUND)
			return sim_fail(s, rc, "domain %u: cannot destroy it", domid);
	}
	rc = sim_xs_txn(s, what, rm_tree, &t);
	if (rc)
		return rc;
	if (exists) {
		rc = simd_domain_wait(s->simd, domid, 0, 10000, NULL);
		if (rc == XCTL_ERR_TIMEOUT) {
			xctl_err_log(hv->log, "domain %u is still dying after 10 s: a backend still maps its memory", domid);
			return rc;
		}
		if (rc && rc != XCTL_ERR_NOTFOUND)
			return sim_fail(s, rc, "domain %u: cannot wait for it to go", domid);
		/* what the console daemon may have written while it went */
		rc = sim_rm_home(s, domid);
	}
	return rc;
}

int sim_rm_home(struct sim *s, uint32_t domid)
{
	char *vm = sim_xs_read(s, XS_FMT_DOMAIN_VM, domid);
	char *name = vm ? NULL : sim_xs_read(s, XS_FMT_DOMAIN_NAME, domid);
	unsigned n = 0;
	char **v = vm || name ? NULL : sim_xs_dir(s, &n, XS_FMT_DOMAIN_HOME, domid);
	bool leftover = v != NULL;
	free(vm);
	free(name);
	free(v);
	if (!leftover)
		return 0; /* nothing, or a new domain's home (it has vm/name) */
	struct xw w;
	int rc = xw_begin(s, &w, "leftover home");
	if (rc)
		return rc;
	xw_rm(&w, XS_FMT_DOMAIN_HOME, domid);
	return xw_end(&w);
}

int sim_cleanup_uuid(struct xctl_hv *hv, const char *uuid)
{
	struct sim *s = sim_of(hv);
	struct tree t = { .domid = 0 };
	snprintf(t.uuid, sizeof(t.uuid), "%s", uuid);
	char *name = sim_xs_read(s, XS_FMT_VMDIR_NAME, uuid);
	if (!name)
		return 0;
	free(name);
	struct xw w;
	int rc = xw_begin(s, &w, uuid);
	if (rc)
		return rc;
	xw_rm(&w, XS_FMT_VM_DIR, uuid);
	return xw_end(&w);
}
