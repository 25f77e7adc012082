/* SPDX-License-Identifier: LGPL-2.1-only */
/* The hv port over libxl: the context, creation (one step around
 * libxl_domain_create_new, as xl's create_domain()), destruction and the
 * control ops. Information and changes are in xen_info.c. libxl writes the
 * xenstore tree and runs the hotplug scripts for kernel backends itself. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

int xctl_xen_err(int libxl_rc)
{
	switch (libxl_rc) {
	case 0:
		return 0;
	case ERROR_NOMEM:
		return XCTL_ERR_NOMEM;
	case ERROR_INVAL:
		return XCTL_ERR_INVAL;
	case ERROR_DOMAIN_NOTFOUND:
		return XCTL_ERR_NOTFOUND;
	case ERROR_TIMEDOUT:
		return XCTL_ERR_TIMEOUT;
	case ERROR_NOT_READY:
		return XCTL_ERR_AGAIN;
	case ERROR_NI:
	case ERROR_NOPARAVIRT:
		return XCTL_ERR_UNSUPPORTED;
	default:
		return XCTL_ERR_HV;
	}
}

static int xen_open(struct xctl_hv *hv, const struct xctl_hv_params *p)
{
	(void)p;
	struct xctl_xen *x = calloc(1, sizeof(*x));
	if (!x)
		return XCTL_ERR_NOMEM;
	/* libxl's own messages: warnings and worse; each -v shows more, -vvv
	 * its debug messages as xl -vvv */
	int v = hv->log ? hv->log->level - XCTL_LOG_WARN : 0;
	int lvl = v <= 0 ? XTL_WARN : v >= 3 ? XTL_DEBUG : XTL_WARN - 2 * v;
	x->logger = xtl_createlogger_stdiostream(stderr, (xentoollog_level)lvl, 0);
	if (!x->logger || libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)x->logger)) {
		xctl_err_log(hv->log, "cannot open libxl (is this a Xen dom0, with xenstored running? %s exists but "
				      "libxl could not use it); use --sim for the simulated host",
			     XCTL_HV_PRIVCMD);
		if (x->logger)
			xtl_logger_destroy((xentoollog_logger *)x->logger);
		free(x);
		return XCTL_ERR_UNSUPPORTED;
	}
	hv->priv = x;
	return 0;
}

static void xen_close(struct xctl_hv *hv)
{
	struct xctl_xen *x = hv->priv;
	if (!x)
		return;
	if (x->xs)
		xs_close(x->xs);
	libxl_ctx_free(x->ctx);
	xtl_logger_destroy((xentoollog_logger *)x->logger);
	free(x);
	hv->priv = NULL;
}

/* ---- creation: one step, undone by destroying the domain */

static int step_domain(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	libxl_domain_config d;
	struct xctl_xen_images im = { 0 };
	struct xctl_global_config builtin;
	const struct xctl_global_config *g = b->global;
	uint32_t domid = INVALID_DOMID;
	int rc;
	libxl_domain_config_init(&d);
	/* no global configuration (the monitor's restart had none, and
	 * segfaulted here): its built-in values */
	rc = xctl_global_init(&builtin);
	if (!g)
		g = &builtin;
	if (!rc)
		rc = xctl_xen_domain_config(xctl_xen_ctx(hv), b->cfg, g, hv->log, &d);
	if (!rc)
		rc = xctl_xen_native_hotplug(&d, g, hv->log);
	if (rc)
		goto out;
	/* the devices of xctl's own backends are later steps (xen_standalone.c) */
	xctl_xen_sa_filter(&d);
	xctl_xen_images_use(&d, g, hv->log, &im);
	if (xctl_hv_fault(hv, "libxl_domain_create_new")) {
		rc = XCTL_ERR_HV;
		goto out;
	}
	/* Leaves the domain paused with its devices connected (libxl destroys
	 * what it made when it fails), as xl before its unpause. */
	int lrc = libxl_domain_create_new(xctl_xen_ctx(hv), &d, &domid, NULL, NULL);
	if (lrc) {
		rc = xctl_xen_err(lrc);
		xctl_err_log(hv->log, "domain '%s': libxl could not create it (libxl error %d; its messages above say "
				      "why)",
			     b->cfg->name, lrc);
		goto out;
	}
	b->domid = domid;
	b->have_domid = true;
	char uuid[40];
	snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(d.c_info.uuid));
	xctl_xen_images_restore(&im, uuid, hv->log);
