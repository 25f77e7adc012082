# SPDX-License-Identifier: LGPL-2.1-only
# tests/fidelity: the same xenstore tree from xl, xctl and the simulated host.
#   - the lab's tree-compare scenario compares xl's and xctl's trees in dom0
#     (tests/lab/scenarios/16-tree-compare.sh), with the documented
#     differences of tests/lab/tree-compare.allow (a lab data file);
#   - test_sim_fidelity (make test) creates the lab's guests on a simulated
#     host of its own and compares its trees with the lab's, checked in as
#     tests/fixtures/xenstore/ (scripts/lab-xenstore-fixtures.sh refreshes
#     them from $(BUILD)/lab after make lab), with the documented differences
#     of tests/fidelity/sim.allow.
TREE_COMPARE_ALLOW := $(BUILD)/lab-data/tree-compare.allow
$(TREE_COMPARE_ALLOW): tests/lab/tree-compare.allow
	@mkdir -p $(dir $@)
	@echo "  COPY    $@"
	@cp $< $@
lab: $(TREE_COMPARE_ALLOW)
LAB_DATA += $(TREE_COMPARE_ALLOW)

$(BUILD)/tests/test_sim_fidelity: $(call objs,tests/fidelity/test_sim_fidelity.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_sim_fidelity

# The normaliser and the comparison, through the library and the commands
# (the library by its path: xenstore-schema/module.mk is read after this one).
$(BUILD)/tests/test_xsnorm: $(call objs,tests/fidelity/test_xsnorm.c) $(TEST_RUNCMD_OBJS) $(BUILD)/lib/libxctlschema.a $(LIBCOMMON) | $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_xsnorm
