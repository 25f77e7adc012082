/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-hotplug: the native hotplug of a vbd or vif, run by libxl as the
 * device's hotplug script (libxl's ABI: see hotplug.h), without a shell.
 * Environment of its own: XCTL_HOTPLUG_TIMEOUT (seconds, the wait for the
 * device's lock), XCTL_HOTPLUG_LOCK_DIR (default /run/xctl/hotplug).
 * Exit 0 done (or nothing to do), 1 failed (hotplug-error says why), 2 not
 * called as libxl calls a hotplug script. */
#include "toolstack/hotplug/hotplug.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <xenstore.h>

static const char *env(const char *name)
{
	return getenv(name);
}

int main(int argc, char **argv)
{
	struct xctl_log log;
	xctl_log_init(&log, "xctl-hotplug", XCTL_LOG_WARN);
	struct xctl_hp_req r;
	char why[512];
	int rc = xctl_hp_parse(argc, argv, env, &r, why, sizeof(why));
	if (rc == 1)
		return 0;
	if (rc) {
		xctl_err_log(&log, "%s; this program is a hotplug script run by libxl (as `%s add|remove` or "
				   "`online|offline` with XENBUS_PATH, XENBUS_TYPE and, for a vif, vif set)",
			     why, argv[0]);
		return 2;
	}
	struct xctl_hp_ctx c = { .log = &log, .lock_dir = getenv("XCTL_HOTPLUG_LOCK_DIR") };
	const char *t = getenv("XCTL_HOTPLUG_TIMEOUT");
	uint64_t secs;
	if (t && *t) {
		if (xctl_parse_u64(t, 10, 3600, &secs) || !secs) {
			xctl_err_log(&log, "XCTL_HOTPLUG_TIMEOUT is '%s' (allowed: 1 to 3600 seconds)", t);
			return 2;
		}
		c.timeout_ms = (int)secs * 1000;
	}
	c.xs = xs_open(0);
	if (!c.xs) {
		char name[64];
		xctl_hp_name(&r, name, sizeof(name));
		xctl_err_log(&log, "%s: cannot connect to xenstore (is xenstored running?)", name);
		return 1;
	}
	rc = xctl_hp_run(&c, &r);
	xs_close(c.xs);
	return rc ? 1 : 0;
}
