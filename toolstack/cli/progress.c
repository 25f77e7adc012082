/* SPDX-License-Identifier: LGPL-2.1-only */
/* Progress of long waits, shown as xl's logger shows it (xentoollog's
 * stdiostream): "WHAT: DONE/TOTAL  PCT%". Without -t a line is printed when
 * the percentage has grown by 5 or more (or went down, or reached the end);
 * with -t one line is rewritten in place with carriage returns and ended
 * with a newline when done == total. Nothing is shown below the default
 * verbosity's level for detail unless -v was given. */
#include "toolstack/cli/cli.h"

#include <stdio.h>

void xctl_cli_progress_to(struct xctl_cli *cli, FILE *out, const char *doing, unsigned long done,
			  unsigned long total)
{
	int pct = total ? (int)(done * 100 / total) : 100;
	if (done > total)
		pct = 100;
	if (cli->progress_last >= 0 && pct == cli->progress_last)
		return;
	/* a small step is a detail: shown with -v only, as xl's XTL_DETAIL */
	bool small = cli->progress_last >= 0 && pct > cli->progress_last && pct < cli->progress_last + 5 &&
		     done != total;
	if (small && !cli->verbose)
		return;
	cli->progress_last = pct;
	if (!cli->progress_cr) {
		fprintf(out, "%s: %lu/%lu  %3d%%\n", doing, done, total, pct);
		fflush(out);
		return;
	}
	if (cli->progress_len)
		fputc('\r', out);
	int n = fprintf(out, "%s: %lu/%lu  %3d%%", doing, done, total, pct);
	if (n < 0)
		return;
	if (cli->progress_len > n) /* blank what is left of a longer line */
		fprintf(out, "%*s\r%s: %lu/%lu  %3d%%", cli->progress_len - n, "", doing, done, total, pct);
	if (done >= total) {
		fputc('\n', out);
		n = 0;
	}
	cli->progress_len = n;
	fflush(out);
}

void xctl_cli_progress(struct xctl_cli *cli, const char *doing, unsigned long done, unsigned long total)
{
	xctl_cli_progress_to(cli, stderr, doing, done, total);
}
