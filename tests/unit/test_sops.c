/* SPDX-License-Identifier: MIT */
/*
 * test_sops.c - sops decryption against the real vectors in
 * corpus/injector/sops (each with its .expected.json), PGP-only vectors with
 * their data key injected, and negatives that must fail with no plaintext.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hush/buf.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "age.h"
#include "payload.h"
#include "sops.h"
#include "t.h"

/* an identity that is no recipient of any vector (corpus/injector/age) */
#define OTHER_KEY \
	"AGE-SECRET-KEY-1Z22LS9YX6W453J388SEMHVNL4L6V2N7U3KKL9W7JF9NC40K777ZQMRCKAA"

static void read_corpus(struct hush_buf *out, const char *name)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s", HUSH_SOPS_CORPUS, name);

	T_ASSERT(n > 0 && (size_t)n < sizeof(path));
	T_OK(hush_fs_read_all(out, path, HUSH_MAX_SOPS_FILE, "test"));
}

static struct age_identities *keys(const char *text)
{
	struct age_identities *ids = NULL;

	T_OK(age_identities_parse(&ids, text, strlen(text)));
	return ids;
}

static struct age_identities *vector_keys(void)
{
	struct hush_buf b;
	struct age_identities *ids;

	read_corpus(&b, "age/keys.txt");
	ids = keys(b.ptr);
	hush_buf_dispose(&b);
	return ids;
}

struct cmp {
	const struct payload_node *leaf; /* next expected leaf */
	size_t n;
};

static int cmp_leaf(const struct sops_leaf *l, void *payload)
{
	struct cmp *c = payload;
	const struct payload_node *want, *aad, *enc;
	const struct sops_node *n = l->node;
	char buf[512];
	size_t len;

	if (n->kind == SOPS_COMMENT || n->kind == SOPS_NULL)
		return 0;
	T_ASSERT(c->leaf != NULL);
	aad = payload_node_get(c->leaf, "aad");
	enc = payload_node_get(c->leaf, "encrypted");
	want = payload_node_get(c->leaf, "value");
	T_ASSERT(aad != NULL && enc != NULL && want != NULL);
	T_EQ_STR(l->aad, payload_node_string(aad));
	if (n->encrypted != payload_node_bool(enc))
		T_FAIL("%s: encrypted %d", l->aad, (int)n->encrypted);
	T_ASSERT(n->value != NULL);
	switch (payload_node_kind(want)) {
	case PAYLOAD_STRING:
		len = strlen(payload_node_string(want));
		T_EQ_INT(n->value->len, len);
		T_EQ_MEM(n->value->data, payload_node_string(want), len);
		break;
	case PAYLOAD_BOOL:
		T_EQ_INT(n->kind, SOPS_BOOL);
		T_EQ_STR(payload_node_bool(want) ? "True" : "False",
			memcpy(memset(buf, 0, sizeof(buf)), n->value->data,
				n->value->len));
		break;
	case PAYLOAD_NUMBER:
		T_ASSERT(n->value->len < sizeof(buf));
		memset(buf, 0, sizeof(buf));
		memcpy(buf, n->value->data, n->value->len);
		T_ASSERT(strtod(buf, NULL) == payload_node_number(want));
		break;
	default:
		T_FAIL("unexpected expected-value kind at %s", l->aad);
	}
	c->leaf = payload_node_next(c->leaf);
	c->n++;
	return 0;
}

/* Compare a decrypted tree with <file>.expected.json. */
static void check_expected(const struct sops_tree *t, const char *file)
{
	struct hush_buf b;
	struct payload_json *exp = NULL;
	const struct payload_node *leaves;
	struct cmp c;
	char name[512];
	int n = snprintf(name, sizeof(name), "%s.expected.json", file);

	T_ASSERT(n > 0 && (size_t)n < sizeof(name));
	read_corpus(&b, name);
	T_OK(payload_json_parse(&exp, name, (const unsigned char *)b.ptr,
		b.len));
	leaves = payload_node_get(payload_json_root(exp), "leaves");
	T_ASSERT(leaves != NULL);
	c.leaf = payload_node_first(leaves);
	c.n = 0;
	T_OK(sops_tree_walk(t, cmp_leaf, &c));
	T_ASSERT(c.leaf == NULL); /* every expected leaf was seen */
	T_ASSERT(c.n > 0);
	payload_json_free(exp);
	hush_buf_dispose(&b);
}

