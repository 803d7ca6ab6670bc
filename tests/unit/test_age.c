/* SPDX-License-Identifier: MIT */
/*
 * test_age.c - unit tests of injector/seal.c and injector/age.c: HKDF
 * against RFC 5869, Bech32 and keys.txt failures, armor edge cases, and that
 * a failed decryption releases no plaintext. The vectors themselves run one
 * ctest each through age_vector.c.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "age.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "seal.h"
#include "t.h"

#define KEY1 "AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJTH"
#define KEY1_PUB "age134asl65ws5jmlx86ycz3je2580ztyh52pxl6yh0d203m00dtqvjq7pwqp0"

static void unhex(unsigned char *out, const char *h)
{
	size_t i, n = strlen(h) / 2;
	unsigned v;

	for (i = 0; i < n; i++) {
		T_ASSERT(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (unsigned char)v;
	}
}

static void read_corpus(struct hush_buf *out, const char *name)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s", HUSH_AGE_CORPUS, name);

	T_ASSERT(n > 0 && (size_t)n < sizeof(path));
	T_OK(hush_fs_read_all(out, path, HUSH_MAX_AGE_FILE + 1, "test"));
}

static struct age_identities *key1(void)
{
	struct age_identities *ids = NULL;

	T_OK(age_identities_parse(&ids, KEY1 "\n", strlen(KEY1) + 1));
	return ids;
}

/* RFC 5869 A.1 (salt, info) and A.3 (empty salt and info), SHA-256. */
static void hkdf_rfc5869(void)
{
	unsigned char ikm[22], salt[13], info[10], okm[42], want[42];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)i;
	for (i = 0; i < sizeof(info); i++)
		info[i] = (unsigned char)(0xf0 + i);
	T_OK(seal_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), salt,
		sizeof(salt), info, sizeof(info)));
	unhex(want, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56"
		"ecc4c5bf34007208d5b887185865");
	T_EQ_MEM(okm, want, sizeof(want));
	T_OK(seal_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), NULL, 0,
		NULL, 0));
	unhex(want, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f"
		"3c738d2d9d201395faa4b61a96c8");
	T_EQ_MEM(okm, want, sizeof(want));
	T_EQ_INT(seal_hkdf_sha256(okm, 255 * 32 + 1, ikm, sizeof(ikm), NULL,
		0, NULL, 0), HUSH_ERROR);
}

static void base_primitives(void)
{
	unsigned char scalar[32], zero[32], out[32], key[32], nonce[12];
	unsigned char ct[20];

	memset(scalar, 7, sizeof(scalar));
	memset(zero, 0, sizeof(zero));
	memset(key, 1, sizeof(key));
	memset(nonce, 0, sizeof(nonce));
	memset(ct, 0, sizeof(ct));
	T_OK(seal_init());
	T_EQ_INT(seal_x25519(out, scalar, zero), HUSH_EAUTH);
	T_ASSERT(seal_equal(out, zero, sizeof(out)));
	T_EQ_INT(seal_aead_open(out, ct, 15, nonce, key), HUSH_EPARSE);
	T_EQ_INT(seal_aead_open(out, ct, sizeof(ct), nonce, key), HUSH_EAUTH);
	T_EQ_INT(seal_scrypt(out, 32, scalar, 1, scalar, 1, 23), HUSH_ELIMIT);
	T_EQ_INT(seal_scrypt(out, 32, scalar, 1, scalar, 1, 0), HUSH_ELIMIT);
	T_ASSERT(!seal_equal(scalar, zero, sizeof(zero)));
}

