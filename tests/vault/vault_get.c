/* SPDX-License-Identifier: MIT */
/*
 * vault_get.c - test driver for vault.c (tests only: it prints a secret).
 *
 *   vault_get [--vault-NAME VALUE]... [--renew] [--info] REF...
 *
 * Opens a client with `environ` and the options, reads each REF and writes
 * its value to stdout followed by a newline. --info adds a line "lease_id
 * lease_duration renewable kv_version version" after each value; --renew
 * renews each lease and the token and prints the new durations. Errors go
 * to stderr as "vault_get: error: MESSAGE"; exit 3 on failure, 2 on usage
 * (as hush-inject: 2 usage, 3 failure before exec).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hush/err.h"
#include "hush/log.h"
#include "vault.h"

extern char **environ;

int main(int argc, char **argv)
{
	struct vault_options *o = NULL;
	struct vault *v = NULL;
	struct vault_secret s;
	bool info = false, renew = false;
	int i, error, rc = 3;

	memset(&s, 0, sizeof(s));
	hush_log_setup("vault_get", HUSH_LOG_WARN);
	if (vault_options_new(&o) < 0)
		goto fail;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--info") == 0) {
			info = true;
		} else if (strcmp(argv[i], "--renew") == 0) {
			renew = true;
		} else if (strncmp(argv[i], "--vault-", 8) == 0 && i + 1 < argc) {
			if (vault_options_set(o, argv[i] + 8, argv[i + 1]) < 0) {
				rc = 2;
				goto fail;
			}
			i++;
		} else {
			break;
		}
	}
	if ((error = vault_open(&v, o, environ)) < 0) {
		rc = error == HUSH_EUSAGE ? 2 : 3;
		goto fail;
	}
	for (; i < argc; i++) {
		if (vault_read(&s, v, argv[i]) < 0)
			goto fail;
		fwrite(s.value->data, 1, s.value->len, stdout);
		fputc('\n', stdout);
		if (info)
			printf("lease_id=%s lease_duration=%ld renewable=%d "
			       "kv=%u version=%ld\n", s.lease_id[0] ? s.lease_id :
			       "-", s.lease_duration, s.renewable, s.kv_version,
				s.version);
		if (renew && s.lease_id[0] != '\0') {
			if (vault_lease_renew(v, &s) < 0)
				goto fail;
			printf("renewed lease_duration=%ld\n", s.lease_duration);
		}
		vault_secret_clear(&s);
	}
	if (renew) {
		printf("token renew_in=%ld\n", vault_token_renew_in(v));
		if (vault_token_renew_in(v) >= 0) {
			if (vault_token_renew(v) < 0)
				goto fail;
			printf("token renewed renew_in=%ld\n",
				vault_token_renew_in(v));
		}
	}
	rc = 0;
	goto done;
fail:
	hush_log_error("%s", hush_err_msg());
done:
	vault_secret_clear(&s);
	vault_close(v);
	vault_options_free(o);
	return rc;
}
