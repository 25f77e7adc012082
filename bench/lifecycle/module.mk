# SPDX-License-Identifier: LGPL-2.1-only
# bench/lifecycle: 1,000 PV domains created and destroyed on a simulated
# host (make bench prints the table). Links libxctl as xctl does.
.SECONDEXPANSION:
$(BUILD)/bench/bench_lifecycle: $(call objs,bench/lifecycle/bench_lifecycle.c) $(BUILD)/lib/libxctl.a $$(XCTL_LIBS) \
		$(BUILD)/lib/libxctlcommon.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/lib/libxctl.a $(XCTL_LIBS) $(BUILD)/lib/libxctlcommon.a \
		$(XCTL_LDLIBS) $(LIBS_YAJL)
$(BUILD)/bench/bench_lifecycle: | $(BUILD)/bin/xctl $(BUILD)/tests/testback
BENCHES += $(BUILD)/bench/bench_lifecycle