/* Each bad identity line fails, with a message that never quotes it. */
static void bech32_identities(void)
{
	static const char *bad[] = {
		"age-secret-key-1puh68r2flam5m3ynmqfxd7xhxw7yve3hre565mtgwlfgmnxum74s3gnjth",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJTh",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJTQ",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJT",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJTHQ",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJBH",
		" " KEY1, KEY1 " ", KEY1 "\t",
		"AGE-SECRET-KEY-1", "AGE-SECRET-KEY-1QQQQQQ",
		"AGE-SECRET-KEY-1PUH68R2FLAM5M3YNMQFXD7XHXW7YVE3HRE565MTGWLFGMNXUM74S3GNJTI",
		KEY1_PUB,
		"AGE-SECRET-KEY-PQ-1XXXX", "AGE-PLUGIN-YUBIKEY-1XXXX",
		"ssh-ed25519 AAAA",
	};
	struct age_identities *ids = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		T_EQ_INT(age_identities_parse(&ids, bad[i], strlen(bad[i])),
			HUSH_EPARSE);
		T_ASSERT(ids == NULL);
		T_ASSERT(strstr(hush_err_msg(), "line 1") != NULL);
		T_ASSERT(strstr(hush_err_msg(), "PUH68") == NULL);
	}
	T_OK(age_identities_parse(&ids, KEY1, strlen(KEY1)));
	T_EQ_INT(age_identities_count(ids), 1);
	age_identities_free(ids);
}

static void keys_file(void)
{
	static const char crlf[] = "# created: x\r\n\r\n" KEY1 "\r\n";
	static const char two[] = "#c\n\n" KEY1 "\n#" KEY1 "\n" KEY1;
	static const char bad_line3[] = "# a\n\nnot a key\n";
	static const char none[] = "# only comments\n\n";
	struct age_identities *ids = NULL;
	struct hush_buf text = HUSH_BUF_INIT(0);

	read_corpus(&text, "key1.txt");
	T_OK(age_identities_parse(&ids, text.ptr, text.len));
	T_EQ_INT(age_identities_count(ids), 1);
	age_identities_free(ids);
	hush_buf_dispose(&text);
	T_OK(age_identities_parse(&ids, crlf, strlen(crlf)));
	T_EQ_INT(age_identities_count(ids), 1);
	age_identities_free(ids);
	T_OK(age_identities_parse(&ids, two, strlen(two)));
	T_EQ_INT(age_identities_count(ids), 2);
	age_identities_free(ids);
	T_EQ_INT(age_identities_parse(&ids, bad_line3, strlen(bad_line3)),
		HUSH_EPARSE);
	T_ASSERT(strstr(hush_err_msg(), "line 3") != NULL);
	T_EQ_INT(age_identities_parse(&ids, none, strlen(none)), HUSH_EPARSE);
	T_EQ_STR(hush_err_msg(), "age: no identities found");
	T_EQ_INT(age_identities_parse(&ids, "", 0), HUSH_EPARSE);
}

static void recipient_of_key(void)
{
	struct age_identities *ids = key1();
	char r[AGE_RECIPIENT_LEN + 1];

	T_OK(age_identities_recipient(r, ids, 0));
	T_EQ_STR(r, KEY1_PUB);
	T_EQ_INT(age_identities_recipient(r, ids, 1), HUSH_ERROR);
	age_identities_free(ids);
}

static int armor(struct hush_buf *out, const char *s)
{
	return age_armor_decode(out, (const unsigned char *)s, strlen(s));
}

#define B "-----BEGIN AGE ENCRYPTED FILE-----"
#define E "-----END AGE ENCRYPTED FILE-----"
#define L64 "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2"

