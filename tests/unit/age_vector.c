/* SPDX-License-Identifier: MIT */
/*
 * age_vector.c - check one age test vector against its expected result, so
 * ctest reports every vector on its own. Two forms:
 *   age_vector cctv FILE               C2SP CCTV file (expectation inside)
 *   age_vector local DIR FILE IDENTITY EXPECT SHA256   (corpus expect.tsv)
 * Exit 0 pass, 1 fail, 77 skipped (post-quantum vectors, or zlib missing).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HUSH_HAVE_ZLIB
#include <zlib.h>
#endif

#include "age.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"

#define SKIP 77
/*
 * Vectors that fail before any identity matters (an empty file) carry none;
 * age refuses to run without one, so they get the CCTV suite's usual key.
 */
#define DEFAULT_IDENTITY \
	"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0\n"
#define MAX_VECTOR (HUSH_MAX_AGE_FILE + 65536u)

struct vector {
	struct hush_buf identities; /* identity lines joined by LF */
	struct hush_buf pass;
	bool has_pass;
	bool armored;
	bool compressed;
	bool pq;
	char expect[64];
	char sha256[65];
};

static void hex(char *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool copy_field(char *out, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

/* Parse the CCTV "key: value" lines; *body is set past the blank line. */
static int cctv_parse(struct vector *v, const char *d, size_t len,
	size_t *body)
{
	size_t pos = 0, n, klen;
	const char *nl, *line, *colon, *val;

	for (;;) {
		nl = memchr(d + pos, '\n', len - pos);
		if (nl == NULL)
			return hush_err_set(HUSH_EPARSE, "no blank line after "
				"the vector header");
		line = d + pos;
		n = (size_t)(nl - line);
		pos += n + 1;
		if (n == 0)
			break;
		colon = memchr(line, ':', n);
		if (colon == NULL || (size_t)(colon - line) + 2 > n)
			return hush_err_set(HUSH_EPARSE, "bad header line");
		klen = (size_t)(colon - line);
		val = colon + 2;
		n -= klen + 2;
		if (klen == 6 && !memcmp(line, "expect", 6)) {
			if (!copy_field(v->expect, sizeof(v->expect), val, n))
				return hush_err_set(HUSH_EPARSE, "long expect");
		} else if (klen == 7 && !memcmp(line, "payload", 7)) {
			if (!copy_field(v->sha256, sizeof(v->sha256), val, n))
				return hush_err_set(HUSH_EPARSE, "long payload");
		} else if (klen == 8 && !memcmp(line, "identity", 8)) {
			if (n >= 18 && !memcmp(val, "AGE-SECRET-KEY-PQ-", 18))
				v->pq = true;
			if (hush_buf_put(&v->identities, val, n) < 0 ||
			    hush_buf_putc(&v->identities, '\n') < 0)
				return HUSH_ENOMEM;
		} else if (klen == 10 && !memcmp(line, "passphrase", 10)) {
			v->has_pass = true;
			if (hush_buf_put(&v->pass, val, n) < 0)
				return HUSH_ENOMEM;
		} else if (klen == 7 && !memcmp(line, "armored", 7)) {
			v->armored = n == 3 && !memcmp(val, "yes", 3);
		} else if (klen == 10 && !memcmp(line, "compressed", 10)) {
			v->compressed = true;
		}
	}
	*body = pos;
	return 0;
}

#ifdef HUSH_HAVE_ZLIB
static int inflate_all(struct hush_buf *out, const unsigned char *d,
	size_t len)
{
	unsigned char chunk[65536];
	z_stream zs;
	int zr = Z_OK, error = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return hush_err_set(HUSH_ERROR, "zlib: init failed");
	zs.next_in = (unsigned char *)(size_t)d;
	zs.avail_in = (uInt)len;
	while (zr != Z_STREAM_END) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			error = hush_err_set(HUSH_EPARSE, "zlib: bad stream");
			break;
		}
		if ((error = hush_buf_put(out, chunk,
			sizeof(chunk) - zs.avail_out)) < 0)
			break;
	}
	inflateEnd(&zs);
	return error;
}
#endif

