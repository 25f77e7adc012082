/* SPDX-License-Identifier: LGPL-2.1-only */
/* Event-storm guard shared by the backends (XSA-332): a guest that keeps
 * notifying without giving work gets its port re-armed only after a pause,
 * so a storm costs a bounded amount of work per second. */
#ifndef XCTL_BACKEND_STORM_H
#define XCTL_BACKEND_STORM_H

#include <stdbool.h>
#include <stdint.h>

#define STORM_WINDOW_MS 1000u
#define STORM_SPURIOUS_MAX 256u /* spurious events per window before throttling */
#define STORM_PAUSE_MS 50u

struct storm {
	uint64_t window_start;
	unsigned spurious;
	uint64_t paused_until; /* 0: not paused */
	unsigned storms;       /* windows that throttled */
};

/* Account one event; useful says whether it brought work. Returns true to
 * re-arm the port now, false to re-arm it at paused_until. */
static inline bool storm_event(struct storm *s, bool useful, uint64_t now_ms)
{
	if (now_ms - s->window_start >= STORM_WINDOW_MS) {
		s->window_start = now_ms;
		s->spurious = 0;
	}
	if (useful)
		return true;
	if (++s->spurious <= STORM_SPURIOUS_MAX)
		return true;
	if (s->spurious == STORM_SPURIOUS_MAX + 1)
		s->storms++;
	s->paused_until = now_ms + STORM_PAUSE_MS;
	return false;
}

uint64_t backend_now_ms(void);

#endif
