/* SPDX-License-Identifier: MIT */
/* test_rules.c - rule files: good ones load, bad ones name file, line and id */
#include "rules.h"
#include "t.h"

static int load(struct rules *rs, const char *yaml)
{
	return rules_load_buffer(rs, "t.yaml", (const unsigned char *)yaml,
		strlen(yaml));
}

#define RULE(id, extra)                                                       \
	"  - id: " id "\n    name: N\n    pattern: 'tok_([a-z0-9]{8})'\n"   \
	"    examples: ['tok_ab12cd34']\n    negative_examples: ['tok_']\n"   \
	extra

static void load_ok(void)
{
	struct rules rs;

	rules_init(&rs);
	T_OK(load(&rs, "rules:\n" RULE("a.one", "    severity: critical\n"
						  "    min_entropy: 2.5\n")
			       RULE("a.two", "    keywords: [tok_]\n")));
	T_EQ_INT(rs.len, 2);
	T_EQ_STR(rs.v[0].id, "a.one");
	T_EQ_INT(rs.v[0].severity, RULE_SEV_CRITICAL);
	T_ASSERT(rs.v[0].min_entropy == 2.5);
	T_EQ_INT(rs.v[1].keywords.len, 1);
	T_EQ_INT(rs.v[1].line, 9);
	T_OK(rules_check_unique(&rs));
	rules_dispose(&rs);
}

static void load_dup_id(void)
{
	struct rules rs;

	rules_init(&rs);
	T_OK(load(&rs, "rules:\n" RULE("a.one", "") RULE("a.one", "")));
	T_EQ_INT(rules_check_unique(&rs), HUSH_EPARSE);
	T_EQ_STR(hush_err_msg(),
		"t.yaml:7: rule a.one: duplicate id (first defined at t.yaml:2)");
	rules_dispose(&rs);
}

static void load_bad_yaml(void)
{
	struct rules rs;

	rules_init(&rs);
	T_EQ_INT(load(&rs, "rules:\n  - id: [unclosed\n"), HUSH_EPARSE);
	T_ASSERT(strstr(hush_err_msg(), "t.yaml:") == hush_err_msg());
	T_ASSERT(strstr(hush_err_msg(), "yaml error") != NULL);
	T_EQ_INT(rs.len, 0);
	rules_dispose(&rs);
}

static void load_missing(void)
{
	static const struct {
		const char *yaml, *want;
	} cases[] = {
		{ "rules:\n  - id: a.b\n    pattern: 'x(y)'\n    examples: [xy]\n"
		  "    negative_examples: [x]\n",
			"t.yaml:2: rule a.b: rule has no 'name'" },
		{ "rules:\n  - id: a.b\n    name: N\n    pattern: 'x(y)'\n"
		  "    negative_examples: [x]\n",
			"t.yaml:2: rule a.b: rule has no 'examples'" },
		{ "rules:\n  - name: N\n", "t.yaml:2: rule has no 'id'" },
		{ "rules:\n  - id: A.B\n", "t.yaml:2: rule A.B: id must be lowercase "
					   "letters, digits, '.', '_' or '-'" },
		{ "rules:\n" RULE("a.b", "    colour: red\n"),
			"t.yaml:7: rule a.b: unknown key 'colour'" },
		{ "rules:\n" RULE("a.b", "    severity: huge\n"),
			"t.yaml:7: rule a.b: severity must be critical, high, medium or low" },
		{ "rules: 3\n", "t.yaml:1: 'rules' must be a list" },
	};
	struct rules rs;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		rules_init(&rs);
		T_EQ_INT(load(&rs, cases[i].yaml), HUSH_EPARSE);
		T_EQ_STR(hush_err_msg(), cases[i].want);
		T_EQ_INT(rs.len, 0);
		rules_dispose(&rs);
	}
}

static void keep_only(void)
{
	struct rules rs;
	struct strlist ids = { NULL, 0 };

	rules_init(&rs);
	T_OK(load(&rs, "rules:\n" RULE("a.one", "") RULE("a.two", "")
			       RULE("a.three", "")));
	T_OK(strlist_add(&ids, "a.three,a.one", 13));
	T_OK(rules_keep_only(&rs, &ids));
	T_EQ_INT(rs.len, 2);
	T_EQ_STR(rs.v[1].id, "a.three");
	strlist_dispose(&ids);
	rules_dispose(&rs);
}

T_MAIN(T_CASE(load_ok), T_CASE(load_dup_id), T_CASE(load_bad_yaml),
	T_CASE(load_missing), T_CASE(keep_only))
