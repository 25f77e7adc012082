/* SPDX-License-Identifier: LGPL-2.1-only */
/* The vocabulary of the xenstore schema, shared by the generator
 * (xenstore-schema/gen/) and the validator library: value types, writers,
 * guest types and phases. Each list is an X-macro so that names, enums and
 * parsers come from one place. */
#ifndef XCTL_SCHEMA_DEFS_H
#define XCTL_SCHEMA_DEFS_H

#include <stddef.h>

/* X(ENUM_SUFFIX, "schema name", "what the documentation says") */
#define XCTL_SCHEMA_TYPES(X)                                                             \
	X(DIR, "dir", "a directory: the value is empty")                                  \
	X(STRING, "string", "any printable string (optional maximum length)")             \
	X(INT, "int", "a decimal integer in the range given")                             \
	X(BOOL, "bool", "0 or 1")                                                         \
	X(KIB, "kib", "an amount of memory in KiB (decimal)")                             \
	X(EVTCHN, "evtchn", "an event channel port, 1..131071")                           \
	X(GREF, "gref", "a grant reference, 8..4294967295 (0..7 are reserved)")           \
	X(FRAME, "frame", "a guest frame number (decimal)")                               \
	X(MAC, "mac", "a MAC address, six hex pairs separated by colons")                 \
	X(UUID, "uuid", "a UUID, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")                    \
	X(DOMID, "domid", "a domain id, 0..32751")                                        \
	X(PATH, "path", "an absolute xenstore path")                                      \
	X(LINK, "link", "an absolute path to a node that must exist, of the form given")  \
	X(ENUM, "enum", "one of the words listed")                                        \
	X(STATE, "state", "a XenbusState, 0..8 (xenbus.h)")                                \
	X(TIMESTAMP, "timestamp", "seconds since the epoch, with optional decimals")      \
	X(MAJMIN, "majmin", "a device number as hexadecimal MAJOR:MINOR")

#define XCTL_SCHEMA_WRITERS(X)                                  \
	X(TOOLSTACK, "toolstack", "the toolstack (libxl, xctl)")   \
	X(BACKEND, "backend", "the backend driver")                \
	X(FRONTEND, "frontend", "the frontend driver in the guest") \
	X(HOTPLUG, "hotplug", "a hotplug script")                  \
	X(GUEST, "guest", "the guest kernel or firmware")          \
	X(XENSTORED, "xenstored", "xenstored itself")              \
	X(DEVICE_MODEL, "device-model", "the device model (QEMU)") /* xs-literal-ok: a writer */

#define XCTL_SCHEMA_GUESTS(X) \
	X(PV, "pv")            \
	X(PVH, "pvh")          \
	X(HVM, "hvm")

/* Phases: a node required at "created" is required at "connected" too. */
#define XCTL_SCHEMA_PHASES(X) \
	X(NONE, "no")          \
	X(CREATED, "created")  \
	X(CONNECTED, "connected")

#define XCTL_SCHEMA_ENUM(suffix, ...) XCTL_SCHEMA_T_##suffix,
enum xctl_schema_type { XCTL_SCHEMA_TYPES(XCTL_SCHEMA_ENUM) XCTL_SCHEMA_T_COUNT };
#undef XCTL_SCHEMA_ENUM

#define XCTL_SCHEMA_ENUM(suffix, ...) XCTL_SCHEMA_W_##suffix##_BIT,
enum { XCTL_SCHEMA_WRITERS(XCTL_SCHEMA_ENUM) XCTL_SCHEMA_W_COUNT };
#undef XCTL_SCHEMA_ENUM

#define XCTL_SCHEMA_ENUM(suffix, ...) XCTL_SCHEMA_G_##suffix##_BIT,
enum { XCTL_SCHEMA_GUESTS(XCTL_SCHEMA_ENUM) XCTL_SCHEMA_G_COUNT };
#undef XCTL_SCHEMA_ENUM
#define XCTL_SCHEMA_G_ALL ((1u << XCTL_SCHEMA_G_COUNT) - 1)

#define XCTL_SCHEMA_ENUM(suffix, ...) XCTL_SCHEMA_P_##suffix,
enum xctl_schema_phase { XCTL_SCHEMA_PHASES(XCTL_SCHEMA_ENUM) XCTL_SCHEMA_P_COUNT };
#undef XCTL_SCHEMA_ENUM

/* Placeholders of templates. X(NAME, min, max, "meaning"); UUID is not numeric. */
#define XCTL_SCHEMA_VARS(X)                                                     \
	X(DOMID, 1, 32751, "the guest domain the node is about")                \
	X(BACKEND, 0, 32751, "the domain running the backend")                  \
	X(DEVID, 0, 4294967295u, "the device id (vbd: the xenbus device number)") \
	X(UUID, 0, 0, "the domain's UUID")                                      \
	X(INDEX, 0, 65535, "an index in a list (vcpu, ring page)")             \
	X(QUEUE, 0, 1023, "a queue number of a multi-queue device")

#define XCTL_SCHEMA_ENUM(name, ...) XCTL_SCHEMA_V_##name,
enum xctl_schema_var { XCTL_SCHEMA_VARS(XCTL_SCHEMA_ENUM) XCTL_SCHEMA_V_COUNT };
#undef XCTL_SCHEMA_ENUM

/* The names (and what the documentation says) of the lists above, indexed
 * by their enums: one copy, in xenstore-schema/names.c, for the generator
 * and the library. Placeholders are named without the '$'. */
extern const char *const xctl_schema_type_names[XCTL_SCHEMA_T_COUNT];
extern const char *const xctl_schema_type_docs[XCTL_SCHEMA_T_COUNT];
extern const char *const xctl_schema_writer_names[XCTL_SCHEMA_W_COUNT];
extern const char *const xctl_schema_writer_docs[XCTL_SCHEMA_W_COUNT];
extern const char *const xctl_schema_guest_names[XCTL_SCHEMA_G_COUNT];
extern const char *const xctl_schema_phase_names[XCTL_SCHEMA_P_COUNT];
extern const char *const xctl_schema_var_names[XCTL_SCHEMA_V_COUNT];
extern const char *const xctl_schema_var_docs[XCTL_SCHEMA_V_COUNT];

/* Index of the name [w, w + len) among names[0..n), or -1. */
int xctl_schema_name_find(const char *const *names, size_t n, const char *w, size_t len);

#endif
