# SPDX-License-Identifier: LGPL-2.1-only
# tests/hv: the hv port's helpers over a fake implementation.
$(BUILD)/tests/test_hv: $(call objs,tests/hv/test_hv.c toolstack/hv/hv.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_hv
