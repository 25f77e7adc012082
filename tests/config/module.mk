# tests/config: the xl.cfg pipeline. test_config runs the golden corpus
# (valid/ with expected JSON, invalid/ with the exact expected diagnostics)
# and the reader's unit tests; test_cfg_xlu compares the reader with
# libxlutil on the same corpus; the scripts drive the CLI and Xen's own
# example configs; fuzz_xlcfg fuzzes the reader and the whole pipeline.
CONFIG_OBJS := $(call objs,$(wildcard toolstack/config/*.c))

$(BUILD)/tests/test_config: $(call objs,tests/config/test_config.c tests/config/test_cfg_parse.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)

$(BUILD)/tests/test_cfg_xlu: $(call objs,tests/config/test_cfg_xlu.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENLIGHT) $(LIBS_YAJL) $(LIBS_CMOCKA)

TESTS += $(BUILD)/tests/test_config $(BUILD)/tests/test_cfg_xlu
TEST_SCRIPTS += tests/config/cli.sh tests/config/xlexample.sh
DEMO += tests/config/demo.sh

ifeq ($(FUZZ),1)
$(BUILD)/fuzz/fuzz_xlcfg: $(call objs,tests/config/fuzz_xlcfg.c) $(CONFIG_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS_YAJL)
FUZZERS += $(BUILD)/fuzz/fuzz_xlcfg
endif