/* The data key of a vector, from its expectation file. */
static void expected_key(unsigned char *key, const char *file)
{
	struct hush_buf b;
	struct payload_json *exp = NULL;
	const char *hex;
	char name[512];
	unsigned v;
	size_t i;
	int n = snprintf(name, sizeof(name), "%s.expected.json", file);

	T_ASSERT(n > 0 && (size_t)n < sizeof(name));
	read_corpus(&b, name);
	T_OK(payload_json_parse(&exp, name, (const unsigned char *)b.ptr,
		b.len));
	hex = payload_node_string(payload_node_get(payload_json_root(exp),
		"data_key_hex"));
	T_ASSERT(hex != NULL && strlen(hex) == 2 * SOPS_DATA_KEY_BYTES);
	for (i = 0; i < SOPS_DATA_KEY_BYTES; i++) {
		T_ASSERT(sscanf(hex + 2 * i, "%2x", &v) == 1);
		key[i] = (unsigned char)v;
	}
	payload_json_free(exp);
	hush_buf_dispose(&b);
}

static struct sops_file *load_text(const char *name, const char *text,
	size_t len)
{
	struct sops_file *f = NULL;

	T_OK(sops_load(&f, name, (const unsigned char *)text, len,
		SOPS_FORMAT_AUTO));
	return f;
}

static void decrypt_age_vector(const char *file)
{
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;
	struct age_identities *ids = vector_keys();

	read_corpus(&b, file);
	f = load_text(file, b.ptr, b.len);
	T_OK(sops_decrypt(&t, f, ids, 0));
	T_ASSERT(sops_tree_mac_ok(t));
	check_expected(t, file);
	sops_tree_free(t);
	sops_file_free(f);
	age_identities_free(ids);
	hush_buf_dispose(&b);
}

static void age_yaml(void)
{
	decrypt_age_vector("example.yaml");
}

static void age_json(void)
{
	decrypt_age_vector("example.json");
}

/* Each identity of keys.txt alone opens the file (its own recipient). */
static void age_each_identity(void)
{
	static const char *const k[] = {
		"AGE-SECRET-KEY-1NJT5YCS2LWU4V4QAJQ6R4JNU7LXPDX602DZ9NUFANVU5GDTGUWCQ5T59M6\n",
		"AGE-SECRET-KEY-1T0Z66WSXS6RMNCPSL7P2E8N4Q7SUD8VMG9ND27S08JL7Y2XAU9EQECHDS7\n",
	};
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;
	struct age_identities *ids;
	const struct sops_node *n = NULL;
	size_t i;

	read_corpus(&b, "example.yaml");
	f = load_text("example.yaml", b.ptr, b.len);
	for (i = 0; i < 2; i++) {
		ids = keys(k[i]);
		T_OK(sops_decrypt(&t, f, ids, 0));
		T_OK(sops_tree_lookup(&n, t, "app2.db.user"));
		T_EQ_INT(n->value->len, 3);
		T_EQ_MEM(n->value->data, "eve", 3);
		T_OK(sops_tree_lookup(&n, t, "an_array.1"));
		T_EQ_MEM(n->value->data, "secretuser2", 11);
		T_ASSERT(sops_tree_lookup(&n, t, "app2.nope") ==
			HUSH_ENOTFOUND);
		T_ASSERT(n == NULL);
		sops_tree_free(t);
		t = NULL;
		age_identities_free(ids);
	}
	sops_file_free(f);
	hush_buf_dispose(&b);
}

