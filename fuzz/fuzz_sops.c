/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sops.c - libFuzzer target for the sops parsers: a YAML, JSON, dotenv
 * or INI sops document (the first input byte picks the format) is loaded, and its
 * ENC[AES256_GCM,...] values are parsed and decrypted with a fixed data key.
 * A tree that decrypts is rendered (sops_render: the YAML emitter, the JSON
 * writer, dotenv and INI). Nothing may crash or leak, and a failure must
 * return no tree or text.
 */
#include <stdint.h>
#include <stdlib.h>

#include "seal.h"
#include "sops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (seal_init() < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const unsigned char key[SOPS_DATA_KEY_BYTES] = { 1, 2, 3 };
	static const enum sops_format formats[4] = {
		SOPS_FORMAT_YAML, SOPS_FORMAT_JSON, SOPS_FORMAT_DOTENV, SOPS_FORMAT_INI,
	};
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	struct secret *r = NULL;
	enum sops_format fmt;

	if (len < 1)
		return 0;
	fmt = formats[data[0] % 4];
	if (sops_load(&f, "fuzz", data + 1, len - 1, fmt) == 0 &&
	    sops__decrypt_with_key(&t, f, key, SOPS_IGNORE_MAC) < 0 && t)
		abort(); /* a failure must release nothing */
	if (t != NULL && sops_render(&r, t) < 0 && r != NULL)
		abort();
	secret_free(r);
	sops_tree_free(t);
	sops_file_free(f);
	return 0;
}
