/* SPDX-License-Identifier: LGPL-2.1-only */
#include "common/log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = { "error", "warning", "info", "debug", "trace" };

void xctl_log_init(struct xctl_log *lg, const char *prog, int level)
{
	memset(lg, 0, sizeof(*lg));
	lg->prog = prog;
	lg->level = level;
}

int xctl_log_level_parse(const char *s)
{
	if (!strcmp(s, "warn"))
		return XCTL_LOG_WARN;
	for (int i = 0; i <= XCTL_LOG_TRACE; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

void xctl_logf(const struct xctl_log *lg, int level, const char *fmt, ...)
{
	if (!lg || level > lg->level)
		return;
	FILE *out = lg->out ? lg->out : stderr;
	char line[4096];
	size_t off = 0;
	if (lg->timestamps) {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		off += strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
		off += (size_t)snprintf(line + off, sizeof(line) - off, ".%03ldZ ", ts.tv_nsec / 1000000);
	}
	if (lg->show_pid && off < sizeof(line))
		off += (size_t)snprintf(line + off, sizeof(line) - off, "[%ld] ", (long)getpid());
	if (lg->prog && off < sizeof(line))
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s: ", lg->prog);
	if (level != XCTL_LOG_INFO && level >= 0 && level <= XCTL_LOG_TRACE && off < sizeof(line))
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s: ", level_names[level]);
	if (off < sizeof(line)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(line + off, sizeof(line) - off, fmt, ap);
		va_end(ap);
	}
	fprintf(out, "%s\n", line);
	fflush(out);
}
