# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/hv/xen: the libxl implementation of the hv port. Its objects get
# the hypervisor libraries' cflags (the port rule in mk/build.mk); xctl links
# libxenlight for them.
LIBXCTL_SRCS += $(filter-out toolstack/hv/xen/xen_stub.c,$(wildcard toolstack/hv/xen/*.c))
XCTL_LDLIBS += $(LIBS_XENLIGHT)

# The configs the lab's xctl-libxl-json scenario gives both xl and xctl.
LIBXL_CORPUS := $(BUILD)/lab-data/libxl-corpus.tar
$(LIBXL_CORPUS): $(wildcard configs/*.cfg tests/config/valid/*.cfg)
	@echo "  TAR     $@"
	@rm -rf $@.d && mkdir -p $@.d
	@for f in $^; do case $$f in configs/*) p=configs-;; *) p=valid-;; esac; cp $$f $@.d/$$p$${f##*/}; done
	@tar -cf $@.tmp -C $@.d . && rm -rf $@.d && mv $@.tmp $@
lab: $(LIBXL_CORPUS)
LAB_DATA += $(LIBXL_CORPUS)
