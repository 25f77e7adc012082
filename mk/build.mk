# SPDX-License-Identifier: LGPL-2.1-only
# The real build. Called by the top-level Makefile after dependencies are in
# place. Components add themselves with a module.mk fragment beside their
# sources; a fragment appends to the lists below and never edits this file.
#
#   PROGRAMS      installed programs, built by `all`        ($(BUILD)/bin/...)
#   TESTS         cmocka test binaries, run by `test`
#   BENCHES       benchmark commands, run by `bench`
#   FUZZ_TARGETS  fuzz targets by NAME, with NAME_FUZZ_DEPS (the target's
#                 objects and archives) and NAME_FUZZ_LIBS (link flags): each
#                 becomes the libFuzzer program $(BUILD)/fuzz/NAME (FUZZ=1,
#                 run by `fuzz`) and the test $(BUILD)/tests/replay_NAME,
#                 which replays the seeds of tests/fuzz/corpus/NAME/
#   FUZZERS       libFuzzer programs (made from FUZZ_TARGETS)
#   CHECKS        source-rule scripts run by `check`
#   GENERATED     generated headers every object may include
#   DEMO          commands run in order by `demo`

BUILD ?= build
SAN ?=
FUZZ ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT := -O1
else ifeq ($(FUZZ),1)
SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer
OPT := -O1
else
SANFLAGS :=
OPT := -O2
endif

# Every object gets the flags of yajl, libxenstore and cmocka. Only objects
# of */xen/*.c sources get the flags of the hypervisor libraries (the port
# rule, scripts/port-rule.sh); every other object finds, first on its include
# path, headers of those names that stop the compile with the rule.
PKGS := yajl xenstore cmocka
XEN_PORT_PKGS := xenlight xlutil xencontrol xengnttab xenevtchn xenforeignmemory xentoollog
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
XEN_PORT_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(XEN_PORT_PKGS))
PORT_GUARD := $(BUILD)/gen/port-guard
PORT_GUARD_CFLAGS := -I$(PORT_GUARD)
# $(call port_cflags,SOURCE)
port_cflags = $(if $(findstring /xen/,/$(1)),$(XEN_PORT_CFLAGS),$(PORT_GUARD_CFLAGS))
LIBS_YAJL := $(shell $(PKG_CONFIG) --libs yajl)
LIBS_XENSTORE := $(shell $(PKG_CONFIG) --libs xenstore)
LIBS_CMOCKA := $(shell $(PKG_CONFIG) --libs cmocka)
# Only for programs that link a */xen/*.c object (make check verifies it).
LIBS_XENLIGHT := $(shell $(PKG_CONFIG) --libs xenlight xlutil xentoollog)
LIBS_XENIO := $(shell $(PKG_CONFIG) --libs xengnttab xenevtchn xenforeignmemory xencontrol)

CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g $(OPT) $(SANFLAGS) \
	-MMD -MP -I. -I$(BUILD)/gen $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)

PROGRAMS :=
TESTS :=
BENCHES :=
FUZZ_TARGETS :=
FUZZERS :=
CHECKS :=
GENERATED := $(PORT_GUARD)/.stamp
DEMO :=

# $(call objs,SOURCES): object files for sources
objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

.DEFAULT_GOAL := all
.PHONY: all test check demo bench fuzz lab

include common/module.mk
include $(sort $(filter-out common/module.mk,$(wildcard */module.mk */*/module.mk */*/*/module.mk)))

# $(call fuzz_rules,NAME): a fuzz target's libFuzzer program or replay test
define fuzz_rules
ifeq ($$(FUZZ),1)
$$(BUILD)/fuzz/$(1): $$($(1)_FUZZ_DEPS)
	@mkdir -p $$(dir $$@)
	@echo "  LINK    $$@"
	@$$(CC) $$(LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$($(1)_FUZZ_LIBS)
FUZZERS += $$(BUILD)/fuzz/$(1)
else
$$(BUILD)/tests/replay_$(1): $$(call objs,tests/fuzz/replay.c) $$($(1)_FUZZ_DEPS) $$(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	@echo "  LINK    $$@"
	@$$(CC) $$(LDFLAGS) -o $$@ $$^ $$($(1)_FUZZ_LIBS) $$(LIBS_CMOCKA)
TESTS += $$(BUILD)/tests/replay_$(1)
endif
endef
$(foreach f,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(f))))

ALL_SRCS := $(shell find common toolstack xenstore-schema drivers-backend sim tests -name '*.c' 2>/dev/null)
$(BUILD)/obj/%.o: %.c | $(GENERATED)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(call port_cflags,$<) -c -o $@ $<

$(PORT_GUARD)/.stamp: scripts/port-rule.sh
	@scripts/port-rule.sh guard $(PORT_GUARD) && touch $@

$(BUILD)/lib/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

all: $(PROGRAMS) $(TESTS)

test: all
	@scripts/run-tests.sh "$(BUILD)" $(TESTS)

check: test
	@for c in $(CHECKS); do echo "== check $$c"; XCTL_BUILD=$(BUILD) $$c || exit 1; done
	@echo "check: all sanitizer tests and source rules passed"

demo: all
	@set -e; for d in $(DEMO); do XCTL_BUILD=$(BUILD) XCTL_BIN=$(BUILD)/bin $$d; done

bench: all $(BENCHES)
	@set -e; for b in $(BENCHES); do XCTL_BUILD=$(BUILD) XCTL_BIN=$(BUILD)/bin $$b; done

fuzz: $(FUZZERS)
	@scripts/run-fuzz.sh "$(BUILD)" $(FUZZERS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
