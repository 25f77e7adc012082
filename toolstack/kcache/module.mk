# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/kcache: the decompressed-image cache of PV kernels and ramdisks
# (liblzma, zlib), part of libxctl; hv/xen gives libxl the cached images.
LIBXCTL_SRCS += toolstack/kcache/kcache.c
LIBS_KCACHE := $(shell $(PKG_CONFIG) --libs liblzma zlib)
XCTL_LDLIBS += $(LIBS_KCACHE)
