/* SPDX-License-Identifier: LGPL-2.1-only */
/* The hypervisor port: fault injection and the helpers every command
 * shares (name or domid lookup, cpu maps). */
#include "toolstack/hv/hv.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *xctl_hv_kind_name(enum xctl_hv_kind k)
{
	switch (k) {
	case XCTL_HV_SIM:
		return "sim";
	case XCTL_HV_XEN:
		return "xen";
	default:
		return "auto";
	}
}

const char *xctl_shutdown_reason_name(int reason)
{
	static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
	if (reason < 0 || (size_t)reason >= XCTL_ARRAY_SIZE(names))
		return "unknown";
	return names[reason];
}

int xctl_hv_fault(struct xctl_hv *hv, const char *what)
{
	hv->calls++;
	if (hv->kill_at && hv->calls == hv->kill_at) {
		xctl_debug(hv->log, "fault injection: killed at call %lu (%s)", hv->calls, what);
		raise(SIGKILL);
	}
	if (hv->fault_at && hv->calls == hv->fault_at) {
		xctl_err_log(hv->log, "fault injection: call %lu (%s) fails", hv->calls, what);
		errno = EIO; /* what callers that report errno say of the failed call */
		return 1;
	}
	return 0;
}

enum xctl_hv_bewait xctl_hv_be_state_reached(int want, int st)
{
	if (want >= 6)
		return st == -1 || st >= want ? XCTL_HV_BE_REACHED : XCTL_HV_BE_WAIT;
	if (st >= 5)
		return XCTL_HV_BE_REFUSED;
	return st >= want ? XCTL_HV_BE_REACHED : XCTL_HV_BE_WAIT;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int find(struct xctl_hv *hv, const char *name, const char *uuid, uint32_t *domid)
{
	struct xctl_hv_dominfo *v = NULL;
	size_t n = 0;
	int rc = hv->ops->list(hv, &v, &n);
	if (rc)
		return rc;
	rc = XCTL_ERR_NOTFOUND;
	for (size_t i = 0; i < n; i++) {
		if ((name && !strcmp(v[i].name, name)) || (uuid && !strcmp(v[i].uuid, uuid))) {
			*domid = v[i].domid;
			rc = 0;
			break;
		}
	}
	free(v);
	return rc;
}

int xctl_hv_domid_by_name(struct xctl_hv *hv, const char *name, uint32_t *domid)
{
	return find(hv, name, NULL, domid);
}

int xctl_hv_domid_by_uuid(struct xctl_hv *hv, const char *uuid, uint32_t *domid)
{
	return find(hv, NULL, uuid, domid);
}

int xctl_hv_lookup(struct xctl_hv *hv, const char *name_or_id, uint32_t *domid)
{
	if (all_digits(name_or_id)) {
		uint64_t id;
		struct xctl_hv_dominfo info;
		if (xctl_parse_u64(name_or_id, 10, UINT32_MAX, &id))
			return XCTL_ERR_NOTFOUND;
		int rc = hv->ops->info(hv, (uint32_t)id, &info);
		if (rc)
			return rc;
		*domid = (uint32_t)id;
		return 0;
	}
	return xctl_hv_domid_by_name(hv, name_or_id, domid);
}

void xctl_hv_vcpuinfo_free(struct xctl_hv_vcpuinfo *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		xctl_hv_cpumap_free(&v[i].hard);
		xctl_hv_cpumap_free(&v[i].soft);
	}
	free(v);
}

int xctl_hv_cpumap_alloc(struct xctl_hv_cpumap *m, uint32_t ncpus)
{
	m->nbytes = (ncpus + 7) / 8;
	if (!m->nbytes)
		m->nbytes = 1;
	m->map = calloc(m->nbytes, 1);
	if (!m->map) {
		m->nbytes = 0;
		return XCTL_ERR_NOMEM;
	}
	return 0;
}

void xctl_hv_cpumap_free(struct xctl_hv_cpumap *m)
{
	free(m->map);
	m->map = NULL;
	m->nbytes = 0;
}

bool xctl_hv_cpumap_test(const struct xctl_hv_cpumap *m, uint32_t cpu)
{
	return cpu / 8 < m->nbytes && (m->map[cpu / 8] >> (cpu % 8)) & 1;
}

void xctl_hv_cpumap_set(struct xctl_hv_cpumap *m, uint32_t cpu)
{
	if (cpu / 8 < m->nbytes)
		m->map[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
}
