/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dockerignore.c - libFuzzer target: a .dockerignore is parsed, then
 * its patterns are matched against a few paths with both walkers' rules.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dockerignore.h"
#include "regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const paths[] = {
		"a", "a/b", ".env", "docs/README.md", "x/y/z.pem", ".git/config",
	};
	struct dockerignore *d = NULL;
	struct regex_md *md = NULL;
	size_t i;

	if (regex_md_new(&md, 16) < 0)
		abort();
	if (dockerignore_parse(&d, "fuzz", (const char *)data, len) == 0) {
		for (i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
			bool excluded = false;
			int which = -1;

			(void)dockerignore_matches(d, md, paths[i], &excluded, &which);
			(void)dockerignore_buildkit_walks_excluded_dir(d, paths[i]);
			(void)dockerignore_legacy_walks_excluded_dir(d, paths[i]);
		}
	}
	dockerignore_free(d);
	regex_md_free(md);
	return 0;
}
