/* SPDX-License-Identifier: MIT */
/*
 * sops_decrypt - test driver: sops_keys_load(environ) + sops_ref_read(REF),
 * the plaintext to stdout. What `hush-inject --decrypt FILE` will do.
 *   sops_decrypt [--ignore-mac] REF
 * Exit 0, 2 usage, 3 failure (one line on stderr, nothing on stdout).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/log.h"
#include "sopsref.h"

extern char **environ;

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
	if (i + 1 != argc) {
		fprintf(stderr, "usage: sops_decrypt [--ignore-mac] REF\n");
		return 2;
	}
	if (sops_keys_load(&ids, environ, 0) < 0 ||
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