/* Decrypt and compare; prints one line and returns the exit status. */
static int check(const char *name, struct vector *v, const unsigned char *d,
	size_t len)
{
	struct age_identities *ids = NULL;
	struct secret *plain = NULL;
	enum age_result r = AGE_OTHER_FAILURE;
	unsigned char sum[32];
	char got_sha[65];
	const char *msg = "";
	int error, status = 1;

	if (v->identities.len > 0)
		error = age_identities_parse(&ids, v->identities.ptr,
			v->identities.len);
	else if (!v->has_pass)
		error = age_identities_parse(&ids, DEFAULT_IDENTITY,
			strlen(DEFAULT_IDENTITY));
	else
		error = age_identities_new(&ids);
	if (error < 0) {
		fprintf(stderr, "FAIL %s: identities: %s\n", name,
			hush_err_msg());
		goto done;
	}
	if (v->has_pass && age_identities_set_passphrase(ids,
		v->pass.ptr ? v->pass.ptr : "", v->pass.len) < 0) {
		fprintf(stderr, "FAIL %s: %s\n", name, hush_err_msg());
		goto done;
	}
	error = age_decrypt(&plain, &r, ids, d, len,
		v->armored ? AGE_FORMAT_ARMORED : AGE_FORMAT_BINARY);
	if (error < 0)
		msg = hush_err_msg();
	if (strcmp(age_result_name(r), v->expect) != 0) {
		fprintf(stderr, "FAIL %s: got %s (%s), want %s\n", name,
			age_result_name(r), msg, v->expect);
		goto done;
	}
	if (r != AGE_SUCCESS && plain != NULL) {
		fprintf(stderr, "FAIL %s: plaintext released on failure\n", name);
		goto done;
	}
	if (r == AGE_SUCCESS) {
		seal_sha256(sum, plain->data, plain->len);
		hex(got_sha, sum, sizeof(sum));
		if (strcmp(got_sha, v->sha256) != 0) {
			fprintf(stderr, "FAIL %s: plaintext sha256 %s, want %s\n",
				name, got_sha, v->sha256);
			goto done;
		}
	}
	printf("PASS %s: %s%s%s\n", name, age_result_name(r), *msg ? ": " : "",
		msg);
	status = 0;
done:
	secret_free(plain);
	age_identities_free(ids);
	return status;
}

static int run_cctv(const char *path)
{
	struct vector v;
	struct hush_buf file = HUSH_BUF_INIT(MAX_VECTOR);
	struct hush_buf unz = HUSH_BUF_INIT(MAX_VECTOR);
	const unsigned char *d;
	size_t body = 0, len;
	int status = 1;

	memset(&v, 0, sizeof(v));
	hush_buf_init(&v.identities, 1u << 20);
	hush_buf_init(&v.pass, 4096);
	if (hush_fs_read_all(&file, path, MAX_VECTOR, "vector") < 0 ||
	    cctv_parse(&v, file.ptr, file.len, &body) < 0) {
		fprintf(stderr, "FAIL %s: %s\n", path, hush_err_msg());
		goto done;
	}
	if (v.pq) {
		printf("SKIP %s: post-quantum identity\n", path);
		status = SKIP;
		goto done;
	}
	d = (const unsigned char *)file.ptr + body;
	len = file.len - body;
	if (v.compressed) {
#ifdef HUSH_HAVE_ZLIB
		if (inflate_all(&unz, d, len) < 0) {
			fprintf(stderr, "FAIL %s: %s\n", path, hush_err_msg());
			goto done;
		}
		d = (const unsigned char *)unz.ptr;
		len = unz.len;
#else
		printf("SKIP %s: compressed and built without zlib\n", path);
		status = SKIP;
		goto done;
#endif
	}
	status = check(path, &v, d, len);
done:
	hush_buf_dispose(&unz);
	hush_buf_dispose(&file);
	hush_buf_dispose(&v.identities);
	hush_buf_dispose(&v.pass);
	return status;
}

static int run_local(const char *dir, const char *file, const char *identity,
	const char *expect, const char *sha)
{
	struct vector v;
	struct hush_buf path = HUSH_BUF_INIT(4096);
	struct hush_buf data = HUSH_BUF_INIT(MAX_VECTOR);
	size_t n;
	int status = 1;

	memset(&v, 0, sizeof(v));
	hush_buf_init(&v.identities, HUSH_MAX_AGE_KEYS_FILE);
	hush_buf_init(&v.pass, 4096);
	n = strlen(file);
	v.armored = n > 4 && strcmp(file + n - 4, ".asc") == 0;
	if (!copy_field(v.expect, sizeof(v.expect), expect, strlen(expect)) ||
	    !copy_field(v.sha256, sizeof(v.sha256), sha, strlen(sha))) {
		fprintf(stderr, "FAIL %s: bad expectation\n", file);
		goto done;
	}
	if (strncmp(identity, "pass:", 5) == 0) {
		v.has_pass = true;
		if (hush_buf_puts(&v.pass, identity + 5) < 0)
			goto done;
	} else if (hush_buf_printf(&path, "%s/%s", dir, identity) < 0 ||
		   hush_fs_read_all(&v.identities, path.ptr,
			HUSH_MAX_AGE_KEYS_FILE, "keys") < 0) {
		fprintf(stderr, "FAIL %s: %s\n", identity, hush_err_msg());
		goto done;
	}
	hush_buf_clear(&path);
	if (hush_buf_printf(&path, "%s/%s", dir, file) < 0 ||
	    hush_fs_read_all(&data, path.ptr, MAX_VECTOR, "vector") < 0) {
		fprintf(stderr, "FAIL %s: %s\n", file, hush_err_msg());
		goto done;
	}
	status = check(file, &v, (const unsigned char *)data.ptr, data.len);
done:
	hush_buf_dispose(&data);
	hush_buf_dispose(&path);
	hush_buf_dispose(&v.identities);
	hush_buf_dispose(&v.pass);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "cctv") == 0)
		return run_cctv(argv[2]);
	if (argc == 7 && strcmp(argv[1], "local") == 0)
		return run_local(argv[2], argv[3], argv[4], argv[5], argv[6]);
	fprintf(stderr, "usage: age_vector cctv FILE | "
		"age_vector local DIR FILE IDENTITY EXPECT SHA256\n");
	return 2;
}
