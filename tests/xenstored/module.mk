# SPDX-License-Identifier: LGPL-2.1-only
# tests/xenstored: integration tests of xctl-xenstored (libxenstore, the
# xenstore-* tools, raw protocol clients), hostile clients, the fuzz target.
#
#   test_xs_portable  what any xenstored must do for dom0; XCTL_XS_EXTERNAL=1
#                     runs it against an already running xenstored
#   test_xs_domain    guest connections, permissions, quotas, state, trace
#   test_xs_hostile   hostile clients, with the daemon's memory measured
#   test_xs_io        the socket I/O: io_uring batches, more than a batch, output
#                     queued after a connection's turn
#   test_xs_rules     the rules Xen 4.17.7's xenstored decides, each citing it
#   test_xs_unit      queue rules (duplicates, outstanding) on in-process connections
#   test_xs_store     the store's structures (nodes that never move, the lists
#                     of the nodes naming a domain, RELEASE) in process
XSD_TEST_HARNESS := $(call objs,tests/xenstored/harness.c)

$(BUILD)/tests/test_xs_%: $(call objs,tests/xenstored/test_xs_%.c) $(XSD_TEST_HARNESS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE) $(LIBS_CMOCKA)

# The queue rules and the store's structures on in-process connections:
# linked with the daemon's code.
$(BUILD)/tests/test_xs_store: $(call objs,tests/xenstored/test_xs_store.c) $(LIBXSD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
$(BUILD)/tests/test_xs_unit: $(call objs,tests/xenstored/test_xs_unit.c) $(LIBXSD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)

XSD_TESTS := $(patsubst tests/xenstored/%.c,$(BUILD)/tests/%,$(wildcard tests/xenstored/test_xs_*.c))
# The tests start the daemon: build it first.
$(XSD_TESTS): | $(BUILD)/bin/xctl-xenstored
TESTS += $(XSD_TESTS)

fuzz_xsd_request_FUZZ_DEPS := $(call objs,tests/xenstored/fuzz_xsd_request.c) $(LIBXSD) $(LIBCOMMON)
fuzz_xsd_request_FUZZ_LIBS := $(LIBS_YAJL)
FUZZ_TARGETS += fuzz_xsd_request

# Keep the objects of the pattern-built tests (make would delete them as
# intermediates and rebuild every time).
.SECONDARY: $(call objs,$(wildcard tests/xenstored/*.c))
