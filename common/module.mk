# SPDX-License-Identifier: LGPL-2.1-only
# common/: the error convention, logging, diagnostics, JSON, small helpers.
COMMON_SRCS := $(wildcard common/*.c)
LIBCOMMON := $(BUILD)/lib/libxctlcommon.a
$(LIBCOMMON): $(call objs,$(COMMON_SRCS))
