/* SPDX-License-Identifier: LGPL-2.1-only */
/* A number as xl reads one: the one parser of numbers for xl.cfg values,
 * the global configuration and the key table's defaults. */
#ifndef XCTL_CONFIG_XLNUM_H
#define XCTL_CONFIG_XLNUM_H

#include <stdint.h>

/* As xlu_cfg_get_bounded_long() (tools/libs/util/libxlu_cfg.c:270-323 at
 * Xen 4.17.7): strtol() with base 0 over the whole text, so decimal, 0x
 * hex and 0 octal, leading white space (isspace) and a sign are taken;
 * nothing may follow the digits, not even a blank. Returns 0 with the
 * value in *out, XCTL_ERR_INVAL for text that is not a number, or
 * XCTL_ERR_LIMIT for a number outside the range of a long (where xl says
 * "could not be parsed as a number: Numerical result out of range"). */
int xctl_xl_long(const char *s, int64_t *out);

#endif
