/* SPDX-License-Identifier: LGPL-2.1-only */
/* Devices of a running domain (core.h): attach and detach as plans with
 * undo, and the saved configuration kept in step with them, so that a
 * reboot brings the domain back with what was attached (as libxl stores a
 * hot-plugged device in the domain's configuration). */
#include "toolstack/core/core.h"
#include "toolstack/core/plan.h"
#include "toolstack/core/record.h"
#include "toolstack/config/resolve.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char *xctl_core_devkind_noun(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? "disk" : "vif";
}

struct devop {
	struct xctl_core *c;
	uint32_t domid;
	const struct xctl_hv_device *dev; /* attach */
	enum xctl_hv_devkind kind;
	int devid;
	bool force;
	int timeout_ms;
	struct xctl_hv_dominfo info;
	char *cfg_path;   /* the saved configuration, NULL when xctl did not create the domain */
	char *old_json;   /* its text before the change (for undo) */
	char what[160];   /* "domain 'web' disk xvdb" */
	struct xctl_claim *claim; /* the crash record (a claim of the domain's name) */
	long kill_step;   /* tests: XCTL_CORE_KILL_STEP, as for create */
};

/* ---- the saved configuration */

/* Write text to path atomically (a temporary file renamed over it). */
static int write_atomic(const struct xctl_log *log, const char *path, const char *text)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		return XCTL_ERR_NOMEM;
	snprintf(tmp, n, "%s.new", path);
	int rc = 0;
	FILE *f = fopen(tmp, "we");
	if (!f || fputs(text, f) < 0 || fflush(f) || fsync(fileno(f))) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(log, "cannot write %s: %s", tmp, strerror(errno));
	}
	if (f && fclose(f) && !rc) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(log, "cannot write %s: %s", tmp, strerror(errno));
	}
	if (!rc && rename(tmp, path)) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(log, "cannot replace %s: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Lock the saved configuration (the file itself, re-opened if another
 * xctl replaced it while we waited). Returns the locked fd, -1 when there
 * is no saved configuration, or a negative error below -1. */
static int lock_config(struct devop *o)
{
	for (int tries = 0; tries < 20; tries++) {
		int fd = open(o->cfg_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT ? -1 : XCTL_ERR_IO;
		struct stat a, b;
		if (flock(fd, LOCK_EX) || fstat(fd, &a)) {
			close(fd);
			return XCTL_ERR_IO;
		}
		if (!stat(o->cfg_path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd); /* replaced meanwhile: lock the new one */
	}
	return XCTL_ERR_BUSY;
}

static int find_disk(const struct xctl_domain_config *m, int devid)
{
	for (size_t i = 0; i < m->ndisks; i++)
		if (m->disks[i].devid == devid)
			return (int)i;
	return -1;
}

static int find_vif(const struct xctl_domain_config *m, int devid)
{
	for (size_t i = 0; i < m->nvifs; i++)
		if (m->vifs[i].devid == devid)
			return (int)i;
	return -1;
}

/* Add o->dev to (attach) or drop o->devid from (detach) the saved
 * configuration; keeps the text before in o->old_json. */
static int config_change(void *ctx, size_t attach)
{
	struct devop *o = ctx;
	struct xctl_core *c = o->c;
	if (!o->cfg_path)
		return 0;
	int fd = lock_config(o);
	if (fd == -1) {
		free(o->cfg_path); /* not created by xctl: nothing to keep in step */
		o->cfg_path = NULL;
		return 0;
	}
	if (fd < 0) {
		xctl_err_log(c->log, "%s: cannot lock its saved configuration %s", o->what, o->cfg_path);
		return fd;
	}
	struct xctl_domain_config m;
	struct xctl_diags d;
	char *json = NULL;
	size_t len = 0;
	xctl_model_init(&m);
	xctl_diags_init(&d);
	int rc = xctl_read_file(o->cfg_path, 4u << 20, &o->old_json, &len);
	if (!rc)
		rc = xctl_model_from_json_string(o->old_json, len, &m, &d);
	if (rc) {
		xctl_err_log(c->log, "%s: cannot read its saved configuration %s: %s", o->what, o->cfg_path,
			     xctl_strerror(rc));
		goto out;
	}
	if (attach) {
		/* the model takes a shallow copy; it is taken back before dispose */
		bool vbd = o->dev->kind == XCTL_HV_DEV_VBD;
		size_t *cnt = vbd ? &m.ndisks : &m.nvifs;
		void **arr = vbd ? (void **)&m.disks : (void **)&m.vifs;
		size_t sz = vbd ? sizeof(struct xctl_disk) : sizeof(struct xctl_vif);
		void *nv = realloc(*arr, (*cnt + 1) * sz);
		if (!nv) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		*arr = nv;
		memcpy((char *)nv + *cnt * sz, vbd ? (const void *)o->dev->u.disk : (const void *)o->dev->u.vif, sz);
		(*cnt)++;
		rc = xctl_model_to_json_string(&m, true, &json);
		(*cnt)--;
	} else {
		bool vbd = o->kind == XCTL_HV_DEV_VBD;
		int i = vbd ? find_disk(&m, o->devid) : find_vif(&m, o->devid);
		if (i >= 0 && vbd) {
			xctl_disk_dispose(&m.disks[i]);
			memmove(&m.disks[i], &m.disks[i + 1], (m.ndisks - (size_t)i - 1) * sizeof(m.disks[0]));
			m.ndisks--;
		} else if (i >= 0) {
			xctl_vif_dispose(&m.vifs[i]);
			memmove(&m.vifs[i], &m.vifs[i + 1], (m.nvifs - (size_t)i - 1) * sizeof(m.vifs[0]));
			m.nvifs--;
		}
		rc = xctl_model_to_json_string(&m, true, &json);
	}
	if (!rc)
		rc = write_atomic(c->log, o->cfg_path, json);
	if (rc)
		xctl_err_log(c->log, "%s: cannot update its saved configuration %s", o->what, o->cfg_path);
out:
	if (rc) {
		free(o->old_json);
		o->old_json = NULL;
	}
	free(json);
	xctl_model_dispose(&m);
	xctl_diags_free(&d);
	close(fd);
	return rc;
}

static int config_restore(void *ctx, size_t arg)
{
	(void)arg;
	struct devop *o = ctx;
	if (!o->cfg_path || !o->old_json)
		return 0;
	int fd = lock_config(o);
	if (fd < 0)
		return fd == -1 ? 0 : fd;
	int rc = write_atomic(o->c->log, o->cfg_path, o->old_json);
	close(fd);
	return rc;
}

/* ---- the steps */

static bool has_device(const struct xctl_hv_devinfo *v, size_t n, int devid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].devid == devid)
			return true;
	return false;
}

