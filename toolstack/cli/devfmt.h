/* SPDX-License-Identifier: LGPL-2.1-only */
/* What block-list and network-list print: xl 4.17's columns (xl_block.c
 * main_blocklist, xl_nic.c main_networklist) and xctl's --json objects. */
#ifndef XCTL_CLI_DEVFMT_H
#define XCTL_CLI_DEVFMT_H

#include <stdio.h>

#include "toolstack/hv/hv.h"

struct xctl_jw;

void xctl_devfmt_block_header(FILE *out);
void xctl_devfmt_block_row(FILE *out, const struct xctl_hv_devinfo *d);
void xctl_devfmt_network_header(FILE *out);
void xctl_devfmt_network_row(FILE *out, const struct xctl_hv_devinfo *d);
/* One JSON object per device, with the domain's name and domid. */
void xctl_devfmt_json(struct xctl_jw *w, const char *domain, uint32_t domid, const struct xctl_hv_devinfo *d);

#endif
