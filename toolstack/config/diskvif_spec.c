/* SPDX-License-Identifier: LGPL-2.1-only */
/* The parts of disk and vif spec parsing that are the same for both. */
#include "toolstack/config/diskvif_spec.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

int xctl_devspec_begin(struct xctl_devspec_read *r, const char *key, const char *spec,
		       const char *file, unsigned line, struct xctl_diags *d, size_t max,
		       const char *bad_text_hint)
{
	int rc;
	size_t bad;

	*r = (struct xctl_devspec_read){ .key = key, .spec = spec, .n = strlen(spec), .file = file,
					 .line = line, .d = d };
	if (r->n > max) {
		rc = xctl_diag_add(d, XCTL_DIAG_ERROR, file, line, key,
				   "%s spec too long (%zu bytes; at most %zu)", key, r->n, max);
		return rc ? rc : XCTL_ERR_CONFIG;
	}
	if (!xctl_devspec_text_ok(spec, &bad)) {
		rc = xctl_diag_add(d, XCTL_DIAG_ERROR, file, line, key,
				   "%s spec has a control character or is not UTF-8 text (byte %zu, "
				   "0x%02x)%s", key, bad + 1, (unsigned char)spec[bad], bad_text_hint);
		return rc ? rc : XCTL_ERR_CONFIG;
	}
	return 0;
}

void xctl_devspec_diag(struct xctl_devspec_read *r, enum xctl_diag_sev sev, const char *fmt, ...)
{
	struct xctl_buf b = { 0 };
	va_list ap;

	if (sev == XCTL_DIAG_ERROR)
		r->nerr++;
	va_start(ap, fmt);
	int rc = xctl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = xctl_diag_add(r->d, sev, r->file, r->line, r->key, "%s in '%.*s%s'", b.p,
				   XCTL_DEVSPEC_QUOTE_MAX, r->spec, r->n > XCTL_DEVSPEC_QUOTE_MAX ? "..." : "");
	if (rc)
		r->fatal = XCTL_ERR_NOMEM;
	xctl_buf_free(&b);
}

int xctl_devspec_end(const struct xctl_devspec_read *r, char **spec, char **file, unsigned *line)
{
	if (r->fatal)
		return r->fatal;
	if (r->nerr)
		return XCTL_ERR_CONFIG;
	*line = r->line;
	*file = xctl_strdup(r->file);
	*spec = strdup(r->spec);
	if ((r->file && !*file) || !*spec)
		return XCTL_ERR_NOMEM;
	return 0;
}

bool xctl_devspec_text_ok(const char *s, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s, *start = p;

	while (*p) {
		unsigned c = *p, need, cp;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				goto fail;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			goto fail;
		}
		for (unsigned k = 1; k <= need; k++) {
			if ((p[k] & 0xc0) != 0x80)
				goto fail;
			cp = cp << 6 | (p[k] & 0x3fu);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			goto fail;
		p += need + 1;
	}
	return true;
fail:
	*bad = (size_t)(p - start);
	return false;
}