/* PGP-only vectors: the data key comes from .expected.json. */
static void pgp_known_key(void)
{
	static const char *const files[] = {
		"pgp-head/example.yaml",
		"pgp-head/example.json",
		"pgp-head/example.txt",
		"pgp-head/examples/per_file/config.enc/static_github.json",
		"pgp-head/examples/all_in_one/config/secret.enc.json",
		"pgp-head/functional-tests/res/comments.enc.yaml",
		"pgp-head/functional-tests/res/comments_unencrypted_comments.yaml",
		"pgp-head/functional-tests/res/format.enc.json",
		"pgp-head/functional-tests/res/format.enc.yaml",
		"pgp-head/functional-tests/res/multiple_keys.yaml",
	};
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		read_corpus(&b, files[i]);
		expected_key(key, files[i]);
		f = load_text(files[i], b.ptr, b.len);
		t = NULL;
		T_OK(sops__decrypt_with_key(&t, f, key, 0));
		T_ASSERT(sops_tree_mac_ok(t));
		check_expected(t, files[i]);
		sops_tree_free(t);
		sops_file_free(f);
		hush_buf_dispose(&b);
	}
}

/* The binary store: the document is the bytes of `data`. */
static void binary_output(void)
{
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf b, plain;
	struct sops_file *f;
	struct sops_tree *t = NULL;
	const struct sops_node *n = NULL;

	read_corpus(&b, "pgp-head/example.txt");
	read_corpus(&plain, "pgp-head/example.txt.plain");
	expected_key(key, "pgp-head/example.txt");
	f = load_text("example.txt", b.ptr, b.len);
	T_OK(sops__decrypt_with_key(&t, f, key, 0));
	T_EQ_INT(sops_tree_format(t), SOPS_FORMAT_BINARY);
	T_OK(sops_tree_lookup(&n, t, "data"));
	T_EQ_INT(n->value->len, plain.len);
	T_EQ_MEM(n->value->data, plain.ptr, plain.len);
	sops_tree_free(t);
	sops_file_free(f);
	hush_buf_dispose(&plain);
	hush_buf_dispose(&b);
}

/* no_mac.yaml fails unless the MAC check is switched off. */
static void no_mac(void)
{
	const char *file = "pgp-head/functional-tests/res/no_mac.yaml";
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;

	read_corpus(&b, file);
	expected_key(key, file);
	f = load_text(file, b.ptr, b.len);
	T_EQ_INT(sops__decrypt_with_key(&t, f, key, 0), HUSH_EAUTH);
	T_ASSERT(t == NULL);
	T_ASSERT(strstr(hush_err_msg(), "File has no MAC") != NULL);
	T_OK(sops__decrypt_with_key(&t, f, key, SOPS_IGNORE_MAC));
	T_ASSERT(!sops_tree_mac_ok(t));
	check_expected(t, file);
	sops_tree_free(t);
	sops_file_free(f);
	hush_buf_dispose(&b);
}

static void pgp_only(void)
{
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;
	struct age_identities *ids = vector_keys();

	read_corpus(&b, "pgp-head/example.yaml");
	f = load_text("example.yaml", b.ptr, b.len);
	T_EQ_INT(sops_decrypt(&t, f, ids, 0), HUSH_ENOTFOUND);
	T_ASSERT(t == NULL);
	T_ASSERT(strstr(hush_err_msg(), "PGP recipients are not supported, "
					"add an age recipient") != NULL);
	sops_file_free(f);
	age_identities_free(ids);
	hush_buf_dispose(&b);
}

/*
 * Edit the file text: replace the byte after the first `after` (so data,
 * iv or tag of the first value), or a whole substring.
 */
static void flip_after(struct hush_buf *b, const char *after)
{
	char *p = strstr(b->ptr, after);

	T_ASSERT(p != NULL);
	p += strlen(after);
	*p = *p == 'A' ? 'B' : 'A';
}

static void replace(struct hush_buf *b, const char *from, const char *to)
{
	char *p = strstr(b->ptr, from);

	T_ASSERT(p != NULL && strlen(from) == strlen(to));
	memcpy(p, to, strlen(to));
}

/* Decryption of the edited file must fail with code and no tree. */
static void expect_fail(const char *name, struct hush_buf *b,
	const struct age_identities *ids, int code, const char *msg)
{
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	int error;

	error = sops_load(&f, name, (const unsigned char *)b->ptr, b->len,
		SOPS_FORMAT_AUTO);
	if (error == 0)
		error = sops_decrypt(&t, f, ids, 0);
	if (error != code || t != NULL ||
	    strstr(hush_err_msg(), msg) == NULL)
		T_FAIL("%s: got %d \"%s\", want %d \"%s\"", name, error,
			hush_err_msg(), code, msg);
	T_ASSERT(strstr(hush_err_msg(), name) != NULL);
	sops_file_free(f);
}

