/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus-level fixture; see xbfix.h. */
#include "tests/backend/xbfix.h"
#include "xenstore-schema/xs_paths.h"

#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include <cmocka.h>

void xbfix_setup(struct xbfix *t, unsigned workers, unsigned delay_ms)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(xsd_start(&t->xsd, NULL), 0);
	t->xs = xs_open(0);
	assert_non_null(t->xs);
	snprintf(t->logpath, sizeof(t->logpath), "%s/blkback.log", t->xsd.dir);
	t->logf = fopen(t->logpath, "w+");
	assert_non_null(t->logf);
	setvbuf(t->logf, NULL, _IONBF, 0);
	xctl_log_init(&t->log, "xctl-blkback", XCTL_LOG_INFO);
	t->log.out = t->logf;
	assert_int_equal(xenio_fake_open(&t->log, true, &t->f), 0);
	t->x = xenio_fake_base(t->f);
	assert_int_equal(blkback_init(&t->bb, t->x, &t->log, workers, false), 0);
	t->bb.io_delay_ms = delay_ms;
}

void xbfix_teardown(struct xbfix *t)
{
	xb_backend_shutdown(&t->bb.xb);
	for (int i = 0; i < 400 && t->bb.xb.ndevs; i++)
		xbfix_serve(t, 5);
	assert_int_equal(t->bb.xb.ndevs, 0);
	blkback_fini(&t->bb);
	assert_int_equal(xenio_fake_mapped_pages(t->f), 0);
	xenio_close(t->x);
	xs_close(t->xs);
	fclose(t->logf);
	xsd_stop(&t->xsd);
	xsd_cleanup(&t->xsd);
}

int xbfix_logged(struct xbfix *t, const char *s)
{
	char line[2048];
	rewind(t->logf);
	while (fgets(line, sizeof(line), t->logf))
		if (strstr(line, s))
			return 1;
	return 0;
}

static void wr(struct xbfix *t, const char *dir, const char *key, const char *val)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	assert_true(xs_write(t->xs, XBT_NULL, p, val, (unsigned)strlen(val)));
}

void xbdisk_add(struct xbfix *t, struct xbdisk *d, uint32_t domid, uint32_t devid, bool ro)
{
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->devid = devid;
	snprintf(d->path, sizeof(d->path), "%s/disk-%u-%u.img", t->xsd.dir, domid, devid);
	int fd = open(d->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4 << 20), 0);
	close(fd);
	snprintf(d->be, sizeof(d->be), XS_FMT_VBD_BE, 0u, domid, devid);
	snprintf(d->fe, sizeof(d->fe), XS_FMT_VBD_FE, domid, devid);
	char v[32];
	xs_transaction_t tx = xs_transaction_start(t->xs);
	assert_true(tx != XBT_NULL);
	xs_write(t->xs, tx, d->fe, "", 0);
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_FRONTEND);
	xs_write(t->xs, tx, p, d->fe, (unsigned)strlen(d->fe));
	snprintf(v, sizeof(v), "%u", domid);
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_FRONTEND_ID);
	xs_write(t->xs, tx, p, v, (unsigned)strlen(v));
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_PARAMS);
	xs_write(t->xs, tx, p, d->path, (unsigned)strlen(d->path));
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_MODE);
	xs_write(t->xs, tx, p, ro ? "r" : "w", 1);
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_ONLINE);
	xs_write(t->xs, tx, p, "1", 1);
	snprintf(p, sizeof(p), "%s/%s", d->be, XS_KEY_STATE);
	xs_write(t->xs, tx, p, "1", 1);
	snprintf(p, sizeof(p), "%s/%s", d->fe, XS_KEY_BACKEND);
	xs_write(t->xs, tx, p, d->be, (unsigned)strlen(d->be));
	snprintf(p, sizeof(p), "%s/%s", d->fe, XS_KEY_BACKEND_ID);
	xs_write(t->xs, tx, p, "0", 1);
	snprintf(p, sizeof(p), "%s/%s", d->fe, XS_KEY_STATE);
	xs_write(t->xs, tx, p, "1", 1);
	assert_true(xs_transaction_end(t->xs, tx, false));
	/* the domain's memory, once per domain */
	if (!xenio_fake_page(t->f, domid, 0))
		assert_int_equal(xenio_fake_add_dom(t->f, domid, 2048), 0);
}

void xbdisk_remove(struct xbfix *t, struct xbdisk *d)
{
	xs_rm(t->xs, XBT_NULL, d->be);
	xs_rm(t->xs, XBT_NULL, d->fe);
}

void xbdisk_fe_write(struct xbfix *t, struct xbdisk *d, const char *key, const char *val)
{
	wr(t, d->fe, key, val);
}

void xbdisk_fe_rm(struct xbfix *t, struct xbdisk *d, const char *key)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", d->fe, key);
	xs_rm(t->xs, XBT_NULL, p);
}

/* Every disk of a domain shares the domain's memory: each gets its own
 * window of pages (by devid order of creation) so rings do not overlap. */
