/* SPDX-License-Identifier: LGPL-2.1-only */
/* Mutated dumps: each tests/schema/mutations/\*.mut file applies a few edits
 * to a fixture (tests/schema/fixtures/) and lists the violations the
 * validator must report, exactly. The mutated dumps are written to
 * $XCTL_BUILD/tests/schema/mutated/ for inspection.
 *
 * .mut format, one directive a line ('#' comments):
 *   base FIXTURE            fixture to start from (default real-pv-guest.txt)
 *   args OPTIONS            --phase created|connected, --after-destroy DOMID
 *   set PATH VALUE          replace a node's value (escaped as xenstore-ls does)
 *   perms PATH PERMS        replace a node's permissions
 *   del PATH                remove one node
 *   deltree PATH            remove a node and everything below it
 *   add LINE                append a dump line
 *   expect RULE PATH        a violation that must be reported; "expect none" */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xenstore-schema/check.h"
#include "common/util.h"

#define MAX_LINES 4096
#define MAX_EXPECT 64

struct dumplines {
	char *l[MAX_LINES];
	size_t n;
};

static const char *src_dir(void)
{
	const char *s = getenv("XCTL_SRC");
	return s ? s : ".";
}

static void load_lines(const char *path, struct dumplines *d)
{
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(xctl_read_file(path, 1 << 24, &text, &len), 0);
	d->n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		assert_true(d->n < MAX_LINES);
		d->l[d->n++] = strdup(l);
	}
	free(text);
}

static size_t path_len(const char *line)
{
	return strcspn(line, " :");
}

static bool line_is(const char *line, const char *path, bool tree)
{
	size_t pl = strlen(path), ll = path_len(line);
	if (ll == pl && !strncmp(line, path, pl))
		return true;
	return tree && ll > pl && !strncmp(line, path, pl) && line[pl] == '/';
}

/* Index of the line of path; fails the test when absent. */
static size_t find_line(struct dumplines *d, const char *path, const char *mut)
{
	for (size_t i = 0; i < d->n; i++)
		if (line_is(d->l[i], path, false))
			return i;
	fail_msg("%s: %s is not in the base dump", mut, path);
	return 0;
}

static void set_part(struct dumplines *d, size_t i, const char *value, const char *perms)
{
	char *l = d->l[i];
	char *q1 = strstr(l, " = \"");
	char *q2 = strrchr(l, '"');
	char *po = strrchr(l, '(');
	assert_non_null(q1);
	struct xctl_buf b = { 0 };
	xctl_buf_add(&b, l, (size_t)(q1 - l));
	if (value)
		xctl_buf_printf(&b, " = \"%s\"", value);
	else
		xctl_buf_add(&b, q1, (size_t)(q2 - q1 + 1));
	if (perms)
		xctl_buf_printf(&b, "   (%s)", perms);
	else if (po)
		xctl_buf_printf(&b, "   %s", po);
	free(d->l[i]);
	d->l[i] = xctl_buf_steal(&b);
}

struct expect {
	char rule[32];
	char path[512];
	bool seen;
};

