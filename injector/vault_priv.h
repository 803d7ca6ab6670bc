/* SPDX-License-Identifier: MIT */
/*
 * vault_priv.h - the pure parts of vault.c (no network), for its unit
 * tests: strict booleans, durations, the address precedence, refs and the
 * KV v2 path rewriting. Private to the injector.
 */
#ifndef HUSH_VAULT_PRIV_H
#define HUSH_VAULT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
 * @return 0, or HUSH_EUSAGE (nothing set: the caller names the variable)
 */
int vault__parse_bool(bool *out, const char *s);

/**
 * Vault's ParseDurationSecond: "30" (seconds) or a Go duration such as
 * "1m30s", "1.5h", "250ms". Negative values are refused.
 * @return 0 or HUSH_EUSAGE (nothing set)
 */
int vault__parse_duration_ms(long long *out, const char *s);

/**
 * The server address: the option, else VAULT_AGENT_ADDR, else VAULT_ADDR,
 * else https://127.0.0.1:8200; empty values count as unset.
 * @param[out] from_out the name of the source ("--vault-addr", ...)
 * @return the address (borrowed from the arguments or static)
 */
const char *vault__pick_addr(const char *opt, char *const *envp,
	const char **from_out);

/** The value of NAME in envp, or NULL when absent or empty. */
const char *vault__env(char *const *envp, const char *name);

/* A parsed ref: "<path>[?version=N][#field]". */
struct vault_ref {
	char path[2048];
	char field[512];   /* "" when the ref names no field */
	long version;      /* 0: latest */
	bool has_version;
};

/**
 * Parse a ref (the text after "vault:"). Paths are relative (no leading
 * '/'), with no empty, "." or ".." segments and no control characters.
 * @return 0, HUSH_EUSAGE or HUSH_ELIMIT (too long), message naming ref
 */
int vault__parse_ref(struct vault_ref *out, const char *ref);

/**
 * The KV v2 API path of a logical path on the mount: "secret/app" on the
 * mount "secret/" is "secret/data/app" (as `vault kv get` does).
 * @return 0 or HUSH_ELIMIT (does not fit in cap)
 */
int vault__kv2_path(char *out, size_t cap, const char *path,
	const char *mount);

#endif
