/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: disk specs. Any input must parse or be refused with a
 * diagnostic, never crash; an accepted spec must be complete (vdev with a
 * device number, a format) and survive JSON and back unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "toolstack/config/diskspec.h"

static char *to_json(const struct xctl_disk *disk)
{
	struct xctl_jw *w = xctl_jw_new(false);
	const char *text;
	size_t len;
	char *copy = NULL;

	if (!w)
		return NULL;
	xctl_disk_to_json(w, disk);
	if (!xctl_jw_finish(w, &text, &len))
		copy = strndup(text, len);
	xctl_jw_free(w);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xctl_diags d;
	struct xctl_disk disk, back;
	char *spec = malloc(size + 1);

	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = 0; /* a spec is a C string: it ends at the first NUL */
	xctl_diags_init(&d);
	int rc = xctl_disk_parse(spec, "fuzz.cfg", 1, &disk, &d);
	if (rc == 0) {
		if (!disk.vdev || disk.devid < 0 || disk.format == XCTL_DISK_FORMAT_UNKNOWN ||
		    d.nerrors)
			abort();
		char *j1 = to_json(&disk), *j2 = NULL;
		struct xctl_jv *v = NULL;
		char err[128];
		if (!j1 || xctl_json_parse(j1, strlen(j1), &v, err, sizeof(err)) ||
		    xctl_disk_from_json(v, &back, &d))
			abort();
		j2 = to_json(&back);
		if (!j2 || strcmp(j1, j2))
			abort();
		free(j1);
		free(j2);
		xctl_jv_free(v);
		xctl_disk_dispose(&back);
		xctl_disk_dispose(&disk);
	} else if (rc != XCTL_ERR_CONFIG || d.nerrors == 0 || disk.target || disk.vdev) {
		abort();
	}
	xctl_diags_free(&d);
	free(spec);
	return 0;
}
