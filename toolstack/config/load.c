/* SPDX-License-Identifier: LGPL-2.1-only */
/* Global configuration + domain configuration + overrides -> model. */
#include "toolstack/config/load.h"
#include "toolstack/config/resolve.h"
#include "common/diag.h"
#include "common/err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint64_t xctl_config_random_seed(void)
{
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		/* no entropy source: time and pid still differ between runs */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16);
	}
	return seed;
}

int xctl_config_load_request(const struct xctl_config_request *r, struct xctl_global_config *g,
			     struct xctl_domain_config *m, struct xctl_diags *d)
{
	int rc;
	xctl_model_init(m);
	rc = xctl_global_init(g);
	if (rc)
		return rc;
	rc = xctl_global_load(g, r->global_path ? r->global_path : XCTL_GLOBAL_CONFIG_DEFAULT, r->global_path != NULL,
			      d);
	if (rc)
		return rc;
	if (r->ignore_global_masks) {
		char **masks[] = { &g->cpumask, &g->cpumask_pv, &g->cpumask_pvh, &g->cpumask_hvm };
		for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
			free(*masks[i]);
			*masks[i] = NULL;
		}
	}
	struct xctl_resolve_opts o = { .global = g, .seed = r->seed, .seeded = r->seeded, .creating = r->creating, .strict = r->strict };
	return xctl_config_load(r->path, r->overrides, r->noverrides, &o, m, d);
}
