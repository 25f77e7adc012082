# SPDX-License-Identifier: LGPL-2.1-only
# tests/lab: real Xen 4.17 in QEMU (see docs/lab.md). `make lab` builds xctl
# and every program, then boots the lab and runs tests/lab/scenarios/.
# What the scenarios' lab-needs headers name among the tree's outputs is
# built first; the list of known outputs lets the harness (tests/lab/plan.sh)
# refuse a need that names nothing the tree builds.
LAB_NEEDS := $(shell sed -n 's/^\# lab-needs: *//p' tests/lab/scenarios/*.sh)
LAB_BENCH_NEEDS := $(shell sed -n 's/^\# lab-needs: *//p' tests/lab/bench/*.sh)
# LAB_DATA: other files a fragment builds for the lab's scenarios (under
# $(BUILD), named in lab-needs like programs).
LAB_KNOWN = $(PROGRAMS) $(TESTS) $(BENCHES) $(LAB_DATA)
LAB_TEST_BINS = $(filter $(addprefix $(BUILD)/,$(LAB_NEEDS)),$(LAB_KNOWN))
LAB_BENCH_BINS = $(filter $(addprefix $(BUILD)/,$(LAB_BENCH_NEEDS)),$(LAB_KNOWN))
ifneq ($(filter lab lab-bench lab-suite,$(MAKECMDGOALS)),)
LAB_MAKE_START := $(shell date +%s.%N)
endif

.SECONDEXPANSION:
lab: $(BUILD)/bin/xctl $$(PROGRAMS) $$(LAB_TEST_BINS)
	@LAB_MAKE_START=$(LAB_MAKE_START) tests/lab/lab.sh $(BUILD) \
		$(patsubst $(BUILD)/%,%,$(LAB_KNOWN))

# make lab-bench: the timing runs of tests/lab/bench/ (longer than make lab
# may take), artifacts in $(BUILD)/lab-bench/.
.PHONY: lab-bench
lab-bench: $(BUILD)/bin/xctl $$(PROGRAMS) $$(LAB_BENCH_BINS)
	@LAB_MAKE_START=$(LAB_MAKE_START) XCTL_LAB_SCENARIOS=tests/lab/bench \
		XCTL_LAB_OUT=$${XCTL_LAB_OUT:-$(BUILD)/lab-bench} XCTL_LAB_TIMEOUT=$${XCTL_LAB_TIMEOUT:-2400} \
		tests/lab/lab.sh $(BUILD) $(patsubst $(BUILD)/%,%,$(LAB_KNOWN))

# make lab-suite: make lab's scenarios of the scenario suite of make test
# (tests/scenarios/) only, on real Xen: xctl-pv, xctl-pvh, xctl-hvm and
# xctl-scenarios (XCTL_LAB_ONLY chooses others), artifacts in
# $(BUILD)/lab-suite/.
.PHONY: lab-suite
lab-suite: $(BUILD)/bin/xctl $$(PROGRAMS) $$(LAB_TEST_BINS)
	@LAB_MAKE_START=$(LAB_MAKE_START) XCTL_LAB_ONLY="$${XCTL_LAB_ONLY:-xctl-pv xctl-pvh xctl-hvm xctl-scenarios}" \
		XCTL_LAB_OUT=$${XCTL_LAB_OUT:-$(BUILD)/lab-suite} \
		tests/lab/lab.sh $(BUILD) $(patsubst $(BUILD)/%,%,$(LAB_KNOWN))

# The harness itself on the host: plan, summary, fault recognition, runner.
$(BUILD)/tests/test_lab_harness: $(call objs,tests/lab/test_lab_harness.c tests/cli/runcmd.c tests/cli/runcheck.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_lab_harness

# The known outputs, relative to $(BUILD), for the harness's own test.
.PHONY: lab-known
lab-known:
	@echo $(patsubst $(BUILD)/%,%,$(LAB_KNOWN))
