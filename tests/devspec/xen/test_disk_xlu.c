/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl's disk spec parser against libxlutil's xlu_disk_parse(): both run on
 * every spec of tests/devspec/disk-specs.txt and on generated specs; they
 * must accept and reject the same specs and fill every field the same way,
 * except for the deliberate differences the corpus lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxl.h>
#include <libxlutil.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/diskspec.h"

#define CORPUS_MAX (1 << 20)

struct xlu_result {
	int rc;
	bool crashed; /* libxlutil ended the process (flex "scanner jammed") */
	libxl_device_disk disk;
};

static void xlu_parse_here(const char *spec, struct xlu_result *r, FILE *report)
{
	XLU_Config *cfg = xlu_cfg_init(report, "corpus");
	assert_non_null(cfg);
	r->crashed = false;
	r->rc = xlu_disk_parse(cfg, 1, &spec, &r->disk);
	xlu_cfg_destroy(cfg);
}

/* ---- libxlutil in a child process --------------------------------------
 * libxlutil's scanner calls exit(2) when it jams, which it does on a '='
 * starting an item right before a newline. Specs that may reach that state
 * are parsed in a child, and the result comes back over a pipe. */

#define NSTR 8
#define NINT 12

static char **disk_strs(libxl_device_disk *x, int k)
{
	char **v[NSTR] = { &x->pdev_path, &x->vdev, &x->backend_domname, &x->script,
			   &x->colo_host, &x->colo_export, &x->active_disk, &x->hidden_disk };
	return v[k];
}

static void put(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			_exit(3);
		c += w;
		n -= (size_t)w;
	}
}

