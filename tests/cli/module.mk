# tests/cli: the xctl command line, driven as a user would. runcmd.c is a
# helper other tests that run programs may link ($(TEST_RUNCMD_OBJS)).
TEST_RUNCMD_OBJS := $(call objs,tests/cli/runcmd.c)
$(BUILD)/tests/test_cli: $(call objs,tests/cli/test_cli.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_cli
