/* SPDX-License-Identifier: LGPL-2.1-only */
/* Attaching to a domain's console, as `xl console` does (through Xen's
 * xenconsole client): the console daemon publishes a pty in the domain's
 * console/tty node; `xctl console` opens it and relays the user's terminal
 * to it until the escape character (Ctrl-], 0x1d, as xl), the end of the
 * console, or the domain's. */
#ifndef XCTL_CONSOLE_ATTACH_H
#define XCTL_CONSOLE_ATTACH_H

#include <stdbool.h>

#define XCTL_CONSOLE_ESCAPE 0x1d

/* Relay in_fd to the console pty fd (opened by the caller, closed by it
 * too) and the console to out_fd. The pty, and in_fd when it is a
 * terminal, are raw while attached (in_fd restored on return). Ends with
 * 0 when the escape character comes on in_fd (read alone, as xenconsole
 * takes it: inside a longer read it is input), when the console closes,
 * when gone(ctx) says the domain went (asked after each quiet 200 ms; NULL:
 * never), or, once in_fd has ended (not a terminal), after 500 ms without
 * output: what the guest prints in answer to the input still comes out.
 * XCTL_ERR_IO when reading or writing fails. */
int xctl_console_relay(int fd, int in_fd, int out_fd, bool (*gone)(void *ctx), void *ctx);

#endif
