# SPDX-License-Identifier: LGPL-2.1-only
# sim/console: xctl-consoled, the simulated host's console daemon (the
# role of xenconsoled), and the console ring code the guest shares.
CONSOLED_SRCS := sim/console/consoled.c sim/console/consring.c sim/console/paths.c

ifneq ($(wildcard sim/simd/lib.c),)
$(BUILD)/bin/xctl-consoled: $(call objs,$(CONSOLED_SRCS)) $(BUILD)/lib/libsimd.a $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE)
PROGRAMS += $(BUILD)/bin/xctl-consoled
endif

# attach.c: the client side (`xctl console`), in a library for the CLI.
LIBXCTLCONSOLE := $(BUILD)/lib/libxctlconsole.a
$(LIBXCTLCONSOLE): $(call objs,sim/console/attach.c sim/console/paths.c)
XCTL_LIBS += $(LIBXCTLCONSOLE)
