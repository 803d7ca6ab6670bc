/* SPDX-License-Identifier: MIT */
/*
 * ref.c - the ref schemes and their resolvers. To add a source, write its
 * resolver and fill its row in `schemes`; a row without one is a scheme
 * that is reserved but not supported yet, refused when the ref is parsed.
 */
#include <string.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "ref.h"
#include "sops.h"
#include "sopsref.h"

typedef int (*ref_resolve_fn)(struct vault_secret *out, struct ref_ctx *ctx,
	const char *ref, const char *rest);

static int resolve_vault(struct vault_secret *out, struct ref_ctx *ctx,
	const char *ref, const char *rest)
{
	int error;

	(void)ref;
	if (ctx->vault == NULL &&
	    (error = vault_open(&ctx->vault, ctx->vopts, ctx->envp)) < 0)
		return error;
	return vault_read(out, ctx->vault, rest);
}

/* sops:<file>[#<key.path>]: the whole document in its own format, or one
 * value; the age identities come from the SOPS_AGE_* variables */
static int resolve_sops(struct vault_secret *out, struct ref_ctx *ctx,
	const char *ref, const char *rest)
{
	int error;

	(void)ref;
	if (ctx->ids == NULL &&
	    (error = sops_keys_load(&ctx->ids, ctx->envp, 0)) < 0)
		return error;
	return sops_ref_read(&out->value, rest, ctx->ids, ctx->sops_flags);
}

static const struct ref_scheme {
	const char *prefix;
	ref_resolve_fn resolve;  /* NULL: not supported yet */
} schemes[] = {
	{ "vault:", resolve_vault },
	{ "sops:", resolve_sops },
};

static const struct ref_scheme *scheme_of(const char *ref)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(*schemes); i++)
		if (strncmp(ref, schemes[i].prefix,
				strlen(schemes[i].prefix)) == 0)
			return &schemes[i];
	return NULL;
}

int ref_check(const char *where, const char *ref)
{
	const struct ref_scheme *s = scheme_of(ref);
	size_t len = strlen(ref), i;

	if (len > HUSH_MAX_INJECT_REF)
		return hush_err_set(HUSH_EUSAGE,
			"%s: ref longer than %u bytes (HUSH_MAX_INJECT_REF)",
			where, (unsigned)HUSH_MAX_INJECT_REF);
	for (i = 0; i < len; i++)
		if ((unsigned char)ref[i] < 0x20 || ref[i] == 0x7f)
			return hush_err_set(HUSH_EUSAGE,
				"%s: control character in ref", where);
	if (s == NULL)
		return hush_err_set(HUSH_EUSAGE,
			"%s: ref '%.200s' has no known scheme (vault: or sops:)",
			where, ref);
	if (s->resolve == NULL)
		return hush_err_set(HUSH_EUSAGE,
			"%s: %s refs are not supported yet ('%.200s')", where,
			s->prefix, ref);
	if (ref[strlen(s->prefix)] == '\0')
		return hush_err_set(HUSH_EUSAGE, "%s: ref '%s' names no path",
			where, ref);
	return 0;
}

int ref_ctx_init(struct ref_ctx *ctx, const struct inject_config *c,
	char *const *envp)
{
	size_t i;
	int error;

	memset(ctx, 0, sizeof(*ctx));
	ctx->envp = envp;
	ctx->sops_flags = c->sops_ignore_mac ? SOPS_IGNORE_MAC : 0;
	if ((error = vault_options_new(&ctx->vopts)) < 0)
		return error;
	for (i = 0; i < c->nvault; i++)
		if ((error = vault_options_set(ctx->vopts, c->vault[i].name,
				c->vault[i].value)) < 0)
			return error;
	return 0;
}

void ref_ctx_dispose(struct ref_ctx *ctx)
{
	vault_close(ctx->vault);
	age_identities_free(ctx->ids);
	vault_options_free(ctx->vopts);
	memset(ctx, 0, sizeof(*ctx));
}

int ref_resolve(struct vault_secret *out, struct ref_ctx *ctx,
	const char *ref)
{
	const struct ref_scheme *s = scheme_of(ref);

	if (s == NULL || s->resolve == NULL)
		return hush_err_set(HUSH_EUSAGE, "ref '%.200s': no resolver",
			ref);
	return s->resolve(out, ctx, ref, ref + strlen(s->prefix));
}
