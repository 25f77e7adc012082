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
void runcmd_free(struct runcmd_result *r);
/* Path of a program in XCTL_BIN, e.g. bin_path("xctl"); static storage. */
const char *bin_path(const char *prog);

#endif