static int check_attach(void *ctx, size_t arg)
{
	(void)arg;
	struct devop *o = ctx;
	struct xctl_hv *hv = o->c->hv;
	struct xctl_hv_devinfo *v = NULL;
	size_t n = 0;
	int rc = hv->ops->device_list(hv, o->domid, o->kind, &v, &n);
	if (rc)
		return rc;
	if (has_device(v, n, o->devid)) {
		xctl_err_log(o->c->log, "%s: the domain already has it (%s %d); detach it first or choose another %s",
			     o->what, o->kind == XCTL_HV_DEV_VBD ? "vbd" : "vif", o->devid,
			     o->kind == XCTL_HV_DEV_VBD ? "vdev" : "devid");
		rc = XCTL_ERR_EXISTS;
	}
	free(v);
	return rc;
}

static int add_device(void *ctx, size_t arg)
{
	(void)arg;
	struct devop *o = ctx;
	return o->c->hv->ops->device_add(o->c->hv, o->domid, o->dev, o->timeout_ms);
}

static int undo_add(void *ctx, size_t arg)
{
	(void)arg;
	struct devop *o = ctx;
	return o->c->hv->ops->device_remove(o->c->hv, o->domid, o->kind, o->devid, true, o->timeout_ms);
}

static int remove_device(void *ctx, size_t arg)
{
	(void)arg;
	struct devop *o = ctx;
	return o->c->hv->ops->device_remove(o->c->hv, o->domid, o->kind, o->devid, o->force, o->timeout_ms);
}

/* The crash record: a claim of the domain's name for the operation, so
 * that a kill -9 in the middle is finished or rolled back by the next xctl
 * (xctl_core_device_recover), and two device operations on one domain run
 * one after the other. */
