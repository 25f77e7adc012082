/* SPDX-License-Identifier: LGPL-2.1-only */
/* The fake environment of the hotplug tests: xctl-xenstored in a temporary
 * directory, a network namespace of the test's own, files on loop devices;
 * helpers to set and read backend nodes, make bridges and TAPs, and run a
 * program as libxl runs a hotplug script. */
#ifndef XCTL_TESTS_HPFIX_H
#define XCTL_TESTS_HPFIX_H

#include "toolstack/hotplug/hotplug.h"
#include "tests/xenstored/harness.h"
#include "common/log.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fix {
	struct xsd_daemon xsd;
	struct xs_handle *xs;
	char dir[256], locks[300], logpath[300];
	FILE *logf;
	struct xctl_log log;
	struct xctl_hp_ctx c;
};

extern struct fix F;

void bset(const char *path, const char *key, const char *val);
const char *bget(const char *path, const char *key);
void brm(const char *path);
void mkfile(const char *name, char *out, size_t sz);
void vbd(struct xctl_hp_req *r, uint32_t domid, uint32_t devid, enum xctl_hp_action a);
void vif(struct xctl_hp_req *r, uint32_t domid, uint32_t devid, enum xctl_hp_action a);
void vbd_nodes(const struct xctl_hp_req *r, const char *params, const char *mode);
int sysfs_int(const char *dev, const char *rel);
bool backed_by(const char *dev, const char *file);
void assert_physdev(const char *path);
void mkbridge(const char *name, int mtu);
void mktap(const char *name);
void link_state(const char *name, bool *up, int *mtu, uint8_t mac[6]);
int run(char *const argv[], const char *const env[]);
int hp_setup(void **state);
int hp_teardown(void **state);

#endif
