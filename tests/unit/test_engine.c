/* SPDX-License-Identifier: MIT */
/* test_engine.c - Hyperscan candidates confirmed by PCRE2, filters, decoding */
#include "digest.h"
#include "engine.h"
#include "t.h"

struct got {
	char text[16][128];
	size_t off[16];
	int decoded[16];
	size_t n;
};

static int collect(const struct engine_match *m, void *payload)
{
	struct got *g = payload;
	size_t n = m->secret_len < 127 ? m->secret_len : 127;

	T_ASSERT(g->n < 16);
	memcpy(g->text[g->n], m->secret, n);
	g->text[g->n][n] = '\0';
	g->off[g->n] = m->secret_off;
	g->decoded[g->n] = m->decoded;
	g->n++;
	return 0;
}

static const char rules_yaml[] =
	"rules:\n"
	"  - id: t.tok\n    name: token\n"
	"    pattern: '\\b(tok_[a-z0-9]{8,12})'\n"
	"    min_entropy: 2.0\n"
	"    examples: ['tok_ab12cd34']\n    negative_examples: ['tok_']\n"
	"  - id: t.pw\n    name: password\n"
	"    prefilter: '(?i)passw'\n    window: 64\n"
	"    pattern: '(?i)password\\s*=\\s*\"([^\"\\s]{8,64})\"(?!\\w)'\n"
	"    examples: ['password = \"Zq8v1LmR4tXw\"']\n"
	"    negative_examples: ['password = \"short\"']\n";

static void setup(struct rules *rs, struct engine **e, struct engine_worker **w)
{
	struct engine_opts eo = { NULL, true, true };

	T_OK(digest_init());
	rules_init(rs);
	T_OK(rules_load_buffer(rs, "t.yaml", (const unsigned char *)rules_yaml,
		strlen(rules_yaml)));
	T_OK(engine_new(e, rs, &eo));
	T_OK(engine_worker_new(w, *e));
}

static void teardown(struct rules *rs, struct engine *e, struct engine_worker *w)
{
	engine_worker_free(w);
	engine_free(e);
	rules_dispose(rs);
}

static void scan(struct engine_worker *w, const char *text, struct got *g)
{
	memset(g, 0, sizeof(*g));
	T_OK(engine_scan(w, (const unsigned char *)text, strlen(text), collect, g));
}

static void confirm_and_contain(void)
{
	struct rules rs;
	struct engine *e;
	struct engine_worker *w;
	struct got g;

	setup(&rs, &e, &w);
	/* one finding per token: shorter matches inside it are dropped */
	scan(w, "x tok_a1b2c3d4e5f6 y xtok_a1b2c3d4 tok_zz", &g);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.text[0], "tok_a1b2c3d4e5f6");
	T_EQ_INT(g.off[0], 2);
	/* entropy floor and placeholders */
	scan(w, "tok_aaaaaaaa tok_xxxxxxxxxx", &g);
	T_EQ_INT(g.n, 0);
	teardown(&rs, e, w);
}

static void prefilter_window(void)
{
	struct rules rs;
	struct engine *e;
	struct engine_worker *w;
	struct got g;

	setup(&rs, &e, &w);
	scan(w, "a\npassword = \"Zq8v1LmR4tXw\"\nPASSWORD=\"${DB}\"\n"
		"password = \"K9mF3vT8nR\" # hush:allow\n",
		&g);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.text[0], "Zq8v1LmR4tXw");
	teardown(&rs, e, w);
}

static void base64_rescan(void)
{
	struct rules rs;
	struct engine *e;
	struct engine_worker *w;
	struct got g;

	setup(&rs, &e, &w);
	/* base64 of "token: tok_q1w2e3r4t5 and more text" */
	scan(w, "data:\n  t: dG9rZW46IHRva19xMXcyZTNyNHQ1IGFuZCBtb3JlIHRleHQ=\n", &g);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.text[0], "tok_q1w2e3r4t5");
	T_EQ_INT(g.decoded[0], 1);
	T_EQ_INT(g.off[0], 11);
	teardown(&rs, e, w);
}

static void bad_rules(void)
{
	static const struct {
		const char *pattern, *want;
	} cases[] = {
		/* Hyperscan has no backreferences */
		{ "(a)\\\\1", "hyperscan rejects the pattern" },
		{ "abc", "capture group" },
		{ "(unclosed", "t.yaml:2: rule t.bad:" },
	};
	struct engine_opts eo = { NULL, true, true };
	size_t i;

	T_OK(digest_init());
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct rules rs;
		struct engine *e = NULL;
		char yaml[512];

		snprintf(yaml, sizeof(yaml),
			"rules:\n  - id: t.bad\n    name: bad\n    pattern: \"%s\"\n"
			"    examples: [a]\n    negative_examples: [b]\n",
			cases[i].pattern);
		rules_init(&rs);
		T_OK(rules_load_buffer(&rs, "t.yaml", (const unsigned char *)yaml,
			strlen(yaml)));
		T_EQ_INT(engine_new(&e, &rs, &eo), HUSH_EPARSE);
		if (!strstr(hush_err_msg(), cases[i].want))
			T_FAIL("'%s' not in '%s'", cases[i].want, hush_err_msg());
		T_ASSERT(e == NULL);
		rules_dispose(&rs);
	}
}

T_MAIN(T_CASE(confirm_and_contain), T_CASE(prefilter_window),
	T_CASE(base64_rescan), T_CASE(bad_rules))
