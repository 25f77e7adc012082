/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test harness for xctl-xenstored: start and stop the daemon, raw protocol
 * clients, and process measurements. */
#ifndef XSD_TEST_HARNESS_H
#define XSD_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xen/io/xs_wire.h>

struct xsd_daemon {
	pid_t pid;
	char dir[256];       /* private temporary directory */
	char sock[300];      /* dom0 socket */
	char domdir[300];    /* per-domain sockets */
	char trace[300];
	char state[300];
};

/* Start the daemon with --foreground and the given extra arguments
 * (NULL-terminated); waits until its socket accepts connections. Sets
 * XENSTORED_PATH to the dom0 socket. Returns 0 or -1. */
int xsd_start(struct xsd_daemon *dm, const char *const *extra);
/* SIGTERM, wait; returns the exit status (or -1). */
int xsd_stop(struct xsd_daemon *dm);
/* Remove the temporary directory. */
void xsd_cleanup(struct xsd_daemon *dm);
/* Path of the daemon binary ($XCTL_BIN or next to the test binary). */
const char *xsd_binary(void);

/* Resident set size of a process in KiB, or -1. */
long xsd_rss_kib(pid_t pid);

/* Raw clients on a unix socket. */
int xsd_raw_connect(const char *path);
int xsd_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *payload,
		 uint32_t len);
/* Read one message (blocking, with a timeout in ms); body must hold
 * XENSTORE_PAYLOAD_MAX + 1 bytes and is NUL-terminated. 0, or -1 on EOF,
 * error or timeout. */
int xsd_raw_recv(int fd, struct xsd_sockmsg *h, char *body, int timeout_ms);
/* Send a request with payload strings a (and b, if not NULL), each with its
 * NUL, and wait for the reply that is not a watch event. */
int xsd_raw_call(int fd, uint32_t type, uint32_t tx_id, const char *a, const char *b,
		 struct xsd_sockmsg *h, char *body);

/* Run a shell command with XENSTORED_PATH set; capture up to outsz-1 bytes
 * of stdout. Returns the exit status or -1. */
struct xs_handle;
/* Wait up to ms for one watch event on h; 0 with its path and token, or -1. */
int xsd_wait_event(struct xs_handle *h, char *path, size_t psz, char *tok, size_t tsz, int ms);
int xsd_sh(char *out, size_t outsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Run a cmocka group (an array of tests) once per way the daemon does its
 * socket I/O: every batch through io_uring (--io uring), then one system
 * call each (--io syscalls); xsd_start passes $XCTL_XSD_IO. The failures
 * of both runs. */
#define XSD_RUN_IO_MODES(name, tests, setup, teardown)                                              \
	(setenv("XCTL_XSD_IO", "uring", 1),                                                         \
	 _cmocka_run_group_tests(name " (--io uring)", tests, sizeof(tests) / sizeof((tests)[0]),  \
				 setup, teardown) +                                                 \
		 (setenv("XCTL_XSD_IO", "syscalls", 1),                                             \
		  _cmocka_run_group_tests(name " (--io syscalls)", tests,                           \
					  sizeof(tests) / sizeof((tests)[0]), setup, teardown)))

#endif