static void run_one(const char *dir, const char *name, unsigned *count)
{
	char mpath[2300], base[256] = "real-pv-guest.txt";
	snprintf(mpath, sizeof(mpath), "%s/%s", dir, name);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(xctl_read_file(mpath, 1 << 20, &text, &len), 0);
	/* first pass: the base */
	struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_NONE, .after_destroy = -1 };
	struct expect ex[MAX_EXPECT];
	size_t nex = 0;
	bool none = false;
	char *save = NULL;
	char *copy = strdup(text);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, "base ", 5))
			snprintf(base, sizeof(base), "%s", l + 5);
	free(copy);
	struct dumplines d;
	char bpath[1400];
	snprintf(bpath, sizeof(bpath), "%.900s/tests/schema/fixtures/%.255s", src_dir(), base);
	load_lines(bpath, &d);

	save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char a[512], b2[4096];
		if (l[0] == '#' || !l[0] || !strncmp(l, "base ", 5))
			continue;
		if (!strncmp(l, "args ", 5)) {
			const char *p = strstr(l, "--phase ");
			if (p) {
				sscanf(p + 8, "%511s", a);
				o.phase = (enum xctl_schema_phase)xctl_schema_phase_parse(a);
			}
			p = strstr(l, "--after-destroy ");
			if (p)
				o.after_destroy = strtol(p + 16, NULL, 10);
		} else if (sscanf(l, "set %511s %4095[^\n]", a, b2) == 2 || sscanf(l, "set %511s", a) == 1) {
			if (sscanf(l, "set %511s %4095[^\n]", a, b2) != 2)
				b2[0] = '\0';
			set_part(&d, find_line(&d, a, name), b2, NULL);
		} else if (sscanf(l, "perms %511s %4095s", a, b2) == 2) {
			set_part(&d, find_line(&d, a, name), NULL, b2);
		} else if (sscanf(l, "deltree %511s", a) == 1 || sscanf(l, "del %511s", a) == 1) {
			bool tree = !strncmp(l, "deltree", 7);
			size_t before = d.n, k = 0;
			for (size_t i = 0; i < d.n; i++) {
				if (line_is(d.l[i], a, tree))
					free(d.l[i]);
				else
					d.l[k++] = d.l[i];
			}
			d.n = k;
			if (k == before)
				fail_msg("%s: %s is not in the base dump", name, a);
		} else if (!strncmp(l, "add ", 4)) {
			assert_true(d.n < MAX_LINES);
			d.l[d.n++] = strdup(l + 4);
		} else if (!strcmp(l, "expect none")) {
			none = true;
		} else if (nex < MAX_EXPECT && sscanf(l, "expect %31s %511s", ex[nex].rule, ex[nex].path) == 2) {
			ex[nex++].seen = false;
		} else {
			fail_msg("%s: cannot understand '%s'", name, l);
		}
	}
	free(text);
	if (!none && !nex)
		fail_msg("%s: no expect line", name);

	struct xctl_buf dump = { 0 };
	for (size_t i = 0; i < d.n; i++) {
		xctl_buf_printf(&dump, "%s\n", d.l[i]);
		free(d.l[i]);
	}
	const char *bd = getenv("XCTL_BUILD");
	if (bd) {
		char out[1024];
		snprintf(out, sizeof(out), "%.900s/tests/schema", bd);
		mkdir(out, 0755);
		snprintf(out, sizeof(out), "%.900s/tests/schema/mutated", bd);
		mkdir(out, 0755);
		snprintf(out, sizeof(out), "%.900s/tests/schema/mutated/%.*s.txt", bd, (int)(strlen(name) - 4), name);
		FILE *f = fopen(out, "w");
		if (f) {
			fwrite(dump.p, 1, dump.len, f);
			fclose(f);
		}
	}
	struct xctl_xsdump *x = NULL;
	char err[512];
	int rc = xctl_xsdump_parse(dump.p, dump.len, name, &x, err, sizeof(err));
	xctl_buf_free(&dump);
	if (rc)
		fail_msg("%s: the mutated dump does not parse: %s", name, err);
	struct xctl_schema_report r = { 0 };
	assert_int_equal(xctl_schema_check(x, &o, &r), 0);
	bool ok = true;
	for (size_t i = 0; i < r.n; i++) {
		bool found = false;
		for (size_t k = 0; k < nex; k++)
			if (!ex[k].seen && !strcmp(ex[k].rule, r.v[i].rule) && !strcmp(ex[k].path, r.v[i].path)) {
				ex[k].seen = found = true;
				break;
			}
		if (!found) {
			print_error("%s: unexpected violation: %s: %s: %s\n", name, r.v[i].path, r.v[i].rule, r.v[i].msg);
			ok = false;
		}
	}
	for (size_t k = 0; k < nex; k++)
		if (!ex[k].seen) {
			print_error("%s: expected violation not reported: %s %s\n", name, ex[k].rule, ex[k].path);
			ok = false;
		}
	xctl_schema_report_free(&r);
	xctl_xsdump_free(x);
	if (!ok)
		fail_msg("%s: the violations differ from the expected ones", name);
	(*count)++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_mutations(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%.900s/tests/schema/mutations", src_dir());
	DIR *dd = opendir(dir);
	assert_non_null(dd);
	char *names[1024];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dd)) && n < 1024) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".mut"))
			names[n++] = strdup(e->d_name);
	}
	closedir(dd);
	qsort(names, n, sizeof(names[0]), cmp_str);
	unsigned count = 0;
	for (size_t i = 0; i < n; i++) {
		run_one(dir, names[i], &count);
		free(names[i]);
	}
	print_message("%u mutated dumps gave exactly their expected violations\n", count);
	assert_true(count >= 60);
}

