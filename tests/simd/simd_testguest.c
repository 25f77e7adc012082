/* SPDX-License-Identifier: LGPL-2.1-only */
/* simd-testguest: a minimal guest program for xctl-simd's tests and bench.
 * It writes "booting" and "ready" lines into its console ring, tells
 * xctl-simd it is up, then does what $XCTL_SIM_DIR/testguest.mode says:
 * "idle" (the default: wait for ever), "exit" (exit without shutting down:
 * the domain crashes), or "shutdown REASON". */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/console.h>

#include "sim/simd/simd.h"

static void console_write(struct simd *s, struct simd_console *c, const char *text)
{
	struct xencons_interface *r = c->ring;
	XENCONS_RING_IDX prod = r->out_prod;
	for (const char *p = text; *p; p++) {
		if (prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) >= sizeof(r->out))
			break;
		r->out[MASK_XENCONS_IDX(prod, r->out)] = *p;
		prod++;
	}
	__atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
	simd_evtchn_notify(s, c->port);
}

int main(void)
{
	struct simd *s;
	if (simd_guest_open_env(&s)) {
		fprintf(stderr, "simd-testguest: no simd connection\n");
		return 1;
	}
	struct simd_console con;
	if (simd_guest_console(s, &con)) {
		fprintf(stderr, "simd-testguest: console: %s\n", simd_errmsg(s));
		return 1;
	}
	console_write(s, &con, "booting\r\n");
	char mode[64] = "idle";
	const char *dir = getenv(SIMD_ENV_DIR);
	if (dir) {
		char p[512];
		snprintf(p, sizeof(p), "%s/testguest.mode", dir);
		FILE *f = fopen(p, "r");
		if (f) {
			if (!fgets(mode, sizeof(mode), f))
				snprintf(mode, sizeof(mode), "idle");
			fclose(f);
		}
	}
	mode[strcspn(mode, "\n")] = '\0';
	console_write(s, &con, "ready\r\n");
	if (simd_guest_ready(s)) {
		fprintf(stderr, "simd-testguest: ready: %s\n", simd_errmsg(s));
		return 1;
	}
	if (!strcmp(mode, "exit"))
		return 3;
	if (!strncmp(mode, "shutdown ", 9)) {
		int reason = simd_shutdown_parse(mode + 9);
		if (reason < 0 || simd_domain_shutdown(s, SIMD_DOMID_SELF, (enum simd_shutdown_reason)reason))
			fprintf(stderr, "simd-testguest: shutdown %s: %s\n", mode + 9, simd_errmsg(s));
	}
	for (;;) {
		struct pollfd p = { simd_evtchn_fd(s, con.port), POLLIN, 0 };
		if (poll(&p, 1, -1) > 0)
			simd_evtchn_consume(s, con.port);
	}
}
