/* SPDX-License-Identifier: LGPL-2.1-only */
/* Logging. A logger is passed in a context; there is no global logger. */
#ifndef XCTL_LOG_H
#define XCTL_LOG_H

#include <stdio.h>

enum xctl_log_level {
	XCTL_LOG_ERROR = 0,
	XCTL_LOG_WARN = 1,
	XCTL_LOG_INFO = 2,
	XCTL_LOG_DEBUG = 3,
	XCTL_LOG_TRACE = 4,
};

struct xctl_log {
	int level;         /* messages above this level are dropped */
	FILE *out;         /* NULL means stderr */
	const char *prog;  /* prefix, e.g. "xctl" or "xctl-xenstored" */
	int timestamps;    /* prefix each line with a UTC timestamp */
	int show_pid;      /* then the process id in brackets, as xl -T */
};

void xctl_log_init(struct xctl_log *lg, const char *prog, int level);
void xctl_logf(const struct xctl_log *lg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define xctl_err_log(lg, ...) xctl_logf((lg), XCTL_LOG_ERROR, __VA_ARGS__)
#define xctl_warn(lg, ...) xctl_logf((lg), XCTL_LOG_WARN, __VA_ARGS__)
#define xctl_info(lg, ...) xctl_logf((lg), XCTL_LOG_INFO, __VA_ARGS__)
#define xctl_debug(lg, ...) xctl_logf((lg), XCTL_LOG_DEBUG, __VA_ARGS__)

/* Parse "error", "warn", "info", "debug", "trace"; -1 if unknown. */
int xctl_log_level_parse(const char *s);

#endif
