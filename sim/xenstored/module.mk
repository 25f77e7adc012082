# SPDX-License-Identifier: LGPL-2.1-only
# sim/xenstored: xctl-xenstored, the simulated host's xenstore daemon.
# Everything but main.c goes into a library that the tests and the fuzz
# target link too.
XSD_SRCS := $(filter-out sim/xenstored/main.c,$(wildcard sim/xenstored/*.c))
LIBXSD := $(BUILD)/lib/libxctlxsd.a
$(LIBXSD): $(call objs,$(XSD_SRCS))

$(BUILD)/bin/xctl-xenstored: $(call objs,sim/xenstored/main.c) $(LIBXSD) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_YAJL)

PROGRAMS += $(BUILD)/bin/xctl-xenstored
