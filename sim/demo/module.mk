# SPDX-License-Identifier: LGPL-2.1-only
# make demo: the simulated host's part (after the configs are resolved).
DEMO += sim/demo/xenstore-demo.sh
DEMO += sim/demo/lifecycle-demo.sh
