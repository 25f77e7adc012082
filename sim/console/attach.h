/* SPDX-License-Identifier: LGPL-2.1-only */
/* Attaching to a domain's console, as `xl console` does (through Xen's
 * xenconsole client): the console daemon publishes a pty in the domain's
 * console/tty node; attaching opens it and relays the user's terminal to it
 * until the escape character (Ctrl-], 0x1d, as xl) or the end of input.
 * The same code serves xctl-consoled on the simulated host and xenconsoled
 * on real Xen. */
#ifndef XCTL_CONSOLE_ATTACH_H
#define XCTL_CONSOLE_ATTACH_H

#include <stdint.h>

struct xs_handle;

#define XCTL_CONSOLE_ESCAPE 0x1d

/* Relay in_fd to the console of domid and the console to out_fd. Waits up
 * to wait_ms for console/tty to appear. If in_fd is a terminal it is put in
 * raw mode while attached (restored on return). Returns 0 when the escape
 * character was typed or in_fd ended; XCTL_ERR_NOTFOUND if the domain has
 * no console tty, XCTL_ERR_IO if it cannot be opened. */
int xctl_console_attach(struct xs_handle *xs, uint32_t domid, int in_fd, int out_fd, int wait_ms);

#endif
