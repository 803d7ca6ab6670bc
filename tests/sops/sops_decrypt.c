/* SPDX-License-Identifier: MIT */
/*
 * sops_decrypt - test driver: sops_keys_load(environ) + sops_ref_read(REF),
 * the plaintext to stdout. What `hush-inject --decrypt FILE` will do.
 *   sops_decrypt [--ignore-mac] REF
 *   sops_decrypt [--ignore-mac] --key HEX FILE   (the data key given: for
 *       the PGP-only vectors, whose key hush cannot recover)
 * Exit 0, 2 usage, 3 failure (one line on stderr, nothing on stdout).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "sopsref.h"

extern char **environ;

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* --key: load, decrypt with the given data key, render. */
static int with_key(struct secret **out, const char *hex, const char *file,
	unsigned flags)
{
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf raw;
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	size_t i;
	int error;

	if (strlen(hex) != 2 * sizeof(key))
		return hush_err_set(HUSH_EUSAGE, "--key: 64 hex digits");
	for (i = 0; i < sizeof(key); i++) {
		if (hexval(hex[2 * i]) < 0 || hexval(hex[2 * i + 1]) < 0)
			return hush_err_set(HUSH_EUSAGE, "--key: not hex");
		key[i] = (unsigned char)(hexval(hex[2 * i]) * 16 +
			hexval(hex[2 * i + 1]));
	}
	if ((error = hush_fs_read_all(&raw, file, HUSH_MAX_SOPS_FILE,
		     "HUSH_MAX_SOPS_FILE")) < 0)
		return error;
	error = sops_load(&f, file, (const unsigned char *)raw.ptr, raw.len,
		SOPS_FORMAT_AUTO);
	if (error == 0)
		error = sops__decrypt_with_key(&t, f, key, flags);
	if (error == 0)
		error = sops_render(out, t);
	sops_tree_free(t);
	sops_file_free(f);
	hush_buf_dispose(&raw);
	seal_wipe(key, sizeof(key));
	return error;
}

int main(int argc, char **argv)
{
	struct age_identities *ids = NULL;
	struct secret *out = NULL;
	unsigned flags = 0;
	size_t off = 0;
	ssize_t n;
	int i = 1, rc = 3;

	hush_log_setup("sops_decrypt", HUSH_LOG_WARN);
	if (i < argc && strcmp(argv[i], "--ignore-mac") == 0) {
		flags |= SOPS_IGNORE_MAC;
		i++;
	}
	if (i + 3 == argc && strcmp(argv[i], "--key") == 0) {
		if (with_key(&out, argv[i + 1], argv[i + 2], flags) < 0) {
			fprintf(stderr, "sops_decrypt: %s\n", hush_err_msg());
			goto done;
		}
		i = argc - 1;
	} else if (i + 1 != argc) {
		fprintf(stderr, "usage: sops_decrypt [--ignore-mac] [--key HEX] "
			"REF\n");
		return 2;
	} else if (sops_keys_load(&ids, environ, 0) < 0 ||
	    sops_ref_read(&out, argv[i], ids, flags) < 0) {
		fprintf(stderr, "sops_decrypt: %s\n", hush_err_msg());
		goto done;
	}
	while (off < out->len) {
		n = write(1, out->data + off, out->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "sops_decrypt: write error\n");
			goto done;
		}
		off += (size_t)n;
	}
	rc = 0;
done:
	secret_free(out);
	age_identities_free(ids);
	return rc;
}
