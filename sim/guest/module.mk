# SPDX-License-Identifier: LGPL-2.1-only
# sim/guest: xctl-guest, the simulated PV guest xctl-simd starts for each
# domain (it links libsimd, the console ring and libxenstore).
GUEST_SRCS := $(wildcard sim/guest/*.c) sim/console/consring.c
SIMD_LIB_A := $(BUILD)/lib/libsimd.a

ifneq ($(wildcard sim/simd/lib.c),)
$(BUILD)/bin/xctl-guest: $(call objs,$(GUEST_SRCS)) $(SIMD_LIB_A) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE)
PROGRAMS += $(BUILD)/bin/xctl-guest
endif
