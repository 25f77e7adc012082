/* SPDX-License-Identifier: LGPL-2.1-only */
/* The spawner: a small process forked at start-up, before any domain
 * exists, that starts the guest processes and reaps them.
 *
 * Why: a process started straight from xctl-simd inherits (and must then
 * close) xctl-simd's descriptor table, which holds a few descriptors per
 * domain (pages, grant table, eventfds, connections); with 1,000 domains a
 * start would cost a thousand times more than with one. The spawner's
 * table stays a handful of descriptors, so starting a guest costs the same
 * at any number of domains.
 *
 * Protocol (SOCK_SEQPACKET socketpair): xctl-simd sends struct spawn_req
 * with the guest's connection and log descriptors; the spawner answers
 * struct spawn_msg SPAWNED (pid or errno), and sends EXITED for every guest
 * it reaps (status and cpu time). Guests get PR_SET_PDEATHSIG against the
 * spawner, the spawner against xctl-simd. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/srv.h"

enum { SPAWN_SPAWNED = 1, SPAWN_EXITED = 2 };

struct spawn_req {
	uint32_t domid, pad;
};
struct spawn_msg {
	uint32_t kind, domid;
	int32_t pid, err;      /* SPAWNED: pid or -errno; EXITED: pid, wait status */
	uint64_t cpu_ns;       /* EXITED */
};

static int send_fds(int sock, const void *buf, size_t len, const int *fds, int n)
{
	struct iovec iov = { (void *)buf, len };
	union {
		char b[CMSG_SPACE(sizeof(int) * 2)];
		struct cmsghdr a;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n) {
		mh.msg_control = u.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n);
	}
	ssize_t k;
	while ((k = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return k == (ssize_t)len ? 0 : -1;
}

static uint64_t ru_ns(const struct rusage *ru)
{
	return (uint64_t)ru->ru_utime.tv_sec * 1000000000u + (uint64_t)ru->ru_utime.tv_usec * 1000u +
	       (uint64_t)ru->ru_stime.tv_sec * 1000000000u + (uint64_t)ru->ru_stime.tv_usec * 1000u;
}

/* In the spawner: start one guest. */
static pid_t start_guest(const struct srv *sv, uint32_t domid, int sock, int logfd)
{
	char envfd[32], envdom[32], xsp[512], envdir[600], domarg[16];
	snprintf(envfd, sizeof(envfd), "%s=3", SIMD_ENV_FD);
	snprintf(envdom, sizeof(envdom), "%s=%u", SIMD_ENV_DOMID, domid);
	snprintf(xsp, sizeof(xsp), "XENSTORED_PATH=%s/%s/%u", sv->dir, SIMD_DOMAIN_SOCKETS, domid);
	snprintf(envdir, sizeof(envdir), "%s=%s", SIMD_ENV_DIR, sv->dir);
	snprintf(domarg, sizeof(domarg), "%u", domid);
	char *argv[] = { (char *)sv->guest_prog, "--domid", domarg, NULL };
	char *envp[] = { envfd, envdom, xsp, envdir, "PATH=/usr/bin:/bin", NULL };
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t self = getpid();
	pid_t pid = vfork();
	if (pid == 0) {
		/* only system calls here: the memory is the spawner's */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(127);
		if (nullfd >= 0)
			dup2(nullfd, 0);
		if (logfd >= 0) {
			dup2(logfd, 1);
			dup2(logfd, 2);
		}
		if (sock == 3)
			fcntl(3, F_SETFD, 0);
		else
			dup2(sock, 3);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	int e = errno;
	if (nullfd >= 0)
		close(nullfd);
	return pid < 0 ? -e : pid;
}

static void spawner_main(struct srv *sv, int sock)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "simd-spawner");
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	int sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	struct pollfd p[2] = { { sock, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			int st;
			struct rusage ru;
			pid_t pid;
			while ((pid = wait4(-1, &st, WNOHANG, &ru)) > 0) {
				struct spawn_msg m = { SPAWN_EXITED, 0, pid, st, ru_ns(&ru) };
				if (send_fds(sock, &m, sizeof(m), NULL, 0))
					_exit(0);
			}
		}
		if (!p[0].revents)
			continue;
		struct spawn_req rq;
		int fds[2] = { -1, -1 };
		union {
			char b[CMSG_SPACE(sizeof(int) * 2)];
			struct cmsghdr a;
		} u;
		struct iovec iov = { &rq, sizeof(rq) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
		ssize_t k = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (k <= 0)
			_exit(0); /* xctl-simd is gone */
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(fds)))
			memcpy(fds, CMSG_DATA(cm), sizeof(fds));
		pid_t pid = k == (ssize_t)sizeof(rq) && fds[0] >= 0 ? start_guest(sv, rq.domid, fds[0], fds[1]) : -EINVAL;
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		struct spawn_msg m = { SPAWN_SPAWNED, rq.domid, pid > 0 ? pid : 0, pid > 0 ? 0 : (int32_t)-pid, 0 };
		if (send_fds(sock, &m, sizeof(m), NULL, 0))
			_exit(0);
	}
}

