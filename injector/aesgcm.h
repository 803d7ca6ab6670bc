/* SPDX-License-Identifier: MIT */
/*
 * aesgcm.h - AES-256-GCM decryption with any IV length (sops writes 32-byte
 * IVs, which libsodium cannot take) and SHA-512 for the sops MAC. aesgcm.c
 * is the only file that includes OpenSSL headers.
 */
#ifndef HUSH_AESGCM_H
#define HUSH_AESGCM_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

#define AESGCM_KEY_BYTES 32u
#define AESGCM_TAG_BYTES 16u
#define AESGCM_SHA512_BYTES 64u

/**
 * Decrypt and verify ct (without its tag) under key with iv and aad.
 * @param[out] out ct_len bytes of plaintext in secret memory, returned only
 *             when the tag verified; the caller owns it (secret_free()).
 *             NULL on failure.
 * @param iv_len 1 to HUSH_MAX_SOPS_IV bytes
 * @return 0, HUSH_EAUTH (tag mismatch: forged, wrong key or wrong AAD),
 *         HUSH_ELIMIT (a length out of range), HUSH_ENOMEM or HUSH_ERROR
 */
int aesgcm_decrypt(struct secret **out, const unsigned char *key,
	const unsigned char *iv, size_t iv_len, const unsigned char *ct,
	size_t ct_len, const unsigned char *tag, const unsigned char *aad,
	size_t aad_len);

/**
 * Make OpenSSL allocate through an allocator that wipes each block it
 * frees (TLS record buffers hold Vault's responses in the clear). OpenSSL
 * accepts this only before its first allocation, so hush-inject calls it
 * first thing; later calls change nothing.
 * @return true when the wiping allocator is in place
 */
bool aesgcm_wipe_allocator(void);

/* An incremental SHA-512; opaque. */
struct aesgcm_sha512;

/**
 * Start a SHA-512.
 * @param[out] out the caller owns it; release with aesgcm_sha512_free()
 * @return 0, HUSH_ENOMEM or HUSH_ERROR
 */
int aesgcm_sha512_new(struct aesgcm_sha512 **out);

/** Hash len more bytes. @return 0 or HUSH_ERROR */
int aesgcm_sha512_update(struct aesgcm_sha512 *h, const void *data,
	size_t len);

/**
 * Finish the hash; h may not be updated afterwards.
 * @param[out] out AESGCM_SHA512_BYTES bytes, caller's storage
 * @return 0 or HUSH_ERROR
 */
int aesgcm_sha512_final(unsigned char *out, struct aesgcm_sha512 *h);

/** Release h; aesgcm_sha512_free(NULL) is a no-op. */
void aesgcm_sha512_free(struct aesgcm_sha512 *h);

#endif
