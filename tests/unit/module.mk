# SPDX-License-Identifier: LGPL-2.1-only
# tests/unit: cmocka tests of common/ (other components keep their tests
# beside their own fragment, under tests/<component>/).
$(BUILD)/tests/test_common: $(call objs,tests/unit/test_common.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_common
