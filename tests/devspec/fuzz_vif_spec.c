/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: vif specs and rate= values. Any input must parse or be
 * refused with a diagnostic, never crash; an accepted spec must survive
 * JSON and back unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "toolstack/config/vifspec.h"

static char *to_json(const struct xctl_vif *vif)
{
	struct xctl_jw *w = xctl_jw_new(false);
	const char *text;
	size_t len;
	char *copy = NULL;

	if (!w)
		return NULL;
	xctl_vif_to_json(w, vif);
	if (!xctl_jw_finish(w, &text, &len))
		copy = strndup(text, len);
	xctl_jw_free(w);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xctl_diags d;
	struct xctl_vif vif, back;
	char *spec = malloc(size + 1);
	uint64_t bytes;
	uint32_t us;
	char why[256];

	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = 0;
	/* the whole input as a rate, too */
	if (xctl_vif_parse_rate(spec, &bytes, &us, why, sizeof(why)) == 0 && us == 0)
		abort();
	xctl_diags_init(&d);
	int rc = xctl_vif_parse(spec, "fuzz.cfg", 1, &vif, &d);
	if (rc == 0) {
		if (d.nerrors || (vif.mac_set && xctl_mac_is_multicast(vif.mac)))
			abort();
		char *j1 = to_json(&vif), *j2 = NULL;
		struct xctl_jv *v = NULL;
		char err[128];
		if (!j1 || xctl_json_parse(j1, strlen(j1), &v, err, sizeof(err)) ||
		    xctl_vif_from_json(v, &back, &d))
			abort();
		j2 = to_json(&back);
		if (!j2 || strcmp(j1, j2))
			abort();
		free(j1);
		free(j2);
		xctl_jv_free(v);
		xctl_vif_dispose(&back);
		xctl_vif_dispose(&vif);
	} else if (rc != XCTL_ERR_CONFIG || d.nerrors == 0 || vif.bridge) {
		abort();
	}
	xctl_diags_free(&d);
	free(spec);
	return 0;
}