static void negatives(void)
{
	static const struct {
		const char *file, *edit, *to;
		int code;
		const char *msg;
	} cases[] = {
		{ "example.yaml", "myapp1: ENC[AES256_GCM,data:", NULL,
			HUSH_EAUTH, "myapp1:: authentication failed" },
		{ "example.yaml", "CYoxA==,iv:", NULL, HUSH_EAUTH,
			"authentication failed" },
		{ "example.yaml", ",tag:", NULL, HUSH_EAUTH,
			"authentication failed" },
		{ "example.json", "\"firstName\": \"ENC[AES256_GCM,data:",
			NULL, HUSH_EAUTH, "firstName:: authentication" },
		{ "example.yaml", "2022-03-15T22:11:15Z",
			"2022-03-15T22:11:16Z", HUSH_EAUTH, "MAC mismatch" },
		{ "example.json", "2022-03-15T22:12:12Z",
			"2022-03-15T22:12:13Z", HUSH_EAUTH, "MAC mismatch" },
		{ "example.yaml", "type:float]", "tyqe:float]", HUSH_EPARSE,
			"not a valid ENC" },
		{ "example.yaml", "type:float]", "type:floot]", HUSH_EPARSE,
			"Unknown datatype" },
		{ "example.yaml", "iv:onHYft9ubwdfdwOOsO9yET9x",
			"iv:onHYft9ubwdfdwOOsO9yET9*", HUSH_EPARSE,
			"bad base64" },
		{ "example.yaml", "unencrypted_suffix: _unencrypted",
			"unencrypted_suffix: _unencryptex", HUSH_EPARSE,
			"somelist_unencrypted:: not a valid ENC" },
	};
	struct age_identities *ids = vector_keys();
	struct hush_buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		read_corpus(&b, cases[i].file);
		if (cases[i].to == NULL) {
			if (strstr(cases[i].edit, "iv:") != NULL ||
			    strcmp(cases[i].edit, ",tag:") == 0)
				flip_after(&b, strstr(cases[i].edit, "iv:") ?
						       "iv:" : ",tag:");
			else
				flip_after(&b, cases[i].edit);
		} else {
			replace(&b, cases[i].edit, cases[i].to);
		}
		expect_fail(cases[i].file, &b, ids, cases[i].code,
			cases[i].msg);
		hush_buf_dispose(&b);
	}
	age_identities_free(ids);
}

static void wrong_or_no_key(void)
{
	struct age_identities *other = keys(OTHER_KEY "\n");
	struct age_identities *none = NULL;
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;

	T_OK(age_identities_new(&none));
	read_corpus(&b, "example.yaml");
	expect_fail("example.yaml", &b, other, HUSH_ENOTFOUND,
		"no age identity opens");
	expect_fail("example.yaml", &b, none, HUSH_ENOTFOUND,
		"no age identity opens");
	f = load_text("example.yaml", b.ptr, b.len);
	memset(key, 0x42, sizeof(key));
	T_EQ_INT(sops__decrypt_with_key(&t, f, key, 0), HUSH_EAUTH);
	T_ASSERT(t == NULL);
	T_EQ_INT(sops__decrypt_with_key(&t, f, key, SOPS_IGNORE_MAC),
		HUSH_EAUTH); /* values still must verify */
	T_ASSERT(t == NULL);
	sops_file_free(f);
	hush_buf_dispose(&b);
	age_identities_free(other);
	age_identities_free(none);
}

