# SPDX-License-Identifier: LGPL-2.1-only
# tests/core: plans with undo, crash records and name claims.
$(BUILD)/tests/test_plan: $(call objs,tests/core/test_plan.c toolstack/core/plan.c toolstack/core/record.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_plan
