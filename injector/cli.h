/* SPDX-License-Identifier: MIT */
/* cli.h - hush-inject's command line: option table, help, parsing */
#ifndef HUSH_INJECT_CLI_H
#define HUSH_INJECT_CLI_H

#include "config.h"

/**
 * Parse argv into c (config_init()ed by the caller), load --config, and
 * run config_finish(). --help and --version print and set c->done.
 * --vault-NAME VALUE options are recorded for the Vault client.
 * @return 0, HUSH_EUSAGE or HUSH_EPARSE (exit 2), or the config file's
 *         read error (exit 3)
 */
int cli_parse(struct inject_config *c, int argc, char **argv);

/** The usage line and a pointer to --help, on stderr. */
void cli_usage_hint(void);

#endif
