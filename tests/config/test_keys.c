/* SPDX-License-Identifier: LGPL-2.1-only */
/* The key table against the keys xl 4.17 reads: tests/config/xl-4.17.7-keys.txt
 * lists every key parse_config_data() of Xen RELEASE-4.17.7 reads (made from
 * its source, see the file's header). Each must be read by xctl (a key of
 * the table or a deprecated alias of one), ignored with the warning xl gives,
 * or refused by name as not supported yet; no table may hold a key xl 4.17
 * does not read, and each key xctl knows to be of another Xen version must
 * be warned about as unknown with its reason. Every key is also put through
 * the whole pipeline to see that it is treated as its table says. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/cfg_parse.h"
#include "toolstack/config/keys.h"
#include "toolstack/config/resolve.h"

#define MAX_KEYS 400

struct keylist {
	char *text;
	const char *name[MAX_KEYS];
	unsigned line[MAX_KEYS];
	size_t n;
};

static void load_keys(struct keylist *kl)
{
	const char *src = getenv("XCTL_SRC");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/tests/config/xl-4.17.7-keys.txt", src ? src : ".");
	memset(kl, 0, sizeof(*kl));
	assert_int_equal(xctl_read_file(path, 1 << 20, &kl->text, NULL), 0);
	bool version = false;
	for (char *save = NULL, *l = strtok_r(kl->text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (*l == '#')
			continue;
		if (!strcmp(l, "xen RELEASE-4.17.7")) {
			version = true;
			continue;
		}
		char *sp = strchr(l, ' ');
		assert_non_null(sp);
		*sp = '\0';
		assert_true(kl->n < MAX_KEYS);
		kl->name[kl->n] = l;
		kl->line[kl->n] = (unsigned)strtoul(sp + 1, NULL, 10);
		assert_true(kl->line[kl->n] > 0);
		kl->n++;
	}
	assert_true(version);
}

static bool listed(const struct keylist *kl, const char *name)
{
	for (size_t i = 0; i < kl->n; i++)
		if (!strcmp(kl->name[i], name))
			return true;
	return false;
}

enum kind { K_READ, K_ALIAS, K_IGNORED, K_REFUSED, K_NONE };

static enum kind classify(const char *name)
{
	if (xctl_key_find(name, NULL))
		return K_READ;
	const struct xctl_key_other *o = xctl_key_other_find(name);
	if (!o)
		return K_NONE;
	if (o->alias)
		return K_ALIAS;
	return o->ignored ? K_IGNORED : K_REFUSED;
}

static unsigned guests_of(const char *name)
{
	const struct xctl_key *k = xctl_key_find(name, NULL);
	if (k)
		return k->guests;
	const struct xctl_key_other *o = xctl_key_other_find(name);
	return o && o->guests ? o->guests : XCTL_G_PV;
}

/* Resolve "KEY = VALUE" in a guest of a type the key applies to; the
 * diagnostics about KEY, joined, into out. */
static void resolve_one(const char *key, const char *value, char *out, size_t len)
{
	unsigned g = guests_of(key);
	const char *type = g & XCTL_G_PV ? "pv" : g & XCTL_G_HVM ? "hvm" : "pvh";
	char text[512];
	snprintf(text, sizeof(text), "name = \"keytest\"\ntype = \"%s\"\nkernel = \"/k\"\n%s = %s\n", type, key, value);
	struct xctl_cfg cfg;
	struct xctl_diags d;
	struct xctl_domain_config m;
	struct xctl_resolve_opts o = { 0 };
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	assert_int_equal(xctl_cfg_parse_text(&cfg, "k.cfg", 1, text, strlen(text), &d), 0);
	int rc = xctl_config_resolve(&cfg, "k.cfg", &o, &m, &d);
	assert_true(rc == 0 || rc == XCTL_ERR_CONFIG);
	*out = '\0';
	for (size_t i = 0; i < d.n; i++) {
		if (!d.v[i].key || strcmp(d.v[i].key, key))
			continue;
		char *s = xctl_diag_format(&d.v[i]);
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s\n", s);
		free(s);
	}
	xctl_model_dispose(&m);
	xctl_cfg_free(&cfg);
	xctl_diags_free(&d);
}

