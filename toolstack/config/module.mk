# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/config: the xl.cfg reader, the key table, the domain model,
# defaults, validation, JSON, and the disk and vif specs. Part of libxctl.
LIBXCTL_SRCS += $(wildcard toolstack/config/*.c)
