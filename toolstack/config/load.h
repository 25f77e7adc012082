/* SPDX-License-Identifier: LGPL-2.1-only */
/* What a command does to turn its arguments into a domain model: read the
 * global configuration (--config FILE or the default, missing default is fine),
 * the domain's xl.cfg file and the KEY=VALUE overrides, and resolve them. */
#ifndef XCTL_CONFIG_LOAD_H
#define XCTL_CONFIG_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "toolstack/config/global.h"
#include "toolstack/config/model.h"

struct xctl_diags;

struct xctl_config_request {
	const char *global_path;    /* --config FILE; NULL: XCTL_GLOBAL_CONFIG_DEFAULT, may be missing */
	const char *path;           /* the domain's configuration */
	char *const *overrides;     /* "KEY=VALUE" */
	size_t noverrides;
	bool creating;              /* a real creation (missing disk targets are errors) */
	bool strict;                /* warnings are errors */
	bool ignore_global_masks;   /* xl create -i: the global vm*.cpumask do not apply */
	uint64_t seed;              /* for generated UUIDs and MACs, when seeded */
	bool seeded;                /* false: UUID and MACs unset unless given */
};

/* g and m are initialised here and must be disposed by the caller whatever
 * the result. Returns 0, XCTL_ERR_CONFIG (problems in d), a read error of a
 * file (reported in d), or XCTL_ERR_NOMEM. */
int xctl_config_load_request(const struct xctl_config_request *r, struct xctl_global_config *g,
			     struct xctl_domain_config *m, struct xctl_diags *d);

/* A seed from the kernel's random pool. */
uint64_t xctl_config_random_seed(void);

/* Readable summary of a resolved domain (summary.c). */
void xctl_model_summary(FILE *out, const struct xctl_domain_config *m, const char *source);

#endif
