# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/hotplug: native hotplug (what Xen's block and vif-bridge scripts
# do, in C), part of libxctl for hv/sim and hv/xen, and xctl-hotplug, the
# program libxl runs as a device's hotplug script on real Xen.
HOTPLUG_SRCS := toolstack/hotplug/hotplug.c toolstack/hotplug/sys.c
LIBXCTL_SRCS += $(HOTPLUG_SRCS)

$(BUILD)/bin/xctl-hotplug: $(call objs,toolstack/hotplug/main.c $(HOTPLUG_SRCS)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENSTORE)
PROGRAMS += $(BUILD)/bin/xctl-hotplug

# make install: the scripts with libxl's ABI, for script= of a device (or a
# script of one's own to start from), in $(SYSCONFDIR)/xctl/scripts/.
.PHONY: install-hotplug-scripts
install: install-hotplug-scripts
install-hotplug-scripts:
	install -d $(DESTDIR)$(SYSCONFDIR)/xctl/scripts
	install -m 0755 scripts/hotplug/block scripts/hotplug/vif-bridge $(DESTDIR)$(SYSCONFDIR)/xctl/scripts/
