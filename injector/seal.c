/* SPDX-License-Identifier: MIT */
/*
 * seal.c - guarded secret memory and the libsodium primitives age needs;
 * the only injector file that includes <sodium.h>. libsodium's failures are
 * turned into hush_err here and nowhere else.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hush/err.h"
#include "seal.h"

int seal_init(void)
{
	if (sodium_init() < 0)
		return hush_err_set(HUSH_ERROR, "libsodium: initialisation failed");
	return 0;
}

int secret_new(struct secret **out, size_t cap)
{
	struct secret *s = NULL;
	int error;

	*out = NULL;
	if ((error = seal_init()) < 0)
		goto done;
	error = HUSH_ENOMEM;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto done;
	/* sodium_malloc(0) is legal but a zero-size region cannot be locked */
	s->data = sodium_malloc(cap ? cap : 1);
	if (s->data == NULL)
		goto done;
	s->cap = cap;
	sodium_memzero(s->data, cap ? cap : 1);
	/*
	 * A failed mlock (RLIMIT_MEMLOCK) is not fatal: hush-inject also calls
	 * mlockall and disables core dumps, and the data is wiped either way.
	 */
	s->locked = sodium_mlock(s->data, cap ? cap : 1) == 0;
	*out = s;
	s = NULL;
	error = 0;
done:
	if (error == HUSH_ENOMEM)
		hush_err_set(error, "out of memory for a %zu-byte secret", cap);
	secret_free(s);
	return error;
}

int secret_append(struct secret **s, const void *data, size_t len,
	size_t limit)
{
	struct secret *n = NULL;
	size_t have = *s != NULL ? (*s)->len : 0, cap;
	int error;

	if (len > limit || have > limit - len)
		return hush_err_set(HUSH_ELIMIT,
			"secret larger than %zu bytes", limit);
	if (*s == NULL || (*s)->cap - have < len + 1) {
		cap = *s != NULL && (*s)->cap > 0 ? (*s)->cap : 256;
		while (cap < have + len + 1)
			cap = cap > SIZE_MAX / 2 ? have + len + 1 : cap * 2;
		if (cap > limit + 1)
			cap = limit + 1;
		if ((error = secret_new(&n, cap)) < 0)
			return error;
		if (have > 0)
			memcpy(n->data, (*s)->data, have);
		n->len = have;
		secret_free(*s);
		*s = n;
	}
	if (len > 0)
		memcpy((*s)->data + have, data, len);
	(*s)->len = have + len;
	return 0;
}

void secret_free(struct secret *s)
{
	size_t n;

	if (s == NULL)
		return;
	if (s->data != NULL) {
		n = s->cap ? s->cap : 1;
		sodium_memzero(s->data, n);
		if (s->locked)
			sodium_munlock(s->data, n);  /* wipes as well */
		sodium_free(s->data);
	}
	sodium_memzero(s, sizeof(*s));
	free(s);
}

void seal_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		sodium_memzero(p, len);
}

bool seal_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

int seal_x25519_base(unsigned char *out, const unsigned char *scalar)
{
	if (crypto_scalarmult_base(out, scalar) != 0)
		return hush_err_set(HUSH_ERROR, "X25519: bad scalar");
	return 0;
}

int seal_x25519(unsigned char *out, const unsigned char *scalar,
	const unsigned char *point)
{
	/* libsodium itself fails on an all-zero result (low-order point) */
	if (crypto_scalarmult(out, scalar, point) != 0 ||
	    sodium_is_zero(out, SEAL_X25519_BYTES)) {
		sodium_memzero(out, SEAL_X25519_BYTES);
		return hush_err_set(HUSH_EAUTH,
			"X25519: all-zero shared secret (low-order share)");
	}
	return 0;
}

int seal_aead_open(unsigned char *out, const unsigned char *ct,
	size_t ct_len, const unsigned char *nonce, const unsigned char *key)
{
	unsigned long long n = 0;

	if (ct_len < SEAL_AEAD_TAG_BYTES)
		return hush_err_set(HUSH_EPARSE, "ChaCha20-Poly1305: "
			"%zu-byte ciphertext is shorter than its tag", ct_len);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &n, NULL, ct,
		ct_len, NULL, 0, nonce, key) != 0) {
		seal_wipe(out, ct_len - SEAL_AEAD_TAG_BYTES);
		return hush_err_set(HUSH_EAUTH,
			"ChaCha20-Poly1305: authentication failed");
	}
	return 0;
}

