/* SPDX-License-Identifier: MIT */
/*
 * ref.h - where a secret comes from: "vault:<mount>/<path>#<field>",
 * "vault:<path>", "sops:<file>[#<key.path>]". One table maps each scheme
 * to its resolver; adding a source is one function and one table row.
 */
#ifndef HUSH_INJECT_REF_H
#define HUSH_INJECT_REF_H

#include "age.h"
#include "config.h"
#include "vault.h"

/*
 * What resolvers share: the Vault options and environment, and the Vault
 * client, opened on the first vault: ref and kept for renewals.
 */
struct ref_ctx {
	struct vault_options *vopts;
	char *const *envp;
	struct vault *vault;
	struct age_identities *ids; /* loaded on the first sops: ref */
	unsigned sops_flags;        /* SOPS_IGNORE_MAC */
};

/**
 * Check a ref's syntax without fetching: a known scheme with a resolver,
 * something after the colon, no control characters, HUSH_MAX_INJECT_REF.
 * @return 0 or HUSH_EUSAGE naming where and the problem (a scheme not
 *         supported yet says so)
 */
int ref_check(const char *where, const char *ref);

/**
 * Set up ctx: fresh Vault options with each of c's vault entries applied.
 * @return 0, HUSH_EUSAGE (a bad --vault-* option) or HUSH_ENOMEM
 */
int ref_ctx_init(struct ref_ctx *ctx, const struct inject_config *c,
	char *const *envp);

/** Close the Vault client and free the options; safe on a zeroed ctx. */
void ref_ctx_dispose(struct ref_ctx *ctx);

/**
 * Fetch one ref into out (cleared first; vault_secret_clear() releases it).
 * The message of a failure is the resolver's, which names the source and
 * the path, never a value.
 * @return 0 or the resolver's negative HUSH_E* code
 */
int ref_resolve(struct vault_secret *out, struct ref_ctx *ctx,
	const char *ref);

#endif