static void malformed(void)
{
	static const struct {
		const char *name, *text, *msg;
		int code;
	} cases[] = {
		{ "a.yaml", "x: &a 1\ny: *a\nsops: {}\n", "anchors",
			HUSH_EPARSE },
		{ "a.yaml", "x: 1\nx: 2\nsops: {}\n", "duplicate key",
			HUSH_EPARSE },
		{ "a.yaml", "- 1\n- 2\n", "not a mapping", HUSH_EPARSE },
		{ "a.yaml", "x: 1\n", "no sops metadata", HUSH_EPARSE },
		{ "a.yaml", "x: 1\nsops:\n  lastmodified: '2022-03-15T22:11:15Z'\n",
			"No keys found", HUSH_EPARSE },
		{ "a.yaml", "x: [1\n", "YAML", HUSH_EPARSE },
		{ "a.json", "[1]", "not an object", HUSH_EPARSE },
		{ "a.json", "{\"a\":1,\"a\":2}", "duplicate JSON key",
			HUSH_EPARSE },
		{ "a.json", "{\"a\":1} x", "trailing", HUSH_EPARSE },
		{ "a.env", "a=b\n", "no sops metadata", HUSH_EPARSE },
		{ "a.yaml", "x: !!binary aGk=\nsops: {}\n", "tag",
			HUSH_EPARSE },
	};
	struct sops_file *f = NULL;
	size_t i;
	int error;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		error = sops_load(&f, cases[i].name,
			(const unsigned char *)cases[i].text,
			strlen(cases[i].text), SOPS_FORMAT_AUTO);
		if (error != cases[i].code ||
		    strstr(hush_err_msg(), cases[i].msg) == NULL)
			T_FAIL("case %zu: got %d \"%s\"", i, error,
				hush_err_msg());
		T_ASSERT(f == NULL);
	}
}

/* A leaf sops would encrypt that is not a string, and a float in clear. */
static void not_string(void)
{
	static const char text[] =
		"{\"a_unencrypted\": 1e3, \"b\": 5, \"sops\": {\"age\": "
		"[{\"enc\": \"x\"}], \"lastmodified\": "
		"\"2022-03-15T22:11:15.5+00:00\"}}";
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct sops_file *f = load_text("n.json", text, strlen(text));
	struct sops_tree *t = NULL;

	memset(key, 1, sizeof(key));
	T_EQ_INT(sops__decrypt_with_key(&t, f, key, 0), HUSH_EPARSE);
	T_ASSERT(strstr(hush_err_msg(), "n.json: b:: Expected encrypted "
					"value as string") != NULL);
	T_ASSERT(t == NULL);
	sops_file_free(f);
}

static void truncated(void)
{
	static const char *const files[] = { "example.yaml", "example.json" };
	struct age_identities *ids = vector_keys();
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	struct hush_buf b;
	size_t i, cut, end;
	int error;

	/* YAML cut after the MAC can still verify (version is not MACed) */
	for (i = 0; i < 2; i++) {
		read_corpus(&b, files[i]);
		end = (size_t)(strstr(b.ptr, "mac") - b.ptr);
		for (cut = 0; cut < end; cut += 97) {
			error = sops_load(&f, files[i],
				(const unsigned char *)b.ptr, cut,
				SOPS_FORMAT_AUTO);
			if (error == 0) {
				error = sops_decrypt(&t, f, ids, 0);
				sops_file_free(f);
				f = NULL;
			}
			T_ASSERT(error < 0);
			T_ASSERT(t == NULL);
		}
		hush_buf_dispose(&b);
	}
	age_identities_free(ids);
}

/* dotenv and INI vectors (PGP-only): the data key from .expected.json. */
static const char *const flat_files[] = {
	"pgp-head/functional-tests/res/format.enc.env",
	"pgp-head/functional-tests/res/format.enc.ini",
	"pgp-head/functional-tests/res/format-2.enc.ini",
	"pgp-head/example.ini",
};

static struct sops_tree *flat_decrypt(const char *file, unsigned flags)
{
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct hush_buf b;
	struct sops_file *f;
	struct sops_tree *t = NULL;

	read_corpus(&b, file);
	expected_key(key, file);
	f = load_text(file, b.ptr, b.len);
	T_OK(sops__decrypt_with_key(&t, f, key, flags));
	sops_file_free(f);
	hush_buf_dispose(&b);
	return t;
}