static void test_real_dump_clean(void **state)
{
	(void)state;
	static const enum xctl_schema_phase phases[] = { XCTL_SCHEMA_P_NONE, XCTL_SCHEMA_P_CREATED,
							 XCTL_SCHEMA_P_CONNECTED };
	char path[1024];
	snprintf(path, sizeof(path), "%.900s/tests/schema/fixtures/real-pv-guest.txt", src_dir());
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(xctl_read_file(path, 1 << 24, &text, &len), 0);
	struct xctl_xsdump *x = NULL;
	char err[256];
	assert_int_equal(xctl_xsdump_parse(text, len, "real", &x, err, sizeof(err)), 0);
	free(text);
	for (size_t i = 0; i < 3; i++) {
		struct xctl_schema_opts o = { .phase = phases[i], .after_destroy = -1 };
		struct xctl_schema_report r = { 0 };
		assert_int_equal(xctl_schema_check(x, &o, &r), 0);
		for (size_t k = 0; k < r.n; k++)
			print_error("%s: %s: %s\n", r.v[k].path, r.v[k].rule, r.v[k].msg);
		assert_int_equal(r.n, 0);
		assert_int_equal(r.nodes, 207);
		xctl_schema_report_free(&r);
	}
	xctl_xsdump_free(x);
}

/* Trees captured from real Xen 4.17 by the lab (make lab), one per guest type
 * and phase: lab-TYPE-PHASE-dDOMID.txt. Each must be clean for its phase, as
 * the lab checks it (a shut-down guest still holds every node of phase
 * created); a destroyed tree must hold nothing of its domain. */
static void check_lab_tree(const char *dir, const char *name)
{
	char type[16], phase[16];
	unsigned domid;
	assert_int_equal(sscanf(name, "lab-%15[a-z]-%15[a-z]-d%u.txt", type, phase, &domid), 3);
	struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_NONE, .after_destroy = -1 };
	if (!strcmp(phase, "created") || !strcmp(phase, "shutdown"))
		o.phase = XCTL_SCHEMA_P_CREATED;
	else if (!strcmp(phase, "connected"))
		o.phase = XCTL_SCHEMA_P_CONNECTED;
	else if (!strcmp(phase, "destroyed"))
		o.after_destroy = (int)domid;
	else
		fail_msg("%s: unknown phase %s", name, phase);

	char path[2048];
	snprintf(path, sizeof(path), "%.900s/%.900s", dir, name);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(xctl_read_file(path, 1 << 24, &text, &len), 0);
	struct xctl_xsdump *x = NULL;
	char err[256];
	assert_int_equal(xctl_xsdump_parse(text, len, name, &x, err, sizeof(err)), 0);
	free(text);
	struct xctl_schema_report r = { 0 };
	assert_int_equal(xctl_schema_check(x, &o, &r), 0);
	for (size_t k = 0; k < r.n; k++)
		print_error("%s: %s: %s: %s\n", name, r.v[k].path, r.v[k].rule, r.v[k].msg);
	assert_int_equal(r.n, 0);
	assert_true(r.nodes > 0);
	xctl_schema_report_free(&r);
	xctl_xsdump_free(x);
}

