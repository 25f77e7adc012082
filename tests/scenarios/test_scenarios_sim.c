/* SPDX-License-Identifier: LGPL-2.1-only */
/* The scenarios only a simulated host can run (fault injection, kill -9 at
 * each step): tests/scenarios/sim/NAME.sh. */
#define XCTL_SCEN_SIM 1
#include "tests/scenarios/test_scenarios.c"
