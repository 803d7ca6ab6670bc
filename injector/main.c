/* SPDX-License-Identifier: MIT */
/* main.c - hush-inject: parse, run, turn the result into an exit code */
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "hush/err.h"
#include "hush/exitcode.h"
#include "hush/log.h"
#include "run.h"

extern char **environ;

/* The one place where results become exit codes (README "Exit codes"). */
static int exitcode_from(int error, int status)
{
	if (error == HUSH_EUSAGE || error == HUSH_EPARSE) {
		hush_log_error("%s", hush_err_msg());
		if (error == HUSH_EUSAGE)
			cli_usage_hint();
		return HUSH_INJECT_EXIT_USAGE;
	}
	if (error < 0) {
		hush_log_error("%s", hush_err_msg());
		return HUSH_INJECT_EXIT_FAILURE;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct inject_config c;
	struct inject_result r = { 0, 0 };
	int error;

	hush_log_setup("hush-inject", HUSH_LOG_WARN);
	config_init(&c);
	error = cli_parse(&c, argc, argv);
	if (error == 0 && !c.done)
		inject_run(&r, &c, environ);
	else
		r.error = error;
	config_dispose(&c);
	return exitcode_from(r.error, r.status);
}
