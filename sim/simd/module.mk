# SPDX-License-Identifier: LGPL-2.1-only
# sim/simd: xctl-simd (the simulated hypervisor) and libsimd, its client
# library (also the host start-up helper), which hv/sim, xenio/sim, the
# simulated guest and xctl link.
SIMD_LIB_SRCS := sim/simd/lib.c sim/simd/lib_io.c sim/simd/proto.c sim/simd/host.c
LIBSIMD := $(BUILD)/lib/libsimd.a
$(LIBSIMD): $(call objs,$(SIMD_LIB_SRCS))

SIMD_SRV_SRCS := sim/simd/main.c $(wildcard sim/simd/srv_*.c)
$(BUILD)/bin/xctl-simd: $(call objs,$(SIMD_SRV_SRCS)) $(LIBSIMD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^

PROGRAMS += $(BUILD)/bin/xctl-simd
XCTL_LIBS += $(LIBSIMD)
