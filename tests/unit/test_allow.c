/* SPDX-License-Identifier: MIT */
/* test_allow.c - .hushignore paths and fingerprints */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allow.h"
#include "t.h"

static void paths_and_fps(void)
{
	char dir[] = "/tmp/hush-allow-XXXXXX", path[256];
	struct allow_paths ap = { { NULL, 0 } };
	struct allow_fps fps = { NULL, 0, 0 };
	FILE *f;

	T_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/.hushignore", dir);
	T_ASSERT((f = fopen(path, "w")) != NULL);
	fputs("# fixtures\ncorpus/\n/tests\n*.pem\nbuild-*/\n"
	      "fingerprint:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
	      "0000000000000000000000000000000000000000000000000000000000000001\n",
		f);
	fclose(f);
	T_OK(allow_load(&ap, &fps, dir));
	allow_fps_seal(&fps);
	T_ASSERT(allow_path(&ap, "corpus/a/b.txt"));
	T_ASSERT(allow_path(&ap, "tests"));
	T_ASSERT(allow_path(&ap, "tests/x.c"));
	T_ASSERT(allow_path(&ap, "deep/key.pem"));
	T_ASSERT(!allow_path(&ap, "src/main.c"));
	T_ASSERT(allow_path(&ap, "build-sanitize/scanner/rules_embedded.c"));
	T_ASSERT(!allow_path(&ap, "build/x"));
	T_ASSERT(!allow_path(&ap, "corpusx/a"));
	T_ASSERT(allow_fps_has(&fps,
		"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"));
	T_ASSERT(allow_fps_has(&fps,
		"0000000000000000000000000000000000000000000000000000000000000001"));
	T_ASSERT(!allow_fps_has(&fps,
		"1000000000000000000000000000000000000000000000000000000000000001"));
	allow_paths_dispose(&ap);
	allow_fps_dispose(&fps);
	unlink(path);
	rmdir(dir);
}

static void bad_fingerprint(void)
{
	char dir[] = "/tmp/hush-allow-XXXXXX", path[256];
	struct allow_paths ap = { { NULL, 0 } };
	struct allow_fps fps = { NULL, 0, 0 };
	FILE *f;

	T_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/.hushignore", dir);
	T_ASSERT((f = fopen(path, "w")) != NULL);
	fputs("\nfingerprint:1234\n", f);
	fclose(f);
	T_EQ_INT(allow_load(&ap, &fps, dir), HUSH_EPARSE);
	T_ASSERT(strstr(hush_err_msg(), ".hushignore:2: not a fingerprint") != NULL);
	allow_paths_dispose(&ap);
	allow_fps_dispose(&fps);
	unlink(path);
	rmdir(dir);
}

T_MAIN(T_CASE(paths_and_fps), T_CASE(bad_fingerprint))
