/* SPDX-License-Identifier: MIT */
/* main.c - hush: pick the command, run it, turn its result into an exit code */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hush/err.h"
#include "hush/exitcode.h"
#include "hush/log.h"
#include "hush/version.h"

/* The one place where results become exit codes (README "Exit codes"). */
static int exitcode_from(const struct cmd_result *r)
{
	if (r->done)
		return HUSH_EXIT_CLEAN;
	if (r->error == HUSH_EUSAGE || r->error == HUSH_EPARSE) {
		hush_log_error("%s", hush_err_msg());
		if (r->error == HUSH_EUSAGE)
			fprintf(stderr, "Try 'hush --help' for more information.\n");
		return HUSH_EXIT_USAGE;
	}
	if (r->error < 0) {
		hush_log_error("%s", hush_err_msg());
		return HUSH_EXIT_ERROR;
	}
	if (r->incomplete)
		return HUSH_EXIT_ERROR;
	return r->findings ? HUSH_EXIT_FINDINGS : HUSH_EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	struct cmd_result r = { 0, 0, false, false };
	const char *cmd = argc > 1 ? argv[1] : NULL;

	hush_log_setup("hush", HUSH_LOG_WARN);
	if (!cmd) {
		cli_usage(false);
		return HUSH_EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		cli_usage(true);
		return HUSH_EXIT_CLEAN;
	}
	if (!strcmp(cmd, "--version")) {
		printf("hush %s\n", HUSH_VERSION);
		return HUSH_EXIT_CLEAN;
	}
	if (!strcmp(cmd, "dir"))
		r = cmd_dir(argc - 2, argv + 2);
	else if (!strcmp(cmd, "context"))
		r = cmd_context(argc - 2, argv + 2);
	else if (!strcmp(cmd, "image"))
		r = cmd_image(argc - 2, argv + 2);
	else if (!strcmp(cmd, "git"))
		r = cmd_git(argc - 2, argv + 2);
	else if (!strcmp(cmd, "rules"))
		r = cmd_rules(argc - 2, argv + 2);
	else
		r.error = hush_err_set(HUSH_EUSAGE, "unknown command '%s'", cmd);
	return exitcode_from(&r);
}
