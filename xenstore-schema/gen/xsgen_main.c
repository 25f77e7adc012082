/* SPDX-License-Identifier: LGPL-2.1-only */
/* xs-gen: usage: xs-gen header|table|doc OUTPUT SCHEMA-FILE...
 * Writes OUTPUT only when its content changes, so that objects including
 * the header are not rebuilt for nothing. */
#include "xenstore-schema/gen/xsgen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int write_if_changed(const char *path, const struct xctl_buf *b)
{
	char *old = NULL;
	size_t oldlen = 0;
	if (xctl_read_file(path, 16u << 20, &old, &oldlen) == 0 && oldlen == b->len && !memcmp(old, b->p, b->len)) {
		free(old);
		return 0;
	}
	free(old);
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "xs-gen: output path too long\n");
		return 1;
	}
	FILE *f = fopen(tmp, "w");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "xs-gen: cannot write %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "xs-gen: cannot rename %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "header") && strcmp(argv[1], "table") && strcmp(argv[1], "doc"))) {
		fprintf(stderr, "usage: xs-gen header|table|doc OUTPUT SCHEMA-FILE...\n");
		return 2;
	}
	static struct xsgen g;
	int rc = 1;
	for (int i = 3; i < argc; i++)
		xsgen_parse_file(&g, argv[i]);
	if (g.errors || xsgen_check(&g)) {
		fprintf(stderr, "xs-gen: %u error(s) in the schema\n", g.errors);
		goto out;
	}
	struct xctl_buf b = { 0 };
	int erc;
	if (!strcmp(argv[1], "header"))
		erc = xsgen_emit_header(&g, &b);
	else if (!strcmp(argv[1], "table"))
		erc = xsgen_emit_table(&g, &b);
	else
		erc = xsgen_emit_doc(&g, &b);
	if (erc == 0 && b.p)
		rc = write_if_changed(argv[2], &b);
	xctl_buf_free(&b);
out:
	xsgen_free(&g);
	return rc;
}
