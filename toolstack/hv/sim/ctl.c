/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: requests to a running domain (shutdown, sysrq), changes (rename,
 * memory, vcpus) and the console. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/console/attach.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int sim_shutdown(struct xctl_hv *hv, uint32_t domid, int reason, bool force)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot get its state", domid);
	const char *word = reason == XCTL_SHUTDOWN_REBOOT ? "reboot" : reason == XCTL_SHUTDOWN_SUSPEND ? "suspend" : "poweroff";
	/* as libxl__domain_pvcontrol_available: PV guests always have it, HVM
	 * guests once their PV drivers are up (they advertise features) */
	bool pvcontrol = d.type != SIMD_TYPE_HVM;
	if (!pvcontrol) {
		char *f = sim_xs_read(s, XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, domid);
		pvcontrol = f && !strcmp(f, "1");
		free(f);
	}
	if (!pvcontrol) {
		if (!force || reason == XCTL_SHUTDOWN_SUSPEND)
			return XCTL_ERR_UNSUPPORTED;
		/* the ACPI power or reset button: the firmware shuts it down */
		if (sim_fault(s, "simd shutdown"))
			return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot send the ACPI event", domid);
		rc = simd_domain_shutdown(s->simd, domid,
					  reason == XCTL_SHUTDOWN_REBOOT ? SIMD_SHUTDOWN_REBOOT : SIMD_SHUTDOWN_POWEROFF);
		return rc && rc != XCTL_ERR_BUSY ? sim_fail(s, rc, "domain %u: cannot send the ACPI event", domid) : 0;
	}
	return sim_xs_write(s, word, XS_FMT_DOMAIN_CONTROL_SHUTDOWN, domid);
}

int sim_sysrq(struct xctl_hv *hv, uint32_t domid, char key)
{
	struct sim *s = sim_of(hv);
	char v[2] = { key, '\0' };
	struct simd_domain_info d;
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot get its state", domid);
	return sim_xs_write(s, v, XS_FMT_DOMAIN_CONTROL_SYSRQ, domid);
}

/* "/vm/UUID" of a domain into uuid; XCTL_ERR_NOTFOUND if it has none. */
static int vm_uuid(struct sim *s, uint32_t domid, char uuid[XCTL_UUID_STRLEN])
{
	char *vm = sim_xs_read(s, XS_FMT_DOMAIN_VM, domid);
	char prefix[16];
	snprintf(prefix, sizeof(prefix), XS_FMT_VM_DIR, "");
	int rc = XCTL_ERR_NOTFOUND;
	if (vm && !strncmp(vm, prefix, strlen(prefix)) && strlen(vm + strlen(prefix)) == XCTL_UUID_STRLEN - 1) {
		snprintf(uuid, XCTL_UUID_STRLEN, "%s", vm + strlen(prefix));
		rc = 0;
	}
	free(vm);
	return rc;
}

struct rename_arg {
	uint32_t domid;
	const char *name;
	char uuid[XCTL_UUID_STRLEN];
};

static void do_rename(struct xw *w, void *arg)
{
	struct rename_arg *r = arg;
	xw_write(w, r->name, XS_FMT_DOMAIN_NAME, r->domid);
	xw_write(w, r->name, XS_FMT_VMDIR_NAME, r->uuid);
}

int sim_rename(struct xctl_hv *hv, uint32_t domid, const char *name)
{
	struct sim *s = sim_of(hv);
	struct rename_arg r = { .domid = domid, .name = name };
	char what[64];
	if (vm_uuid(s, domid, r.uuid)) {
		xctl_err_log(hv->log, "domain %u has no /vm entry in xenstore; cannot rename it", domid);
		return XCTL_ERR_NOTFOUND;
	}
	snprintf(what, sizeof(what), "domain %u", domid);
	return sim_xs_txn(s, what, do_rename, &r);
}

/* mem-set (target) or mem-max: simd first, then the xenstore node libxl
 * keeps beside it. */
