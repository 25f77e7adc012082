# SPDX-License-Identifier: LGPL-2.1-only
# tests/lab: real Xen 4.17 in QEMU (see docs/lab.md). `make lab` builds xctl
# and every program, then boots the lab and runs tests/lab/scenarios/.
# Scenarios that need a test binary get it built first when a component
# defines it; the list of known outputs tells the harness which missing
# prerequisites are failures and which are simply not written yet.
LAB_TEST_BINS = $(filter $(BUILD)/tests/test_xs_portable,$(TESTS))
ifneq ($(filter lab,$(MAKECMDGOALS)),)
LAB_MAKE_START := $(shell date +%s.%N)
endif

.SECONDEXPANSION:
lab: $(BUILD)/bin/xctl $$(PROGRAMS) $$(LAB_TEST_BINS)
	@LAB_MAKE_START=$(LAB_MAKE_START) tests/lab/lab.sh $(BUILD) \
		$(patsubst $(BUILD)/%,%,$(PROGRAMS) $(TESTS))
