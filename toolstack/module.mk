# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/: libxctl (config, core, hv) and the xctl CLI.
#
# Parts of the toolstack add their sources to LIBXCTL_SRCS from their own
# fragment (toolstack/config/module.mk, ...). Other components that xctl
# links (e.g. the xenstore schema library) append their archive to XCTL_LIBS
# and their link flags to XCTL_LDLIBS.
LIBXCTL := $(BUILD)/lib/libxctl.a
XCTL_CLI_SRCS := $(wildcard toolstack/cli/*.c)

.SECONDEXPANSION:
$(LIBXCTL): $$(call objs,$$(LIBXCTL_SRCS))

$(BUILD)/bin/xctl: $(call objs,$(XCTL_CLI_SRCS)) $(LIBXCTL) $$(XCTL_LIBS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBXCTL) $(XCTL_LIBS) $(LIBCOMMON) $(XCTL_LDLIBS) $(LIBS_YAJL)

PROGRAMS += $(BUILD)/bin/xctl
