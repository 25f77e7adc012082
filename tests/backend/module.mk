# SPDX-License-Identifier: LGPL-2.1-only
# tests/backend: the backends' ring engines, hostile frontends, the xenbus
# state machine, over xenio/fake (and xctl-xenstored where xenstore is needed).
BE_TEST_HELPERS := $(call objs,tests/backend/blkfe.c tests/backend/blkfix.c)
BE_TEST_LIBS := $(LIBBACKEND) $(LIBCOMMON)

$(BUILD)/tests/test_blkif: $(call objs,tests/backend/test_blkif.c) $(BE_TEST_HELPERS) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread

TESTS += $(BUILD)/tests/test_blkif

$(BUILD)/tests/test_blk_hostile: $(call objs,tests/backend/test_blk_hostile.c) $(BE_TEST_HELPERS) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread

TESTS += $(BUILD)/tests/test_blk_hostile

$(BUILD)/tests/test_blk_uring: $(call objs,tests/backend/test_blk_uring.c) $(BE_TEST_HELPERS) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread

TESTS += $(BUILD)/tests/test_blk_uring

# libFuzzer targets (make fuzz) and their seed replays (make test).
fuzz_blkif_FUZZ_DEPS := $(call objs,tests/backend/fuzz_blkif.c tests/backend/blkfe.c) $(BE_TEST_LIBS)
fuzz_blkif_FUZZ_LIBS := $(LIBS_XENSTORE) -lpthread
FUZZ_TARGETS += fuzz_blkif

$(BUILD)/tests/test_blk_xenbus: $(call objs,tests/backend/test_blk_xenbus.c tests/backend/xbfix.c \
		tests/backend/blkfe.c tests/xenstored/harness.c) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread
$(BUILD)/tests/test_blk_xenbus: | $(BUILD)/bin/xctl-xenstored

TESTS += $(BUILD)/tests/test_blk_xenbus

NET_TEST_HELPERS := $(call objs,tests/backend/netfe.c tests/backend/netfix.c)
$(BUILD)/tests/test_netif $(BUILD)/tests/test_net_hostile: $(BUILD)/tests/test_%: \
		$(BUILD)/obj/tests/backend/test_%.o $(NET_TEST_HELPERS) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread

TESTS += $(BUILD)/tests/test_netif
TESTS += $(BUILD)/tests/test_net_hostile

fuzz_netif_FUZZ_DEPS := $(call objs,tests/backend/fuzz_netif.c tests/backend/netfe.c) $(BE_TEST_LIBS)
fuzz_netif_FUZZ_LIBS := $(LIBS_XENSTORE) -lpthread
FUZZ_TARGETS += fuzz_netif

# End to end on the simulated host (needs xctl-simd and the guest).
ifneq ($(wildcard sim/simd/lib.c),)
$(BUILD)/tests/test_blk_sim: $(call objs,tests/backend/test_blk_sim.c tests/guest/host.c) $(BUILD)/lib/libsimd.a $(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-simd $(BUILD)/bin/xctl-guest $(BUILD)/bin/xctl-blkback
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_XENSTORE) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_blk_sim
endif

$(BUILD)/tests/test_net_tap: $(call objs,tests/backend/test_net_tap.c tests/backend/netfe.c \
		tests/xenstored/harness.c) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread
$(BUILD)/tests/test_net_tap: | $(BUILD)/bin/xctl-xenstored
TESTS += $(BUILD)/tests/test_net_tap
ifneq ($(wildcard sim/simd/lib.c),)
$(BUILD)/tests/test_net_sim: $(call objs,tests/backend/test_net_sim.c tests/guest/host.c) $(BUILD)/lib/libsimd.a $(LIBCOMMON) | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-simd $(BUILD)/bin/xctl-guest $(BUILD)/bin/xctl-netback
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_XENSTORE) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_net_sim
endif

$(BUILD)/tests/test_xb_scale: $(call objs,tests/backend/test_xb_scale.c tests/backend/xbfix.c \
		tests/backend/blkfe.c tests/xenstored/harness.c) $(BE_TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BE_TEST_LIBS) $(LIBS_XENSTORE) $(LIBS_CMOCKA) -lpthread
$(BUILD)/tests/test_xb_scale: | $(BUILD)/bin/xctl-xenstored $(BUILD)/bin/xctl-blkback $(BUILD)/bin/xctl-netback
TESTS += $(BUILD)/tests/test_xb_scale
