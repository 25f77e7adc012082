# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/hv: the hypervisor port (hv.h, hv.c) and its simulated-host
# implementation (sim/). The libxl implementation (xen/) adds itself from its
# own fragment or, until then, the placeholder in xen/.
LIBXCTL_SRCS += $(wildcard toolstack/hv/*.c) $(wildcard toolstack/hv/sim/*.c)
ifeq ($(wildcard toolstack/hv/xen/module.mk),)
LIBXCTL_SRCS += $(wildcard toolstack/hv/xen/*.c)
endif
# hv/sim talks to the simulated host through libsimd and libxenstore.
XCTL_LDLIBS += $(LIBS_XENSTORE)
