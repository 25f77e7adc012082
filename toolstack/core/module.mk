# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/core: plans with undo, crash records and name claims, recovery,
# the lifecycle operations, the per-domain monitor and hooks. Part of libxctl.
LIBXCTL_SRCS += $(wildcard toolstack/core/*.c)
