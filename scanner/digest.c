/* SPDX-License-Identifier: MIT */
/* digest.c - SHA-256 and base64 on libsodium; the only scanner file with <sodium.h> */
#include <sodium.h>

#include "digest.h"
#include "hush/err.h"

int digest_init(void)
{
	if (sodium_init() < 0)
		return hush_err_set(HUSH_ERROR, "libsodium failed to start");
	return 0;
}

void digest_sha256(unsigned char out[DIGEST_SHA256_LEN], const void *const *parts,
	const size_t *lens, size_t n)
{
	crypto_hash_sha256_state st;
	size_t i;

	crypto_hash_sha256_init(&st);
	for (i = 0; i < n; i++)
		crypto_hash_sha256_update(&st, parts[i], lens[i]);
	crypto_hash_sha256_final(&st, out);
}

_Static_assert(sizeof(crypto_hash_sha256_state) <=
		       sizeof(((struct digest_sha256_ctx *)0)->opaque),
	"digest_sha256_ctx too small");

static crypto_hash_sha256_state *state_of(struct digest_sha256_ctx *c)
{
	return (crypto_hash_sha256_state *)(void *)c->opaque;
}

void digest_sha256_init(struct digest_sha256_ctx *c)
{
	crypto_hash_sha256_init(state_of(c));
}

void digest_sha256_update(struct digest_sha256_ctx *c, const void *data,
	size_t len)
{
	crypto_hash_sha256_update(state_of(c), data, len);
}

void digest_sha256_final(struct digest_sha256_ctx *c,
	unsigned char out[DIGEST_SHA256_LEN])
{
	crypto_hash_sha256_final(state_of(c), out);
}

void digest_hex(char *out, const unsigned char *bin, size_t len)
{
	sodium_bin2hex(out, len * 2 + 1, bin, len);
}

int digest_base64_decode(unsigned char *out, size_t out_cap, size_t *out_len,
	const char *in, size_t in_len, bool url)
{
	bool padded = in_len > 0 && in[in_len - 1] == '=';
	int variant;

	if (url)
		variant = padded ? sodium_base64_VARIANT_URLSAFE
				 : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
	else
		variant = padded ? sodium_base64_VARIANT_ORIGINAL
				 : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	if (sodium_base642bin(out, out_cap, in, in_len, NULL, out_len, NULL,
		    variant) == 0)
		return 0;
	*out_len = 0;
	return hush_err_set(HUSH_EPARSE, "not base64");
}
