# SPDX-License-Identifier: LGPL-2.1-only
# tests/simd: xctl-simd and libsimd, each test program against a private
# host (tests/simd/harness.c); simd-testguest is the guest program they run.
SIMD_TEST_HARNESS := $(call objs,tests/simd/harness.c)

$(BUILD)/tests/simd-testguest: $(call objs,tests/simd/simd_testguest.c) $(LIBSIMD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/test_simd_%: $(call objs,tests/simd/test_simd_%.c) $(SIMD_TEST_HARNESS) $(LIBSIMD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE) $(LIBS_CMOCKA)

SIMD_TESTS := $(patsubst tests/simd/%.c,$(BUILD)/tests/%,$(wildcard tests/simd/test_simd_*.c))
$(SIMD_TESTS): | $(BUILD)/bin/xctl-simd $(BUILD)/bin/xctl-xenstored $(BUILD)/tests/simd-testguest
TESTS += $(SIMD_TESTS)
all: $(BUILD)/tests/simd-testguest

.SECONDARY: $(call objs,$(wildcard tests/simd/*.c))
$(BUILD)/tests/test_simd_host: $(call objs,tests/cli/runcmd.c)
$(BUILD)/tests/test_simd_host: | $(BUILD)/bin/xctl

# The protocol parser's fuzz target (make fuzz) and its seed replay (make test).
fuzz_simd_proto_FUZZ_DEPS := $(call objs,tests/simd/fuzz_simd_proto.c) $(LIBSIMD) $(LIBCOMMON)
FUZZ_TARGETS += fuzz_simd_proto