static bool get(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

static void send_result(int fd, libxl_device_disk *x, int rc)
{
	int ints[NINT] = { x->format, x->backend, x->removable, x->readwrite, x->is_cdrom,
			   x->direct_io_safe, x->discard_enable.val, x->specification,
			   x->transport, x->colo_enable.val, x->colo_port, x->trusted.val };
	put(fd, &rc, sizeof(rc));
	put(fd, ints, sizeof(ints));
	for (int k = 0; k < NSTR; k++) {
		char *str = *disk_strs(x, k);
		int len = str ? (int)strlen(str) : -1;
		put(fd, &len, sizeof(len));
		if (str)
			put(fd, str, (size_t)len);
	}
}

static bool recv_result(int fd, struct xlu_result *r)
{
	int ints[NINT];
	libxl_device_disk *x = &r->disk;
	if (!get(fd, &r->rc, sizeof(r->rc)) || !get(fd, ints, sizeof(ints)))
		return false;
	x->format = ints[0];
	x->backend = ints[1];
	x->removable = ints[2];
	x->readwrite = ints[3];
	x->is_cdrom = ints[4];
	x->direct_io_safe = ints[5];
	x->discard_enable.val = ints[6];
	x->specification = ints[7];
	x->transport = ints[8];
	x->colo_enable.val = ints[9];
	x->colo_port = ints[10];
	x->trusted.val = ints[11];
	for (int k = 0; k < NSTR; k++) {
		int len;
		if (!get(fd, &len, sizeof(len)) || len < -1 || len > (1 << 20))
			return false;
		if (len < 0)
			continue;
		char *str = calloc(1, (size_t)len + 1);
		assert_non_null(str);
		*disk_strs(x, k) = str;
		if (!get(fd, str, (size_t)len))
			return false;
	}
	return true;
}

static void xlu_parse_isolated(const char *spec, struct xlu_result *r, FILE *report)
{
	int fds[2], status;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fileno(report), 2); /* the scanner's last words */
		xlu_parse_here(spec, r, report);
		send_result(fds[1], &r->disk, r->rc);
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	bool got = recv_result(fds[0], r);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!got) {
		/* the child ended inside libxlutil without answering */
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 2);
		libxl_device_disk_dispose(&r->disk);
		libxl_device_disk_init(&r->disk);
		r->rc = EINVAL;
		r->crashed = true;
	} else {
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void xlu_parse(const char *spec, struct xlu_result *r, FILE *report)
{
	libxl_device_disk_init(&r->disk);
	if (strstr(spec, "=\n"))
		xlu_parse_isolated(spec, r, report);
	else
		xlu_parse_here(spec, r, report);
}

static int defbool_of(libxl_defbool b)
{
	if (libxl_defbool_is_default(b))
		return XCTL_DEFBOOL_DEFAULT;
	return libxl_defbool_val(b) ? XCTL_DEFBOOL_TRUE : XCTL_DEFBOOL_FALSE;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* First field that differs, or NULL. */
static const char *compare(const libxl_device_disk *x, const struct xctl_disk *c)
{
	if (!str_eq(x->pdev_path, c->target)) return "target";
	if ((int)x->format != (int)c->format) return "format";
	if (!str_eq(x->vdev, c->vdev)) return "vdev";
	if (!str_eq(x->backend_domname, c->backend_domname)) return "backend";
	if ((int)x->backend != (int)c->backend) return "backendtype";
	if (!str_eq(x->script, c->script)) return "script";
	if (!!x->removable != c->removable) return "removable";
	if (!!x->readwrite != c->readwrite) return "readwrite";
	if (!!x->is_cdrom != c->is_cdrom) return "is_cdrom";
	if (x->direct_io_safe != c->direct_io_safe) return "direct_io_safe";
	if (defbool_of(x->discard_enable) != (int)c->discard) return "discard";
	if ((int)x->specification != (int)c->specification) return "specification";
	if ((int)x->transport != (int)c->transport) return "transport";
	if (defbool_of(x->colo_enable) != (int)c->colo_enable) return "colo";
	if (!str_eq(x->colo_host, c->colo_host)) return "colo-host";
	if (x->colo_port != c->colo_port) return "colo-port";
	if (!str_eq(x->colo_export, c->colo_export)) return "colo-export";
	if (!str_eq(x->active_disk, c->active_disk)) return "active-disk";
	if (!str_eq(x->hidden_disk, c->hidden_disk)) return "hidden-disk";
	if (defbool_of(x->trusted) != (int)c->trusted) return "trusted";
	return NULL;
}

/* Print both sides of a disagreement with the messages of each parser. */
static void explain(const char *where, const char *spec, const struct xlu_result *x, int xrc,
		    const struct xctl_diags *d, const char *field)
{
	print_message("%s: spec \"%s\": libxlutil %s, xctl %s%s%s\n", where, spec,
		      x->crashed ? "exits the process" : x->rc ? "rejects" : "accepts", xrc ? "rejects" : "accepts",
		      field ? "; they differ in " : "", field ? field : "");
	struct xlu_result again;
	xlu_parse(spec, &again, stdout);
	libxl_device_disk_dispose(&again.disk);
	xctl_diags_print(d, stdout);
}

/* ---- the corpus file ---------------------------------------------------- */

enum expect { E_OK, E_BAD, E_STRICTER, E_LOOSER };

struct entry {
	enum expect expect;
	char spec[1024];
	unsigned line;
	bool has_reason;
};

/* Parse one corpus line; returns 1 for an entry, 0 for a blank or comment,
 * -1 for a malformed line. */
static int parse_line(char *l, unsigned lineno, struct entry *e)
{
	static const char *const names[] = { "ok ", "bad ", "stricter ", "looser " };
	size_t n = 0;

	while (*l == ' ')
		l++;
	if (!*l || *l == '#')
		return 0;
	int k;
	for (k = 0; k < 4; k++)
		if (!strncmp(l, names[k], strlen(names[k])))
			break;
	if (k == 4)
		return -1;
	e->expect = (enum expect)k;
	e->line = lineno;
	l += strlen(names[k]);
	if (*l++ != '"')
		return -1;
	for (; *l && *l != '"'; l++) {
		char c = *l;
		if (c == '\\') {
			l++;
			if (*l == 'x' && l[1] && l[2]) {
				char hex[3] = { l[1], l[2], 0 };
				c = (char)strtol(hex, NULL, 16);
				l += 2;
			} else {
				c = *l == 'n' ? '\n' : *l == 't' ? '\t' : *l;
			}
			if (!c)
				return -1;
		}
		if (n + 1 >= sizeof(e->spec))
			return -1;
		e->spec[n++] = c;
	}
	if (*l != '"')
		return -1;
	e->spec[n] = 0;
	l++;
	while (*l == ' ')
		l++;
	e->has_reason = !strncmp(l, "-- ", 3) && strlen(l) > 10;
	if (*l && !e->has_reason)
		return -1;
	return 1;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *src = getenv("XCTL_SRC");
	char path[4096];
	char *text = NULL;
	size_t len = 0;
	unsigned counts[4] = { 0 }, failures = 0, lineno = 0;
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	snprintf(path, sizeof(path), "%s/tests/devspec/disk-specs.txt", src ? src : ".");
	assert_int_equal(xctl_read_file(path, CORPUS_MAX, &text, &len), 0);
	for (char *l = text, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = 0;
		lineno++;
		struct entry e;
		int pr = parse_line(l, lineno, &e);
		if (pr < 0) {
			print_message("disk-specs.txt:%u: malformed line\n", lineno);
			failures++;
			continue;
		}
		if (pr == 0)
			continue;
		if ((e.expect == E_STRICTER || e.expect == E_LOOSER) && !e.has_reason) {
			print_message("disk-specs.txt:%u: a deliberate difference needs a reason\n",
				      lineno);
			failures++;
		}
		counts[e.expect]++;

		struct xlu_result x;
		struct xctl_disk c;
		struct xctl_diags d;
		xctl_diags_init(&d);
		xlu_parse(e.spec, &x, devnull);
		int crc = xctl_disk_parse(e.spec, "corpus.cfg", e.line, &c, &d);
		assert_true(crc == 0 || crc == XCTL_ERR_CONFIG);
		/* a rejected spec always says why, and only as errors under "disk" */
		if (crc) {
			assert_true(d.nerrors > 0);
			assert_string_equal(d.v[0].key, "disk");
			assert_string_equal(d.v[0].file, "corpus.cfg");
			assert_int_equal(d.v[0].line, e.line);
		}
		bool want_x = e.expect == E_OK || e.expect == E_STRICTER;
		bool want_c = e.expect == E_OK || e.expect == E_LOOSER;
		const char *field = NULL;
		if (!x.rc && !crc)
			field = compare(&x.disk, &c);
		if (want_x != !x.rc || want_c != !crc || field) {
			char where[64];
			snprintf(where, sizeof(where), "disk-specs.txt:%u", lineno);
			explain(where, e.spec, &x, crc, &d, field);
			failures++;
		}
		libxl_device_disk_dispose(&x.disk);
		xctl_disk_dispose(&c);
		xctl_diags_free(&d);
	}
	free(text);
	fclose(devnull);
	print_message("disk corpus: %u same (accepted), %u same (rejected), %u stricter, %u looser,"
		      " %u failures\n", counts[E_OK], counts[E_BAD], counts[E_STRICTER],
		      counts[E_LOOSER], failures);
	assert_true(counts[E_OK] + counts[E_BAD] + counts[E_STRICTER] + counts[E_LOOSER] >= 40);
	assert_true(counts[E_OK] >= 20 && counts[E_BAD] >= 20);
	/* deliberate differences stay rare */
	assert_true(counts[E_STRICTER] + counts[E_LOOSER] <= 10);
	assert_int_equal(failures, 0);
}

/* ---- generated specs ---------------------------------------------------- */

static const char *const pieces[] = {
	"/srv/a.img", "", "/dev/vg/x", "a b", "x:y", "raw", "qcow2", "vhd", "qed", "bogus",
	"xvda", "hdc", "sdb", "xvdb:cdrom", "hdc:cdrom", "hdc:disk", "xvdaa3", "d1p2", "r", "rw",
	"w", "ro", "x", "format=raw", "format=vhd", "format=", "vdev=xvdc", "vdev=", "access=ro",
	"access=", "devtype=cdrom", "devtype=disk", "devtype=x", "cdrom", "backendtype=qdisk",
	"backendtype=phy", "backendtype=nope", "backend=d1", "backend=", "script=s", "script=",
	"direct-io-safe", "discard", "no-discard", "colo", "no-colo", "colo-host=h",
	"colo-export=e", "active-disk=a", "hidden-disk=h", "colo-port=99,", "specification=virtio",
	"specification=xen", "target=/t,x", "target=", "foo=bar", "f=", "phy:", "raw:", "qcow:",
	"aio:", "tap:", "iscsi:", "nbd:", "zz:", "Q:", "=", " ", "\t", "\n", ":", "cdromx",
	"discard2", "-", "hd", "xvd", "51712",
};

static const char *const bases[] = {
	"/srv/a.img,raw,xvda,rw", "/srv/a.img,,xvda", "phy:/dev/vg/a,xvda,w", ",hdc:cdrom,r",
	"/srv/a.iso,,hdc,cdrom", "vdev=xvdb,target=/srv/b.img", "/srv/a.img", "/srv/a.img,qcow2",
	"format=raw,vdev=xvda", "tap:aio:/srv/a.img,xvda",
};

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void test_generated(void **state)
{
	(void)state;
	uint64_t seed = 0x5eed0d15cULL;
	unsigned n = 20000, accepted = 0, stricter = 0, failures = 0;
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	for (unsigned i = 0; i < n && failures < 10; i++) {
		char spec[512] = "";
		size_t len = 0;
		unsigned items = 1 + (unsigned)(rng_next(&seed) % 6);
		/* half of the specs start from a working one, to reach deep states */
		if (rng_next(&seed) % 2) {
			const char *base = bases[rng_next(&seed) % XCTL_ARRAY_SIZE(bases)];
			len = (size_t)snprintf(spec, sizeof(spec), "%s,", base);
			items = (unsigned)(rng_next(&seed) % 3);
		}
		for (unsigned k = 0; k < items; k++) {
			const char *p = pieces[rng_next(&seed) % XCTL_ARRAY_SIZE(pieces)];
			unsigned sep = (unsigned)(rng_next(&seed) % 8);
			len += (size_t)snprintf(spec + len, sizeof(spec) - len, "%s%s", p,
						k + 1 == items ? "" : sep == 0 ? "" : sep == 1 ? ", "
						: sep == 2 ? ",," : ",");
		}
		struct xlu_result x;
		struct xctl_disk c;
		struct xctl_diags d;
		xctl_diags_init(&d);
		xlu_parse(spec, &x, devnull);
		int crc = xctl_disk_parse(spec, "gen.cfg", i + 1, &c, &d);
		bool want_c = !x.rc;
		if (!x.rc) {
			/* the deliberate differences, decided on libxlutil's result */
			int devid;
			bool empty = !x.disk.pdev_path || !*x.disk.pdev_path;
			size_t sl = strlen(spec);
			bool final_eq = sl && spec[sl - 1] == '=' && crc && d.n &&
					!strncmp(d.v[0].msg, "bad disk syntax at '='", 22);
			if ((empty && x.disk.format != LIBXL_DISK_FORMAT_EMPTY) || final_eq ||
			    xctl_vdev_to_devid(x.disk.vdev, &devid, NULL, NULL)) {
				want_c = false;
				stricter++;
			} else {
				accepted++;
			}
		}
		const char *field = !x.rc && !crc ? compare(&x.disk, &c) : NULL;
		if (want_c != !crc || field) {
			explain("generated", spec, &x, crc, &d, field);
			failures++;
		}
		libxl_device_disk_dispose(&x.disk);
		xctl_disk_dispose(&c);
		xctl_diags_free(&d);
	}
	fclose(devnull);
	print_message("generated disk specs: %u, accepted by both %u, refused by xctl on purpose %u,"
		      " failures %u\n", n, accepted, stricter, failures);
	assert_int_equal(failures, 0);
	/* the generator must reach the interesting cases, not only errors */
	assert_true(accepted > n / 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
