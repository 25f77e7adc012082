/* SPDX-License-Identifier: LGPL-2.1-only */
/* Fault injection at every call of a create, on a simulated host:
 * tests/scenarios/faults/NAME.sh (a program of its own: it is long). */
#define XCTL_SCEN_FAULTS 1
#include "tests/scenarios/test_scenarios.c"
