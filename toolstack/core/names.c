/* SPDX-License-Identifier: LGPL-2.1-only */
/* The name index: STATE/names/NAME holds "DOMID UUID" of the domain xctl
 * gave that name, so that a create checks its name in constant time
 * instead of reading the name of every domain (what libxl does). An entry
 * is trusted only after the domain it names is found with that uuid; a
 * stale one (the domain went without xctl) is removed. Written under the
 * name's claim (record.h), so two writers never race. */
#include "toolstack/core/core.h"
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int xctl_core_name_set(struct xctl_core *c, const char *name, uint32_t domid, const char *uuid)
{
	char *dir = xctl_core_path(c, "names", "", NULL);
	char *path = xctl_core_path(c, "names", name, NULL);
	char tmp[4200];
	int rc = dir && path ? 0 : XCTL_ERR_NOMEM;
	for (int tries = 0; !rc && tries < 3; tries++) {
		rc = xctl_mkdirs(dir);
		if (rc)
			break;
		snprintf(tmp, sizeof(tmp), "%s.new.%ld", path, (long)getpid());
		FILE *f = fopen(tmp, "we");
		if (!f) {
			rc = errno == ENOENT ? XCTL_ERR_AGAIN : xctl_err_from_errno(errno);
			continue;
		}
		bool bad = fprintf(f, "%u %s\n", domid, uuid) < 0;
		bad |= fclose(f) != 0;
		if (bad || rename(tmp, path)) {
			rc = errno == ENOENT ? XCTL_ERR_AGAIN : XCTL_ERR_IO;
			unlink(tmp);
			continue;
		}
		rc = 0;
		break;
	}
	if (rc)
		xctl_err_log(c->log, "domain '%s': cannot record its name in %s/names: %s", name, c->state_dir,
			     xctl_strerror(rc));
	free(dir);
	free(path);
	return rc;
}

void xctl_core_name_drop(struct xctl_core *c, const char *name, const char *uuid)
{
	char *path = xctl_core_path(c, "names", name, NULL);
	char *text = NULL;
	size_t len;
	if (path && !xctl_read_file(path, 256, &text, &len)) {
		const char *sp = strchr(text, ' ');
		if (!uuid || (sp && !strncmp(sp + 1, uuid, strlen(uuid))))
			unlink(path);
	}
	free(text);
	free(path);
	char *dir = xctl_core_path(c, "names", "", NULL);
	if (dir)
		rmdir(dir); /* only when empty */
	free(dir);
}

int xctl_core_name_lookup(struct xctl_core *c, const char *name, uint32_t *domid)
{
	char *path = xctl_core_path(c, "names", name, NULL);
	char *text = NULL;
	size_t len;
	if (!path)
		return XCTL_ERR_NOMEM;
	int rc = xctl_read_file(path, 256, &text, &len);
	free(path);
	if (rc)
		return rc;
	unsigned long id = 0;
	char uuid[XCTL_UUID_STRLEN] = "";
	bool ok = sscanf(text, "%lu %36s", &id, uuid) == 2;
	free(text);
	struct xctl_hv_dominfo info;
	if (ok && !c->hv->ops->info(c->hv, (uint32_t)id, &info) && !strcmp(info.uuid, uuid) &&
	    !strcmp(info.name, name)) {
		*domid = (uint32_t)id;
		return 0;
	}
	xctl_core_name_drop(c, name, NULL); /* stale */
	return XCTL_ERR_NOTFOUND;
}
