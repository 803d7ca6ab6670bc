/* SPDX-License-Identifier: MIT */
/*
 * env.h - the child's environment, built fresh for execve: ours without
 * any bootstrap credential, plus NAME_FILE for each secret and the --env
 * values asked for. All strings live in one guarded block (seal.h) that
 * is wiped when released, since --env values are secrets.
 */
#ifndef HUSH_INJECT_ENV_H
#define HUSH_INJECT_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "seal.h"

struct child_env {
	char **vec;          /* NULL-terminated, for execve */
	size_t n;
	struct secret *mem;  /* the strings */
};

/* One variable the child gets from us. value is not NUL-terminated. */
struct env_add {
	const char *name;
	const unsigned char *value;
	size_t len;
};

/**
 * True when the child must not inherit variable name (len bytes): the
 * Vault client's (vault_env_is_bootstrap), the SOPS age keys, and every
 * name in extra.
 */
bool env_is_bootstrap(const char *name, size_t len, char *const *extra,
	size_t nextra);

/**
 * Build the environment: each entry of parent (NAME=VALUE; others are
 * dropped) unless it is a bootstrap variable or one of add's names, then
 * add in order. An added value with a NUL byte is refused.
 * @param[out] out release with env_dispose()
 * @return 0, HUSH_EUSAGE (NUL in a value), HUSH_ELIMIT (HUSH_MAX_CHILD_ENV
 *         or HUSH_MAX_CHILD_ENV_VARS) or HUSH_ENOMEM
 */
int env_build(struct child_env *out, char *const *parent,
	char *const *extra, size_t nextra, const struct env_add *add,
	size_t nadd);

/** The value of name in vec (NAME=VALUE entries), or NULL. */
const char *env_get(char *const *vec, const char *name);

/**
 * Overwrite the value of name in envp in place with zero bytes. For our
 * own environment block, which /proc/PID/environ shows for as long as we
 * run (--supervise), once its only consumer has made its copy.
 * @return true when name was there
 */
bool env_wipe(char *const *envp, const char *name);

/** Wipe and release; safe on a zeroed one. */
void env_dispose(struct child_env *env);

#endif
