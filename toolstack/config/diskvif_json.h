/* JSON of disk and vif specs from one field table per struct: the same
 * table writes the object and reads it back, so the two cannot drift apart.
 * Internal to toolstack/config/disk*.c and vif*.c. */
#ifndef XCTL_CONFIG_DISKVIF_JSON_H
#define XCTL_CONFIG_DISKVIF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xctl_jw;
struct xctl_jv;
struct xctl_diags;

enum xctl_jfield_type {
	XCTL_JF_STR,      /* char *, null when NULL */
	XCTL_JF_BOOL,     /* bool */
	XCTL_JF_BOOLNAME, /* bool written as names[0] (false) or names[1] (true) */
	XCTL_JF_DEFBOOL,  /* enum xctl_defbool: null, false, true */
	XCTL_JF_ENUM,     /* int-sized enum: 0 is null, else names[value] */
	XCTL_JF_INT,      /* int, in [min, max] */
	XCTL_JF_UINT,     /* unsigned, in [min, max] */
	XCTL_JF_U32,      /* uint32_t */
	XCTL_JF_U64,      /* uint64_t */
	XCTL_JF_MAC,      /* uint8_t[6] as "xx:xx:xx:xx:xx:xx", null when the bool at
			   * off_set is false */
};

struct xctl_jfield {
	const char *key;
	enum xctl_jfield_type type;
	size_t off;
	const char *const *names; /* XCTL_JF_ENUM, XCTL_JF_BOOLNAME */
	size_t nnames;
	int64_t min, max;         /* XCTL_JF_INT, XCTL_JF_UINT */
	size_t off_set;           /* XCTL_JF_MAC */
};

/* Write the object of every field. */
void xctl_jfields_write(struct xctl_jw *w, const struct xctl_jfield *f, size_t n, const void *obj);
/* Read an object written by xctl_jfields_write into obj (already
 * initialised; members not present keep their value). Every problem is an
 * error in d under key (e.g. "disk"); returns 0, XCTL_ERR_CONFIG or
 * XCTL_ERR_NOMEM. */
int xctl_jfields_read(const struct xctl_jv *v, const struct xctl_jfield *f, size_t n, void *obj,
		      const char *key, struct xctl_diags *d);

/* Whether a spec is text JSON can carry: valid UTF-8 (no overlong forms or
 * surrogates) without control characters other than tab and newline.
 * Returns true, or false with the offset of the first bad byte in *bad. */
bool xctl_devspec_text_ok(const char *s, size_t *bad);

#endif