static void armor_edges(void)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: must fail */
	} cases[] = {
		{ B "\nQUJD\n" E "\n", "ABC" },
		{ B "\r\nQUJD\r\n" E "\r\n", "ABC" },
		{ B "\nQUJD\n" E, "ABC" },
		{ "\n \t\n" B "\nQUJD\n" E "\n \n\n", "ABC" },
		{ B "\n" E "\n", "" },
		{ B "\nQUI=\n" E "\n", "AB" },
		{ B "\n" L64 "\n" E "\n",
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv" },
		{ B "\n" L64 "\nQUI=\n" E "\n",
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvAB" },
		{ "-----BEGIN age encrypted file-----\nQUJD\n" E "\n", NULL },
		{ " " B "\nQUJD\n" E "\n", NULL },
		{ B " \nQUJD\n" E "\n", NULL },
		{ B "\nQUJD \n" E "\n", NULL },
		{ B "\n QUJD\n" E "\n", NULL },
		{ B "\nQUI\n" E "\n", NULL },
		{ B "\nQUJ=\n" E "\n", NULL },
		{ B "\nQUJD\n", NULL },
		{ B "\nQUJD\n\n" E "\n", NULL },
		{ B "\n\nQUJD\n" E "\n", NULL },
		{ B "\nQUI=\nQUJD\n" E "\n", NULL },
		{ B "\n" L64 "QUJD\n" E "\n", NULL },
		{ B "\nQUJD\n" E "\nx\n", NULL },
		{ B "\nQUJD\n" E " \n", NULL },
		{ B "\nVersion: 1\n\nQUJD\n" E "\n", NULL },
		{ B "\nQUJD\n=AAAA\n" E "\n", NULL },
		{ B "\nQU\rJD\n" E "\n", NULL },
		{ "", NULL },
		{ "garbage\n" B "\nQUJD\n" E "\n", NULL },
	};
	struct hush_buf out;
	char big[3000];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (cases[i].want == NULL) {
			if (armor(&out, cases[i].in) != HUSH_EPARSE)
				T_FAIL("armor case %zu decoded", i);
			continue;
		}
		if (armor(&out, cases[i].in) < 0)
			T_FAIL("armor case %zu: %s", i, hush_err_msg());
		T_EQ_INT(out.len, strlen(cases[i].want));
		T_EQ_MEM(out.len ? out.ptr : "", cases[i].want, out.len);
		hush_buf_dispose(&out);
	}
	/* at most 1 KiB of whitespace before BEGIN and after END */
	memset(big, '\n', sizeof(big));
	memcpy(big + 1100, B "\nQUJD\n" E "\n", strlen(B E) + 7);
	big[1100 + strlen(B E) + 7] = '\0';
	T_EQ_INT(armor(&out, big), HUSH_EPARSE);
	memcpy(big, B "\nQUJD\n" E "\n", strlen(B E) + 7);
	memset(big + strlen(B E) + 7, ' ', 1024);
	big[strlen(B E) + 7 + 1024] = '\0';
	T_EQ_INT(armor(&out, big), HUSH_EPARSE);
	big[strlen(B E) + 7 + 1023] = '\0';
	T_OK(armor(&out, big));
	hush_buf_dispose(&out);
}

static void decrypt_file(const char *name, enum age_format fmt,
	const struct age_identities *ids, struct secret **out,
	enum age_result *r, int *error)
{
	struct hush_buf data = HUSH_BUF_INIT(0);

	read_corpus(&data, name);
	*error = age_decrypt(out, r, ids, (const unsigned char *)data.ptr,
		data.len, fmt);
	hush_buf_dispose(&data);
}

static void auto_format(void)
{
	struct age_identities *ids = key1();
	struct hush_buf want = HUSH_BUF_INIT(0);
	static const char *files[] = { "small.txt.age", "small.txt.age.asc",
		"corrupt/small.asc.crlf.age.asc",
		"corrupt/small.asc.leading_whitespace.age.asc" };
	struct secret *plain = NULL;
	enum age_result r;
	size_t i;
	int error;

	read_corpus(&want, "small.txt");
	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		decrypt_file(files[i], AGE_FORMAT_AUTO, ids, &plain, &r, &error);
		T_OK(error);
		T_EQ_INT(r, AGE_SUCCESS);
		T_EQ_INT(plain->len, want.len);
		T_EQ_MEM(plain->data, want.ptr, want.len);
		secret_free(plain);
	}
	/* an armored file read as binary is a header failure, and back */
	decrypt_file("small.txt.age.asc", AGE_FORMAT_BINARY, ids, &plain, &r,
		&error);
	T_EQ_INT(r, AGE_HEADER_FAILURE);
	decrypt_file("small.txt.age", AGE_FORMAT_ARMORED, ids, &plain, &r,
		&error);
	T_EQ_INT(r, AGE_ARMOR_FAILURE);
	hush_buf_dispose(&want);
	age_identities_free(ids);
}