void xbdisk_fe_ring(struct xbfix *t, struct xbdisk *d, uint32_t npages, const char *proto)
{
	struct blkfe *fe = &d->fe_ring;
	uint32_t base = ((d->devid / 16) % 8) * 256;
	memset(fe, 0, sizeof(*fe));
	fe->f = t->f;
	fe->domid = d->domid;
	fe->abi = proto && blk_abi_parse(proto) == BLK_ABI_X86_32 ? BLK_ABI_X86_32 : BLK_ABI_X86_64;
	fe->npages = npages;
	fe->dom_pages = 2048;
	fe->sring = xenio_fake_page(t->f, d->domid, base);
	memset(fe->sring, 0, (size_t)npages * 4096);
	uint32_t ref0 = 1000 + base;
	for (uint32_t i = 0; i < npages; i++)
		xenio_fake_grant(t->f, d->domid, ref0 + i, base + i, false);
	fe->size = blk_abi_ring_size(fe->abi, npages);
	*blkfe_idx(fe, 1) = 1;
	*blkfe_idx(fe, 3) = 1;
	/* data pages of this disk stay inside its window */
	fe->data_first = base + npages;
	fe->data_count = 256 - npages;
	fe->next_ref = ref0 + 16;
	assert_int_equal(xenio_fake_alloc_unbound(t->f, d->domid, &fe->port), 0);
	char v[32];
	if (npages == 1) {
		snprintf(v, sizeof(v), "%u", ref0);
		wr(t, d->fe, XS_KEY_RING_REF, v);
	} else {
		unsigned order = 0;
		while ((1u << order) < npages)
			order++;
		snprintf(v, sizeof(v), "%u", order);
		wr(t, d->fe, XS_KEY_RING_PAGE_ORDER, v);
		for (uint32_t i = 0; i < npages; i++) {
			char k[32];
			snprintf(k, sizeof(k), XS_KEYFMT_RING_REF, i);
			snprintf(v, sizeof(v), "%u", ref0 + i);
			wr(t, d->fe, k, v);
		}
	}
	snprintf(v, sizeof(v), "%u", fe->port);
	wr(t, d->fe, XS_KEY_EVENT_CHANNEL, v);
	if (proto)
		wr(t, d->fe, XS_KEY_PROTOCOL, proto);
	d->ring_ready = true;
}

char *xbdisk_be_read(struct xbfix *t, struct xbdisk *d, const char *key)
{
	char p[256];
	unsigned int len;
	snprintf(p, sizeof(p), "%s/%s", d->be, key);
	return xs_read(t->xs, XBT_NULL, p, &len);
}

int xbdisk_be_state(struct xbfix *t, struct xbdisk *d)
{
	char *v = xbdisk_be_read(t, d, XS_KEY_STATE);
	int s = v ? atoi(v) : -1;
	free(v);
	return s;
}

void xbfix_serve(struct xbfix *t, int ms)
{
	int left = ms;
	do {
		unsigned ready = 0;
		struct pollfd p[3] = {
			{ .fd = t->x->ops->evtchn_fd(t->x), .events = POLLIN },
			{ .fd = t->x->ops->xs_fd(t->x), .events = POLLIN },
			{ .fd = t->bb.io_efd, .events = POLLIN },
		};
		poll(p, 3, left < 5 ? left : 5);
		ready = (p[0].revents ? 1u : 0) | (p[1].revents ? 2u : 0);
		blkback_service(&t->bb, ready);
		left -= 5;
	} while (left > 0);
}

void xbfix_until_state(struct xbfix *t, struct xbdisk *d, int want, int ms)
{
	for (int waited = 0; waited < ms; waited += 5) {
		xbfix_serve(t, 5);
		if (xbdisk_be_state(t, d) == want)
			return;
	}
	fail_msg("%s: backend state %d, wanted %d", d->be, xbdisk_be_state(t, d), want);
}

void xbdisk_connect(struct xbfix *t, struct xbdisk *d)
{
	xbfix_until_state(t, d, 2, 3000);
	if (!d->ring_ready)
		xbdisk_fe_ring(t, d, 1, "x86_64-abi");
	xbdisk_fe_write(t, d, XS_KEY_STATE, "3");
	xbfix_until_state(t, d, 4, 3000);
	xbdisk_fe_write(t, d, XS_KEY_STATE, "4");
}

void xbdisk_io(struct xbfix *t, struct xbdisk *d, uint64_t sector, uint8_t seed)
{
	struct blkfe *fe = &d->fe_ring;
	uint8_t *src;
	uint32_t g = blkfe_page(fe, true, &src);
	for (int i = 0; i < 4096; i++)
		src[i] = (uint8_t)(seed ^ i);
	struct blk_seg s = { g, 0, 7 };
	uint64_t id = 0xabc0 + seed;
	blkfe_rw(fe, 1, id, sector, 1, &s);
	blkfe_push(fe, true);
	for (int waited = 0; waited < 3000; waited += 5) {
		xbfix_serve(t, 5);
		uint64_t rid;
		uint8_t op;
		int16_t st;
		if (blkfe_rsp(fe, &rid, &op, &st)) {
			assert_int_equal(rid, id);
			assert_int_equal(st, 0);
			uint8_t file[4096];
			int fd = open(d->path, O_RDONLY);
			assert_int_equal(pread(fd, file, 4096, (off_t)sector * 512), 4096);
			close(fd);
			assert_memory_equal(file, src, 4096);
			return;
		}
	}
	fail_msg("%s: no response to a write", d->be);
}

struct xb_dev *xbfix_dev(struct xbfix *t, struct xbdisk *d)
{
	for (unsigned i = 0; i < t->bb.xb.ndevs; i++)
		if (t->bb.xb.devs[i]->domid == d->domid && t->bb.xb.devs[i]->devid == d->devid)
			return t->bb.xb.devs[i];
	return NULL;
}
