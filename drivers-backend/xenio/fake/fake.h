/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio/fake: an in-process xenio for unit tests and fuzzers.
 *
 * The test plays the guest: it owns a domain's memory (a memfd the backend
 * maps page by page, so both sides share the pages as with real grants),
 * grants pages, allocates unbound ports and raises events. xenstore goes to
 * a real xenstored through libxenstore when the test gives one
 * (XENSTORED_PATH), and is absent (XCTL_ERR_UNSUPPORTED) otherwise. Faults
 * can be injected into map and copy. */
#ifndef XCTL_XENIO_FAKE_H
#define XCTL_XENIO_FAKE_H

#include "drivers-backend/xenio/xenio.h"

#define XENIO_FAKE_MAX_DOMS 8
#define XENIO_FAKE_MAX_REFS 8192
#define XENIO_FAKE_MAX_PORTS 256

struct xenio_fake;

/* with_xs: connect to the xenstored of XENSTORED_PATH. */
int xenio_fake_open(const struct xctl_log *log, bool with_xs, struct xenio_fake **out);
struct xenio *xenio_fake_base(struct xenio_fake *f);

/* The guest side. */
int xenio_fake_add_dom(struct xenio_fake *f, uint32_t domid, uint32_t npages);
/* The guest's own view of one of its pages (NULL if out of range). */
void *xenio_fake_page(struct xenio_fake *f, uint32_t domid, uint32_t page);
int xenio_fake_grant(struct xenio_fake *f, uint32_t domid, uint32_t ref, uint32_t page,
		     bool readonly);
int xenio_fake_revoke(struct xenio_fake *f, uint32_t domid, uint32_t ref);
/* Allocate an unbound port of domid for the backend to bind. */
int xenio_fake_alloc_unbound(struct xenio_fake *f, uint32_t domid, uint32_t *port);
/* The guest notifies its port: the backend's bound port becomes pending. */
int xenio_fake_guest_notify(struct xenio_fake *f, uint32_t domid, uint32_t port);
/* How often the backend notified the guest's port. */
unsigned xenio_fake_notified(struct xenio_fake *f, uint32_t domid, uint32_t port);
/* Whether the backend has bound the guest's port. */
bool xenio_fake_bound(struct xenio_fake *f, uint32_t domid, uint32_t port);

/* Pages the backend has mapped and not unmapped. */
long xenio_fake_mapped_pages(struct xenio_fake *f);
/* Fault injection: the nth map (or copy segment) from now fails (0: none). */
void xenio_fake_fail_map(struct xenio_fake *f, unsigned nth);
void xenio_fake_fail_copy(struct xenio_fake *f, unsigned nth);

#endif
