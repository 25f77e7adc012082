/* SPDX-License-Identifier: LGPL-2.1-only */
/* Replays a fuzz target's seed corpus as tests: linked with a target's
 * LLVMFuzzerTestOneInput as $(BUILD)/tests/replay_NAME, it runs every file of
 * tests/fuzz/corpus/NAME/ (under $XCTL_SRC) through the target, one cmocka
 * test per seed, so that make test (and make check, under the sanitizers)
 * replays every corpus without libFuzzer. A target without seeds fails. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define MAX_SEED (16u << 20)

static void replay_one(void **state)
{
	const char *path = *state;
	char *data = NULL;
	size_t len = 0;
	int rc = xctl_read_file(path, MAX_SEED, &data, &len);
	if (rc)
		print_error("cannot read seed %s (%s)\n", path, xctl_strerror(rc));
	assert_int_equal(rc, 0);
	/* a copy of exactly len bytes, so that ASan sees a read past the end */
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, data, len);
	free(data);
	assert_int_equal(LLVMFuzzerTestOneInput(copy, len), 0);
	free(copy);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *name = strncmp(prog, "replay_", 7) ? prog : prog + 7;
	const char *src = getenv("XCTL_SRC");
	char dir[4096], group[300];
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src && *src ? src : ".", name);
	snprintf(group, sizeof(group), "replay %s", name);

	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay %s: no seed corpus %s: add seeds there (every fuzz target has some)\n", name, dir);
		return 1;
	}
	char **paths = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **p = realloc(paths, cap * sizeof(*p));
			if (!p)
				return 1;
			paths = p;
		}
		char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			return 1;
		paths[n++] = p;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "replay %s: the seed corpus %s is empty: add seeds there\n", name, dir);
		return 1;
	}
	qsort(paths, n, sizeof(*paths), by_name);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);

	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = strrchr(paths[i], '/') + 1;
		tests[i].test_func = replay_one;
		tests[i].initial_state = paths[i];
	}
	int rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	printf("replay %s: %zu seeds from %s, %s\n", name, n, dir, rc ? "FAILED" : "all passed");
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return rc;
}
