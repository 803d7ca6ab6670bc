/* SPDX-License-Identifier: MIT */
/*
 * aesgcm.c - AES-256-GCM with a caller-chosen IV length and SHA-512, on
 * OpenSSL libcrypto EVP; the only file that includes OpenSSL headers.
 * A 32-byte GCM IV goes through GHASH to form J0 (NIST SP 800-38D 7.2),
 * which EVP does once EVP_CTRL_GCM_SET_IVLEN is set.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "aesgcm.h"
#include "seal.h"

struct aesgcm_sha512 {
	EVP_MD_CTX *ctx;
};

int aesgcm_decrypt(struct secret **out, const unsigned char *key,
	const unsigned char *iv, size_t iv_len, const unsigned char *ct,
	size_t ct_len, const unsigned char *tag, const unsigned char *aad,
	size_t aad_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	struct secret *pt = NULL;
	unsigned char tagbuf[AESGCM_TAG_BYTES];
	int n = 0, error = HUSH_ERROR;

	*out = NULL;
	if (iv_len == 0 || iv_len > HUSH_MAX_SOPS_IV || ct_len > INT_MAX ||
	    aad_len > INT_MAX) {
		error = hush_err_set(HUSH_ELIMIT,
			"aes-gcm: IV, data or AAD length out of range");
		goto done;
	}
	/* secret_new wants a non-zero capacity; keep one spare byte */
	if ((error = secret_new(&pt, ct_len + 1)) < 0)
		goto done;
	error = HUSH_ERROR;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "aes-gcm: out of memory");
		goto done;
	}
	memcpy(tagbuf, tag, sizeof(tagbuf));
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len,
		    NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) != 1) {
		hush_err_set(HUSH_ERROR, "aes-gcm: cannot set up the cipher");
		goto done;
	}
	if (aad_len > 0 &&
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1) {
		hush_err_set(HUSH_ERROR, "aes-gcm: cannot hash the AAD");
		goto done;
	}
	if (ct_len > 0 &&
	    EVP_DecryptUpdate(ctx, pt->data, &n, ct, (int)ct_len) != 1) {
		hush_err_set(HUSH_ERROR, "aes-gcm: cannot decrypt");
		goto done;
	}
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
		    (int)AESGCM_TAG_BYTES, tagbuf) != 1) {
		hush_err_set(HUSH_ERROR, "aes-gcm: cannot set the tag");
		goto done;
	}
	if (EVP_DecryptFinal_ex(ctx, pt->data + ct_len, &n) <= 0) {
		error = hush_err_set(HUSH_EAUTH,
			"aes-gcm: authentication failed (tampered value, "
			"wrong key or wrong key path)");
		goto done;
	}
	pt->len = ct_len;
	*out = pt;
	pt = NULL;
	error = 0;
done:
	EVP_CIPHER_CTX_free(ctx); /* wipes the key schedule */
	secret_free(pt);
	return error;
}

int aesgcm_sha512_new(struct aesgcm_sha512 **out)
{
	struct aesgcm_sha512 *h = NULL;
	int error = HUSH_ENOMEM;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL || (h->ctx = EVP_MD_CTX_new()) == NULL) {
		hush_err_set(HUSH_ENOMEM, "sha-512: out of memory");
		goto done;
	}
	if (EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL) != 1) {
		error = hush_err_set(HUSH_ERROR, "sha-512: cannot start");
		goto done;
	}
	*out = h;
	h = NULL;
	error = 0;
done:
	aesgcm_sha512_free(h);
	return error;
}

int aesgcm_sha512_update(struct aesgcm_sha512 *h, const void *data,
	size_t len)
{
	if (len == 0)
		return 0;
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		return hush_err_set(HUSH_ERROR, "sha-512: update failed");
	return 0;
}

int aesgcm_sha512_final(unsigned char *out, struct aesgcm_sha512 *h)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &n) != 1 ||
	    n != AESGCM_SHA512_BYTES)
		return hush_err_set(HUSH_ERROR, "sha-512: final failed");
	return 0;
}

void aesgcm_sha512_free(struct aesgcm_sha512 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

/* OpenSSL's allocator hooks take the caller's file and line */
static void *wipe_malloc(size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return seal_wipe_malloc(size);
}

static void wipe_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	seal_wipe_free(p);
}

static void *wipe_realloc(void *p, size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return seal_wipe_realloc(p, size);
}

bool aesgcm_wipe_allocator(void)
{
	static int state; /* 0 untried, 1 in place, -1 refused */

	if (state == 0)
		state = CRYPTO_set_mem_functions(wipe_malloc, wipe_realloc,
				wipe_free) ? 1 : -1;
	return state == 1;
}
