/* SPDX-License-Identifier: MIT */
/*
 * vault.h - the HashiCorp Vault client of hush-inject (spec: vault-api.md):
 * configuration from the VAULT_* variables and --vault-* options, login
 * (token, AppRole with wrapped secret ids, Kubernetes, JWT), KV v1 and v2
 * reads detected through sys/internal/ui/mounts, dynamic secrets, and the
 * renewal of tokens and leases.
 *
 * vault.c speaks HTTP through http.c, the only injector file that includes
 * <curl/curl.h>; JSON goes through payload.h. Nothing here reads the
 * process environment: the caller passes envp (main's environ), so tests
 * can hand in any environment. Secret bytes (tokens, secret ids, values)
 * live only in struct secret memory, and no message ever holds one.
 *
 * Errors: every function returns 0 or a negative HUSH_E* code and sets the
 * hush_err message, one line that names the Vault address and path (never
 * a value): HUSH_EUSAGE (bad option or VAULT_* value), HUSH_EAUTH (login
 * refused, 403), HUSH_ENOTFOUND (404, no such field, a deleted or destroyed
 * KV version), HUSH_ELIMIT (a body over HUSH_MAX_VAULT_BODY, retries spent),
 * HUSH_EIO (connection, TLS, 5xx after the retries), HUSH_EPARSE (a body
 * that is not the JSON the API documents), HUSH_ENOMEM.
 */
#ifndef HUSH_VAULT_H
#define HUSH_VAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

/* Options from hush-inject's command line or config file; opaque. */
struct vault_options;

/* A client with a token: after login, or from VAULT_TOKEN; opaque. */
struct vault;

/* One secret read from Vault. Zero it before the first vault_read(). */
struct vault_secret {
	struct secret *value;  /* the field's bytes, or all of `data` as JSON */
	char lease_id[512];    /* "" when the response had none (KV) */
	long lease_duration;   /* seconds; 0 when none */
	bool renewable;
	unsigned kv_version;   /* 1 or 2 for KV mounts, 0 for other engines */
	long version;          /* KV v2 metadata.version; 0 otherwise */
};

/**
 * Fresh options: token auth, default mounts, nothing set.
 * @return 0 or HUSH_ENOMEM
 */
int vault_options_new(struct vault_options **out);

/** Release; vault_options_free(NULL) is a no-op. */
void vault_options_free(struct vault_options *o);

/**
 * Set one option by its long name without the "--vault-" prefix, as given
 * on the command line (--vault-NAME VALUE) or in the config file's "vault"
 * object ("NAME": "VALUE"). Names: auth (token|approle|kubernetes|jwt),
 * auth-mount, role, token-file, role-id, role-id-file, secret-id-file,
 * secret-id-wrapped (true|false), jwt-file, addr (overrides VAULT_ADDR),
 * namespace, max-retries, timeout (seconds).
 * @return 0, or HUSH_EUSAGE naming the option (unknown or bad value)
 */
int vault_options_set(struct vault_options *o, const char *name,
	const char *value);

/** The --help block for the --vault-* options, one per line. */
const char *vault_help_options(void);

/** The --help block listing every environment variable vault.c reads. */
const char *vault_help_env(void);

/**
 * True for a variable that must not reach the child: VAULT_TOKEN and every
 * other credential or Vault setting hush-inject consumed (VAULT_*).
 */
bool vault_env_is_bootstrap(const char *name);

/**
 * Read the configuration (options over VAULT_* in envp, with their
 * official precedence and strict booleans; VAULT_SKIP_VERIFY warns), then
 * log in with the chosen method. The token file, secret id file and JWT
 * file are read here.
 * @param[out] out the caller owns it; release with vault_close()
 */
int vault_open(struct vault **out, const struct vault_options *o,
	char *const *envp);

/** Wipe the token and release; vault_close(NULL) is a no-op. */
void vault_close(struct vault *v);

/**
 * Read a ref, the text after "vault:": "<mount>/<path>#<field>" (one field;
 * KV v1 or v2 by the mount's options, "?version=N" after the path for v2)
 * or "<path>" (all of data as compact JSON: dynamic secrets, whole KV
 * entries). Retries with backoff on 412, 429 (Retry-After) and 5xx but
 * 501. Leases are recorded in out.
 * @param[out] out cleared first; on success out->value is set
 */
int vault_read(struct vault_secret *out, struct vault *v, const char *ref);

/** Wipe and release out->value and reset out; safe on a zeroed one. */
void vault_secret_clear(struct vault_secret *s);

/**
 * Seconds until the token should be renewed (two thirds of its TTL, from
 * now), or -1 when it does not expire (root tokens, TTL 0).
 */
long vault_token_renew_in(const struct vault *v);

/**
 * Renew the token (auth/token/renew-self); when it is not renewable or
 * past its max TTL, log in again with the configured method.
 */
int vault_token_renew(struct vault *v);

/**
 * Renew a lease (sys/leases/renew); s->lease_duration is updated.
 * HUSH_EAUTH or HUSH_ENOTFOUND when the lease is gone: read it again.
 */
int vault_lease_renew(struct vault *v, struct vault_secret *s);

#endif
