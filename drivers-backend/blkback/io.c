/* SPDX-License-Identifier: LGPL-2.1-only */
/* The I/O adapter of xctl-blkback; see io.h. */
#include "drivers-backend/blkback/io.h"
#include "common/uring.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WORKERS 16
/* io_uring: submission entries, and completions (what may be in the kernel
 * at once; more wait in the backlog) */
#define URING_SQ 64u
#define URING_CQ 256u
/* Which jobs io_uring takes, as measured by bench/backend on a cached
 * file: reads below this size, which the kernel completes inline from the
 * page cache (a whole batch in one system call, no thread woken) or
 * asynchronously when the data is not at hand. Larger reads copy faster on
 * the threads, several at once (io_uring would copy them inline, one after
 * the other, or hand them to its own workers, which measured slower than
 * ours), and so do writes, which a file system without non-blocking
 * buffered writes (ext4) makes io_uring hand to a worker of its own, one
 * at a time per file. */
#define URING_MAX_BYTES (64u << 10)

enum uring_state { URING_OFF, URING_UNTRIED, URING_ON };

struct blk_io {
	int fd;
	int notify_fd;
	struct blk_io_info info;
	const struct xctl_log *log;
	char who[64];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct blk_job *todo, *todo_tail;
	struct blk_job *wtodo, *wtodo_tail;   /* writes to a file: one thread at a time */
	bool writing;                         /* a thread is at wtodo */
	bool serial_writes;                   /* a regular file (not a block device) */
	struct blk_job *done, *done_tail;
	struct blk_job *reaped, *reaped_tail; /* taken from done; the loop's own */
	unsigned inflight;
	enum uring_state uring;
	struct xctl_uring u;
	unsigned u_inflight;                  /* in the kernel's hands */
	struct blk_job *backlog, *backlog_tail;
	bool nowait;                          /* the file system reads with RWF_NOWAIT */
	struct blk_io_stats st;
	bool stop;
	unsigned delay_ms;
	unsigned nworkers;     /* started */
	unsigned want;         /* to start at the first request */
	pthread_t workers[MAX_WORKERS];
};

static int refuse_image_format(const struct blk_io_cfg *cfg, int fd)
{
	unsigned char m[4] = { 0 };
	if (pread(fd, m, sizeof(m), 0) != (ssize_t)sizeof(m))
		return 0;
	if (!memcmp(m, "QFI\xfb", 4)) {
		xctl_err_log(cfg->log,
			     "%s: %s is a qcow2 image; xctl-blkback serves raw files and block "
			     "devices only: convert it (qemu-img convert -O raw) or use "
			     "backendtype=qdisk",
			     cfg->who, cfg->path);
		return XCTL_ERR_UNSUPPORTED;
	}
	return 0;
}

static void push(struct blk_job **head, struct blk_job **tail, struct blk_job *j)
{
	j->next = NULL;
	if (*tail)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

static struct blk_job *pop(struct blk_job **head, struct blk_job **tail)
{
	struct blk_job *j = *head;
	if (j) {
		*head = j->next;
		if (!*head)
			*tail = NULL;
	}
	return j;
}

static int do_discard(struct blk_io *io, struct blk_job *j)
{
	if (io->info.is_bdev) {
		uint64_t range[2] = { j->offset, j->len };
		unsigned long req = j->secure ? BLKSECDISCARD : BLKDISCARD;
		return ioctl(io->fd, req, range) < 0 ? -errno : 0;
	}
	if (fallocate(io->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)j->offset,
		      (off_t)j->len) < 0)
		return -errno;
	return 0;
}