out:
	xctl_xen_images_free(&im);
	libxl_domain_config_dispose(&d);
	xctl_global_dispose(&builtin);
	return rc;
}

static int step_domain_undo(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	if (!b->have_domid)
		return 0;
	int rc = hv->ops->destroy(hv, b->domid);
	if (rc == XCTL_ERR_NOTFOUND)
		rc = 0;
	if (!rc)
		b->have_domid = false;
	return rc;
}

static int xen_create_steps(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps,
			    size_t *nsteps)
{
	*steps = calloc(1, sizeof(**steps));
	if (!*steps)
		return XCTL_ERR_NOMEM;
	(*steps)[0] = (struct xctl_hv_step){ "domain", step_domain, step_domain_undo, 0 };
	*nsteps = 1;
	return xctl_xen_sa_steps(hv, b, steps, nsteps);
}

static void xen_build_free(struct xctl_hv *hv, struct xctl_hv_build *b)
{
	(void)hv;
	b->priv = NULL;
}

static int xen_destroy(struct xctl_hv *hv, uint32_t domid)
{
	if (xctl_hv_fault(hv, "libxl_domain_destroy"))
		return XCTL_ERR_HV;
	/* the devices of xctl's own backends, which libxl does not know */
	xctl_xen_sa_destroy(hv, domid, false);
	int lrc = libxl_domain_destroy(xctl_xen_ctx(hv), domid, NULL);
	xctl_xen_sa_destroy(hv, domid, true);
	if (lrc) {
		int rc = xctl_xen_err(lrc);
		if (rc != XCTL_ERR_NOTFOUND)
			xctl_err_log(hv->log, "domain %u: libxl could not destroy it (libxl error %d)", domid, lrc);
		return rc;
	}
	return 0;
}

static int xen_cleanup_uuid(struct xctl_hv *hv, const char *uuid)
{
	/* libxl removes /vm/UUID, /libxl/N and /local/domain/N when it destroys
	 * a domain or fails a creation; a domain with this uuid still there is
	 * destroyed. */
	uint32_t domid;
	int rc = xctl_hv_domid_by_uuid(hv, uuid, &domid);
	if (rc == XCTL_ERR_NOTFOUND)
		return 0;
	return rc ? rc : xen_destroy(hv, domid);
}

/* ---- control */

static int xen_pause(struct xctl_hv *hv, uint32_t domid)
{
	if (xctl_hv_fault(hv, "libxl_domain_pause"))
		return XCTL_ERR_HV;
	int lrc = libxl_domain_pause(xctl_xen_ctx(hv), domid, NULL);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot pause it (libxl error %d)", domid, lrc);
	return xctl_xen_err(lrc);
}

static int xen_unpause(struct xctl_hv *hv, uint32_t domid)
{
	if (xctl_hv_fault(hv, "libxl_domain_unpause"))
		return XCTL_ERR_HV;
	int lrc = libxl_domain_unpause(xctl_xen_ctx(hv), domid, NULL);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot unpause it (libxl error %d)", domid, lrc);
	return xctl_xen_err(lrc);
}

static int xen_shutdown(struct xctl_hv *hv, uint32_t domid, int reason, bool force)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int lrc;
	if (reason != XCTL_SHUTDOWN_POWEROFF && reason != XCTL_SHUTDOWN_REBOOT) {
		xctl_err_log(hv->log, "domain %u: shutdown reason %s is not supported on Xen yet", domid,
			     xctl_shutdown_reason_name(reason));
		return XCTL_ERR_UNSUPPORTED;
	}
	if (xctl_hv_fault(hv, "libxl_domain_shutdown"))
		return XCTL_ERR_HV;
	lrc = reason == XCTL_SHUTDOWN_REBOOT ? libxl_domain_reboot(ctx, domid, NULL)
					     : libxl_domain_shutdown(ctx, domid, NULL);
	if (lrc == ERROR_NOPARAVIRT && force) {
		/* as xl -F: an ACPI event for an HVM guest without PV drivers */
		libxl_dominfo info;
		libxl_dominfo_init(&info);
		bool hvm = !libxl_domain_info(ctx, &info, domid) && info.domain_type == LIBXL_DOMAIN_TYPE_HVM;
		libxl_dominfo_dispose(&info);
		if (!hvm) {
			xctl_err_log(hv->log, "domain %u: PV control interface not available and the guest is not HVM "
					      "(no ACPI fallback)",
				     domid);
			return XCTL_ERR_UNSUPPORTED;
		}
		lrc = libxl_send_trigger(ctx, domid,
					 reason == XCTL_SHUTDOWN_REBOOT ? LIBXL_TRIGGER_RESET : LIBXL_TRIGGER_POWER, 0,
					 NULL);
	}
	if (lrc == ERROR_NOPARAVIRT) {
		xctl_err_log(hv->log, "domain %u: PV control interface not available (use -F for an ACPI event on an "
				      "HVM guest)",
			     domid);
		return XCTL_ERR_UNSUPPORTED;
	}
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot ask it to %s (libxl error %d)", domid,
			     reason == XCTL_SHUTDOWN_REBOOT ? "reboot" : "shut down", lrc);
	return xctl_xen_err(lrc);
}

