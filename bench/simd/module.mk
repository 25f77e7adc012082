# SPDX-License-Identifier: LGPL-2.1-only
# bench/simd: 1, 10, 100 and 1,000 domains created, unpaused (guests up)
# and destroyed; time per domain, the ratio, xctl-simd's memory per domain.
# (libsimd by its path: sim/simd/module.mk is read after this one.)
$(BUILD)/bench/bench_simd: $(call objs,bench/simd/bench_simd.c tests/simd/harness.c) $(BUILD)/lib/libsimd.a $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/bench/bench_simd: | $(BUILD)/bin/xctl-simd $(BUILD)/bin/xctl-xenstored $(BUILD)/tests/simd-testguest
BENCHES += $(BUILD)/bench/bench_simd