/* preadv/pwritev until the whole iovec is done (short transfers resumed). */
static int do_rw(struct blk_io *io, struct blk_job *j, bool write)
{
	struct iovec local[16];
	struct iovec *iov = j->iov;
	int n = j->niov;
	off_t off = (off_t)(j->offset + j->done); /* after what was read without waiting */
	bool copied = false;
	while (n > 0) {
		ssize_t r = write ? pwritev(io->fd, iov, n, off) : preadv(io->fd, iov, n, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		off += r;
		if (!copied) {
			/* never modify the caller's iovec: work on a copy */
			if (n > (int)(sizeof(local) / sizeof(local[0]))) {
				/* rare (large indirect requests): resume segment by segment */
				size_t skip = (size_t)r;
				for (int i = 0; i < n; i++) {
					size_t l = iov[i].iov_len;
					if (skip >= l) {
						skip -= l;
						continue;
					}
					char *b = (char *)iov[i].iov_base + skip;
					l -= skip;
					skip = 0;
					while (l) {
						ssize_t k = write ? pwrite(io->fd, b, l, off)
								  : pread(io->fd, b, l, off);
						if (k < 0 && errno == EINTR)
							continue;
						if (k <= 0)
							return k < 0 ? -errno : -EIO;
						b += k;
						l -= (size_t)k;
						off += k;
					}
				}
				return 0;
			}
			memcpy(local, iov, sizeof(*iov) * (size_t)n);
			iov = local;
			copied = true;
		}
		size_t left = (size_t)r;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

void blk_io_run(struct blk_io *io, struct blk_job *j)
{
	if (io->delay_ms)
		usleep(io->delay_ms * 1000u);
	switch (j->op) {
	case BLK_IO_READ:
		j->result = do_rw(io, j, false);
		break;
	case BLK_IO_WRITE:
		j->result = do_rw(io, j, true);
		break;
	case BLK_IO_WRITE_FLUSH:
		j->result = do_rw(io, j, true);
		if (!j->result && fdatasync(io->fd) < 0)
			j->result = -errno;
		break;
	case BLK_IO_FLUSH:
		j->result = fdatasync(io->fd) < 0 ? -errno : 0;
		break;
	case BLK_IO_DISCARD:
		j->result = do_discard(io, j);
		break;
	default:
		j->result = -EINVAL;
		break;
	}
}

static void signal_loop(struct blk_io *io)
{
	uint64_t one = 1;
	if (io->notify_fd >= 0 && write(io->notify_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: readable anyway */
	}
}

static void complete(struct blk_io *io, struct blk_job *j)
{
	pthread_mutex_lock(&io->mu);
	/* the loop takes the whole list at once and looks again before it
	 * stops: only the first completion of a batch needs to wake it */
	bool first = !io->done;
	push(&io->done, &io->done_tail, j);
	pthread_mutex_unlock(&io->mu);
	if (first)
		signal_loop(io);
}

/* The job a thread may take now (io->mu held): a file's writes when no
 * other thread is writing it, else the others. */
static struct blk_job *next_job(struct blk_io *io, bool *serial)
{
	*serial = io->wtodo && !io->writing;
	if (*serial) {
		io->writing = true;
		return pop(&io->wtodo, &io->wtodo_tail);
	}
	return pop(&io->todo, &io->todo_tail);
}

static void *worker(void *arg)
{
	struct blk_io *io = arg;
	pthread_mutex_lock(&io->mu);
	for (;;) {
		bool serial;
		struct blk_job *j;
		while (!(j = next_job(io, &serial)) && !io->stop)
			pthread_cond_wait(&io->cv, &io->mu);
		if (!j)
			break;
		pthread_mutex_unlock(&io->mu);
		blk_io_run(io, j);
		complete(io, j);
		pthread_mutex_lock(&io->mu);
		if (serial)
			io->writing = false;
	}
	pthread_mutex_unlock(&io->mu);
	return NULL;
}

static int probe(struct blk_io *io, const struct blk_io_cfg *cfg)
{
	struct stat st;
	if (fstat(io->fd, &st) < 0)
		return XCTL_ERR_IO;
	io->info.is_bdev = S_ISBLK(st.st_mode);
	if (io->info.is_bdev) {
		uint64_t bytes = 0;
		int lss = 512;
		unsigned int pss = 512;
		if (ioctl(io->fd, BLKGETSIZE64, &bytes) < 0 || ioctl(io->fd, BLKSSZGET, &lss) < 0)
			return XCTL_ERR_IO;
		if (ioctl(io->fd, BLKPBSZGET, &pss) < 0)
			pss = (unsigned)lss;
		io->info.bytes = bytes;
		io->info.sector_size = (unsigned)lss;
		io->info.phys_sector_size = pss;
		io->info.can_discard = true;
		io->info.discard_granularity = pss;
	} else if (S_ISREG(st.st_mode)) {
		io->info.bytes = (uint64_t)st.st_size;
		io->info.sector_size = 512;
		io->info.phys_sector_size = 512;
		io->info.can_discard = true;
		io->info.discard_granularity = 4096;
	} else {
		xctl_err_log(cfg->log, "%s: %s is neither a regular file nor a block device",
			     cfg->who, cfg->path);
		return XCTL_ERR_UNSUPPORTED;
	}
	if (cfg->sector_size) {
		if (cfg->sector_size != 512 && cfg->sector_size != 4096)
			return XCTL_ERR_INVAL;
		io->info.sector_size = cfg->sector_size;
		if (io->info.phys_sector_size < cfg->sector_size)
			io->info.phys_sector_size = cfg->sector_size;
	}
	if (io->info.discard_granularity < io->info.sector_size)
		io->info.discard_granularity = io->info.sector_size;
	/* a disk is a whole number of its sectors */
	io->info.bytes -= io->info.bytes % io->info.sector_size;
	return 0;
}

int blk_io_open(const struct blk_io_cfg *cfg, struct blk_io **out)
{
	int rc;
	struct blk_io *io = calloc(1, sizeof(*io));
	if (!io)
		return XCTL_ERR_NOMEM;
	io->log = cfg->log;
	io->notify_fd = cfg->notify_fd;
	io->delay_ms = cfg->delay_ms;
	snprintf(io->who, sizeof(io->who), "%s", cfg->who);
	pthread_mutex_init(&io->mu, NULL);
	pthread_cond_init(&io->cv, NULL);
	io->fd = open(cfg->path, (cfg->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (io->fd < 0) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(cfg->log, "%s: cannot open %s: %s", cfg->who, cfg->path,
			     strerror(errno));
		goto fail;
	}
	rc = refuse_image_format(cfg, io->fd);
	if (rc)
		goto fail;
	rc = probe(io, cfg);
	if (rc)
		goto fail;
	/* the threads start with the first request: a backend serving
	 * thousands of disks that do no I/O holds no thread for them */
	io->want = cfg->workers > MAX_WORKERS ? MAX_WORKERS : cfg->workers;
	io->uring = cfg->engine == BLK_IO_URING && !cfg->delay_ms ? URING_UNTRIED : URING_OFF;
	io->nowait = io->uring == URING_UNTRIED && !cfg->uring_only;
	io->serial_writes = !io->info.is_bdev;
	io->u.fd = -1;
	*out = io;
	return 0;
fail:
	if (io->fd >= 0)
		close(io->fd);
	pthread_mutex_destroy(&io->mu);
	pthread_cond_destroy(&io->cv);
	free(io);
	return rc;
}

const struct blk_io_info *blk_io_info(const struct blk_io *io)
{
	return &io->info;
}

static void start_workers(struct blk_io *io)
{
	while (io->nworkers < io->want) {
		if (pthread_create(&io->workers[io->nworkers], NULL, worker, io)) {
			xctl_warn(io->log, "%s: cannot start I/O thread %u of %u; serving with %u", io->who,
				  io->nworkers + 1, io->want, io->nworkers);
			io->want = io->nworkers;
			break;
		}
		io->nworkers++;
	}
}

unsigned blk_io_threads(const struct blk_io *io)
{
	return io->nworkers;
}

bool blk_io_uring_active(const struct blk_io *io)
{
	return io->uring == URING_ON;
}

const struct blk_io_stats *blk_io_stats(const struct blk_io *io)
{
	return &io->st;
}

static void threads_submit(struct blk_io *io, struct blk_job *j)
{
	io->st.thread_jobs++;
	if (io->nworkers < io->want)
		start_workers(io);
	if (!io->nworkers) {
		blk_io_run(io, j);
		complete(io, j);
		return;
	}
	/* a file's buffered writes go one at a time: the file system takes
	 * them so anyway (ext4's inode lock, on which a second writer spins
	 * for nothing), and the other threads stay free for reads; a block
	 * device takes writes in parallel */
	bool serial = io->serial_writes && (j->op == BLK_IO_WRITE || j->op == BLK_IO_WRITE_FLUSH ||
					    j->op == BLK_IO_DISCARD);
	pthread_mutex_lock(&io->mu);
	if (serial)
		push(&io->wtodo, &io->wtodo_tail, j);
	else
		push(&io->todo, &io->todo_tail, j);
	/* the thread writing takes the next write itself */
	if (!serial || !io->writing)
		pthread_cond_signal(&io->cv);
	pthread_mutex_unlock(&io->mu);
}

/* The ring is set up with the disk's first small read, like the threads. */
static bool uring_start(struct blk_io *io)
{
	int rc = xctl_uring_init(&io->u, URING_SQ, URING_CQ);
	if (!rc && io->notify_fd >= 0)
		rc = xctl_uring_eventfd(&io->u, io->notify_fd);
	if (rc) {
		xctl_info(io->log, "%s: io_uring is not available (%s); every request goes to "
			  "the I/O threads", io->who, strerror(-rc));
		xctl_uring_exit(&io->u);
		io->uring = URING_OFF;
		return false;
	}
	io->uring = URING_ON;
	return true;
}

/* Put one read (or what is left of it) into the submission queue;
 * false when the queue is full. */
static bool uring_prep(struct blk_io *io, struct blk_job *j)
{
	struct io_uring_sqe *e = xctl_uring_sqe(&io->u);
	if (!e)
		return false;
	e->opcode = IORING_OP_READV;
	e->fd = io->fd;
	e->addr = (uint64_t)(uintptr_t)j->iov;
	e->len = (uint32_t)j->niov;
	e->off = j->offset + j->done;
	e->user_data = (uint64_t)(uintptr_t)j;
	io->u_inflight++;
	io->st.uring_reads++;
	return true;
}

static void uring_queue(struct blk_io *io, struct blk_job *j)
{
	if (io->backlog || io->u_inflight >= io->u.cq_entries) {
		push(&io->backlog, &io->backlog_tail, j);
		io->st.backlogged++;
		return;
	}
	if (uring_prep(io, j))
		return;
	blk_io_flush(io);
	if (io->uring != URING_ON || !uring_prep(io, j)) {
		if (io->uring == URING_ON) {
			push(&io->backlog, &io->backlog_tail, j);
			io->st.backlogged++;
		} else {
			threads_submit(io, j);
		}
	}
}

void blk_io_flush(struct blk_io *io)
{
	if (io->uring != URING_ON || !io->u.queued)
		return;
	int rc = xctl_uring_submit(&io->u, 0);
	if (!rc)
		return;
	/* the kernel took none of the entries left (short of memory, or
	 * something worse): take them back and give them to the threads, so
	 * that no request waits for a completion that will not come */
	xctl_warn(io->log, "%s: io_uring submission failed (%s); %u requests go to the I/O "
		  "threads", io->who, strerror(-rc), io->u.queued);
	while (io->u.queued) {
		io->u.tail--;
		io->u.queued--;
		io->u_inflight--;
		struct io_uring_sqe *e = &io->u.sqes[io->u.tail & *io->u.sq_mask];
		threads_submit(io, (struct blk_job *)(uintptr_t)e->user_data);
	}
}

static void iov_advance(struct blk_job *j, size_t n);

/* A small read first tries the page cache without waiting (what io_uring
 * would do inline, for one system call and no ring entry): true when that
 * read all of it. What it did not read goes on asynchronously. */
static bool read_nowait(struct blk_io *io, struct blk_job *j)
{
	ssize_t r = preadv2(io->fd, j->iov, j->niov, (off_t)j->offset, RWF_NOWAIT);
	if (r < 0 && errno != EAGAIN)
		io->nowait = false; /* not supported here: do not ask again */
	if (r <= 0)
		return false;
	if ((uint64_t)r == j->len) {
		j->result = 0;
		push(&io->reaped, &io->reaped_tail, j);
		io->st.inline_reads++;
		return true;
	}
	j->done = (uint64_t)r;
	iov_advance(j, (size_t)r);
	return false;
}

void blk_io_submit(struct blk_io *io, struct blk_job *j)
{
	io->inflight++;
	j->done = 0;
	bool small_read = j->op == BLK_IO_READ && j->len && j->len < URING_MAX_BYTES;
	if (small_read && io->nowait && read_nowait(io, j))
		return;
	if (small_read && io->uring == URING_UNTRIED)
		uring_start(io);
	if (small_read && io->uring == URING_ON)
		uring_queue(io, j);
	else
		threads_submit(io, j);
}

/* Skip n transferred bytes of j's iovec, in place. */
static void iov_advance(struct blk_job *j, size_t n)
{
	while (j->niov > 0 && n >= j->iov->iov_len) {
		n -= j->iov->iov_len;
		j->iov++;
		j->niov--;
	}
	if (j->niov > 0 && n) {
		j->iov->iov_base = (char *)j->iov->iov_base + n;
		j->iov->iov_len -= n;
	}
}

/* One completion of the ring: the finished job, or NULL when it was
 * resubmitted (a short transfer, or EAGAIN). */
static struct blk_job *uring_done(struct blk_io *io, struct blk_job *j, int res)
{
	io->u_inflight--;
	if (res == -EAGAIN || res == -EINTR) {
		uring_queue(io, j);
		return NULL;
	}
	if (res <= 0) {
		j->result = res ? res : -EIO; /* 0: the file ended early */
		return j;
	}
	j->done += (uint64_t)res;
	if (j->done >= j->len) {
		j->result = 0;
		return j;
	}
	iov_advance(j, (size_t)res);
	uring_queue(io, j);
	return NULL;
}

static struct blk_job *uring_reap(struct blk_io *io)
{
	struct io_uring_cqe *c;
	struct blk_job *j = NULL;
	while (!j && (c = xctl_uring_cqe(&io->u))) {
		struct blk_job *cj = (struct blk_job *)(uintptr_t)c->user_data;
		int res = c->res;
		xctl_uring_seen(&io->u);
		j = uring_done(io, cj, res);
	}
	/* room in the kernel for what waited */
	while (io->backlog && io->u_inflight < io->u.cq_entries) {
		if (!xctl_uring_space(&io->u)) {
			blk_io_flush(io);
			if (io->uring != URING_ON || !xctl_uring_space(&io->u))
				break; /* the kernel takes no more now: at the next reap */
		}
		uring_prep(io, pop(&io->backlog, &io->backlog_tail));
	}
	return j;
}

struct blk_job *blk_io_reap(struct blk_io *io)
{
	struct blk_job *j = NULL;
	if (io->uring == URING_ON)
		j = uring_reap(io);
	if (!j && !io->reaped) {
		/* everything the threads finished, in one go */
		pthread_mutex_lock(&io->mu);
		io->reaped = io->done;
		io->reaped_tail = io->done_tail;
		io->done = io->done_tail = NULL;
		pthread_mutex_unlock(&io->mu);
	}
	if (!j)
		j = pop(&io->reaped, &io->reaped_tail);
	if (j)
		io->inflight--;
	return j;
}

unsigned blk_io_inflight(const struct blk_io *io)
{
	return io->inflight;
}

void blk_io_close(struct blk_io *io)
{
	if (!io)
		return;
	pthread_mutex_lock(&io->mu);
	io->stop = true;
	pthread_cond_broadcast(&io->cv);
	pthread_mutex_unlock(&io->mu);
	for (unsigned i = 0; i < io->nworkers; i++)
		pthread_join(io->workers[i], NULL);
	if (io->uring == URING_ON) {
		/* nothing may still write into memory that is unmapped next */
		io->backlog = io->backlog_tail = NULL;
		blk_io_flush(io);
		while (io->u_inflight) {
			struct io_uring_cqe *c = xctl_uring_cqe(&io->u);
			if (c) {
				xctl_uring_seen(&io->u);
				io->u_inflight--;
			} else if (xctl_uring_submit(&io->u, 1)) {
				break;
			}
		}
		xctl_uring_exit(&io->u);
	}
	if (io->fd >= 0)
		close(io->fd);
	pthread_mutex_destroy(&io->mu);
	pthread_cond_destroy(&io->cv);
	free(io);
}
