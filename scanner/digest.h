/* SPDX-License-Identifier: MIT */
/* digest.h - SHA-256 and base64 for the scanner; the boundary around <sodium.h> */
#ifndef HUSH_DIGEST_H
#define HUSH_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_SHA256_LEN 32

/** @return 0 or HUSH_ERROR when libsodium cannot start */
int digest_init(void);

/** out = SHA-256 of the concatenation of the n parts (len given by lens). */
void digest_sha256(unsigned char out[DIGEST_SHA256_LEN], const void *const *parts,
	const size_t *lens, size_t n);

/* An incremental SHA-256 (libsodium's state, kept opaque). */
struct digest_sha256_ctx {
	_Alignas(16) unsigned char opaque[256];
};

void digest_sha256_init(struct digest_sha256_ctx *c);
void digest_sha256_update(struct digest_sha256_ctx *c, const void *data,
	size_t len);
void digest_sha256_final(struct digest_sha256_ctx *c,
	unsigned char out[DIGEST_SHA256_LEN]);

/** Lowercase hex of len bytes into out, which holds 2*len+1. */
void digest_hex(char *out, const unsigned char *bin, size_t len);

/**
 * Decode base64 (standard, or URL-safe when url is set; padding optional)
 * into out.
 * @param[out] out_len bytes written (at most out_cap)
 * @return 0, or HUSH_EPARSE when the input is not base64
 */
int digest_base64_decode(unsigned char *out, size_t out_cap, size_t *out_len,
	const char *in, size_t in_len, bool url);

#endif