static void dotenv_ini_vectors(void)
{
	struct sops_tree *t;
	const struct sops_node *n = NULL;
	size_t i;

	for (i = 0; i < sizeof(flat_files) / sizeof(*flat_files); i++) {
		t = flat_decrypt(flat_files[i], 0);
		T_ASSERT(sops_tree_mac_ok(t));
		check_expected(t, flat_files[i]);
		sops_tree_free(t);
	}
	/* sops' functional test: `foo = bar` is key "foo ", value " bar" */
	t = flat_decrypt(flat_files[0], 0);
	T_EQ_INT(sops_tree_format(t), SOPS_FORMAT_DOTENV);
	T_OK(sops_tree_lookup(&n, t, "foo "));
	T_EQ_INT(n->value->len, 4);
	T_EQ_MEM(n->value->data, " bar", 4);
	sops_tree_free(t);
	/* the `"""` metadata form decrypts to [foo] bar = baz */
	t = flat_decrypt(flat_files[2], 0);
	T_EQ_INT(sops_tree_format(t), SOPS_FORMAT_INI);
	T_OK(sops_tree_lookup(&n, t, "foo.bar"));
	T_EQ_INT(n->value->len, 3);
	T_EQ_MEM(n->value->data, "baz", 3);
	sops_tree_free(t);
}

/* The encrypted section comment of example.ini: AAD of its section. */
static int find_comment(const struct sops_leaf *l, void *payload)
{
	int *found = payload;

	if (l->node->kind != SOPS_COMMENT)
		return 0;
	T_EQ_STR(l->aad, "name:");
	T_ASSERT(l->node->encrypted);
	T_EQ_INT(l->node->value->len, 34);
	T_EQ_MEM(l->node->value->data, "An example file for use with sops!",
		34);
	(*found)++;
	return 0;
}

static void ini_comment_and_clear(void)
{
	struct sops_tree *t = flat_decrypt("pgp-head/example.ini", 0);
	const struct sops_node *n = NULL;
	int found = 0;

	T_OK(sops_tree_walk(t, find_comment, &found));
	T_EQ_INT(found, 1);
	T_OK(sops_tree_lookup(&n, t, "not private.notsecret_unencrypted"));
	T_ASSERT(!n->encrypted);
	T_EQ_MEM(n->value->data, "hi there!", 9);
	T_OK(sops_tree_lookup(&n, t, "phoneNumbers.office"));
	T_EQ_MEM(n->value->data, "646 555-4567", 12);
	sops_tree_free(t);
}

/* Edited dotenv/INI files must fail with code and no tree. */
static void flat_expect_fail(const char *file, struct hush_buf *b, int code,
	const char *msg)
{
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	int error;

	expected_key(key, file);
	error = sops_load(&f, file, (const unsigned char *)b->ptr, b->len,
		SOPS_FORMAT_AUTO);
	if (error == 0)
		error = sops__decrypt_with_key(&t, f, key, 0);
	if (error != code || t != NULL ||
	    (msg != NULL && strstr(hush_err_msg(), msg) == NULL))
		T_FAIL("%s: got %d \"%s\", want %d \"%s\"", file, error,
			hush_err_msg(), code, msg != NULL ? msg : "");
	T_ASSERT(strstr(hush_err_msg(), file) != NULL);
	sops_file_free(f);
}