/* Every failure: an error, the right class and message, and no secret. */
static void failure_releases_nothing(void)
{
	static const struct {
		const char *file;
		enum age_result r;
		int error;
		const char *msg;
	} cases[] = {
		{ "corrupt/big200k.payload_flip_chunk2.age", AGE_PAYLOAD_FAILURE,
			HUSH_EAUTH, "age: payload: chunk 1 failed to authenticate" },
		{ "corrupt/big200k.truncated_at_chunk_boundary.age",
			AGE_PAYLOAD_FAILURE, HUSH_EAUTH,
			"age: payload: unexpected end of file (no final chunk)" },
		{ "corrupt/small.trailing_garbage.age", AGE_PAYLOAD_FAILURE,
			HUSH_EAUTH, "age: payload: chunk 0 failed to authenticate" },
		{ "corrupt/small.hdrmac_flip.age", AGE_HMAC_FAILURE, HUSH_EAUTH,
			"age: header MAC mismatch" },
		{ "corrupt/small.share_flip.age", AGE_NO_MATCH, HUSH_ENOTFOUND,
			"age: no identity matches any recipient" },
		{ "corrupt/small.truncated_no_nonce.age", AGE_HEADER_FAILURE,
			HUSH_EPARSE, "age: payload nonce missing or short" },
		{ "corrupt/small.asc.no_end_line.age.asc", AGE_ARMOR_FAILURE,
			HUSH_EPARSE,
			"age: armor: short line 7 is not followed by the END line" },
	};
	struct age_identities *ids = key1();
	struct secret *plain = NULL;
	enum age_result r;
	size_t i;
	int error;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		plain = (struct secret *)&r; /* must be reset to NULL */
		decrypt_file(cases[i].file, AGE_FORMAT_AUTO, ids, &plain, &r,
			&error);
		T_ASSERT(plain == NULL);
		T_EQ_INT(error, cases[i].error);
		T_EQ_INT(r, cases[i].r);
		T_EQ_STR(hush_err_msg(), cases[i].msg);
	}
	age_identities_free(ids);
}

static void scrypt_passphrase(void)
{
	struct age_identities *ids = NULL;
	struct secret *plain = NULL;
	enum age_result r;
	int error;

	T_OK(age_identities_new(&ids));
	decrypt_file("small.scrypt.age", AGE_FORMAT_AUTO, ids, &plain, &r,
		&error);
	T_EQ_INT(error, HUSH_EUSAGE);
	T_OK(age_identities_set_passphrase(ids, "wrong", 5));
	decrypt_file("small.scrypt.age", AGE_FORMAT_AUTO, ids, &plain, &r,
		&error);
	T_EQ_INT(r, AGE_NO_MATCH);
	T_ASSERT(plain == NULL);
	T_OK(age_identities_set_passphrase(ids,
		"correct horse battery staple", 28));
	decrypt_file("small.scrypt.age", AGE_FORMAT_AUTO, ids, &plain, &r,
		&error);
	T_OK(error);
	T_EQ_INT(plain->len, 66);
	secret_free(plain);
	age_identities_free(ids);
	/* an X25519 key alone does not match a passphrase file */
	ids = key1();
	decrypt_file("small.scrypt.age", AGE_FORMAT_AUTO, ids, &plain, &r,
		&error);
	T_EQ_INT(r, AGE_NO_MATCH);
	age_identities_free(ids);
}

static void limits(void)
{
	static const char stanza[] = "-> grease\n\n";
	struct age_identities *ids = key1();
	struct hush_buf h = HUSH_BUF_INIT(1u << 20);
	struct secret *plain = NULL;
	unsigned char *big;
	enum age_result r;
	size_t i;

	big = calloc(1, HUSH_MAX_AGE_FILE + 1u);
	T_ASSERT(big != NULL);
	T_EQ_INT(age_decrypt(&plain, &r, ids, big, HUSH_MAX_AGE_FILE + 1u,
		AGE_FORMAT_BINARY), HUSH_ELIMIT);
	T_EQ_INT(r, AGE_OTHER_FAILURE);
	free(big);
	T_OK(hush_buf_puts(&h, "age-encryption.org/v1\n"));
	for (i = 0; i <= HUSH_MAX_AGE_STANZAS; i++)
		T_OK(hush_buf_puts(&h, stanza));
	T_OK(hush_buf_puts(&h, "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"));
	T_EQ_INT(age_decrypt(&plain, &r, ids, (const unsigned char *)h.ptr,
		h.len, AGE_FORMAT_BINARY), HUSH_EPARSE);
	T_EQ_INT(r, AGE_HEADER_FAILURE);
	T_ASSERT(strstr(hush_err_msg(), "HUSH_MAX_AGE_STANZAS") != NULL);
	hush_buf_dispose(&h);
	age_identities_free(ids);
}

