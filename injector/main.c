/* SPDX-License-Identifier: MIT */
/* main.c - hush-inject: parse, run, turn the result into an exit code */
#include <stdio.h>
#include <unistd.h>

#include "aesgcm.h"
#include "age.h"
#include "cli.h"
#include "config.h"
#include "hush/err.h"
#include "hush/exitcode.h"
#include "hush/log.h"
#include "run.h"
#include "seal.h"
#include "sops.h"
#include "sopsref.h"

extern char **environ;

/*
 * The one place where results become exit codes (README "Exit codes"): a
 * bad command line or config is 2; anything that goes wrong once the run
 * has started (a secret, a file, the folder) is 3.
 */
static int exitcode_from(int error, int status, bool parsing)
{
	if (error == HUSH_EUSAGE || (parsing && error == HUSH_EPARSE)) {
		hush_log_error("%s", hush_err_msg());
		if (error == HUSH_EUSAGE && parsing)
			cli_usage_hint();
		return HUSH_INJECT_EXIT_USAGE;
	}
	if (error < 0) {
		hush_log_error("%s", hush_err_msg());
		return HUSH_INJECT_EXIT_FAILURE;
	}
	return status;
}

/*
 * --decrypt FILE[#KEY.PATH]: what a sops: ref would deliver, on stdout, for
 * debugging and tests. Nothing is printed unless the whole file verified.
 */
static int decrypt(const struct inject_config *c)
{
	struct age_identities *ids = NULL;
	struct secret *out = NULL;
	int error;

	if ((error = sops_keys_load(&ids, environ, 0)) < 0 ||
	    (error = sops_ref_read(&out, c->decrypt, ids,
		    c->sops_ignore_mac ? SOPS_IGNORE_MAC : 0)) < 0)
		goto done;
	if (fwrite(out->data, 1, out->len, stdout) != out->len ||
	    fflush(stdout) != 0)
		error = hush_err_set_errno(HUSH_EIO, "cannot write to stdout");
done:
	secret_free(out);
	age_identities_free(ids);
	return error;
}

int main(int argc, char **argv)
{
	struct inject_config c;
	struct inject_result r = { 0, 0 };
	bool parsing = true;
	int error;

	/* before OpenSSL's first allocation (sops: or Vault over TLS) */
	(void)aesgcm_wipe_allocator();
	hush_log_setup("hush-inject", HUSH_LOG_WARN);
	config_init(&c);
	error = cli_parse(&c, argc, argv);
	if (error == 0 && !c.done) {
		parsing = false;
		if (c.decrypt != NULL)
			r.error = decrypt(&c);
		else
			inject_run(&r, &c, environ);
	} else {
		r.error = error;
	}
	config_dispose(&c);
	return exitcode_from(r.error, r.status, parsing);
}