static void dotenv_ini_negatives(void)
{
	static const struct {
		const char *file, *edit, *to;
		int code;
		const char *msg;
	} cases[] = {
		{ "pgp-head/functional-tests/res/format.enc.env",
			"foo =ENC[AES256_GCM,data:", NULL, HUSH_EAUTH,
			"foo :: authentication failed" },
		{ "pgp-head/functional-tests/res/format.enc.env",
			"sops_lastmodified=2026-05-22T20:15:29Z",
			"sops_lastmodified=2026-05-22T20:15:30Z", HUSH_EAUTH,
			"MAC mismatch" },
		{ "pgp-head/functional-tests/res/format.enc.env",
			"foo =", "fo0 =", HUSH_EAUTH,
			"fo0 :: authentication failed" },
		{ "pgp-head/example.ini", "lastName  = ENC[AES256_GCM,data:",
			NULL, HUSH_EAUTH, "name:lastName:: authentication" },
		{ "pgp-head/example.ini", "lastmodified                = "
			"2019-12-10T22:45:52Z", "lastmodified                = "
			"2019-12-10T22:45:53Z", HUSH_EAUTH,
			"MAC mismatch" },
		{ "pgp-head/example.ini", "notsecret_unencrypted = hi",
			"notsecret_unencrypted = Hi", HUSH_EAUTH,
			"MAC mismatch" },
		{ "pgp-head/example.ini", "[address]", "[adDress]", HUSH_EAUTH,
			"adDress:city:: authentication" },
		{ "pgp-head/functional-tests/res/format-2.enc.ini",
			"bar = ENC[AES256_GCM,data:", NULL, HUSH_EAUTH,
			"foo:bar:: authentication" },
		{ "pgp-head/functional-tests/res/format.enc.ini",
			"pgp__list_0__map_created_at",
			"pgp__list_2__map_created_at",
			HUSH_EPARSE, "incomplete list" },
	};
	struct hush_buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		read_corpus(&b, cases[i].file);
		if (cases[i].to == NULL)
			flip_after(&b, cases[i].edit);
		else
			replace(&b, cases[i].edit, cases[i].to);
		flat_expect_fail(cases[i].file, &b, cases[i].code,
			cases[i].msg);
		hush_buf_dispose(&b);
	}
}

/* Every cut of a dotenv/INI vector before the end of its MAC fails. */
static void dotenv_ini_truncated(void)
{
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	struct hush_buf b;
	const char *mac;
	size_t i, cut, end;
	int error;

	for (i = 0; i < sizeof(flat_files) / sizeof(*flat_files); i++) {
		read_corpus(&b, flat_files[i]);
		expected_key(key, flat_files[i]);
		mac = strstr(b.ptr, "mac");
		T_ASSERT(mac != NULL);
		end = (size_t)(strstr(mac, "type:str]") - b.ptr) + 8;
		for (cut = 0; cut < end; cut += 7) {
			error = sops_load(&f, flat_files[i],
				(const unsigned char *)b.ptr, cut,
				SOPS_FORMAT_AUTO);
			if (error == 0) {
				error = sops__decrypt_with_key(&t, f, key, 0);
				sops_file_free(f);
				f = NULL;
			}
			if (error == 0)
				T_FAIL("%s: cut at %zu decrypted",
					flat_files[i], cut);
			T_ASSERT(t == NULL);
		}
		hush_buf_dispose(&b);
	}
}

static void dotenv_ini_malformed(void)
{
	static const struct {
		const char *name, *text, *msg;
		int code;
	} cases[] = {
		{ "a.env", "a=b\nnokey\n", "a.env: line 2: invalid dotenv",
			HUSH_EPARSE },
		{ "a.env", "a=b\nsops_age__list_1__map_enc=x\n"
			"sops_lastmodified=2022-03-15T22:11:15Z\n",
			"incomplete list", HUSH_EPARSE },
		{ "a.env", "sops_version=1\nsops_version=2\n",
			"a.env: line 2: duplicate or conflicting", HUSH_EPARSE },
		{ "a.env", "sops_age__list_0__map_enc=x\nsops_age__map_x=y\n",
			"line 2: duplicate or conflicting", HUSH_EPARSE },
		{ "a.env", "sops_age__list_99999__map_enc=x\n",
			"out of range", HUSH_EPARSE },
		{ "a.env", "sops_age__list_x=x\n", "bad list index",
			HUSH_EPARSE },
		{ "a.env", "a=1\na=2\nsops_version=1\n",
			"line 2: duplicate key", HUSH_EPARSE },
		{ "a.env", "a=1\nsops_age__list_0__map_enc=x\n",
			"lastmodified", HUSH_EPARSE },
		{ "a.ini", "[a\nx=1\n", "a.ini: line 1: unclosed section",
			HUSH_EPARSE },
		{ "a.ini", "[sops]\nversion=1\n[sops]\n",
			"line 3: duplicate section", HUSH_EPARSE },
		{ "a.ini", "[a]\nx=1\nx=2\n", "line 3: duplicate key",
			HUSH_EPARSE },
		{ "a.ini", "[a]\nx\n", "line 2: no '='", HUSH_EPARSE },
		{ "a.ini", "[a]\n=1\n", "line 2: empty key", HUSH_EPARSE },
		{ "a.ini", "[sops]\nenc = \"\"\"abc\ndef\n",
			"missing closing", HUSH_EPARSE },
		{ "a.ini", "[a]\nx=1\n", "no sops metadata", HUSH_EPARSE },
	};
	struct sops_file *f = NULL;
	size_t i;
	int error;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		error = sops_load(&f, cases[i].name,
			(const unsigned char *)cases[i].text,
			strlen(cases[i].text), SOPS_FORMAT_AUTO);
		if (error != cases[i].code ||
		    strstr(hush_err_msg(), cases[i].msg) == NULL)
			T_FAIL("case %zu: got %d \"%s\"", i, error,
				hush_err_msg());
		T_ASSERT(f == NULL);
	}
}

