# SPDX-License-Identifier: LGPL-2.1-only
# tests/devices: block-* and network-* (formats against xl's, the commands on
# a simulated host of the test's own).
$(BUILD)/tests/test_devices: $(call objs,tests/devices/test_devices.c toolstack/cli/devfmt.c) $(TEST_RUNCMD_OBJS) \
		$(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_devices
