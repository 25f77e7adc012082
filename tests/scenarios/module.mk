# SPDX-License-Identifier: LGPL-2.1-only
# tests/scenarios: the scenario suite (POSIX sh driving the xctl command
# line, also run by the lab on real Xen), run on a simulated host of its own
# by test_scenarios; testback stands in for the backends not built yet.
$(BUILD)/tests/testback: $(call objs,tests/scenarios/testback.c) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE)

$(BUILD)/tests/test_scenarios: $(call objs,tests/scenarios/test_scenarios.c) | $(BUILD)/bin/xctl $(BUILD)/tests/testback
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_scenarios

$(BUILD)/tests/test_scenarios_sim: $(call objs,tests/scenarios/test_scenarios_sim.c) | $(BUILD)/bin/xctl $(BUILD)/tests/testback
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_scenarios_sim

$(BUILD)/tests/test_scenarios_faults: $(call objs,tests/scenarios/test_scenarios_faults.c) | $(BUILD)/bin/xctl $(BUILD)/tests/testback
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_scenarios_faults

# The suite for the lab (the xctl-* scenarios of make lab and make lab-suite
# run it on real Xen): the scenarios, the example configurations and the
# lab's side of it (tests/lab/scenlib/), one archive.
SCEN_SUITE_TAR := $(BUILD)/lab-data/scenario-suite.tar
$(SCEN_SUITE_TAR): $(wildcard tests/scenarios/*.sh configs/*.cfg tests/lab/scenlib/*.sh)
	@mkdir -p $(dir $@)
	@echo "  TAR     $@"
	@tar -cf $@.tmp tests/scenarios/*.sh configs/*.cfg tests/lab/scenlib/*.sh && mv $@.tmp $@
lab-suite: $(SCEN_SUITE_TAR)
LAB_DATA += $(SCEN_SUITE_TAR)
