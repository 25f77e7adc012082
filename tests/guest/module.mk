# SPDX-License-Identifier: LGPL-2.1-only
# tests/guest: the simulated guest and the console daemon.
#
#   test_consring     the console ring, both ends, against hostile indices
#   test_guest_vbd    blkfront against a test backend on simd's mapper API
#   test_guest_life   control/shutdown, knobs, netfront (a test netback)
#   test_console      xctl-consoled: the log, an attach through the pty
GUEST_TEST_HOST := $(call objs,tests/guest/host.c tests/guest/testback.c sim/console/consring.c sim/console/paths.c sim/console/attach.c)

$(BUILD)/tests/test_consring: $(call objs,tests/guest/test_consring.c sim/console/consring.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_consring

ifneq ($(wildcard sim/simd/lib.c),)
GUEST_HOST_TESTS := $(patsubst tests/guest/%.c,$(BUILD)/tests/%,$(filter-out tests/guest/test_consring.c,$(wildcard tests/guest/test_*.c)))
$(GUEST_HOST_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/guest/%.o $(GUEST_TEST_HOST) $(BUILD)/lib/libsimd.a $(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-simd $(BUILD)/bin/xctl-guest $(BUILD)/bin/xctl-consoled
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_XENSTORE) $(LIBS_CMOCKA)
TESTS += $(GUEST_HOST_TESTS)
endif

.SECONDARY: $(call objs,$(wildcard tests/guest/*.c))
