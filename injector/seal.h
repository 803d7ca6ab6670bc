/* SPDX-License-Identifier: MIT */
/*
 * seal.h - guarded secret memory and thin wrappers over the libsodium
 * primitives that age needs (X25519, ChaCha20-Poly1305, HMAC/HKDF-SHA-256,
 * scrypt). seal.c is the only injector file that includes <sodium.h>.
 */
#ifndef HUSH_SEAL_H
#define HUSH_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#define SEAL_X25519_BYTES 32u
#define SEAL_AEAD_KEY_BYTES 32u
#define SEAL_AEAD_NONCE_BYTES 12u
#define SEAL_AEAD_TAG_BYTES 16u
#define SEAL_SHA256_BYTES 32u

/* Largest scrypt work factor (log2 N) accepted: age's default maximum. */
#define SEAL_SCRYPT_MAX_LOG_N 22u

/*
 * Plaintext and keys live only here: `data` comes from sodium_malloc (guard
 * pages, canary) and is mlocked when the RLIMIT_MEMLOCK allows it. `len`
 * bytes are in use out of `cap`. secret_free() wipes all `cap` bytes.
 */
struct secret {
	unsigned char *data;
	size_t len;
	size_t cap;
	bool locked;
};

/**
 * Initialise libsodium; safe to call many times and from any module.
 * @return 0 or HUSH_ERROR
 */
int seal_init(void);

/**
 * Allocate guarded secret memory of cap bytes (zeroed, len 0).
 * @param[out] out the caller owns it and releases it with secret_free()
 * @return 0, HUSH_ENOMEM (never aborts) or HUSH_ERROR
 */
int secret_new(struct secret **out, size_t cap);

/**
 * Append len bytes to *s, growing it (a new region, the old one wiped and
 * released) up to limit bytes in all; *s may be NULL (a new secret). One
 * spare byte is kept after len, so callers may NUL-terminate.
 * @return 0, HUSH_ELIMIT (over limit) or HUSH_ENOMEM
 */
int secret_append(struct secret **s, const void *data, size_t len,
	size_t limit);

/** Wipe and release s; secret_free(NULL) is a no-op. */
void secret_free(struct secret *s);

/** Overwrite len bytes at p with zeros in a way the compiler keeps. */
void seal_wipe(void *p, size_t len);

/*
 * A malloc family whose blocks are wiped when freed (a size header before
 * each block), for the libraries that keep secrets in buffers of their own
 * and take allocator hooks: cJSON (payload.c), libcurl (http.c) and
 * OpenSSL (aesgcm.c). Same contracts as malloc, free, realloc (size 0
 * frees and returns NULL), calloc and strdup.
 */
void *seal_wipe_malloc(size_t size);
void seal_wipe_free(void *p);
void *seal_wipe_realloc(void *p, size_t size);
void *seal_wipe_calloc(size_t nmemb, size_t size);
char *seal_wipe_strdup(const char *s);

/** Compare len bytes in constant time. @return true when equal */
bool seal_equal(const unsigned char *a, const unsigned char *b, size_t len);

/**
 * X25519 of a scalar and the base point (the public key).
 * @param[out] out 32 bytes, caller's storage
 * @return 0 or HUSH_ERROR
 */
int seal_x25519_base(unsigned char *out, const unsigned char *scalar);

/**
 * X25519 shared secret of scalar and point.
 * @param[out] out 32 bytes, caller's storage; wiped on failure
 * @return 0, or HUSH_EAUTH when the result is all zero (low-order point)
 */
int seal_x25519(unsigned char *out, const unsigned char *scalar,
	const unsigned char *point);

/**
 * ChaCha20-Poly1305 (IETF) decryption with empty associated data.
 * @param[out] out ct_len - 16 bytes, caller's storage; wiped on failure
 * @return 0, HUSH_EAUTH (forged or wrong key) or HUSH_EPARSE (ct too short)
 */
int seal_aead_open(unsigned char *out, const unsigned char *ct,
	size_t ct_len, const unsigned char *nonce, const unsigned char *key);

/**
 * HMAC-SHA-256 of data under key (any key length, empty allowed).
 * @param[out] out 32 bytes, caller's storage
 * @return 0 or HUSH_ERROR
 */
int seal_hmac_sha256(unsigned char *out, const unsigned char *key,
	size_t key_len, const unsigned char *data, size_t len);

/**
 * SHA-256 of data.
 * @param[out] out 32 bytes, caller's storage
 */
void seal_sha256(unsigned char *out, const unsigned char *data, size_t len);

/**
 * HKDF-SHA-256 (RFC 5869 extract and expand) on top of HMAC-SHA-256. An
 * empty salt acts as 32 zero bytes, as the RFC says.
 * @param[out] out out_len bytes (at most 255 * 32), caller's storage
 * @return 0 or HUSH_ERROR
 */
int seal_hkdf_sha256(unsigned char *out, size_t out_len,
	const unsigned char *ikm, size_t ikm_len, const unsigned char *salt,
	size_t salt_len, const unsigned char *info, size_t info_len);

/**
 * scrypt with N = 2^log_n, r = 8, p = 1.
 * @param[out] out out_len bytes, caller's storage
 * @return 0, HUSH_ELIMIT (log_n is 0 or above SEAL_SCRYPT_MAX_LOG_N) or
 *         HUSH_ENOMEM
 */
int seal_scrypt(unsigned char *out, size_t out_len, const unsigned char *pass,
	size_t pass_len, const unsigned char *salt, size_t salt_len,
	unsigned log_n);

#endif
