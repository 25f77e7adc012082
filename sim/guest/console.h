/* SPDX-License-Identifier: LGPL-2.1-only */
/* The guest's console (console.c); gprintk() is in guest.h. */
#ifndef XCTL_GUEST_CONSOLE_H
#define XCTL_GUEST_CONSOLE_H

struct guest;

/* Find the console page and port (simd_guest_console) and watch the port. */
int console_start(struct guest *g);
/* Flush queued output (the loop calls it on every tick). */
void console_tick(struct guest *g);
/* The shell's prompt, once the guest is ready. */
void console_prompt(struct guest *g);

#endif
