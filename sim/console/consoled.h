/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-consoled: the console daemon of the simulated host (the role of
 * Xen's xenconsoled). For every guest domain it maps the console ring page
 * (grant ref 0, as xenconsoled maps GNTTAB_RESERVED_CONSOLE), binds the
 * domain's console port, appends the guest's output to
 * DIR/log/console/guest-DOMID.log, and offers a pty whose path it publishes
 * in /local/domain/DOMID/console/tty: what is written to the pty goes into
 * the ring's input half, what the guest prints comes out of it, so
 * `xl console`-style clients (and `xctl console`) attach by opening the tty.
 * docs/guest.md describes it. Files: consoled.c (domains, the loop),
 * consring.c (the ring). */
#ifndef XCTL_CONSOLED_H
#define XCTL_CONSOLED_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLED_LOG_SUBDIR "console"         /* under DIR/log */
#define CONSOLED_LOG_MAX (4u << 20)           /* default --log-max: bytes per log before it rotates to .1 */
#define CONSOLED_MAX_DOMAINS 4096

/* DIR/log/console/guest-DOMID.log into out. */
int consoled_log_path(const char *dir, uint32_t domid, char *out, size_t outsz);

#endif