/* ---- fresh vectors from the real age CLI, when it is installed ---- */

static bool in_path(const char *prog)
{
	char path[1024];
	int n;

	n = snprintf(path, sizeof(path), "/usr/bin/%s", prog);
	return n > 0 && (size_t)n < sizeof(path) && access(path, X_OK) == 0;
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void age_cli_roundtrip(void)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072,
		200000 };
	char dir[] = "/tmp/hush-age-XXXXXX", key[64], in[64], enc[64];
	char recip[AGE_RECIPIENT_LEN + 1], *argv[10];
	struct hush_buf text = HUSH_BUF_INIT(0), data = HUSH_BUF_INIT(0);
	struct age_identities *ids = NULL;
	struct secret *plain = NULL;
	unsigned char *buf;
	enum age_result r;
	size_t i, j, a;
	FILE *f;

	if (!in_path("age") || !in_path("age-keygen")) {
		fprintf(stderr, "age CLI not installed: skipped\n");
		exit(77);
	}
	T_ASSERT(mkdtemp(dir) != NULL);
	T_ASSERT(snprintf(key, sizeof(key), "%s/key", dir) > 0);
	T_ASSERT(snprintf(in, sizeof(in), "%s/in", dir) > 0);
	T_ASSERT(snprintf(enc, sizeof(enc), "%s/enc", dir) > 0);
	argv[0] = "/usr/bin/age-keygen";
	argv[1] = "-o";
	argv[2] = key;
	argv[3] = NULL;
	T_EQ_INT(run(argv), 0);
	T_OK(hush_fs_read_all(&text, key, 4096, "key"));
	T_OK(age_identities_parse(&ids, text.ptr, text.len));
	T_OK(age_identities_recipient(recip, ids, 0));
	T_ASSERT(strstr(text.ptr, recip) != NULL); /* "# public key:" */
	buf = malloc(200000);
	T_ASSERT(buf != NULL);
	for (j = 0; j < 200000; j++)
		buf[j] = (unsigned char)(j * 131 + (j >> 9));
	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		for (a = 0; a < 2; a++) {
			f = fopen(in, "wb");
			T_ASSERT(f != NULL);
			T_ASSERT(fwrite(buf, 1, sizes[i], f) == sizes[i]);
			T_ASSERT(fclose(f) == 0);
			j = 0;
			argv[j++] = "/usr/bin/age";
			argv[j++] = "-r";
			argv[j++] = recip;
			if (a)
				argv[j++] = "-a";
			argv[j++] = "-o";
			argv[j++] = enc;
			argv[j++] = in;
			argv[j] = NULL;
			T_EQ_INT(run(argv), 0);
			T_OK(hush_fs_read_all(&data, enc, 1u << 20, "enc"));
			T_OK(age_decrypt(&plain, &r, ids,
				(const unsigned char *)data.ptr, data.len,
				AGE_FORMAT_AUTO));
			T_EQ_INT(plain->len, sizes[i]);
			T_EQ_MEM(plain->data, buf, sizes[i]);
			secret_free(plain);
			/* the last byte flipped: nothing comes out */
			data.ptr[data.len - (a ? 40 : 1)] ^= 1;
			T_ASSERT(age_decrypt(&plain, &r, ids,
				(const unsigned char *)data.ptr, data.len,
				AGE_FORMAT_AUTO) < 0);
			T_ASSERT(plain == NULL);
			hush_buf_dispose(&data);
			unlink(enc);
		}
	}
	free(buf);
	unlink(in);
	unlink(key);
	rmdir(dir);
	hush_buf_dispose(&text);
	age_identities_free(ids);
}

T_MAIN(T_CASE(hkdf_rfc5869), T_CASE(base_primitives),
	T_CASE(bech32_identities), T_CASE(keys_file), T_CASE(recipient_of_key),
	T_CASE(armor_edges), T_CASE(auto_format),
	T_CASE(failure_releases_nothing), T_CASE(scrypt_passphrase),
	T_CASE(limits), T_CASE(age_cli_roundtrip))
