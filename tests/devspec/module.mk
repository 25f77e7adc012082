# SPDX-License-Identifier: LGPL-2.1-only
# tests/devspec: disk and vif specs (toolstack/config/disk*.c, vif*.c):
# unit tests, the comparison with libxlutil, and libFuzzer targets.
#
# The tests link the spec objects themselves rather than libxctl: the same
# objects go into libxctl, so nothing is compiled twice, no symbol is linked
# twice, and these tests do not depend on the rest of the library.
DEVSPEC_SRCS := $(sort $(wildcard toolstack/config/disk*.c toolstack/config/vif*.c))
DEVSPEC_OBJS := $(call objs,$(DEVSPEC_SRCS))

$(BUILD)/tests/test_diskspec: $(call objs,tests/devspec/test_diskspec.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)

$(BUILD)/tests/test_vifspec: $(call objs,tests/devspec/test_vifspec.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)

# Compared with libxlutil (xlu_disk_parse, xlu_vif_parse_rate), which work
# without Xen.
$(BUILD)/tests/test_disk_xlu: $(call objs,tests/devspec/xen/test_disk_xlu.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENLIGHT) $(LIBS_YAJL) $(LIBS_CMOCKA)

$(BUILD)/tests/test_vif_xlu: $(call objs,tests/devspec/xen/test_vif_xlu.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENLIGHT) $(LIBS_YAJL) $(LIBS_CMOCKA)

TESTS += $(BUILD)/tests/test_diskspec $(BUILD)/tests/test_vifspec $(BUILD)/tests/test_disk_xlu \
	$(BUILD)/tests/test_vif_xlu

# libFuzzer targets (make fuzz); seeds in tests/fuzz/corpus/NAME/.
fuzz_disk_spec_FUZZ_DEPS := $(call objs,tests/devspec/fuzz_disk_spec.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
fuzz_disk_spec_FUZZ_LIBS := $(LIBS_YAJL)
fuzz_vif_spec_FUZZ_DEPS := $(call objs,tests/devspec/fuzz_vif_spec.c) $(DEVSPEC_OBJS) $(LIBCOMMON)
fuzz_vif_spec_FUZZ_LIBS := $(LIBS_YAJL)
FUZZ_TARGETS += fuzz_disk_spec fuzz_vif_spec