static void test_every_417_key(void **state)
{
	(void)state;
	struct keylist kl;
	size_t count[K_NONE + 1] = { 0 };
	load_keys(&kl);
	assert_true(kl.n >= 150);
	for (size_t i = 0; i < kl.n; i++) {
		enum kind k = classify(kl.name[i]);
		count[k]++;
		if (k == K_NONE)
			print_error("%s (xl_parse.c:%u): xl 4.17 reads it, xctl neither reads, ignores nor refuses it\n",
				    kl.name[i], kl.line[i]);
		if (!strcmp(kl.name[i], "type") || !strcmp(kl.name[i], "builder"))
			continue; /* the guest type itself: the xl-truth cases test it */
		char diags[4096];
		resolve_one(kl.name[i], "1", diags, sizeof(diags));
		bool unknown = strstr(diags, "unknown key") != NULL;
		bool refused = strstr(diags, "not supported by xctl yet") != NULL;
		bool ignored = strstr(diags, "ignored, as xl does") != NULL;
		bool ok = !unknown && (k == K_REFUSED ? refused : !refused) && (k == K_IGNORED ? ignored : true);
		if (!ok)
			print_error("%s: treated against its table (%d):\n%s", kl.name[i], (int)k, diags);
		assert_true(ok);
	}
	printf("keys xl 4.17.7 reads: %zu: read %zu (and %zu as deprecated aliases), ignored with xl's warning %zu, "
	       "refused as not supported yet %zu, neither %zu\n",
	       kl.n, count[K_READ], count[K_ALIAS], count[K_IGNORED], count[K_REFUSED], count[K_NONE]);
	assert_int_equal(count[K_NONE], 0);
	free(kl.text);
}

/* No table holds a key xl 4.17 does not read. */
static void test_no_foreign_key_in_tables(void **state)
{
	(void)state;
	struct keylist kl;
	size_t bad = 0;
	load_keys(&kl);
	for (int i = 0; i < XCTL_K__COUNT; i++)
		if (!listed(&kl, xctl_keys[i].name)) {
			print_error("xctl_keys has '%s', which xl 4.17 does not read\n", xctl_keys[i].name);
			bad++;
		}
	for (size_t i = 0; i < xctl_nkeys_other; i++)
		if (!listed(&kl, xctl_keys_other[i].name)) {
			print_error("xctl_keys_other has '%s', which xl 4.17 does not read\n", xctl_keys_other[i].name);
			bad++;
		}
	for (size_t i = 0; i < xctl_nkeys_foreign; i++)
		if (listed(&kl, xctl_keys_foreign[i].name)) {
			print_error("'%s' is called foreign, but xl 4.17 reads it\n", xctl_keys_foreign[i].name);
			bad++;
		}
	assert_int_equal(bad, 0);
	free(kl.text);
}

/* Keys of other versions: an unknown key with its reason, never acted on. */
static void test_foreign_keys_warned(void **state)
{
	(void)state;
	for (size_t i = 0; i < xctl_nkeys_foreign; i++) {
		char diags[4096], want[512];
		resolve_one(xctl_keys_foreign[i].name, "1", diags, sizeof(diags));
		snprintf(want, sizeof(want), "k.cfg:4: warning: %s: unknown key, ignored: xl 4.17 does not read it (%s)\n",
			 xctl_keys_foreign[i].name, xctl_keys_foreign[i].reason);
		assert_string_equal(diags, want);
	}
	/* pvh = 1 does not make a PVH guest */
	struct xctl_cfg cfg;
	struct xctl_diags d;
	struct xctl_domain_config m;
	struct xctl_resolve_opts o = { 0 };
	const char *text = "name = \"p\"\npvh = 1\nkernel = \"/k\"\n";
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	assert_int_equal(xctl_cfg_parse_text(&cfg, "p.cfg", 1, text, strlen(text), &d), 0);
	assert_int_equal(xctl_config_resolve(&cfg, "p.cfg", &o, &m, &d), 0);
	assert_int_equal(m.type, XCTL_GUEST_PV);
	assert_int_equal(d.nwarnings, 1);
	xctl_model_dispose(&m);
	xctl_cfg_free(&cfg);
	xctl_diags_free(&d);
	printf("keys of other versions warned as unknown with their reason: %zu\n", xctl_nkeys_foreign);
}

static const struct CMUnitTest key_tests[] = {
	cmocka_unit_test(test_every_417_key),
	cmocka_unit_test(test_no_foreign_key_in_tables),
	cmocka_unit_test(test_foreign_keys_warned),
};

void keys_tests(const struct CMUnitTest **tests, size_t *n);
void keys_tests(const struct CMUnitTest **tests, size_t *n)
{
	*tests = key_tests;
	*n = sizeof(key_tests) / sizeof(key_tests[0]);
}
