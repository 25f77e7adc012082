/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test helper: run a command line through bash and capture its output. */
#ifndef XCTL_TEST_RUNCMD_H
#define XCTL_TEST_RUNCMD_H

struct runcmd_result {
	int status;   /* exit status, or 128+signal */
	char *out;    /* captured stdout (NUL-terminated) */
	char *err;    /* captured stderr */
};

/* Run a printf-formatted shell command with XCTL_BIN in the environment
 * (default build/bin). Aborts the test on failure to spawn. */
void runcmd(struct runcmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, with stderr merged into stdout as the command writes them
 * (r->out holds both, r->err is empty). */
void runcmd_merged(struct runcmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void runcmd_free(struct runcmd_result *r);
/* Path of a program in XCTL_BIN, e.g. bin_path("xctl"); static storage. */
const char *bin_path(const char *prog);

/* A fresh private directory under /tmp (free() it after runcmd_rmtree()). */
char *runcmd_mkdtemp(void);
/* Remove a directory tree (rm -rf); 0 or -1. */
int runcmd_rmtree(const char *dir);
/* Write text to path (created or truncated); 0 or -1. */
int runcmd_write_file(const char *path, const char *text);

#endif