int srv_spawner_start(struct srv *sv)
{
	sv->spawn_fd = -1;
	sv->spawn_pid = 0;
	if (!sv->guest_prog[0])
		return 0;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return XCTL_ERR_IO;
	pid_t pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return XCTL_ERR_IO;
	}
	if (pid == 0) {
		close(sp[0]);
		/* keep nothing of xctl-simd's but what a guest start needs */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != sp[1])
				close(fd);
		spawner_main(sv, sp[1]);
		_exit(0);
	}
	close(sp[1]);
	sv->spawn_fd = sp[0];
	sv->spawn_pid = pid;
	return 0;
}

static int read_msg(struct srv *sv, struct spawn_msg *m)
{
	ssize_t k;
	while ((k = recv(sv->spawn_fd, m, sizeof(*m), 0)) < 0 && errno == EINTR)
		;
	if (k != (ssize_t)sizeof(*m)) {
		xctl_err_log(sv->log, "the guest spawner is gone: no more guest processes can start");
		close(sv->spawn_fd);
		sv->spawn_fd = -1;
		return XCTL_ERR_IO;
	}
	return 0;
}

static void exited(struct srv *sv, const struct spawn_msg *m)
{
	srv_dom_guest_exited(sv, m->pid, m->err, m->cpu_ns);
}

pid_t srv_spawn(struct srv *sv, uint32_t domid, int sock, int logfd)
{
	if (sv->spawn_fd < 0)
		return -1;
	struct spawn_req rq = { domid, 0 };
	int fds[2] = { sock, logfd };
	if (send_fds(sv->spawn_fd, &rq, sizeof(rq), fds, logfd >= 0 ? 2 : 1))
		return -1;
	for (;;) {
		struct spawn_msg m;
		if (read_msg(sv, &m))
			return -1;
		if (m.kind == SPAWN_EXITED) {
			exited(sv, &m);
			continue;
		}
		if (m.pid <= 0)
			errno = m.err;
		return m.pid > 0 ? m.pid : -1;
	}
}

/* Reports that came on their own (epoll said the socket is readable). */
void srv_spawner_input(struct srv *sv)
{
	struct spawn_msg m;
	while (sv->spawn_fd >= 0) {
		struct pollfd p = { sv->spawn_fd, POLLIN, 0 };
		if (poll(&p, 1, 0) != 1)
			return;
		if (read_msg(sv, &m))
			return;
		if (m.kind == SPAWN_EXITED)
			exited(sv, &m);
	}
}

uint64_t srv_spawn_wait(struct srv *sv, pid_t pid)
{
	/* the guest was sent SIGKILL: wait for the spawner to reap it */
	while (sv->spawn_fd >= 0) {
		struct pollfd p = { sv->spawn_fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) != 1) {
			xctl_warn(sv->log, "guest process %d: no exit reported within 5 s", (int)pid);
			return 0;
		}
		struct spawn_msg m;
		if (read_msg(sv, &m))
			return 0;
		if (m.kind != SPAWN_EXITED)
			continue;
		if (m.pid == pid)
			return m.cpu_ns;
		exited(sv, &m);
	}
	return 0;
}

void srv_spawner_stop(struct srv *sv)
{
	if (sv->spawn_fd >= 0)
		close(sv->spawn_fd);
	sv->spawn_fd = -1;
	if (sv->spawn_pid > 0) {
		kill(sv->spawn_pid, SIGKILL);
		while (waitpid(sv->spawn_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	sv->spawn_pid = 0;
}
