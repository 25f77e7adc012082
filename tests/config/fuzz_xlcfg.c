/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: the xl.cfg reader and the whole pipeline behind it
 * (keys, disk and vif specs, defaults, validation, JSON round trip). Built
 * with FUZZ=1 (`make fuzz`); seeds in tests/fuzz/corpus/fuzz_xlcfg/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "toolstack/config/cfg_parse.h"
#include "toolstack/config/resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xctl_cfg cfg;
	struct xctl_diags d;
	struct xctl_domain_config m, m2;
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	int rc = xctl_cfg_parse_text(&cfg, "fuzz.cfg", 1, (const char *)data, size, &d);
	if (rc == 0) {
		struct xctl_resolve_opts o = { .seed = 1 };
		rc = xctl_config_resolve(&cfg, "fuzz.cfg", &o, &m, &d);
		if (rc == 0) {
			char *json = NULL, *json2 = NULL;
			if (xctl_model_to_json_string(&m, false, &json) == 0) {
				struct xctl_diags d2;
				xctl_diags_init(&d2);
				/* what xctl writes it must read back, to the same model */
				if (xctl_model_from_json_string(json, strlen(json), &m2, &d2) != 0)
					abort();
				if (!xctl_model_equal(&m, &m2) || xctl_model_to_json_string(&m2, false, &json2) ||
				    strcmp(json, json2))
					abort();
				xctl_model_dispose(&m2);
				xctl_diags_free(&d2);
			}
			free(json);
			free(json2);
		}
		xctl_model_dispose(&m);
	}
	/* every diagnostic must format */
	for (size_t i = 0; i < d.n; i++)
		free(xctl_diag_format(&d.v[i]));
	xctl_cfg_free(&cfg);
	xctl_diags_free(&d);
	return 0;
}
