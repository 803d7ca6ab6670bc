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
