# SPDX-License-Identifier: LGPL-2.1-only
# tests/hotplug: native hotplug, xctl-hotplug and scripts/hotplug against
# libxl's script ABI (xctl-xenstored, a network namespace, loop devices).
$(BUILD)/tests/test_hotplug: $(call objs,tests/hotplug/test_hotplug.c toolstack/hotplug/hotplug.c toolstack/hotplug/sys.c \
		tests/xenstored/harness.c) \
		$(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-hotplug
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_XENSTORE) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_hotplug
