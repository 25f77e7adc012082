/* SPDX-License-Identifier: LGPL-2.1-only */
/* Xen's shared-ring headers (xen/io/ring.h and the device protocols) for a
 * user-space frontend: ring.h wants the kernel's barriers; ours are the
 * compiler's atomics, which order the shared page as the kernel's do. */
#ifndef XCTL_GUEST_XENRING_H
#define XCTL_GUEST_XENRING_H

#include <stdint.h>
#include <string.h>

#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/protocols.h>

#endif
