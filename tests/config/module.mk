# SPDX-License-Identifier: LGPL-2.1-only
# tests/config: the xl.cfg pipeline. test_config runs the golden corpus
# (valid/ with expected JSON, invalid/ with the exact expected diagnostics)
# and the reader's unit tests; test_cfg_xlu compares the reader with
# libxlutil on the same corpus; test_config_cli drives the CLI and
# test_config_xlexample resolves Xen's own example configs (both run xctl
# through tests/cli/runcmd.c); fuzz_xlcfg fuzzes the reader and the whole
# pipeline.
CONFIG_OBJS := $(call objs,$(wildcard toolstack/config/*.c))

$(BUILD)/tests/test_config: $(call objs,tests/config/test_config.c tests/config/test_cfg_parse.c tests/config/test_keys.c tests/config/test_rules.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)

$(BUILD)/tests/test_cfg_xlu: $(call objs,tests/config/xen/test_cfg_xlu.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENLIGHT) $(LIBS_YAJL) $(LIBS_CMOCKA)

# Tests that run the xctl binary wait for it (order-only).
$(BUILD)/tests/test_config_cli: $(call objs,tests/config/test_config_cli.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)

$(BUILD)/tests/test_config_xlexample: $(call objs,tests/config/test_config_xlexample.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)

TESTS += $(BUILD)/tests/test_config $(BUILD)/tests/test_cfg_xlu
TESTS += $(BUILD)/tests/test_config_cli $(BUILD)/tests/test_config_xlexample
DEMO += tests/config/demo.sh

fuzz_xlcfg_FUZZ_DEPS := $(call objs,tests/config/fuzz_xlcfg.c) $(CONFIG_OBJS) $(LIBCOMMON)
fuzz_xlcfg_FUZZ_LIBS := $(LIBS_YAJL)
FUZZ_TARGETS += fuzz_xlcfg

# xl-truth cases (tests/config/xltruth/), checked also against libxlutil
$(BUILD)/tests/test_xltruth: $(call objs,tests/config/xen/test_xltruth.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENLIGHT) $(LIBS_YAJL) $(LIBS_CMOCKA)

TESTS += $(BUILD)/tests/test_xltruth