static int claim(struct devop *o, const char *op)
{
	struct xctl_record r = { 0 };
	pid_t holder = 0;
	snprintf(r.op, sizeof(r.op), "%s", op);
	snprintf(r.name, sizeof(r.name), "%s", o->info.name);
	snprintf(r.uuid, sizeof(r.uuid), "%s", o->info.uuid);
	snprintf(r.device, sizeof(r.device), "%s %d", o->kind == XCTL_HV_DEV_VBD ? "vbd" : "vif", o->devid);
	/* 20 s for another operation to end */
	int rc = xctl_core_claim_wait(o->c, &r, 20000, false, &o->claim, &holder);
	if (rc == XCTL_ERR_BUSY)
		xctl_err_log(o->c->log, "%s: another xctl (pid %ld) is still changing the domain; try again when it is done",
			     o->what, (long)holder);
	else if (rc)
		xctl_err_log(o->c->log, "%s: cannot write its crash record in %s/%s: %s", o->what, o->c->state_dir,
			     XCTL_RECORD_DIR, xctl_strerror(rc));
	if (!rc)
		rc = xctl_record_domid(o->claim, o->domid);
	return rc;
}

static void kill_point(const struct devop *o, long k)
{
	if (o->kill_step == k)
		raise(SIGKILL);
}

static int journal(void *arg, size_t i, const char *name)
{
	struct devop *o = arg;
	int rc = xctl_record_step(o->claim, (int)i, name);
	if (rc)
		xctl_err_log(o->c->log, "%s: cannot write its crash record: %s", o->what, xctl_strerror(rc));
	else
		kill_point(o, (long)i + 1);
	return rc;
}

static int begin(struct devop *o, struct xctl_core *c, uint32_t domid, enum xctl_hv_devkind kind, int devid,
		 const char *name, const char *op)
{
	o->c = c;
	o->domid = domid;
	o->kind = kind;
	o->devid = devid;
	const char *k = getenv("XCTL_CORE_KILL_STEP");
	o->kill_step = k ? atol(k) : 0;
	int rc = c->hv->ops->info(c->hv, domid, &o->info);
	if (rc) {
		if (rc == XCTL_ERR_NOTFOUND)
			xctl_err_log(c->log, "domain %u does not exist (any more)", domid);
		return rc;
	}
	snprintf(o->what, sizeof(o->what), "domain '%s' %s %s", o->info.name, xctl_core_devkind_noun(kind), name);
	o->cfg_path = xctl_core_path(c, "domains", o->info.uuid, ".json");
	if (!o->cfg_path)
		return XCTL_ERR_NOMEM;
	return claim(o, op);
}

/* Run the plan under the claim; commit when it succeeded. */
static int run(struct devop *o, struct xctl_plan *p)
{
	p->journal = journal;
	p->journal_arg = o;
	int rc = xctl_plan_run(p);
	if (!rc) {
		kill_point(o, (long)p->n + 1);
		rc = xctl_record_commit(o->claim);
		kill_point(o, (long)p->n + 2);
	}
	return rc;
}

static void end(struct devop *o)
{
	if (o->claim) {
		xctl_record_release(o->claim);
		xctl_core_tidy(o->c);
	}
	free(o->cfg_path);
	free(o->old_json);
}

int xctl_core_device_attach(struct xctl_core *c, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms)
{
	struct devop o = { 0 };
	char name[64];
	bool vbd = dev->kind == XCTL_HV_DEV_VBD;
	int devid = vbd ? dev->u.disk->devid : dev->u.vif->devid;
	if (vbd)
		snprintf(name, sizeof(name), "%s", dev->u.disk->vdev ? dev->u.disk->vdev : "?");
	else
		snprintf(name, sizeof(name), "%d", devid);
	int rc = begin(&o, c, domid, dev->kind, devid, name, vbd ? "block-attach" : "network-attach");
	if (rc)
		goto out;
	o.dev = dev;
	o.timeout_ms = timeout_ms;
	struct xctl_plan p;
	xctl_plan_init(&p, o.what, c->log);
	rc = xctl_plan_add(&p, "check", check_attach, NULL, &o, 0);
	if (!rc)
		rc = xctl_plan_add(&p, vbd ? "vbd" : "vif", add_device, undo_add, &o, 0);
	if (!rc)
		rc = xctl_plan_add(&p, "configuration", config_change, config_restore, &o, 1);
	if (!rc)
		rc = run(&o, &p);
	xctl_plan_free(&p);
out:
	end(&o);
	return rc;
}

