# SPDX-License-Identifier: LGPL-2.1-only
# bench/backend: xctl-blkback and xctl-netback against the raw paths.
$(BUILD)/bench/bench_backend: $(call objs,bench/backend/bench_backend.c tests/backend/blkfe.c \
		tests/backend/netfe.c) $(BUILD)/lib/libxctlbackend.a $(BUILD)/lib/libxctlcommon.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE) -lpthread
BENCHES += $(BUILD)/bench/bench_backend
