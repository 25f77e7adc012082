# SPDX-License-Identifier: LGPL-2.1-only
# tests/kcache: the decompressed-image cache of PV kernels and ramdisks.
$(BUILD)/tests/test_kcache: $(call objs,tests/kcache/test_kcache.c toolstack/kcache/kcache.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_KCACHE) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_kcache
