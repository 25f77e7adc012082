/* SPDX-License-Identifier: LGPL-2.1-only */
/* From an xl.cfg file (and command-line overrides) to a validated domain
 * model: parse -> keys -> defaults -> validate. Every problem of every
 * phase is collected in one struct xctl_diags. */
#ifndef XCTL_CONFIG_RESOLVE_H
#define XCTL_CONFIG_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toolstack/config/cfg_parse.h"
#include "toolstack/config/global.h"
#include "toolstack/config/model.h"

struct xctl_diags;

/* Random numbers for generated UUIDs and MACs (splitmix64), only when the
 * caller gives a seed (`--seed N`); otherwise a dry run shows the UUID and
 * MACs as unset, as xl leaves the MAC until creation. */
struct xctl_rng {
	uint64_t state;
};
uint64_t xctl_rng_next(struct xctl_rng *r);

struct xctl_resolve_opts {
	const struct xctl_global_config *global; /* NULL: built-in values */
	uint64_t seed;                           /* for the rng, when seeded */
	bool seeded;    /* generate a UUID and MACs from seed; else leave them unset: they are drawn
			 * at creation, as libxl does (libxl_uuid_generate, libxl_nic.c:69-83) */
	bool creating;  /* for real: a missing disk target is an error, not a warning */
	bool strict;    /* warnings become errors */
};

/* Resolve parsed settings into m (initialised here). Returns 0 or
 * XCTL_ERR_CONFIG (every problem in d), XCTL_ERR_NOMEM. */
int xctl_config_resolve(const struct xctl_cfg *cfg, const char *main_file, const struct xctl_resolve_opts *o,
			struct xctl_domain_config *m, struct xctl_diags *d);

/* Read path, apply the overrides ("KEY=VALUE" as on xl's command line) and
 * resolve. Returns 0, XCTL_ERR_CONFIG (syntax or config errors, in d), a read
 * error of the file (in d), or XCTL_ERR_NOMEM. */
int xctl_config_load(const char *path, char *const *overrides, size_t noverrides,
		     const struct xctl_resolve_opts *o, struct xctl_domain_config *m, struct xctl_diags *d);

/* Phases (defaults.c, validate.c) */
int xctl_config_defaults(struct xctl_domain_config *m, const struct xctl_global_config *g, struct xctl_rng *rng,
			 struct xctl_diags *d);
/* videoram libxl gives an HVM guest with this vga and device model (MiB) */
int64_t xctl_videoram_default(const struct xctl_domain_config *m);
int xctl_config_validate(const struct xctl_domain_config *m, const char *main_file, bool creating,
			 struct xctl_diags *d);

#endif