int xctl_core_device_detach(struct xctl_core *c, uint32_t domid, enum xctl_hv_devkind kind, int devid,
			    const char *name, bool force, int timeout_ms)
{
	struct devop o = { 0 };
	int rc = begin(&o, c, domid, kind, devid, name, kind == XCTL_HV_DEV_VBD ? "block-detach" : "network-detach");
	if (rc)
		goto out;
	o.force = force;
	o.timeout_ms = timeout_ms;
	struct xctl_plan p;
	xctl_plan_init(&p, o.what, c->log);
	rc = xctl_plan_add(&p, "configuration", config_change, config_restore, &o, 0);
	if (!rc)
		rc = xctl_plan_add(&p, kind == XCTL_HV_DEV_VBD ? "vbd" : "vif", remove_device, NULL, &o, 0);
	if (!rc)
		rc = run(&o, &p);
	xctl_plan_free(&p);
out:
	end(&o);
	return rc;
}

/* A killed attach is rolled back, a killed detach finished: either way the
 * device goes (when the attach had got as far as adding it: step 1) and
 * leaves the saved configuration. */
int xctl_core_device_recover(struct xctl_core *c, const struct xctl_record *r, char *did, size_t len)
{
	bool attach = strstr(r->op, "-attach") != NULL;
	char kind[8] = "";
	int devid = -1;
	if (sscanf(r->device, "%7s %d", kind, &devid) != 2 || (strcmp(kind, "vbd") && strcmp(kind, "vif"))) {
		snprintf(did, len, "its record names no device ('%s'): nothing done", r->device);
		return 0;
	}
	if (r->committed) {
		snprintf(did, len, "it had finished");
		return 0;
	}
	if (attach && r->step < 1) {
		snprintf(did, len, "rolled back: nothing had been done");
		return 0;
	}
	struct devop o = { .c = c, .kind = strcmp(kind, "vbd") ? XCTL_HV_DEV_VIF : XCTL_HV_DEV_VBD, .devid = devid };
	snprintf(o.what, sizeof(o.what), "domain '%s' %s %d", r->name, kind, devid);
	uint32_t domid;
	int rc = 0;
	if (r->uuid[0] && !xctl_hv_domid_by_uuid(c->hv, r->uuid, &domid)) {
		struct xctl_hv_devinfo *v = NULL;
		size_t n = 0;
		rc = c->hv->ops->device_list(c->hv, domid, o.kind, &v, &n);
		if (!rc && has_device(v, n, devid))
			rc = c->hv->ops->device_remove(c->hv, domid, o.kind, devid, true, 0);
		free(v);
	}
	o.cfg_path = r->uuid[0] ? xctl_core_path(c, "domains", r->uuid, ".json") : NULL;
	int rc2 = config_change(&o, 0);
	rc = rc ? rc : rc2;
	free(o.cfg_path);
	free(o.old_json);
	snprintf(did, len, "%s: %s %d removed", attach ? "rolled back" : "finished", kind, devid);
	return rc;
}

/* ---- what the commands resolve before attaching */

int xctl_core_vif_prepare(struct xctl_core *c, uint32_t domid, struct xctl_vif *v, uint64_t seed)
{
	struct xctl_hv_devinfo *list = NULL;
	struct xctl_hv_dominfo info;
	size_t n = 0;
	int rc = c->hv->ops->info(c->hv, domid, &info);
	if (!rc)
		rc = c->hv->ops->device_list(c->hv, domid, XCTL_HV_DEV_VIF, &list, &n);
	if (rc)
		return rc;
	if (v->type == XCTL_VIF_TYPE_UNKNOWN)
		v->type = info.type == XCTL_GUEST_HVM ? XCTL_VIF_TYPE_IOEMU : XCTL_VIF_TYPE_VIF;
	if (v->devid < 0) { /* libxl__device_nextid: one more than the highest */
		int next = 0;
		for (size_t i = 0; i < n; i++)
			if (list[i].devid >= next)
				next = list[i].devid + 1;
		v->devid = next;
	}
	if (!v->mac_set) { /* Xen's OUI and three random bytes, as libxl draws them */
		struct xctl_rng rng = { seed };
		for (int tries = 0; tries < 64; tries++) {
			uint64_t r = xctl_rng_next(&rng);
			uint8_t mac[XCTL_MAC_LEN] = { 0x00, 0x16, 0x3e, (uint8_t)(r & 0x7f), (uint8_t)(r >> 8),
						      (uint8_t)(r >> 16) };
			bool used = false;
			for (size_t i = 0; i < n; i++)
				used = used || !memcmp(list[i].mac, mac, XCTL_MAC_LEN);
			memcpy(v->mac, mac, sizeof(mac));
			if (!used)
				break;
		}
		v->mac_set = true;
	}
	free(list);
	return 0;
}