/* ini.v1 value forms, and a dotenv `\n` escape, as loaded. */
static void dotenv_ini_forms(void)
{
	static const char ini[] =
		"; head\nk0 = v0\n[s] ; sec\n"
		"a = \"q\"\nb = 'q' # c\nc : x;y\nd = `m\n"
		"n` tail\ne = a\\\n  b\n\n"
		"[sops]\nage__list_0__map_enc = x\\ny\n"
		"lastmodified = 2022-03-15T22:11:15Z\n"
		"encrypted_regex = ^nomatch$\n";
	static const char env[] =
		"#c\nk_unencrypted=a\\nb\nsops_age__list_0__map_enc=x\n"
		"sops_lastmodified=2022-03-15T22:11:15Z\n";
	static const struct {
		const char *path, *want;
	} iv[] = {
		{ "DEFAULT.k0", "v0" }, { "s.a", "q" }, { "s.b", "q" },
		{ "s.c", "x" }, { "s.d", "m\nn" }, { "s.e", "ab" },
	};
	unsigned char key[SOPS_DATA_KEY_BYTES];
	struct sops_file *f = load_text("f.ini", ini, strlen(ini));
	struct sops_tree *t = NULL;
	const struct sops_node *n = NULL;
	size_t i;

	memset(key, 7, sizeof(key));
	T_OK(sops__decrypt_with_key(&t, f, key, SOPS_IGNORE_MAC));
	T_ASSERT(!sops_tree_mac_ok(t));
	for (i = 0; i < sizeof(iv) / sizeof(*iv); i++) {
		T_OK(sops_tree_lookup(&n, t, iv[i].path));
		T_ASSERT(!n->encrypted);
		T_EQ_INT(n->value->len, strlen(iv[i].want));
		T_EQ_MEM(n->value->data, iv[i].want, strlen(iv[i].want));
	}
	n = sops_tree_doc(t, 0)->child->child->next; /* k0's comment */
	T_ASSERT(n != NULL && n->kind == SOPS_COMMENT && n->key == NULL);
	T_EQ_MEM(n->value->data, "head", 4);
	sops_tree_free(t);
	t = NULL;
	sops_file_free(f);
	f = load_text("f.env", env, strlen(env));
	T_EQ_INT(sops__decrypt_with_key(&t, f, key, 0), HUSH_EAUTH);
	T_OK(sops__decrypt_with_key(&t, f, key, SOPS_IGNORE_MAC));
	T_OK(sops_tree_lookup(&n, t, "k_unencrypted"));
	T_EQ_INT(n->value->len, 3);
	T_EQ_MEM(n->value->data, "a\nb", 3);
	sops_tree_free(t);
	sops_file_free(f);
}

T_MAIN(T_CASE(age_yaml), T_CASE(age_json), T_CASE(age_each_identity),
	T_CASE(pgp_known_key), T_CASE(binary_output), T_CASE(no_mac),
	T_CASE(pgp_only), T_CASE(negatives), T_CASE(wrong_or_no_key),
	T_CASE(malformed), T_CASE(not_string), T_CASE(truncated),
	T_CASE(dotenv_ini_vectors), T_CASE(ini_comment_and_clear),
	T_CASE(dotenv_ini_negatives), T_CASE(dotenv_ini_truncated),
	T_CASE(dotenv_ini_malformed), T_CASE(dotenv_ini_forms))
