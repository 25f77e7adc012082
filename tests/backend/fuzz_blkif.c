/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: blkif request handling over a fake ring. The input is
 * a header (ABI, features, ring size, req_prod), the raw bytes of the ring
 * slots, and the content of a page the requests may use as an indirect
 * descriptor page; a header bit picks the I/O engine. Guest pages are granted at refs 16..47 (odd ones
 * read-only). The backend must answer or fail the queue, never read or
 * write outside the grants, and leave nothing mapped. */
#include "tests/backend/blkfe.h"
#include "common/log.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#define HDR 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR)
		return 0;
	struct xctl_log lg;
	xctl_log_init(&lg, "fuzz_blkif", XCTL_LOG_ERROR - 1); /* silent */
	struct xenio_fake *f = NULL;
	if (xenio_fake_open(&lg, false, &f))
		return 0;
	struct xenio *x = xenio_fake_base(f);
	int mfd = memfd_create("disk", MFD_CLOEXEC);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	if (ftruncate(mfd, 256 * 1024) < 0)
		abort();
	uint8_t fl = data[0];
	struct blk_io *io = NULL;
	/* data[1] & 4: the io_uring engine (reads complete asynchronously) */
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct blk_io_cfg c = { .path = path, .readonly = fl & 4, .workers = 0,
				.sector_size = (fl & 8) ? 4096 : 512, .notify_fd = efd, .log = &lg,
				.who = "fuzz",
				.engine = (data[1] & 4) ? BLK_IO_URING : BLK_IO_THREADS };
	if (blk_io_open(&c, &io))
		abort();
	struct blk_params p = {
		.sectors = blk_io_info(io)->bytes / 512, .sector_size = blk_io_info(io)->sector_size,
		.readonly = fl & 4, .flush = !(fl & 16), .barrier = !(fl & 16),
		.discard = !(fl & 16), .discard_secure = fl & 32, .persistent = fl & 2,
		.max_indirect = (fl & 16) ? 0 : BLK_MAX_INDIRECT_SEGS,
	};
	struct blkfe fe;
	uint32_t npages = 1u + (data[1] & 3);
	if (blkfe_init(&fe, f, 1, (fl & 1) ? BLK_ABI_X86_32 : BLK_ABI_X86_64, npages, 64))
		abort();
	for (uint32_t r = 16; r < 48; r++)
		xenio_fake_grant(f, 1, r, 8 + (r - 16), r & 1);
	size_t ringbytes = (size_t)fe.size * blk_abi_slot(fe.abi);
	size_t n = size - HDR < ringbytes ? size - HDR : ringbytes;
	memcpy(fe.sring + BLK_RING_HDR, data + HDR, n);
	if (size - HDR > n) {
		size_t m = size - HDR - n;
		memcpy(xenio_fake_page(f, 1, 8), data + HDR + n, m > 4096 ? 4096 : m);
	}
	uint32_t nslots = (uint32_t)(n / blk_abi_slot(fe.abi));
	uint32_t req_prod;
	if (data[2] & 0x80)
		memcpy(&req_prod, data + 2, 4);
	else
		req_prod = nslots;
	*blkfe_idx(&fe, 0) = req_prod;
	*blkfe_idx(&fe, 3) = data[5];
	struct blk_ring ring;
	if (blkbe_attach(&ring, &fe, x, &lg, &p, io, "fuzz"))
		abort();
	blkbe_step(&ring);
	for (int k = 0; k < 1000 && blk_io_inflight(io); k++) {
		struct pollfd pf = { efd, POLLIN, 0 };
		uint64_t v;
		if (poll(&pf, 1, 10) > 0 && read(efd, &v, sizeof(v)) < 0)
			abort();
		blkbe_step(&ring);
	}
	/* a frontend that kept the protocol got one response per request */
	if (!ring.failed && *blkfe_idx(&fe, 2) != ring.req_cons) {
		fprintf(stderr, "rsp_prod %u req_cons %u inflight %u draining %d stashed %d\n",
			*blkfe_idx(&fe, 2), ring.req_cons, ring.inflight, ring.draining, ring.stashed);
		abort();
	}
	blkbe_detach(&ring, x);
	blk_io_close(io);
	if (xenio_fake_mapped_pages(f) != 0)
		abort();
	xenio_close(x);
	close(mfd);
	close(efd);
	return 0;
}
