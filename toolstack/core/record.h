/* SPDX-License-Identifier: LGPL-2.1-only */
/* Crash records and name claims, under the state directory.
 *
 * An operation that gives a domain a name (create, rename, the monitor's
 * restart) first claims the name: STATE/claims/NAME is created atomically
 * (a locked temporary file linked into place: link() fails if the name is
 * claimed) and stays locked (flock) by the claiming process for the whole
 * operation. It is also the operation's journal: lines appended as the
 * operation goes (which step is about to run, the domid once known,
 * "commit" once the operation cannot be rolled back any more).
 *
 * A process killed in the middle leaves the file behind, unlocked. The next
 * xctl command finds it (xctl_record_scan), reads the journal, and finishes
 * or rolls back the operation (core/recover.c) before removing it.
 *
 * A claim held by a live process makes xctl_record_claim return
 * XCTL_ERR_BUSY with the holder's pid: two creates of one name never both
 * get past the claim. */
#ifndef XCTL_CORE_RECORD_H
#define XCTL_CORE_RECORD_H

#include "common/util.h" /* xctl_mkdirs */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XCTL_RECORD_NAME_MAX 64
#define XCTL_RECORD_DIR "claims"

struct xctl_record {
	char op[16];                      /* "create", "rename", "restart", "block-attach", ... */
	char name[XCTL_RECORD_NAME_MAX];  /* the name claimed */
	char old_name[XCTL_RECORD_NAME_MAX]; /* rename: the name before */
	char uuid[37];                    /* create: the new domain's uuid */
	pid_t pid;                        /* who wrote it */
	bool have_domid;
	uint32_t domid;
	int step;                         /* last step begun, -1 none */
	char step_name[64];
	bool committed;
	char device[32];                  /* block-attach ...: "vbd 51728", "vif 1" */
};

struct xctl_claim; /* an open, locked record */

/* Claim name under state_dir for op. rec->op/name/uuid/old_name are the
 * header; pid is filled. Returns 0 with *out, XCTL_ERR_BUSY when a live
 * process holds the claim (*holder its pid), XCTL_ERR_AGAIN when a stale
 * record is in the way (the caller recovers it, see xctl_record_take, and
 * claims again), or an I/O error. */
int xctl_record_claim(const char *state_dir, struct xctl_record *rec, struct xctl_claim **out, pid_t *holder);
/* Journal lines. Each is one write() with O_APPEND. */
int xctl_record_step(struct xctl_claim *c, int step, const char *name);
int xctl_record_domid(struct xctl_claim *c, uint32_t domid);
int xctl_record_commit(struct xctl_claim *c);
/* The record as written so far. */
const struct xctl_record *xctl_record_get(const struct xctl_claim *c);
/* Finish: remove the record and drop the lock. */
void xctl_record_release(struct xctl_claim *c);
/* Drop the lock but keep the file (tests: what a crash leaves). */
void xctl_record_abandon(struct xctl_claim *c);

/* Take over the stale record of name if no live process holds it: 0 with
 * *out locked by us and *rec parsed; XCTL_ERR_BUSY if held; XCTL_ERR_NOTFOUND
 * if there is none. Release it with xctl_record_release once recovered. */
int xctl_record_take(const char *state_dir, const char *name, struct xctl_record *rec, struct xctl_claim **out);

/* Names of the records present (held or stale), malloc()ed array of
 * malloc()ed strings. */
int xctl_record_list(const char *state_dir, char ***names, size_t *n);
void xctl_record_list_free(char **names, size_t n);

/* Parse a journal's text (exposed for tests). XCTL_ERR_PARSE if the header
 * is missing; a torn last line is ignored. */
int xctl_record_parse(const char *text, size_t len, struct xctl_record *rec);


#endif
