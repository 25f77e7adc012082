# SPDX-License-Identifier: LGPL-2.1-only
# tests/cli: the xctl command line, driven as a user would. runcmd.c (and
# runcheck.c, a command run as a counted check) is a
# helper other tests that run programs may link ($(TEST_RUNCMD_OBJS)).
TEST_RUNCMD_OBJS := $(call objs,tests/cli/runcmd.c tests/cli/runcheck.c)
$(BUILD)/tests/test_cli: $(call objs,tests/cli/test_cli.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_cli

# make demo's scripts, run as tests so that the demo cannot break unseen.
$(BUILD)/tests/test_demo: $(call objs,tests/cli/test_demo.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl $(BUILD)/bin/xctl-xenstored
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_demo

# The CLI framework against the test's own command table (no commands.c).
TEST_CLI_FRAMEWORK := $(filter-out toolstack/cli/main.c toolstack/cli/commands.c toolstack/cli/cmd_%.c \
	toolstack/cli/config_args.c,$(wildcard toolstack/cli/*.c))
$(BUILD)/tests/test_cli_table: $(call objs,tests/cli/test_cli_table.c $(TEST_CLI_FRAMEWORK)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_cli_table
