/* SPDX-License-Identifier: LGPL-2.1-only */
/* `xctl schema show`: describe a path, a template or a node id (or, with
 * what == NULL, list the whole schema). */
#ifndef XCTL_SCHEMA_SHOW_H
#define XCTL_SCHEMA_SHOW_H

#include <stdbool.h>
#include <stdio.h>

/* 0, XCTL_ERR_NOTFOUND (message on err) or XCTL_ERR_NOMEM. */
int xctl_schema_show(const char *what, bool json, FILE *out, FILE *err);

#endif
