# SPDX-License-Identifier: LGPL-2.1-only
# drivers-backend: the xenio port, the xenbus backend state machine, and the
# userspace backends xctl-blkback and xctl-netback.
#
# libxctlbackend.a: everything but the xen and sim xenio implementations
# and the programs' main files, so that the tests and fuzzers link the same
# objects over xenio/fake. Only xenio/xen/*.c includes Xen's library headers.
BACKEND_SRCS := $(wildcard drivers-backend/xenio/*.c drivers-backend/xenio/fake/*.c \
	drivers-backend/common/*.c \
	drivers-backend/xenbus/*.c drivers-backend/blkback/*.c drivers-backend/netback/*.c)
BACKEND_SRCS := $(filter-out %/main.c,$(BACKEND_SRCS))
LIBBACKEND := $(BUILD)/lib/libxctlbackend.a
$(LIBBACKEND): $(call objs,$(BACKEND_SRCS))

# The ports: xen/ over Xen's libraries, sim/ over xctl-simd's client library.
XENIO_XEN_OBJS := $(call objs,drivers-backend/xenio/xen/xen.c drivers-backend/xenio/open.c)
XENIO_SIM_OBJS := $(call objs,drivers-backend/xenio/sim/sim.c)
LIBSIMD_A := $(BUILD)/lib/libsimd.a

# The daemons need xctl-simd's client library (sim/simd).
ifneq ($(wildcard sim/simd/lib.c),)
$(BUILD)/bin/xctl-blkback: $(call objs,drivers-backend/blkback/main.c) $(XENIO_XEN_OBJS) \
		$(XENIO_SIM_OBJS) $(LIBBACKEND) $(LIBSIMD_A) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENIO) $(LIBS_XENSTORE) -lpthread

$(BUILD)/bin/xctl-netback: $(call objs,drivers-backend/netback/main.c) $(XENIO_XEN_OBJS) \
		$(XENIO_SIM_OBJS) $(LIBBACKEND) $(LIBSIMD_A) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XENIO) $(LIBS_XENSTORE) -lpthread

PROGRAMS += $(BUILD)/bin/xctl-blkback $(BUILD)/bin/xctl-netback
endif

# make install: the systemd units that start both daemons on a Xen host
# (configs/systemd/, docs/backends.md), with the programs' directory.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
.PHONY: install-backend-units
install: install-backend-units
install-backend-units:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in xctl-blkback xctl-netback; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' configs/systemd/$$u.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.service || exit 1; \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.service; \
	done
