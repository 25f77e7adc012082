# SPDX-License-Identifier: LGPL-2.1-only
# tests/hotplug: native hotplug (test_hotplug), xctl-hotplug and
# scripts/hotplug (test_hotplug_abi) against libxl's script ABI, in the fake
# environment of hpfix.c (xctl-xenstored, own network namespace, loop devices).
HPFIX_OBJS := $(call objs,tests/hotplug/hpfix.c toolstack/hotplug/hotplug.c toolstack/hotplug/sys.c \
	tests/xenstored/harness.c)
$(BUILD)/tests/test_hotplug $(BUILD)/tests/test_hotplug_abi: $(BUILD)/tests/%: $(BUILD)/obj/tests/hotplug/%.o \
		$(HPFIX_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-hotplug
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_XENSTORE) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_hotplug $(BUILD)/tests/test_hotplug_abi
