# SPDX-License-Identifier: LGPL-2.1-only
# xenstore-schema/: the xenstore layout as data (schema/*.xss), the host
# generator xs-gen, the generated header and table, the validator library.
#
#   $(BUILD)/host/xs-gen                          the generator (host tool)
#   $(BUILD)/gen/xenstore-schema/xs_paths.h       path and key constants (GENERATED)
#   $(BUILD)/gen/xenstore-schema/xs_table.c       the schema table, in libxctlschema
#   $(BUILD)/gen/xenstore-schema/xenstore-schema.md   the reference; `make -f mk/build.mk
#                                                 schema-doc` copies it to docs/
XS_SCHEMA_FILES := $(sort $(wildcard xenstore-schema/schema/*.xss))
XS_GEN := $(BUILD)/host/xs-gen
# names.c (the vocabulary's names) is also in the library; it needs only
# schema_defs.h, never the generated header.
XS_GEN_SRCS := $(sort $(wildcard xenstore-schema/gen/*.c)) xenstore-schema/names.c common/util.c \
	common/err.c
XS_GENDIR := $(BUILD)/gen/xenstore-schema
XS_HEADER := $(XS_GENDIR)/xs_paths.h
XS_TABLE := $(XS_GENDIR)/xs_table.c
XS_DOC := $(XS_GENDIR)/xenstore-schema.md

# Built directly from its sources: its objects must not wait for GENERATED.
$(XS_GEN): $(XS_GEN_SRCS) $(wildcard xenstore-schema/gen/*.h) xenstore-schema/schema_defs.h common/util.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(LDFLAGS) -o $@ $(XS_GEN_SRCS)

# xs-gen rewrites an output only when its content changes.
$(XS_HEADER): $(XS_GEN) $(XS_SCHEMA_FILES)
	@mkdir -p $(dir $@)
	@echo "  XSGEN   $@"
	@$(XS_GEN) header $@ $(XS_SCHEMA_FILES) && touch $@
$(XS_TABLE): $(XS_GEN) $(XS_SCHEMA_FILES)
	@mkdir -p $(dir $@)
	@echo "  XSGEN   $@"
	@$(XS_GEN) table $@ $(XS_SCHEMA_FILES) && touch $@
$(XS_DOC): $(XS_GEN) $(XS_SCHEMA_FILES)
	@mkdir -p $(dir $@)
	@echo "  XSGEN   $@"
	@$(XS_GEN) doc $@ $(XS_SCHEMA_FILES) && touch $@

GENERATED += $(XS_HEADER)

.PHONY: schema-doc
schema-doc: $(XS_DOC)
	@cp $(XS_DOC) docs/xenstore-schema.md
	@echo "  UPDATE  docs/xenstore-schema.md"

XS_LIB_SRCS := $(wildcard xenstore-schema/*.c)
LIBXCTLSCHEMA := $(BUILD)/lib/libxctlschema.a
$(LIBXCTLSCHEMA): $(call objs,$(XS_LIB_SRCS) $(XS_TABLE))
XCTL_LIBS += $(LIBXCTLSCHEMA)

# Tests (tests/schema/): the real dump and the mutated dumps through the
# library; the CLI, the generated docs and the source rule by running the
# programs (test_schema_cli).
$(BUILD)/tests/test_schema_mutations: $(call objs,tests/schema/test_schema_mutations.c) $(LIBXCTLSCHEMA) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_schema_mutations

# The "no xenstore path literal" source rule (make check).
XS_LINT := $(BUILD)/tools/xs-lint
$(XS_LINT): $(call objs,xenstore-schema/lint/xs-lint.c) $(LIBXCTLSCHEMA) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^
CHECKS += xenstore-schema/check-no-path-literals.sh

# test_schema_cli runs xctl, the generator and the lint tool (order-only).
$(BUILD)/tests/test_schema_cli: $(call objs,tests/schema/test_schema_cli.c) $(TEST_RUNCMD_OBJS) $(LIBCOMMON) | $(BUILD)/bin/xctl $(XS_GEN) $(XS_LINT)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_schema_cli

$(BUILD)/tests/test_schema_values: $(call objs,tests/schema/test_schema_values.c) $(LIBXCTLSCHEMA) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL) $(LIBS_CMOCKA)
TESTS += $(BUILD)/tests/test_schema_values
