/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-blkback's devices: the xenbus hooks of a virtual disk (probe the
 * backing store, publish the features, connect the queues from the
 * frontend's nodes, disconnect once no I/O is in flight). */
#ifndef XCTL_BLKBACK_DEV_H
#define XCTL_BLKBACK_DEV_H

#include "drivers-backend/blkback/ring.h"
#include "drivers-backend/common/idmap.h"
#include "drivers-backend/xenbus/xenbus.h"

#define BLK_WORKERS_DEFAULT 4

struct blkback {
	struct xenio *x;
	const struct xctl_log *log;
	int io_efd;            /* completions of every device */
	unsigned workers;      /* per device */
	bool only_standalone;  /* real Xen: serve type=standalone disks only */
	unsigned io_delay_ms;  /* tests: slow every disk down */
	enum blk_io_engine engine; /* BLK_IO_URING unless told otherwise */
	struct idmap ports;    /* bound event channel port -> its device */
	struct xb_backend xb;
};

struct blk_dev {
	struct xb_dev *xb;
	struct blk_params p;
	struct blk_io *io;
	bool fe_persistent;
	unsigned nq;
	struct blk_ring q[BLK_MAX_QUEUES];
	bool q_init[BLK_MAX_QUEUES];
	bool more;             /* a queue left requests for the next round */
};

extern const struct xb_hooks blk_hooks;

int blkback_init(struct blkback *bb, struct xenio *x, const struct xctl_log *log,
		 unsigned workers, bool only_standalone);
/* One round of work: xenstore events, pending ports, completions. Returns
 * the poll timeout to use next (ms; -1 none). */
int blkback_service(struct blkback *bb, unsigned ready);
void blkback_fini(struct blkback *bb);

#endif
