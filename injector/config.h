/* SPDX-License-Identifier: MIT */
/*
 * config.h - what hush-inject was asked to do: the secrets (name, ref or
 * template, mode, owner, optional), where and how to deliver them, and the
 * run mode. Filled from the command line (cli.c) and the JSON config file
 * (config.c), then checked as a whole by config_finish(). Nothing here
 * holds a secret value: refs and templates name secrets, they are not ones.
 */
#ifndef HUSH_INJECT_CONFIG_H
#define HUSH_INJECT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hush/limits.h"

/* A numeric user and group (no passwd lookup: scratch images have none). */
struct inject_owner {
	bool set;
	uid_t uid;
	gid_t gid;
};

struct inject_secret {
	char name[HUSH_MAX_INJECT_NAME + 1];
	char *ref;          /* "vault:...", "sops:..."; NULL for a template */
	char *tmpl;         /* template text; NULL for a ref */
	unsigned mode;      /* 0 = the run's --mode */
	bool mode_set;
	struct inject_owner owner; /* unset = the run's --user */
	bool optional;      /* a failure warns instead of stopping the run */
};

/* --env CHILD_VAR=SECRET_NAME */
struct inject_env {
	char var[HUSH_MAX_INJECT_NAME + 1];
	char secret[HUSH_MAX_INJECT_NAME + 1];
};

/* One --vault-NAME VALUE, or one member of the config's "vault" object. */
struct inject_kv {
	char *name;
	char *value;
};

enum inject_mode {
	INJECT_EXEC = 0,  /* write, then execve the program (it is PID 1) */
	INJECT_ONCE,      /* write and exit 0 */
	INJECT_SUPERVISE, /* write, fork the program, stay as its init */
};

struct inject_config {
	struct inject_secret *secrets;
	size_t nsecrets;
	struct inject_env *envs;
	size_t nenvs;
	struct inject_kv *vault;  /* in the order given; later ones win */
	size_t nvault;
	char **bootstrap;         /* extra variables kept from the child */
	size_t nbootstrap;

	char *dir;                /* default /run/secrets */
	struct inject_owner user;
	unsigned mode;            /* default 0400 */
	bool mode_set;
	enum inject_mode run;
	bool run_set;
	long refresh;             /* seconds; 0 = no periodic refresh */
	int reload_signal;        /* default SIGHUP */
	bool reload_set;
	bool allow_disk;
	bool require_mlock;
	bool sops_ignore_mac;     /* --sops-ignore-mac: warn, do not refuse */
	const char *decrypt;      /* --decrypt FILE, borrowed from argv */
	int verbosity;            /* hush_log_level */

	char **argv;              /* PROGRAM ARGS..., borrowed from main's */
	int argc;
	bool done;                /* --help or --version was printed */
};

/** Zero c and set the defaults. */
void config_init(struct inject_config *c);

/** Release everything c owns; safe on a config_init()ed one. */
void config_dispose(struct inject_config *c);

/**
 * Parse the config file at path (JSON, see README "hush-inject") into c.
 * Scalars already set on the command line are kept (the command line
 * wins); secrets, env entries and vault options are added.
 * @return 0, HUSH_EUSAGE or HUSH_EPARSE (bad content, one line naming the
 *         file and the member), HUSH_ENOTFOUND or HUSH_EIO (unreadable),
 *         HUSH_ELIMIT, HUSH_ENOMEM
 */
int config_load_file(struct inject_config *c, const char *path);

/**
 * Add one secret. Exactly one of ref and tmpl is non-NULL; both are copied.
 * @param where the origin for messages ("--secret", "config.json: secrets[2]")
 * @return 0, HUSH_EUSAGE (bad name, duplicate, bad ref), HUSH_ELIMIT or
 *         HUSH_ENOMEM
 */
int config_add_secret(struct inject_config *c, const char *where,
	const char *name, size_t name_len, const char *ref, const char *tmpl,
	struct inject_secret **out);

/** Add --env VAR=SECRET (text is "VAR=SECRET"). @return 0 or HUSH_EUSAGE */
int config_add_env(struct inject_config *c, const char *where,
	const char *text);

/** Record one vault option (applied later). @return 0 or HUSH_ENOMEM */
int config_add_vault(struct inject_config *c, const char *name,
	const char *value);

/** Add a variable name the child must not get. @return 0 or HUSH_EUSAGE */
int config_add_bootstrap(struct inject_config *c, const char *where,
	const char *name);

/**
 * Cross-checks once everything is read: at least one secret, --env and
 * templates name existing secrets (a template names only ref secrets), no
 * two variables of the child collide, the run mode fits the program and
 * the options (--refresh and --reload-signal need --supervise).
 * @return 0 or HUSH_EUSAGE
 */
int config_finish(struct inject_config *c);

/** True when s is a valid environment variable name of at most max bytes. */
bool config_name_ok(const char *s, size_t len);

/** Parse an octal mode "0400" (permission bits only). @return 0 or -1 */
int config_parse_mode(unsigned *out, const char *s);

/** Parse "UID[:GID]" (numbers; GID defaults to UID). @return 0 or -1 */
int config_parse_owner(struct inject_owner *out, const char *s);

/**
 * Parse a duration: one or more NUMBER UNIT pairs, units s, m, h, d
 * ("30s", "5m", "1h30m"), between 1 s and HUSH_MAX_INJECT_REFRESH.
 * @return 0 or -1
 */
int config_parse_duration(long *out, const char *s);

/** Parse a signal: "HUP", "SIGHUP" or a number. @return 0 or -1 */
int config_parse_signal(int *out, const char *s);

/** The name of a signal ("SIGHUP"), or "signal" when unknown. */
const char *config_signal_name(int sig);

#endif
