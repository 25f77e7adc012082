# SPDX-License-Identifier: LGPL-2.1-only
# tests/build: the build's own rules (the port rule, the source lists),
# each shown failing on a planted violation in a scratch tree.
$(BUILD)/tests/test_build_rules: $(call objs,tests/build/test_build_rules.c tests/cli/runcmd.c tests/cli/runcheck.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_build_rules
