/* SPDX-License-Identifier: MIT */
/*
 * test_sopsref.c - unit cases for the pieces under sopsref: Shamir
 * combination, the bootstrap variable list, secret_append and the JSON
 * writer's layout (Go encoding/json + json.Indent with a tab).
 */
#include <string.h>

#include "t.h"
#include "payload.h"
#include "sops.h"
#include "sopsref.h"

static struct secret *mk(const unsigned char *p, size_t len)
{
	struct secret *s = NULL;

	T_OK(secret_append(&s, p, len, 64));
	return s;
}

/*
 * f(x) = 0x42 + 0x05 x and g(x) = 0x17 + 0xA3 x over GF(2^8), shares at
 * x = 1, 2, 3: y1 = 0x47 0xB4, y2 = 0x48 0x4A (0x05*2 = 0x0A, 0xA3*2 =
 * 0x5D), y3 = 0x4D 0xE9 (0x05*3 = 0x0F, 0xA3*3 = 0xFE), worked out by
 * hand. Any two give 0x42 0x17.
 */
static void shamir_vector(void)
{
	static const unsigned char a[] = { 0x47, 0xB4, 1 },
		b[] = { 0x48, 0x4A, 2 }, c[] = { 0x4D, 0xE9, 3 };
	struct secret *p[3], *k = NULL;

	p[0] = mk(a, 3);
	p[1] = mk(b, 3);
	p[2] = mk(c, 3);
	T_OK(sops__shamir_combine(&k, p, 2));
	T_EQ_INT(k->len, 2);
	T_EQ_INT(k->data[0], 0x42);
	T_EQ_INT(k->data[1], 0x17);
	secret_free(k);
	T_OK(sops__shamir_combine(&k, p + 1, 2));
	T_EQ_INT(k->data[0], 0x42);
	T_EQ_INT(k->data[1], 0x17);
	secret_free(k);
	T_OK(sops__shamir_combine(&k, p, 3));
	T_EQ_INT(k->data[0], 0x42);
	T_EQ_INT(k->data[1], 0x17);
	secret_free(k);
	secret_free(p[0]);
	secret_free(p[1]);
	secret_free(p[2]);
}

static void shamir_errors(void)
{
	static const unsigned char a[] = { 1, 2, 7 }, b[] = { 3, 4, 7 },
		c[] = { 5, 9 };
	struct secret *p[2], *k = NULL;

	p[0] = mk(a, 3);
	p[1] = mk(b, 3);
	T_EQ_INT(sops__shamir_combine(&k, p, 2), HUSH_EAUTH); /* same x */
	T_ASSERT(k == NULL);
	T_EQ_INT(sops__shamir_combine(&k, p, 1), HUSH_EAUTH);
	secret_free(p[1]);
	p[1] = mk(c, 2);
	T_EQ_INT(sops__shamir_combine(&k, p, 2), HUSH_EAUTH); /* lengths */
	secret_free(p[0]);
	secret_free(p[1]);
}

static void bootstrap_vars(void)
{
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_KEY"));
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_KEY=AGE-SECRET-KEY-1X"));
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_KEY_FILE=/k"));
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_KEY_CMD"));
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_SSH_PRIVATE_KEY_FILE=x"));
	T_ASSERT(sops_env_is_bootstrap("SOPS_AGE_SSH_PRIVATE_KEY_CMD"));
	T_ASSERT(!sops_env_is_bootstrap("SOPS_AGE_KEYS"));
	T_ASSERT(!sops_env_is_bootstrap("SOPS_AGE"));
	T_ASSERT(!sops_env_is_bootstrap("HOME=/root"));
	T_ASSERT(!sops_env_is_bootstrap("SOPS_AGE_RECIPIENTS=age1x"));
	T_ASSERT(!sops_env_is_bootstrap(NULL));
}

static void secret_growth(void)
{
	struct secret *s = NULL;
	char block[300];
	size_t i;

	memset(block, 'x', sizeof(block));
	for (i = 0; i < 10; i++)
		T_OK(secret_append(&s, block, sizeof(block), 3000));
	T_EQ_INT(s->len, 3000);
	T_ASSERT(s->cap > s->len); /* room for a NUL */
	T_EQ_INT(secret_append(&s, "y", 1, 3000), HUSH_ELIMIT);
	T_EQ_INT(s->len, 3000);
	secret_free(s);
}

static void json_layout(void)
{
	static const char want[] =
		"{\n\t\"a\": 1,\n\t\"b\\u003c\": [\n\t\t\"x\\u0026\\n\\b\\u001f\","
		"\n\t\t{}\n\t],\n\t\"c\": [],\n\t\"d\": \"\\ufffd\\u2028\xc3\xa9\"\n}\n";
	struct payload_writer *w = NULL;
	struct secret *out = NULL;

	T_OK(payload_writer_new(&w, 1024));
	T_OK(payload_writer_open(w, NULL, 0, true));
	T_OK(payload_writer_raw(w, "a", 1, "1", 1));
	T_OK(payload_writer_open(w, "b<", 2, false));
	T_OK(payload_writer_string(w, NULL, 0,
		(const unsigned char *)"x&\n\b\x1f", 5));
	T_OK(payload_writer_open(w, NULL, 0, true));
	T_OK(payload_writer_close(w));
	T_OK(payload_writer_close(w));
	T_OK(payload_writer_open(w, "c", 1, false));
	T_OK(payload_writer_close(w));
	T_EQ_INT(payload_writer_finish(&out, w), HUSH_ERROR); /* still open */
	T_OK(payload_writer_string(w, "d", 1,
		(const unsigned char *)"\xff\xe2\x80\xa8\xc3\xa9", 6));
	T_EQ_INT(payload_writer_raw(w, NULL, 0, "1", 1), HUSH_ERROR);
	T_OK(payload_writer_close(w));
	T_OK(payload_writer_finish(&out, w));
	T_EQ_INT(out->len, strlen(want));
	T_EQ_MEM(out->data, want, out->len);
	secret_free(out);
	payload_writer_free(w);
}

T_MAIN(T_CASE(shamir_vector), T_CASE(shamir_errors), T_CASE(bootstrap_vars),
	T_CASE(secret_growth), T_CASE(json_layout))
