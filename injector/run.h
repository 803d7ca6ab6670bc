/* SPDX-License-Identifier: MIT */
/*
 * run.h - one run of hush-inject: harden, fetch every secret (fail
 * closed), render templates, write the files, build the child's
 * environment, then exec the program, exit (--once) or supervise it.
 */
#ifndef HUSH_INJECT_RUN_H
#define HUSH_INJECT_RUN_H

#include <stdbool.h>

#include "config.h"
#include "deliver.h"
#include "env.h"
#include "harden.h"
#include "ref.h"
#include "vault.h"

/* The runtime state of config secret i. */
struct inject_item {
	const struct inject_secret *cfg;
	struct vault_secret got;  /* .value NULL: an optional one that failed */
	long due;                 /* monotonic ms of the next lease step; 0 none */
	bool written;             /* a file of ours is in the folder */
};

struct inject {
	struct inject_config *c;
	struct inject_item *items;  /* c->nsecrets of them */
	struct ref_ctx refs;
	struct deliver_dir dir;
	struct harden_saved saved;
	struct child_env env;
	char *const *envp;
	char prog[HUSH_MAX_PATH];   /* the program, found before any fetch */
};

/* How the run ended: an error (exit 2 or 3) or an exit status. */
struct inject_result {
	int error;   /* 0 or a negative HUSH_E* code, message set */
	int status;  /* exit status when error is 0 */
};

/**
 * Run c (already checked by config_finish) in the environment envp. In the
 * exec mode a successful run does not return.
 */
void inject_run(struct inject_result *out, struct inject_config *c,
	char *const *envp);

/** Milliseconds on the monotonic clock. */
long inject_now(void);

/**
 * Read secret i again; when its value changed, keep the new one and set
 * *changed. A failure keeps the old value and returns the error.
 */
int inject_reread(struct inject *in, size_t i, bool *changed);

/**
 * Render each template that names a changed secret (changed[] by index)
 * and write every changed file; *any is set when a file was rewritten.
 */
int inject_rewrite(struct inject *in, bool *changed, bool *any);

/** Schedule secret i's next lease renewal or re-read from its lease. */
void inject_schedule(struct inject *in, size_t i);

/**
 * In the child, after fork or instead of it: restore the core limit,
 * drop privileges, close descriptors and execve. Returns only on failure,
 * with the exit status 126 or 127 (message logged) or 3.
 */
int inject_exec(struct inject *in);

/** Remove every file written. @return 0 or the first HUSH_EIO */
int inject_remove_files(struct inject *in);

/**
 * --supervise: fork the program in its own process group, forward
 * signals, reap zombies, renew and refresh, and return its exit status.
 */
void supervise_run(struct inject_result *out, struct inject *in);

#endif
