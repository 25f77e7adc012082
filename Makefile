# SPDX-License-Identifier: LGPL-2.1-only
# xctl top-level Makefile.
#
# Every target first makes sure the Debian packages xctl needs are present
# (scripts/install-deps.sh does nothing when they are), then hands over to
# mk/build.mk, where pkg-config is evaluated once the libraries exist.
#
#   make          build everything into build/
#   make test     build and run every test (cmocka binaries and scripts)
#   make check    the tests again in an ASan+UBSan build (build/san/), plus
#                 the source rules (no xenstore path literals, file sizes)
#   make demo     the main job, end to end
#   make bench    benchmarks, printed as tables
#   make fuzz     every fuzz target for a bounded time
#   make lab      real Xen in QEMU (tests/lab/)
#   make lab-bench  timing runs in the lab (tests/lab/bench/)
#   make lab-suite  make lab's scenarios of the scenario suite only
#   make install  programs, man page, completion, example configs
#                 (PREFIX=/usr/local, DESTDIR=; see toolstack/cli/module.mk)
#   make clean
#
# BUILD=DIR builds elsewhere (default build/); check and fuzz use DIR/san and
# DIR/fuzz. Several people working in one tree each use their own BUILD.

MAKEFLAGS += --no-print-directory
JOBS ?= 2
BUILD ?= build
export BUILD
INNER = $(MAKE) -j$(JOBS) -f mk/build.mk

.PHONY: all test check demo bench fuzz lab lab-bench lab-suite install clean deps deps-lab

all: deps
	@$(INNER) all

test: deps
	@$(INNER) test

check: deps
	@$(INNER) BUILD=$(BUILD)/san SAN=1 check

demo: deps
	@$(INNER) demo

bench: deps
	@$(INNER) bench

fuzz: deps
	@$(INNER) BUILD=$(BUILD)/fuzz CC=clang FUZZ=1 fuzz

lab: deps-lab
	@$(INNER) lab

lab-bench: deps-lab
	@$(INNER) lab-bench

lab-suite: deps-lab
	@$(INNER) lab-suite

install: deps
	@$(INNER) install

clean:
	rm -rf build

deps:
	@scripts/install-deps.sh build

deps-lab:
	@scripts/install-deps.sh lab
