# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/cli: the manual page and the bash completion, generated from the
# command table by the xctl binary, and `make install`.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#
# installs, where Debian puts them (with PREFIX=/usr):
#   $(SBINDIR)/        every program (xctl, xctl-xenstored, ...), side by side
#                      as xctl expects to find its daemons
#   $(MANDIR)/man1/xctl.1
#   $(BASHCOMPDIR)/xctl
#   $(DOCDIR)/examples/ the example configurations of configs/
#   $(SYSCONFDIR)/xctl/xctl.conf, unless one is there already
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/xctl
SYSCONFDIR ?= /etc

XCTL_MAN := $(BUILD)/share/man/man1/xctl.1
XCTL_COMPLETION := $(BUILD)/share/bash-completion/completions/xctl

$(XCTL_MAN): $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(BUILD)/bin/xctl help --man >$@.tmp && mv $@.tmp $@

$(XCTL_COMPLETION): $(BUILD)/bin/xctl
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(BUILD)/bin/xctl completion >$@.tmp && mv $@.tmp $@

all: $(XCTL_MAN) $(XCTL_COMPLETION)

.PHONY: install
.SECONDEXPANSION:
install: $$(PROGRAMS) $(XCTL_MAN) $(XCTL_COMPLETION)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(SYSCONFDIR)/xctl
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(XCTL_MAN) $(DESTDIR)$(MANDIR)/man1/xctl.1
	install -m 0644 $(XCTL_COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/xctl
	install -m 0644 $(wildcard configs/*.cfg) configs/xctl.conf $(DESTDIR)$(DOCDIR)/examples/
	[ -e $(DESTDIR)$(SYSCONFDIR)/xctl/xctl.conf ] || \
		install -m 0644 configs/xctl.conf $(DESTDIR)$(SYSCONFDIR)/xctl/xctl.conf
