/* SPDX-License-Identifier: LGPL-2.1-only */
/* The guest's console (hvc0): kernel-style lines into the out ring of its
 * xencons_interface page, and a tiny shell on the input the console daemon
 * puts into the in ring (characters are echoed as a tty does).
 *
 * Output that does not fit in the ring waits in a bounded queue, flushed when
 * the daemon notifies that it consumed some; past the bound, output is
 * dropped and the number of dropped bytes is said once there is room. */
#include "sim/guest/guest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xen/sched.h>

#include "common/err.h"
#include "sim/console/consring.h"
#include "sim/guest/console.h"
#include "sim/simd/simd.h"

static void cons_flush(struct guest *g)
{
	struct gconsole *c = &g->cons;
	if (!c->ring || !c->qlen)
		return;
	int n = xencons_out_put(c->ring, c->queue, c->qlen);
	if (n < 0) {
		/* The daemon's index is beyond ours: nothing sensible to do but
		 * keep the output until it comes to its senses. */
		return;
	}
	if (n > 0) {
		memmove(c->queue, c->queue + n, c->qlen - (size_t)n);
		c->qlen -= (size_t)n;
		simd_evtchn_notify(g->sys, c->port);
	}
}

static void cons_write(struct guest *g, const char *s, size_t len)
{
	struct gconsole *c = &g->cons;
	if (c->dropped && c->qlen + 64 < sizeof(c->queue)) {
		char note[64];
		int n = snprintf(note, sizeof(note), "[%zu bytes of console output dropped]\r\n", c->dropped);
		memcpy(c->queue + c->qlen, note, (size_t)n);
		c->qlen += (size_t)n;
		c->dropped = 0;
	}
	size_t room = sizeof(c->queue) - c->qlen;
	size_t n = len < room ? len : room;
	memcpy(c->queue + c->qlen, s, n);
	c->qlen += n;
	c->dropped += len - n;
	cons_flush(g);
}

void gprintk(struct guest *g, const char *fmt, ...)
{
	char line[512];
	uint64_t t = guest_now_ms() - g->cons.boot_ms;
	int p = snprintf(line, sizeof(line), "[%5llu.%03llu] ", (unsigned long long)(t / 1000),
			 (unsigned long long)(t % 1000));
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + p, sizeof(line) - (size_t)p - 2, fmt, ap);
	va_end(ap);
	size_t len = (size_t)p + (n < 0 ? 0 : (size_t)n < sizeof(line) - (size_t)p - 2 ? (size_t)n
										  : sizeof(line) - (size_t)p - 3);
	xctl_debug(g->log, "console: %.*s", (int)(len - (size_t)p), line + p);
	line[len++] = '\r';
	line[len++] = '\n';
	cons_write(g, line, len);
}

static void cons_puts(struct guest *g, const char *s)
{
	cons_write(g, s, strlen(s));
}

/* One command line typed on the console. */
static void cons_command(struct guest *g, char *line)
{
	while (*line == ' ')
		line++;
	char *arg = strchr(line, ' ');
	if (arg) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	if (!*line)
		;
	else if (!strcmp(line, "echo"))
		gprintk(g, "%s", arg ? arg : "");
	else if (!strcmp(line, "help"))
		gprintk(g, "commands: echo TEXT, uname, devices, poweroff, reboot, halt, crash, help");
	else if (!strcmp(line, "uname"))
		gprintk(g, "xctl-guest: domain %u, %u vcpu(s)", g->domid, g->vcpus);
	else if (!strcmp(line, "devices"))
		for (unsigned i = 0; i < g->ndevs; i++) {
			struct gdev *d = g->devs[i];
			gprintk(g, "%s: %s/%u state %d backend %s state %d%s", d->name, d->ops->name, d->devid,
				d->state, d->be, d->be_state, d->failed ? " (failed)" : "");
		}
	else if (!strcmp(line, "poweroff") || !strcmp(line, "halt"))
		control_shutdown(g, SHUTDOWN_poweroff, "console command");
	else if (!strcmp(line, "reboot"))
		control_shutdown(g, SHUTDOWN_reboot, "console command");
	else if (!strcmp(line, "crash"))
		control_shutdown(g, SHUTDOWN_crash, "console command");
	else
		gprintk(g, "sh: %s: command not found", line);
	if (g->phase == GP_READY)
		cons_puts(g, "# ");
}

static void cons_input(struct guest *g, const char *buf, size_t n)
{
	struct gconsole *c = &g->cons;
	for (size_t i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch == '\r' || ch == '\n') {
			cons_puts(g, "\r\n");
			c->line[c->llen] = '\0';
			c->llen = 0;
			cons_command(g, c->line);
		} else if (ch == 0x7f || ch == 0x08) {
			if (c->llen) {
				c->llen--;
				cons_puts(g, "\b \b");
			}
		} else if ((unsigned char)ch >= 0x20 && c->llen + 1 < sizeof(c->line)) {
			c->line[c->llen++] = ch;
			cons_write(g, &ch, 1);
		}
	}
}

static void cons_event(struct guest *g, void *arg)
{
	(void)arg;
	struct gconsole *c = &g->cons;
	simd_evtchn_consume(g->sys, c->port);
	/* Bounded: at most one ring's worth of input per event. */
	char buf[1024];
	int n = xencons_in_get(c->ring, buf, sizeof(buf));
	if (n < 0)
		xctl_warn(g->log, "domain %u: console input indices out of range: input dropped", g->domid);
	else if (n > 0) {
		simd_evtchn_notify(g->sys, c->port);
		cons_input(g, buf, (size_t)n);
	}
	cons_flush(g);
}

int console_start(struct guest *g)
{
	struct simd_console sc;
	int rc = simd_guest_console(g->sys, &sc);
	if (rc) {
		xctl_err_log(g->log, "domain %u: no console page: %s", g->domid, simd_errmsg(g->sys));
		return rc;
	}
	g->cons.ring = sc.ring;
	g->cons.port = sc.port;
	g->cons.h.fn = cons_event;
	g->cons.h.fd = simd_evtchn_fd(g->sys, sc.port);
	if (g->cons.h.fd < 0) {
		xctl_err_log(g->log, "domain %u: console port %u has no fd", g->domid, sc.port);
		return XCTL_ERR_INTERNAL;
	}
	return guest_watch_fd(g, &g->cons.h);
}

void console_tick(struct guest *g)
{
	cons_flush(g);
}

void console_prompt(struct guest *g)
{
	cons_puts(g, "# ");
}