static int xen_sysrq(struct xctl_hv *hv, uint32_t domid, char key)
{
	if (xctl_hv_fault(hv, "libxl_send_sysrq"))
		return XCTL_ERR_HV;
	int lrc = libxl_send_sysrq(xctl_xen_ctx(hv), domid, key);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot send sysrq '%c' (libxl error %d)", domid, key, lrc);
	return xctl_xen_err(lrc);
}

static int xen_soft_reset(struct xctl_hv *hv, uint32_t domid)
{
	xctl_err_log(hv->log, "domain %u: soft reset through libxl needs the domain's configuration; not supported "
			      "on Xen yet",
		     domid);
	return XCTL_ERR_UNSUPPORTED;
}

static int xen_core_dump(struct xctl_hv *hv, uint32_t domid, const char *path)
{
	if (xctl_hv_fault(hv, "libxl_domain_core_dump"))
		return XCTL_ERR_HV;
	int lrc = libxl_domain_core_dump(xctl_xen_ctx(hv), domid, path, NULL);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot dump its core to %s (libxl error %d)", domid, path, lrc);
	return xctl_xen_err(lrc);
}

/* ---- console: xenconsole, as xl console, in a child we wait for */

static int xen_console(struct xctl_hv *hv, uint32_t domid, const char *type, int num)
{
	libxl_console_type t = type && !strcmp(type, "serial") ? LIBXL_CONSOLE_TYPE_SERIAL : LIBXL_CONSOLE_TYPE_PV;
	pid_t pid = fork();
	if (pid < 0) {
		xctl_err_log(hv->log, "domain %u: cannot start the console client: fork failed", domid);
		return XCTL_ERR_IO;
	}
	if (pid == 0) {
		libxl_console_exec(xctl_xen_ctx(hv), domid, num, t, -1);
		_exit(127); /* only reached when xenconsole could not be run */
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		xctl_err_log(hv->log, "domain %u: the console client failed (exit %d)", domid,
			     WIFEXITED(st) ? WEXITSTATUS(st) : 128);
		return XCTL_ERR_HV;
	}
	return 0;
}

const struct xctl_hv_ops xctl_hv_xen_ops = {
	.name = "xen",
	.open = xen_open,
	.close = xen_close,
	.create_steps = xen_create_steps,
	.build_free = xen_build_free,
	.destroy = xen_destroy,
	.cleanup_uuid = xen_cleanup_uuid,
	.pause = xen_pause,
	.unpause = xen_unpause,
	.shutdown = xen_shutdown,
	.sysrq = xen_sysrq,
	.soft_reset = xen_soft_reset,
	.core_dump = xen_core_dump,
	.list = xctl_xen_list,
	.info = xctl_xen_info,
	.host = xctl_xen_host,
	.dmesg = xctl_xen_dmesg,
	.vcpu_list = xctl_xen_vcpu_list,
	.rename = xctl_xen_rename,
	.mem_target = xctl_xen_mem_target,
	.mem_max = xctl_xen_mem_max,
	.vcpu_set = xctl_xen_vcpu_set,
	.vcpu_pin = xctl_xen_vcpu_pin,
	.wait = xctl_xen_wait,
	.console = xen_console,
	.device_add = xctl_xen_device_add,
	.device_remove = xctl_xen_device_remove,
	.device_list = xctl_xen_device_list,
};