int seal_hmac_sha256(unsigned char *out, const unsigned char *key,
	size_t key_len, const unsigned char *data, size_t len)
{
	static const unsigned char none[1];
	crypto_auth_hmacsha256_state st;
	int error = HUSH_ERROR;

	if (crypto_auth_hmacsha256_init(&st, key_len ? key : none, key_len) != 0)
		goto done;
	if (crypto_auth_hmacsha256_update(&st, len ? data : none, len) != 0)
		goto done;
	if (crypto_auth_hmacsha256_final(&st, out) != 0)
		goto done;
	error = 0;
done:
	sodium_memzero(&st, sizeof(st));
	if (error < 0)
		hush_err_set(error, "HMAC-SHA-256 failed");
	return error;
}

void seal_sha256(unsigned char *out, const unsigned char *data, size_t len)
{
	static const unsigned char none[1];

	crypto_hash_sha256(out, len ? data : none, len);
}

int seal_hkdf_sha256(unsigned char *out, size_t out_len,
	const unsigned char *ikm, size_t ikm_len, const unsigned char *salt,
	size_t salt_len, const unsigned char *info, size_t info_len)
{
	static const unsigned char zero_salt[SEAL_SHA256_BYTES];
	static const unsigned char none[1];
	unsigned char prk[SEAL_SHA256_BYTES];
	unsigned char t[SEAL_SHA256_BYTES];
	crypto_auth_hmacsha256_state st;
	unsigned char counter;
	size_t done_len = 0, n;
	int error = HUSH_ERROR;

	if (out_len > 255u * SEAL_SHA256_BYTES) {
		hush_err_set(error, "HKDF-SHA-256: %zu bytes asked, "
			"the most is 8160", out_len);
		goto done;
	}
	if (salt_len == 0) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	/* extract: PRK = HMAC(salt, IKM) */
	if ((error = seal_hmac_sha256(prk, salt, salt_len, ikm, ikm_len)) < 0)
		goto done;
	/* expand: T(i) = HMAC(PRK, T(i-1) || info || i) */
	error = HUSH_ERROR;
	for (counter = 1; done_len < out_len; counter++) {
		if (crypto_auth_hmacsha256_init(&st, prk, sizeof(prk)) != 0)
			goto done;
		if (counter > 1 &&
		    crypto_auth_hmacsha256_update(&st, t, sizeof(t)) != 0)
			goto done;
		if (crypto_auth_hmacsha256_update(&st, info_len ? info : none,
			info_len) != 0)
			goto done;
		if (crypto_auth_hmacsha256_update(&st, &counter, 1) != 0)
			goto done;
		if (crypto_auth_hmacsha256_final(&st, t) != 0)
			goto done;
		n = out_len - done_len;
		if (n > sizeof(t))
			n = sizeof(t);
		memcpy(out + done_len, t, n);
		done_len += n;
	}
	error = 0;
done:
	if (error == HUSH_ERROR)
		hush_err_set(error, "HKDF-SHA-256 failed");
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
	sodium_memzero(&st, sizeof(st));
	return error;
}

int seal_scrypt(unsigned char *out, size_t out_len, const unsigned char *pass,
	size_t pass_len, const unsigned char *salt, size_t salt_len,
	unsigned log_n)
{
	static const unsigned char none[1];

	if (log_n == 0 || log_n > SEAL_SCRYPT_MAX_LOG_N)
		return hush_err_set(HUSH_ELIMIT, "scrypt: work factor %u is "
			"outside 1..%u", log_n, SEAL_SCRYPT_MAX_LOG_N);
	if (crypto_pwhash_scryptsalsa208sha256_ll(pass_len ? pass : none,
		pass_len, salt, salt_len, (uint64_t)1 << log_n, 8, 1, out,
		out_len) != 0) {
		seal_wipe(out, out_len);
		return hush_err_set(HUSH_ENOMEM, "scrypt: out of memory for "
			"work factor %u", log_n);
	}
	return 0;
}

/* The size header keeps the alignment malloc promises. */
union wipe_hdr {
	size_t size;
	max_align_t align;
};

void *seal_wipe_malloc(size_t size)
{
	union wipe_hdr *h;

	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (h == NULL)
		return NULL;
	h->size = size;
	return h + 1;
}

void seal_wipe_free(void *p)
{
	union wipe_hdr *h;

	if (p == NULL)
		return;
	h = (union wipe_hdr *)p - 1;
	seal_wipe(h, sizeof(*h) + h->size);
	free(h);
}

void *seal_wipe_realloc(void *p, size_t size)
{
	union wipe_hdr *h;
	void *n;

	if (p == NULL)
		return seal_wipe_malloc(size);
	if (size == 0) {
		seal_wipe_free(p);
		return NULL;
	}
	if ((n = seal_wipe_malloc(size)) == NULL)
		return NULL;
	h = (union wipe_hdr *)p - 1;
	memcpy(n, p, h->size < size ? h->size : size);
	seal_wipe_free(p);
	return n;
}

void *seal_wipe_calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	if ((p = seal_wipe_malloc(nmemb * size)) != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

char *seal_wipe_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = seal_wipe_malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}