static int mem_set(struct xctl_hv *hv, uint32_t domid, uint64_t kib, bool max)
{
	struct sim *s = sim_of(hv);
	const char *what = max ? "its maximum memory" : "its memory target";
	char v[32];
	if (sim_fault(s, max ? "simd mem max" : "simd mem target"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot set %s", domid, what);
	int rc = max ? simd_mem_set_max(s->simd, domid, kib) : simd_mem_set_target(s->simd, domid, kib);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot set %s", domid, what);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)kib);
	return sim_xs_write(s, v, max ? XS_FMT_DOMAIN_MEMORY_STATIC_MAX : XS_FMT_DOMAIN_MEMORY_TARGET, domid);
}

int sim_mem_target(struct xctl_hv *hv, uint32_t domid, uint64_t kib)
{
	return mem_set(hv, domid, kib, false);
}

int sim_mem_max(struct xctl_hv *hv, uint32_t domid, uint64_t kib)
{
	return mem_set(hv, domid, kib, true);
}

struct vcpu_arg {
	uint32_t domid, count, max;
};

static void do_vcpus(struct xw *w, void *arg)
{
	struct vcpu_arg *a = arg;
	for (uint32_t i = 0; i < a->max; i++)
		xw_write(w, i < a->count ? "online" : "offline", XS_FMT_DOMAIN_CPU_AVAILABILITY, a->domid, i);
}

int sim_vcpu_set(struct xctl_hv *hv, uint32_t domid, uint32_t count)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot get its state", domid);
	if (count < 1 || count > d.max_vcpus) {
		xctl_err_log(hv->log, "domain %u: cannot have %u vcpus online: it has 1 to %u", domid, count, d.max_vcpus);
		return XCTL_ERR_INVAL;
	}
	if (sim_fault(s, "simd vcpu online"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot set its vcpus", domid);
	rc = simd_vcpu_set_online(s->simd, domid, count);
	if (rc)
		return sim_fail(s, rc, "domain %u: cannot set its vcpus", domid);
	struct vcpu_arg a = { domid, count, d.max_vcpus };
	char what[64];
	snprintf(what, sizeof(what), "domain %u", domid);
	return sim_xs_txn(s, what, do_vcpus, &a);
}

/* ---- console: as xenconsole, through the pty the console daemon
 * publishes in console/tty (serial: serial/0/tty) ---- */

struct sim_gone {
	struct sim *s;
	uint32_t domid;
};

static bool sim_domain_gone(void *ctx)
{
	struct sim_gone *g = ctx;
	struct simd_domain_info d;
	return simd_domain_info(g->s->simd, g->domid, &d) != 0;
}

int sim_console(struct xctl_hv *hv, uint32_t domid, const char *type, int num)
{
	struct sim *s = sim_of(hv);
	char *tty = NULL;
	long start = xctl_mono_ms();
	bool serial = type && !strcmp(type, "serial");
	if (num > 0) { /* xl's -n NUM: a secondary console, which no simulated guest has */
		xctl_err_log(hv->log, "domain %u has no %s console %d: a simulated guest has one console, number 0",
			     domid, serial ? "serial" : "pv", num);
		return XCTL_ERR_NOTFOUND;
	}
	/* the console daemon may not have published the pty yet */
	while (!(tty = sim_xs_read(s, XS_FMT_CONSOLE_FE_TTY, domid)) || !*tty) {
		free(tty);
		tty = NULL;
		if (sim_domain_gone(&(struct sim_gone){ s, domid }))
			return XCTL_ERR_NOTFOUND;
		if (xctl_mono_ms() - start > 5000) {
			xctl_err_log(hv->log,
				     "domain %u: no console daemon serves its %s console (%s is not written); is "
				     "xctl-consoled running? Its log is in %s/log/",
				     domid, serial ? "serial" : "pv", XS_REL_CONSOLE_FE_TTY, s->dir);
			return XCTL_ERR_NOTFOUND;
		}
		usleep(50000);
	}
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int rc = xctl_err_from_errno(errno);
		xctl_err_log(hv->log, "domain %u: cannot open its console %s: %s", domid, tty, strerror(errno));
		free(tty);
		return rc;
	}
	free(tty);
	int rc = xctl_console_relay(fd, STDIN_FILENO, STDOUT_FILENO, sim_domain_gone, &(struct sim_gone){ s, domid });
	close(fd);
	return rc;
}
