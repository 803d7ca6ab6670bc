/* SPDX-License-Identifier: MIT */
/*
 * fuzz_age.c - libFuzzer target for the age header parser, armor and STREAM:
 * arbitrary bytes decrypted with the test identity in $HUSH_FUZZ_AGE_KEY
 * (corpus/injector/age/key1.txt). Nothing may crash or leak, and a failure
 * must return no plaintext.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "age.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "seal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static struct age_identities *ids;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("HUSH_FUZZ_AGE_KEY");
	struct hush_buf b;

	(void)argc;
	(void)argv;
	if (!path || seal_init() < 0 ||
	    hush_fs_read_all(&b, path, 1 << 20, "fuzz key") < 0) {
		fprintf(stderr, "fuzz_age: set HUSH_FUZZ_AGE_KEY to a keys file\n");
		exit(2);
	}
	if (age_identities_parse(&ids, b.ptr, b.len) < 0)
		exit(2);
	hush_buf_dispose(&b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct secret *out = NULL;
	enum age_result result;

	if (age_decrypt(&out, &result, ids, data, len, AGE_FORMAT_AUTO) < 0 &&
	    out != NULL)
		abort(); /* a failure must release nothing */
	secret_free(out);
	return 0;
}
