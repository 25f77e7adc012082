/* SPDX-License-Identifier: LGPL-2.1-only */
/* A stand-in backend for the scenario suite on a simulated host that has no
 * xctl-blkback or xctl-netback yet: it moves the xenbus state of the
 * devices of the kinds it is given (vbd, vif) as a backend would (Initialising
 * -> InitWait; Connected once the frontend is Initialised or Connected;
 * Closed when the toolstack or the frontend closes), and serves no I/O.
 *
 *   testback --kind vbd [--kind vif]     (XENSTORED_PATH names xenstored)
 *
 * It exits when xenstored goes or its parent dies. */
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <xenstore.h>

static int state_of(struct xs_handle *xs, const char *path)
{
	unsigned len;
	char *v = xs_read(xs, XBT_NULL, path, &len);
	if (!v)
		return -1;
	uint64_t n;
	int st = xctl_parse_u64(v, 10, 8, &n) ? -1 : (int)n;
	free(v);
	return st;
}

/* Write the state only if the node still exists (the toolstack may have
 * removed the device meanwhile), in one transaction, as xenbus_switch_state. */
static void set_state(struct xs_handle *xs, const char *path, int st)
{
	char v[4];
	snprintf(v, sizeof(v), "%d", st);
	for (int tries = 0; tries < 10; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		if (t == XBT_NULL)
			return;
		unsigned len;
		char *old = xs_read(xs, t, path, &len);
		if (!old) {
			xs_transaction_end(xs, t, true);
			return;
		}
		free(old);
		xs_write(xs, t, path, v, strlen(v));
		if (xs_transaction_end(xs, t, false) || errno != EAGAIN)
			return;
	}
}

static void serve_kind(struct xs_handle *xs, const char *kind)
{
	char dir[256];
	unsigned nd = 0;
	char root[64];
	snprintf(root, sizeof(root), XS_FMT_BACKEND_DIR, 0u);
	snprintf(dir, sizeof(dir), "%s/%s", root, kind);
	char **doms = xs_directory(xs, XBT_NULL, dir, &nd);
	for (unsigned i = 0; doms && i < nd; i++) {
		char ddir[300];
		unsigned nv = 0;
		snprintf(ddir, sizeof(ddir), "%s/%s", dir, doms[i]);
		char **devs = xs_directory(xs, XBT_NULL, ddir, &nv);
		for (unsigned j = 0; devs && j < nv; j++) {
			char be[400], bestate[420], fepath[420];
			snprintf(be, sizeof(be), "%s/%s", ddir, devs[j]);
			snprintf(bestate, sizeof(bestate), "%s/%s", be, XS_KEY_STATE);
			snprintf(fepath, sizeof(fepath), "%s/%s", be, XS_KEY_FRONTEND);
			int bs = state_of(xs, bestate);
			unsigned len;
			char *fe = xs_read(xs, XBT_NULL, fepath, &len);
			int fs = -1;
			if (fe) {
				char fst[512];
				snprintf(fst, sizeof(fst), "%s/%s", fe, XS_KEY_STATE);
				fs = state_of(xs, fst);
				free(fe);
			}
			if (bs == 1)
				set_state(xs, bestate, 2);
			else if ((bs == 2 || bs == 3) && (fs == 3 || fs == 4))
				set_state(xs, bestate, 4);
			else if (bs == 5 || ((bs == 2 || bs == 4) && (fs == 5 || fs == 6)))
				set_state(xs, bestate, 6);
		}
		free(devs);
	}
	free(doms);
}

int main(int argc, char **argv)
{
	const char *kinds[4];
	int nk = 0;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (int i = 1; i + 1 < argc && nk < 4; i += 2)
		if (!strcmp(argv[i], "--kind"))
			kinds[nk++] = argv[i + 1];
	struct xs_handle *xs = xs_open(0);
	if (!xs) {
		fprintf(stderr, "testback: cannot reach xenstored: %s\n", strerror(errno));
		return 1;
	}
	char root[64];
	snprintf(root, sizeof(root), XS_FMT_BACKEND_DIR, 0u);
	if (!xs_watch(xs, root, "tb")) {
		fprintf(stderr, "testback: cannot watch: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		for (int k = 0; k < nk; k++)
			serve_kind(xs, kinds[k]);
		struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
		if (poll(&p, 1, 200) > 0) {
			if (p.revents & (POLLHUP | POLLERR))
				return 0;
			char **ev;
			while ((ev = xs_check_watch(xs)))
				free(ev);
			if (errno != EAGAIN)
				return 0;
		}
		if (getppid() == 1)
			return 0;
	}
}
