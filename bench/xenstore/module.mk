# SPDX-License-Identifier: LGPL-2.1-only
# bench/xenstore: the xenstore benchmark (make bench prints its table).
$(BUILD)/bench/bench_xenstore: $(call objs,bench/xenstore/bench_xenstore.c bench/xenstore/client.c tests/xenstored/harness.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE)
$(BUILD)/bench/bench_xenstore: | $(BUILD)/bin/xctl-xenstored
BENCHES += $(BUILD)/bench/bench_xenstore
