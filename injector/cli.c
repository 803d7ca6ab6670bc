/* SPDX-License-Identifier: MIT */
/* cli.c - hush-inject's option table, help text and argv parsing */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "hush/opt.h"
#include "hush/version.h"
#include "vault.h"

enum {
	OPT_SECRET = 1, OPT_CONFIG, OPT_DIR, OPT_USER, OPT_MODE, OPT_ENV,
	OPT_ONCE, OPT_SUPERVISE, OPT_REFRESH, OPT_RELOAD, OPT_ALLOW_DISK,
	OPT_MLOCK, OPT_BOOTSTRAP, OPT_VERBOSE, OPT_QUIET, OPT_HELP,
	OPT_VERSION, OPT_SOPS_IGNORE_MAC, OPT_DECRYPT,
};

static const struct hush_opt opts[] = {
	{ "secret", 0, HUSH_OPT_VALUE, "NAME=REF", "deliver REF as the file DIR/NAME (repeatable)", OPT_SECRET },
	{ "config", 0, HUSH_OPT_VALUE, "FILE", "read secrets and settings from a JSON file", OPT_CONFIG },
	{ "dir", 0, HUSH_OPT_VALUE, "DIR", "where the files go; must be tmpfs (default /run/secrets)", OPT_DIR },
	{ "user", 0, HUSH_OPT_VALUE, "UID[:GID]", "own the files and run the program as UID (GID defaults to UID)", OPT_USER },
	{ "mode", 0, HUSH_OPT_VALUE, "MODE", "octal mode of the files (default 0400)", OPT_MODE },
	{ "env", 0, HUSH_OPT_VALUE, "VAR=NAME", "also put secret NAME into the program's variable VAR (less safe)", OPT_ENV },
	{ "once", 0, HUSH_OPT_NONE, NULL, "write the files and exit 0 (init container); no PROGRAM", OPT_ONCE },
	{ "supervise", 0, HUSH_OPT_NONE, NULL, "stay as the program's init: signals, zombies, renewals", OPT_SUPERVISE },
	{ "refresh", 0, HUSH_OPT_VALUE, "DURATION", "with --supervise: read the secrets again every DURATION (30s, 5m, 1h)", OPT_REFRESH },
	{ "reload-signal", 0, HUSH_OPT_VALUE, "SIG", "with --supervise: sent to the program when a file changed (default HUP)", OPT_RELOAD },
	{ "allow-disk", 0, HUSH_OPT_NONE, NULL, "allow a DIR that is not tmpfs or ramfs (warns)", OPT_ALLOW_DISK },
	{ "require-mlock", 0, HUSH_OPT_NONE, NULL, "fail when memory cannot be locked (default: warn)", OPT_MLOCK },
	{ "bootstrap-env", 0, HUSH_OPT_VALUE, "VAR", "also keep VAR out of the program's environment (repeatable)", OPT_BOOTSTRAP },
	{ "sops-ignore-mac", 0, HUSH_OPT_NONE, NULL, "decrypt sops files whose MAC does not verify (warns; unsafe)", OPT_SOPS_IGNORE_MAC },
	{ "decrypt", 0, HUSH_OPT_VALUE, "FILE[#KEY.PATH]", "print a decrypted sops file (or one value) to stdout and exit", OPT_DECRYPT },
	{ "verbose", 'v', HUSH_OPT_NONE, NULL, "say more on stderr (twice: debug)", OPT_VERBOSE },
	{ "quiet", 'q', HUSH_OPT_NONE, NULL, "print errors only", OPT_QUIET },
	{ "help", 'h', HUSH_OPT_NONE, NULL, "show this help", OPT_HELP },
	{ "version", 0, HUSH_OPT_NONE, NULL, "print the version", OPT_VERSION },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

static const char refs_help[] =
	"REF:\n"
	"  vault:MOUNT/PATH#FIELD    one field of a KV v1 or v2 secret (KV v2:\n"
	"                            MOUNT/PATH?version=N#FIELD)\n"
	"  vault:PATH                all of the secret's data as JSON (dynamic\n"
	"                            secrets, whole KV entries)\n"
	"  sops:FILE[#KEY.PATH]      a sops file (YAML, JSON, dotenv, INI,\n"
	"                            binary) decrypted with age keys, written\n"
	"                            in its own format; or one value (maps and\n"
	"                            lists as JSON)\n";

static const char env_help[] =
	"Environment:\n"
	"  PATH                      where PROGRAM is looked up when it has no '/'\n"
	"  SOPS_AGE_KEY              age identities, one per line (sops: refs)\n"
	"  SOPS_AGE_KEY_FILE         a keys.txt file of age identities\n"
	"  SOPS_AGE_KEY_CMD          a command (run with /bin/sh -c) printing\n"
	"                            age identities\n"
	"  XDG_CONFIG_HOME, HOME     the default keys file,\n"
	"                            $XDG_CONFIG_HOME/sops/age/keys.txt or\n"
	"                            $HOME/.config/sops/age/keys.txt; all of\n"
	"                            these sources are combined, as sops does\n"
	"  SOPS_AGE_SSH_PRIVATE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_CMD\n"
	"                            not supported (a warning says so)\n"
	"  The SOPS_AGE_* variables are never passed to PROGRAM.\n";

static const char env_after[] =
	"The program gets hush-inject's environment minus every variable\n"
	"above that holds a credential or a Vault setting (and each\n"
	"--bootstrap-env VAR), plus NAME_FILE=DIR/NAME for each secret and\n"
	"the --env variables.\n";

static const char exit_help[] =
	"Exit codes: the program's (exec), 2 usage or bad config, 3 failure\n"
	"before the program starts (a secret, the folder, the config file),\n"
	"126 PROGRAM not executable, 127 PROGRAM not found, 128+N when a\n"
	"supervised program died of signal N. --once exits 0.\n";

void cli_usage_hint(void)
{
	fprintf(stderr, "Try 'hush-inject --help' for more information.\n");
}

static void help(void)
{
	const char *vopts = vault_help_options();
	const char *venv = vault_help_env();

	printf("usage: hush-inject [OPTIONS] -- PROGRAM [ARGS...]\n"
	       "       hush-inject --once [OPTIONS]\n\n"
	       "Fetch secrets, write each one to a file in a tmpfs folder,\n"
	       "then run PROGRAM (it replaces hush-inject, or with --supervise\n"
	       "runs under it). If any required secret fails, PROGRAM is not\n"
	       "started.\n\nOptions:\n");
	hush_opt_help(stdout, opts);
	printf("\nVault options (--vault-NAME VALUE, or \"vault\": "
	       "{\"NAME\": \"VALUE\"} in --config):\n%s%s\n%s\n%s%s%s%s\n%s",
		vopts, vopts[0] && vopts[strlen(vopts) - 1] != '\n' ? "\n" : "",
		refs_help, env_help, venv,
		venv[0] && venv[strlen(venv) - 1] != '\n' ? "\n" : "",
		env_after, exit_help);
}

static int set_once(bool *seen, const char *opt)
{
	if (*seen)
		return hush_err_set(HUSH_EUSAGE, "%s given twice", opt);
	*seen = true;
	return 0;
}

/* --vault-NAME VALUE or --vault-NAME=VALUE; *idx moves past it. */
static int vault_opt(struct inject_config *c, int argc, char **argv,
	int *idx)
{
	const char *a = argv[*idx] + strlen("--vault-"), *eq = strchr(a, '=');
	char name[64];
	size_t nlen = eq ? (size_t)(eq - a) : strlen(a);

	if (nlen == 0 || nlen >= sizeof(name))
		return hush_err_set(HUSH_EUSAGE, "unknown option '%.100s'",
			argv[*idx]);
	memcpy(name, a, nlen);
	name[nlen] = '\0';
	(*idx)++;
	if (eq)
		return config_add_vault(c, name, eq + 1);
	if (*idx >= argc)
		return hush_err_set(HUSH_EUSAGE,
			"option '--vault-%s' needs a value", name);
	return config_add_vault(c, name, argv[(*idx)++]);
}

int cli_parse(struct inject_config *c, int argc, char **argv)
{
	struct hush_opt_parser p;
	const char *v, *eq, *config = NULL;
	bool seen_dir = false, seen_user = false, seen_mode = false;
	bool seen_refresh = false, seen_reload = false, seen_config = false;
	int id, error, verbose = 0;
	bool quiet = false;

	hush_opt_parser_init(&p, opts, argc, argv);
	p.idx = 1;
	for (;;) {
		if (p.rest == NULL && p.idx < argc &&
		    strncmp(argv[p.idx], "--vault-", 8) == 0) {
			if ((error = vault_opt(c, argc, argv, &p.idx)) < 0)
				return error;
			continue;
		}
		id = hush_opt_next(&p, &v, true);
		if (id == HUSH_OPT_END || id == HUSH_OPT_ARG) {
			/* the program starts here; its options are its own */
			if (id == HUSH_OPT_ARG)
				p.idx--;
			c->argv = argv + p.idx;
			c->argc = argc - p.idx;
			break;
		}
		error = 0;
		switch (id) {
		case HUSH_OPT_ERROR:
			return HUSH_EUSAGE;
		case OPT_SECRET:
			eq = strchr(v, '=');
			if (eq == NULL)
				return hush_err_set(HUSH_EUSAGE,
					"--secret '%.200s': not NAME=REF", v);
			error = config_add_secret(c, "--secret", v,
				(size_t)(eq - v), eq + 1, NULL, NULL);
			break;
		case OPT_CONFIG:
			error = set_once(&seen_config, "--config");
			config = v;
			break;
		case OPT_DIR:
			if ((error = set_once(&seen_dir, "--dir")) < 0)
				break;
			c->dir = strdup(v);
			if (c->dir == NULL)
				error = hush_err_set(HUSH_ENOMEM, "out of memory");
			break;
		case OPT_USER:
			if ((error = set_once(&seen_user, "--user")) == 0 &&
			    config_parse_owner(&c->user, v) < 0)
				error = hush_err_set(HUSH_EUSAGE,
					"--user '%.200s': not UID[:GID] (numbers)",
					v);
			break;
		case OPT_MODE:
			if ((error = set_once(&seen_mode, "--mode")) == 0 &&
			    config_parse_mode(&c->mode, v) < 0)
				error = hush_err_set(HUSH_EUSAGE,
					"--mode '%.200s': not an octal mode "
					"between 0 and 0777", v);
			c->mode_set = true;
			break;
		case OPT_ENV:
			error = config_add_env(c, "--env", v);
			break;
		case OPT_ONCE:
		case OPT_SUPERVISE:
			if (c->run_set)
				return hush_err_set(HUSH_EUSAGE,
					"--once and --supervise exclude each "
					"other");
			c->run = id == OPT_ONCE ? INJECT_ONCE : INJECT_SUPERVISE;
			c->run_set = true;
			break;
		case OPT_REFRESH:
			if ((error = set_once(&seen_refresh, "--refresh")) == 0 &&
			    config_parse_duration(&c->refresh, v) < 0)
				error = hush_err_set(HUSH_EUSAGE,
					"--refresh '%.200s': not a duration such "
					"as 30s, 5m or 1h (at most 30d)", v);
			break;
		case OPT_RELOAD:
			if ((error = set_once(&seen_reload, "--reload-signal")) ==
			    0 && config_parse_signal(&c->reload_signal, v) < 0)
				error = hush_err_set(HUSH_EUSAGE,
					"--reload-signal '%.200s': not a signal "
					"name or number", v);
			c->reload_set = true;
			break;
		case OPT_ALLOW_DISK:
			c->allow_disk = true;
			break;
		case OPT_MLOCK:
			c->require_mlock = true;
			break;
		case OPT_BOOTSTRAP:
			error = config_add_bootstrap(c, "--bootstrap-env", v);
			break;
		case OPT_SOPS_IGNORE_MAC:
			c->sops_ignore_mac = true;
			break;
		case OPT_DECRYPT:
			if (c->decrypt != NULL)
				return hush_err_set(HUSH_EUSAGE,
					"--decrypt given twice");
			c->decrypt = v;
			break;
		case OPT_VERBOSE:
			verbose++;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		case OPT_HELP:
			help();
			c->done = true;
			return 0;
		case OPT_VERSION:
			printf("hush-inject %s\n", HUSH_VERSION);
			c->done = true;
			return 0;
		default:
			return hush_err_set(HUSH_EUSAGE, "unknown option");
		}
		if (error < 0)
			return error;
	}
	if (quiet && verbose)
		return hush_err_set(HUSH_EUSAGE, "-q and -v exclude each other");
	c->verbosity = quiet ? HUSH_LOG_QUIET : verbose >= 2 ? HUSH_LOG_DEBUG :
		verbose == 1 ? HUSH_LOG_INFO : HUSH_LOG_WARN;
	hush_log_setup("hush-inject", (enum hush_log_level)c->verbosity);
	if (c->decrypt != NULL) {
		/* a debugging command of its own: no secrets, no program */
		if (config != NULL || c->nsecrets != 0 || c->argc != 0)
			return hush_err_set(HUSH_EUSAGE,
				"--decrypt takes no --secret, --config or "
				"PROGRAM");
		return 0;
	}
	if (config != NULL && (error = config_load_file(c, config)) < 0)
		return error;
	return config_finish(c);
}
