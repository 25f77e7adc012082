# SPDX-License-Identifier: LGPL-2.1-only
# tests/hv/xen: hv/xen's translation of the model into libxl_domain_config,
# field by field and against real xl's JSON from the lab (expected/).
$(BUILD)/tests/test_xen_config: $(call objs,tests/hv/xen/test_xen_config.c) $(TEST_RUNCMD_OBJS) $(LIBXCTL) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBXCTL) $(LIBCOMMON) $(LIBS_XENLIGHT) $(LIBS_XENSTORE) $(LIBS_KCACHE) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_xen_config

# hv/xen's devices of xctl's own backends, against xctl-xenstored.
$(BUILD)/tests/test_xen_standalone: $(call objs,tests/hv/xen/test_xen_standalone.c tests/xenstored/harness.c tests/cli/runcmd.c) $(BUILD)/lib/libxctl.a \
		$(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBXCTL) $(LIBCOMMON) $(LIBS_XENLIGHT) $(LIBS_XENSTORE) $(LIBS_KCACHE) $(LIBS_YAJL) \
		$(LIBS_CMOCKA) -lpthread
TESTS += $(BUILD)/tests/test_xen_standalone

# hv/xen's native hotplug: which devices get xctl-hotplug as their script.
$(BUILD)/tests/test_xen_hotplug: $(call objs,tests/hv/xen/test_xen_hotplug.c) $(BUILD)/lib/libxctl.a $(LIBCOMMON) \
		| $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBXCTL) $(LIBCOMMON) $(LIBS_XENLIGHT) $(LIBS_XENSTORE) $(LIBS_KCACHE) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_xen_hotplug