static void test_lab_trees_clean(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%.900s/tests/schema/fixtures", src_dir());
	DIR *d = opendir(dir);
	assert_non_null(d);
	unsigned count = 0, types = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "lab-", 4))
			continue;
		check_lab_tree(dir, e->d_name);
		count++;
		types |= !strncmp(e->d_name, "lab-pv-", 7) ? 1u : !strncmp(e->d_name, "lab-pvh-", 8) ? 2u
			 : !strncmp(e->d_name, "lab-hvm-", 8)                                 ? 4u
												: 0u;
	}
	closedir(d);
	print_message("%u trees from real Xen are clean\n", count);
	assert_int_equal(types, 7); /* PV, PVH and HVM all covered */
}

/* Many leftover nodes, each the top of its own subtree: every one is
 * reported, and counting what lies below them stays linear (comparing every
 * pair took a quarter of a minute for 60000 nodes). */
static void test_many_leftovers(void **state)
{
	(void)state;
	enum { N = 50000 };
	struct xctl_buf text = { 0 };
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(xctl_buf_printf(&text, "/local/domain/5/x%u = \"\"   (n5)\n", i), 0);
	struct xctl_xsdump *x = NULL;
	char err[256];
	assert_int_equal(xctl_xsdump_parse(text.p, text.len, "many", &x, err, sizeof(err)), 0);
	xctl_buf_free(&text);
	struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_NONE, .after_destroy = 5 };
	struct xctl_schema_report r = { 0 };
	assert_int_equal(xctl_schema_check(x, &o, &r), 0);
	assert_int_equal(r.n, N);
	for (size_t k = 0; k < r.n; k++) {
		assert_string_equal(r.v[k].rule, "leftover");
		assert_non_null(strstr(r.v[k].msg, "(0 nodes below it)"));
	}
	xctl_schema_report_free(&r);
	xctl_xsdump_free(x);
}

/* Many domains, each with a /vm directory found through its vm node: after
 * one is destroyed, exactly its /vm directory and its vm node are left
 * over, each domain's /vm directory being bound through the index of vm
 * nodes rather than a read of the whole dump per node. */
static void test_many_vm_dirs(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct xctl_buf text = { 0 };
	for (unsigned i = 1; i <= N; i++)
		assert_int_equal(xctl_buf_printf(&text,
						 "/vm/00000000-0000-0000-0000-%012u = \"\"   (n0,r%u)\n"
						 "/vm/00000000-0000-0000-0000-%012u/name = \"d%u\"   (n0,r%u)\n"
						 "/local/domain/%u/vm = \"/vm/00000000-0000-0000-0000-%012u\"   (n0,r%u)\n",
						 i, i, i, i, i, i, i, i),
				 0);
	struct xctl_xsdump *x = NULL;
	char err[256];
	assert_int_equal(xctl_xsdump_parse(text.p, text.len, "vms", &x, err, sizeof(err)), 0);
	xctl_buf_free(&text);
	struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_NONE, .after_destroy = 7 };
	struct xctl_schema_report r = { 0 };
	assert_int_equal(xctl_schema_check(x, &o, &r), 0);
	size_t leftovers = 0;
	for (size_t k = 0; k < r.n; k++) {
		if (strcmp(r.v[k].rule, "leftover"))
			continue;
		leftovers++;
		if (!strcmp(r.v[k].path, "/vm/00000000-0000-0000-0000-000000000007"))
			assert_string_equal(r.v[k].msg, "left behind after domain 7 was destroyed (1 node below it)");
		else
			assert_string_equal(r.v[k].path, "/local/domain/7/vm");
	}
	assert_int_equal(leftovers, 2);
	xctl_schema_report_free(&r);
	xctl_xsdump_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dump_clean),
		cmocka_unit_test(test_lab_trees_clean),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_many_leftovers),
		cmocka_unit_test(test_many_vm_dirs),
	};
	return cmocka_run_group_tests_name("schema_mutations", tests, NULL, NULL);
}
