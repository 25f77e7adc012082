/* SPDX-License-Identifier: LGPL-2.1-only */
/* The well-known xenstore paths the daemon needs, from the schema's
 * generated header. */
#ifndef XSD_PATHS_H
#define XSD_PATHS_H

#include "xenstore-schema/xs_paths.h"

#endif
